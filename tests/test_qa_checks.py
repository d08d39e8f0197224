"""The QA check registry: each check on its own, listing and skipping."""

from __future__ import annotations

import json
import shutil

import pytest

from translator import qa
from translator.errors import UsageError
from translator.glossary import DNT, Rule, TermRules

from .conftest import SAMPLES

# One pair per check that this check, and no other error check, must flag.
FIRES = {
    "empty-target": ("The council met on Monday.", "   ", "en", "fr"),
    "numbers": ("The bridge cost 1,200 euros.", "Le pont a coûté 1 300 euros.", "en", "fr"),
    "number-in-words": ("He had 3 boats.", "Il avait trois bateaux.", "en", "fr"),
    "protected-spans": (
        "Read https://example.org/report now.",
        "Lisez le rapport maintenant.",
        "en",
        "fr",
    ),
    "markup": ("The **new** bridge opened.", "Le nouveau pont a ouvert.", "en", "fr"),
    "untranslated": (
        "The council approved the new library on Wednesday evening.",
        "The council approved the new library on Wednesday evening.",
        "en",
        "fr",
    ),
    "wrong-language": (
        "The council approved the new library on Wednesday evening after a long debate.",
        "Der Rat hat die neue Bibliothek am Mittwochabend nach einer langen Debatte gebilligt.",
        "en",
        "fr",
    ),
    "repetition": (
        "The market opens at dawn.",
        "Le marché ouvre ouvre ouvre ouvre à l'aube.",
        "en",
        "fr",
    ),
    "unsafe-markup": (
        "The council met on Monday.",
        "Le conseil s'est réuni lundi, voir javascript:alert().",
        "en",
        "fr",
    ),
    "empty-link": (
        "Read [the guide](https://example.org/guide) before the meeting.",
        "Lisez avant la réunion [ ](https://example.org/guide)",
        "en",
        "fr",
    ),
    "control-characters": (
        "The council met on Monday.",
        "Le conseil s'est réuni\x01 lundi.",
        "en",
        "fr",
    ),
    "length-ratio": (
        "The council met on Monday evening.",
        "Le conseil municipal s'est réuni lundi soir pour discuter longuement du budget, "
        "des routes, des écoles, des parcs, de la bibliothèque, du marché couvert et de "
        "beaucoup d'autres sujets importants pour la ville entière.",
        "en",
        "fr",
    ),
    # numbers inside a right-to-left override: shown mirrored ("2.3", "00:11")
    "bidi": (
        "Sales rose by 3.2 million euros before 11:00 on Monday.",
        "\u202eارتفعت المبيعات بمقدار 3.2 مليون يورو قبل الساعة 11:00 يوم الاثنين.\u202c",
        "en",
        "ar",
    ),
    # a name the glossary keeps as written, lost in the target
    "glossary": (
        "Stone met the council on Monday.",
        "Pierre a rencontré le conseil lundi.",
        "en",
        "fr",
        TermRules([Rule(DNT, "Stone", "")]),
    ),
}


def _check(check_id, **options):
    source, target, src, tgt, *terms = FIRES[check_id]
    return qa.check_pair(
        0, 1, source, target, src, tgt, terms=terms[0] if terms else None, **options
    )


def _ids(findings):
    return [f.check for f in findings]


def test_every_registered_check_has_a_case_here():
    segment_checks = {c.id for c in qa.CHECKS.values() if c.scope == "segment"}
    assert segment_checks == set(FIRES)
    assert {c.id for c in qa.CHECKS.values() if c.scope == "document"} == {
        "segment-count",
        "structure",
        "unknown-words",
    }


@pytest.mark.parametrize("check_id", sorted(FIRES))
def test_each_check_fires_on_its_own_defect(check_id):
    found = _check(check_id)
    assert check_id in _ids(found)
    severity = qa.CHECKS[check_id].severity
    assert all(f.severity == severity for f in found if f.check == check_id)
    errors = {f.check for f in found if f.severity == qa.ERROR}
    assert errors <= {check_id}, found


@pytest.mark.parametrize("check_id", sorted(FIRES))
def test_each_check_can_be_skipped_alone(check_id):
    kept = _check(check_id, skip=frozenset({check_id}))
    assert check_id not in _ids(kept)


def test_every_check_is_documented_with_a_known_severity():
    for c in qa.CHECKS.values():
        assert c.severity in (qa.ERROR, qa.WARNING)
        assert c.description and c.description.endswith("."), c.id


def test_segment_count_is_a_document_check():
    from translator.alignment import Alignment

    al = Alignment([(1, "paragraph", "One.", "Un.")], "en", "fr", False, False, 2, 1)
    assert _ids(qa.check_alignment(al)) == ["segment-count"]
    assert qa.check_alignment(al, frozenset({"segment-count"})) == []


def test_structure_is_a_document_check_on_markdown_bodies():
    from translator.alignment import Alignment

    source = "# A\n\n## B\n\nSee [x](https://x.org) and `y`.\n\n| a | b |\n|---|---|\n| c | d |\n"
    target = "# A\n\nB\n\nSee x and `z`.\n\n| a |\n|---|\n| c |\n"
    al = Alignment([], "en", "fr", False, True, 0, 0, source, target)
    messages = [f.message for f in qa.check_alignment(al) if f.check == "structure"]
    assert any("headings differ: the source has h1, h2, the variant h1" in m for m in messages)
    assert any("'https://x.org' is missing" in m for m in messages)
    assert any("code span 'y' is missing" in m for m in messages)
    assert any("tables differ" in m for m in messages)
    same = Alignment([], "en", "fr", False, True, 0, 0, source, source)
    assert qa.check_alignment(same) == []


def test_unknown_check_ids_are_usage_errors():
    with pytest.raises(UsageError, match="unknown QA check nope"):
        qa.parse_skip("numbers,nope")
    assert qa.parse_skip(None) == frozenset()


def test_list_checks(run_cli):
    result = run_cli("qa", "--list-checks")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert [line.split()[0] for line in lines] == list(qa.CHECKS)
    assert lines[1].split()[:2] == ["numbers", "error"]
    data = json.loads(run_cli("qa", "--list-checks", "--format", "json").stdout)
    assert {d["id"]: d["severity"] for d in data} == {c.id: c.severity for c in qa.CHECKS.values()}


def test_qa_without_files_is_a_usage_error(run_cli):
    result = run_cli("qa")
    assert result.exit_code == 2 and "SOURCE and a VARIANT" in result.stderr


def _broken_numbers_variant(run_cli, tmp_path, monkeypatch):
    shutil.copytree(SAMPLES, tmp_path / "samples")
    monkeypatch.chdir(tmp_path)
    args = ["localize", "samples/scraped-ticker.txt", "--to", "de", "--engine", "pseudo"]
    assert run_cli(*args, "--out", "out").exit_code == 0
    variant = tmp_path / "out" / "scraped-ticker.de.md"
    text = variant.read_text(encoding="utf-8").replace("3,500", "3,600")
    variant.write_text(text, encoding="utf-8")
    return variant


def test_skip_in_qa(run_cli, tmp_path, monkeypatch):
    variant = _broken_numbers_variant(run_cli, tmp_path, monkeypatch)
    assert run_cli("qa", "samples/scraped-ticker.txt", variant).exit_code == 1
    skipped = run_cli("qa", "samples/scraped-ticker.txt", variant, "--skip", "numbers")
    assert skipped.exit_code == 0 and "numbers" not in skipped.stdout
    bad = run_cli("qa", "samples/scraped-ticker.txt", variant, "--skip", "numbrs")
    assert bad.exit_code == 2 and "--list-checks" in bad.stderr


def test_skip_in_localize_changes_the_recorded_summary(run_cli, tmp_path, monkeypatch):
    from translator.variants import read_metadata

    shutil.copytree(SAMPLES, tmp_path / "samples")
    monkeypatch.chdir(tmp_path)
    # pseudo Japanese is much longer than Japanese: length-ratio warnings
    args = ["localize", "samples/fr-marche.md", "--to", "ja", "--engine", "pseudo"]
    assert run_cli(*args, "--out", "a").exit_code == 0
    assert run_cli(*args, "--out", "b", "--skip", "length-ratio,number-in-words").exit_code == 0
    full = read_metadata(tmp_path / "a" / "fr-marche.ja.md")["qa"]
    lean = read_metadata(tmp_path / "b" / "fr-marche.ja.md")["qa"]
    assert lean["warnings"] == 0 and lean["errors"] == full["errors"]
    assert full["warnings"] > 0, "the sample should carry a warning for this test to mean anything"
    assert run_cli(*args, "--out", "c", "--skip", "bogus").exit_code == 2
    assert not (tmp_path / "c").exists()


def test_skip_in_preview(run_cli, tmp_path, monkeypatch):
    variant = _broken_numbers_variant(run_cli, tmp_path, monkeypatch)
    out = tmp_path / "p.html"
    assert run_cli("preview", "samples/scraped-ticker.txt", variant, "-o", out).exit_code == 0
    assert "3,500 in the source has no match" in out.read_text(encoding="utf-8")
    args = ["preview", "samples/scraped-ticker.txt", variant, "-o", out, "--skip", "numbers"]
    assert run_cli(*args).exit_code == 0
    assert "3,500 in the source has no match" not in out.read_text(encoding="utf-8")
