"""A seeded-defect corpus: every injected defect caught, no error on clean pairs."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from translator.qa import check_pair, numbers

from .qa_corpus import CLEAN

WORDS = {"fr": "trois", "de": "drei", "es": "tres", "it": "tre", "pt": "três", "en": "three"}


def _inject(kind: str, pair) -> str | None:
    """The target with one defect of *kind*, or None when this pair cannot carry it."""
    src_lang, tgt_lang, source, target = pair
    if kind == "numbers":
        digits = target.translate(str.maketrans("٠١٢٣٤٥٦٧٨٩", "0123456789"))
        tokens = numbers(digits)
        if not tokens:
            return None
        first = tokens[0]
        return digits.replace(first, first[:-1] + str((int(first[-1]) + 7) % 10), 1)
    if kind == "protected-spans":
        m = re.search(r"https?://\S+[\w/]|[\w.+-]+@[\w-]+\.\w+|\{\w+\}|%\(\w+\)s", target)
        return target.replace(m.group(0), "", 1) if m else None
    if kind == "markup":
        for marker in ("**", "*", "]("):
            if marker in target:
                return target.replace(marker, " " if marker == "](" else "", 1)
        return None
    if kind == "untranslated":
        return source if src_lang != tgt_lang and len(source.split()) > 3 else None
    if kind == "wrong-language":
        other = next(
            (p for p in CLEAN if p[1] not in (tgt_lang,) and len(p[3]) > 50 and p[1] != src_lang),
            None,
        )
        if other is None or len(source) < 40:
            return None
        return (
            re.sub(r"\d+", "0", other[3])
            if not re.search(r"\d", source)
            else _with_numbers(other[3], source)
        )
    if kind == "repetition":
        return target.rstrip(".。") + " report report report report."
    if kind == "empty-target":
        return ""
    if kind == "length-ratio":
        return (
            target + " " + " ".join(f"word{i}" for i in range(len(target) // 2))
            if len(source) >= 20
            else None
        )
    if kind == "number-in-words":
        lone_three = r"(?<![\d.,])3(?![\d.,]|\s\d{3})"
        if tgt_lang not in WORDS or not re.search(lone_three, target):
            return None
        return re.sub(lone_three, WORDS[tgt_lang], target, count=1)
    raise AssertionError(kind)


def _with_numbers(text: str, source: str) -> str:
    """Text in another language carrying the source's numbers, so only the language is wrong."""
    text = re.sub(r"\d[\d.,]*", "", text)
    return text + " " + " ".join(re.findall(r"\d[\d.,]*\d|\d", source))


KINDS = [
    "numbers", "protected-spans", "markup", "untranslated", "wrong-language",
    "repetition", "empty-target", "length-ratio", "number-in-words",
]  # fmt: skip


def test_clean_pairs_have_no_errors():
    false_errors = []
    for i, (src_lang, tgt_lang, source, target) in enumerate(CLEAN):
        for f in check_pair(i, 1, source, target, src_lang, tgt_lang):
            if f.severity == "error":
                false_errors.append((source, f.check, f.message))
    assert false_errors == []


def test_every_injected_defect_is_caught():
    table: dict[str, Counter] = {kind: Counter() for kind in KINDS}
    missed = []
    for kind in KINDS:
        for i, pair in enumerate(CLEAN):
            defective = _inject(kind, pair)
            if defective is None:
                continue
            table[kind]["injected"] += 1
            findings = check_pair(i, 1, pair[2], defective, pair[0], pair[1])
            if any(f.check == kind for f in findings):
                table[kind]["caught"] += 1
            else:
                missed.append((kind, pair[2], defective, [f.check for f in findings]))
    report = "\n".join(f"{k:16s} {c['caught']:3d}/{c['injected']:3d}" for k, c in table.items())
    print("\ncaught / injected per check\n" + report)
    assert missed == []
    assert all(c["injected"] >= 1 for c in table.values()), report


def test_severities():
    [words] = check_pair(0, 1, "He had 3 boats.", "Il avait trois bateaux.", "en", "fr")
    assert (words.check, words.severity) == ("number-in-words", "warning")
    long_target = "Le conseil municipal s'est finalement réuni lundi soir, après des semaines de débats animés sur le budget."
    ratio = check_pair(0, 1, "The council met on Monday evening.", long_target, "en", "fr")
    assert [(f.check, f.severity) for f in ratio] == [("length-ratio", "warning")]


@pytest.mark.parametrize(
    "source, target",
    [
        ("It costs 1,000.5 euros.", "Es kostet 1.000,5 Euro."),
        ("It costs 1,000.5 euros.", "Il coûte 1 000,5 euros."),
        ("It costs 1,000.5 euros.", "يكلف ١٠٠٠٫٥ يورو."),
        ("It costs 12.5 dinars.", "Cela coûte ۱۲٫۵ dinars."),
    ],
)
def test_numbers_are_locale_aware(source, target):
    assert [f for f in check_pair(0, 1, source, target, "en", "xx") if f.check == "numbers"] == []


def test_version_numbers_must_match_byte_for_byte():
    [finding] = [
        f
        for f in check_pair(
            0, 1, "Version 0.85.x is out.", "La version 0,85 x est sortie.", "en", "fr"
        )
        if f.check == "numbers"
    ]
    assert "0.85.x" in finding.message


def test_pseudo_skips_the_language_check_but_not_untranslated():
    same = "The council approved the new library on Wednesday evening."
    # pseudo-localization exists to catch text that was never translated
    assert [f.check for f in check_pair(0, 1, same, same, "en", "fr", pseudo=True)] == [
        "untranslated"
    ]
    assert [f.check for f in check_pair(0, 1, same, same, "en", "fr")] == ["untranslated"]
    pseudo = "[Ŧħḗ ƈǿŭƞƈīŀ ȧƥƥřǿṽḗḓ ŧħḗ ƞḗẇ ŀīƀřȧřẏ ǿƞ Ẇḗḓƞḗşḓȧẏ ḗṽḗƞīƞɠ. ~~~~~~~~~~~]"
    assert check_pair(0, 1, same, pseudo, "en", "fr", pseudo=True) == []
    arabic = "ارتفاع أسعار الخضار في الأسواق المحلية"  # pseudo marks, letters unchanged
    assert check_pair(0, 1, arabic, f"[{arabic} ~~~~~~]", "ar", "fr", pseudo=True) == []
    person = "Le conseil a approuvé la nouvelle bibliothèque mercredi soir."
    assert check_pair(0, 1, same, person, "en", "fr", pseudo=True) == []  # a person's text
    english = "[Ŧħḗ ƈǿŭƞƈīŀ ~~] reads like English in the wrong language"
    assert "wrong-language" not in {
        f.check for f in check_pair(0, 1, same, english, "en", "fr", pseudo=True)
    }


def test_qa_command(run_cli, tmp_path, monkeypatch):
    import shutil

    from .conftest import SAMPLES

    shutil.copytree(SAMPLES, tmp_path / "samples")
    monkeypatch.chdir(tmp_path)
    assert (
        run_cli(
            "localize",
            "samples/scraped-ticker.txt",
            "--to",
            "de",
            "--engine",
            "pseudo",
            "--out",
            "out",
        ).exit_code
        == 0
    )
    variant = tmp_path / "out" / "scraped-ticker.de.md"
    assert run_cli("qa", "samples/scraped-ticker.txt", variant).exit_code == 0
    variant.write_text(
        variant.read_text(encoding="utf-8").replace("3,500", "3,600"), encoding="utf-8"
    )
    result = run_cli("qa", "samples/scraped-ticker.txt", variant)
    assert result.exit_code == 1
    assert (
        "segment 2: error: numbers: 3,500 in the source has no match in the target (target numbers left: 3,600)"
        in result.stdout
    )
    lines = variant.read_text(encoding="utf-8").split("\n")
    del lines[-3]  # drop the last paragraph
    variant.write_text("\n".join(lines), encoding="utf-8")
    result = run_cli("qa", "samples/scraped-ticker.txt", variant, "--format", "json")
    assert "segment-count" in {
        f["check"] for f in __import__("json").loads(result.stdout)["findings"]
    }


def test_a_paragraph_left_in_english_in_a_pseudo_variant_fails_qa(run_cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    english = "The harbour committee met on Monday to discuss the ferry timetable."
    (tmp_path / "post.md").write_text(
        "---\ntitle: Ferry news\n---\n\n# Ferry news\n\n"
        "The council approved the new library on Wednesday evening.\n\n"
        f"{english}\n",
        encoding="utf-8",
    )
    args = ["localize", "post.md", "--to", "fr", "--engine", "pseudo", "--out", "out"]
    assert run_cli(*args).exit_code == 0
    variant = tmp_path / "out" / "post.fr.md"
    lines = variant.read_text(encoding="utf-8").split("\n")
    number = next(i for i, ln in enumerate(lines) if ln.startswith("[Ŧħḗ ħȧřƀǿŭř"))
    lines[number] = english  # the paragraph was never translated
    variant.write_text("\n".join(lines), encoding="utf-8")
    result = run_cli("qa", "post.md", "out/post.fr.md")
    assert result.exit_code == 1
    found = [ln for ln in result.stdout.splitlines() if "untranslated" in ln]
    assert len(found) == 1 and found[0].startswith("post.md:9:"), result.stdout


@pytest.mark.parametrize("fmt", ["md", "html", "json"])
def test_localize_and_qa_count_the_same_findings(run_cli, tmp_path, monkeypatch, fmt):
    import json
    import shutil

    from translator.variants import read_metadata

    from .conftest import SAMPLES

    shutil.copytree(SAMPLES, tmp_path / "samples")
    monkeypatch.chdir(tmp_path)
    args = ["localize", "samples", "--to", "fr,ar", "--engine", "pseudo", "--out", "out"]
    assert run_cli(*args, "--format", fmt).exit_code in (0, 1)
    for variant in sorted((tmp_path / "out").iterdir()):
        recorded = read_metadata(variant)["qa"]
        source = next((tmp_path / "samples").glob(variant.name.split(".")[0] + ".*"))
        checked = run_cli("qa", str(source), str(variant), "--format", "json")
        summary = json.loads(checked.stdout)["summary"]
        assert (summary["errors"], summary["warnings"]) == (
            recorded["errors"],
            recorded["warnings"],
        ), variant.name


def test_qa_warns_when_given_another_source(run_cli, tmp_path, monkeypatch):
    import shutil

    from .conftest import SAMPLES

    shutil.copytree(SAMPLES, tmp_path / "samples")
    monkeypatch.chdir(tmp_path)
    args = ["localize", "samples", "--to", "fr", "--engine", "pseudo", "--out", "out"]
    assert run_cli(*args).exit_code == 0
    wrong = run_cli("qa", "samples/es-incendio.txt", "out/de-fahrrad.fr.md")
    assert "records samples/de-fahrrad.md as its source" in wrong.stderr
    strict = run_cli("qa", "samples/es-incendio.txt", "out/de-fahrrad.fr.md", "--strict")
    assert strict.exit_code == 1
    right = run_cli("qa", "samples/de-fahrrad.md", "out/de-fahrrad.fr.md", "--strict")
    assert right.exit_code == 0 and "warning:" not in right.stderr
