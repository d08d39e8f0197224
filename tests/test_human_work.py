"""Human work is never lost, never leaks and never skips the checks.

One test per way it was lost before (thirteen reproductions):
a person's own file at a variant's path, locales sharing one memory pair,
two articles sharing one sentence, merged sentences, edits and imports
during a run, CAT-tool language tags, unchecked human text, control
characters, exports over a translator's work, gates that disagreed,
exports of articles already in the target's language, and one memory for
every project on the machine.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from translator.engines.pseudo import pseudo_localize
from translator.locales import parse_locales
from translator.localize import LocalizeOptions, localize
from translator.memory import HumanEntry, Memory
from translator.progress import Progress

A = """---
title: Budget vote
---

The council approved the budget on Monday. The vote was close.

The mayor will speak to residents next week.
"""
B = """---
title: Library plans
---

The new library opens in spring.

The mayor will speak to residents next week.
"""
MAYOR = "The mayor will speak to residents next week."
FIRST = "The council approved the budget on Monday."
SECOND = "The vote was close."


def shown(sentence: str) -> str:
    """A sentence as the pseudo engine writes it in a variant."""
    return pseudo_localize(sentence)


@pytest.fixture
def site(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "a.md").write_text(A, encoding="utf-8")
    (tmp_path / "site" / "b.md").write_text(B, encoding="utf-8")
    return tmp_path


def _localize(run_cli, *extra, to="fr,fr-CA", path="site"):
    return run_cli(
        "localize", path, "--to", to, "--engine", "pseudo", "--cache", "m.sqlite3", *extra
    )  # fmt: skip


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (old, text)
    path.write_text(text.replace(old, new), encoding="utf-8")


def _human(cache: Path) -> list[tuple[str, str, str, str, str]]:
    db = sqlite3.connect(cache)
    try:
        return sorted(
            db.execute(
                "SELECT source, target, locale, article, scope FROM memory WHERE origin = 'human'"
            )
        )
    finally:
        db.close()


# 1. a person's existing translation is taken in, never clobbered


PERSON = """---
title: Le vote du budget
---

Le conseil a approuvé le budget lundi. Le vote était serré.

Le maire parlera aux habitants la semaine prochaine.
"""


def test_a_person_s_file_in_the_dir_layout_is_taken_in_as_theirs(tmp_path, monkeypatch, run_cli):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "content" / "en" / "news").mkdir(parents=True)
    (tmp_path / "content" / "fr" / "news").mkdir(parents=True)
    (tmp_path / "content" / "en" / "news" / "budget.md").write_text(A, encoding="utf-8")
    theirs = tmp_path / "content" / "fr" / "news" / "budget.md"
    theirs.write_text(PERSON, encoding="utf-8")
    args = ["localize", "content/en", "--to", "fr", "--layout", "dir", "--out", "content"]
    result = run_cli(*args, "--engine", "pseudo", "--cache", "m.sqlite3")
    assert result.exit_code == 0, result.stderr
    assert "taken in as theirs" in result.stderr
    text = theirs.read_text(encoding="utf-8")
    assert 'title: "Le vote du budget"' in text or "title: Le vote du budget" in text
    assert "Le conseil a approuvé le budget lundi. Le vote était serré." in text
    assert "Le maire parlera aux habitants la semaine prochaine." in text
    assert "engine: pseudo" in text and "[" not in text.split("---", 2)[2]
    assert re.search(r"review: \{segments: 4, human: 4\}", text)
    # the original is kept beside the memory
    (copy,) = (tmp_path / "adopted").rglob("budget.md")
    assert copy.read_text(encoding="utf-8") == PERSON
    # the next run keeps it as it is
    again = run_cli(*args, "--engine", "pseudo", "--cache", "m.sqlite3")
    assert again.exit_code == 0 and theirs.read_text(encoding="utf-8") == text


def test_a_person_s_file_that_does_not_line_up_is_left_alone_then_forced(site, run_cli):
    theirs = site / "site" / "a.fr.md"
    person = "---\ntitle: Le vote\n---\n\nUn seul paragraphe, écrit à la main.\n"
    theirs.write_text(person, encoding="utf-8")
    result = _localize(run_cli, to="fr")
    assert result.exit_code == 1
    assert "a.fr.md: a translation written by a person is there" in result.stderr
    assert theirs.read_text(encoding="utf-8") == person
    assert (site / "site" / "b.fr.md").is_file()  # the other article goes on
    forced = _localize(run_cli, "--force", to="fr")
    assert forced.exit_code == 0 and "--force replaces it, a copy is in" in forced.stderr
    (copy,) = (site / "edited").rglob("a.fr.md")
    assert copy.read_text(encoding="utf-8") == person
    assert "Un seul paragraphe" not in theirs.read_text(encoding="utf-8")


# 2. fr and fr-CA keep their own human translations


def test_locales_keep_their_own_human_translations(site, run_cli):
    assert _localize(run_cli).exit_code == 0
    quebec = site / "site" / "a.fr-ca.md"
    france = site / "site" / "a.fr.md"
    _edit(quebec, shown(FIRST), "Le conseil a adopté le budget lundi, là.")
    assert _localize(run_cli).exit_code == 0
    assert "adopté" not in france.read_text(encoding="utf-8")
    _edit(france, shown(FIRST), "Le conseil a voté le budget lundi.")
    assert _localize(run_cli).exit_code == 0
    assert "Le conseil a adopté le budget lundi, là." in quebec.read_text(encoding="utf-8")
    assert "Le conseil a voté le budget lundi." in france.read_text(encoding="utf-8")
    locales = {(row[0], row[2]) for row in _human(site / "m.sqlite3")}
    assert locales == {(FIRST, "fr-ca"), (FIRST, "fr")}


# 3. one sentence, two articles, two human versions


def test_two_articles_keep_their_own_version_of_a_shared_sentence(site, run_cli):
    assert _localize(run_cli, to="fr").exit_code == 0
    a, b = site / "site" / "a.fr.md", site / "site" / "b.fr.md"
    _edit(a, shown(MAYOR), "Le maire s'adressera aux habitants la semaine prochaine.")
    _edit(b, shown(MAYOR), "Le maire parlera aux habitants la semaine prochaine.")
    for _ in range(3):
        assert _localize(run_cli, to="fr").exit_code == 0
    assert "Le maire s'adressera aux habitants" in a.read_text(encoding="utf-8")
    assert "Le maire parlera aux habitants" in b.read_text(encoding="utf-8")
    # reported, not failed
    report = run_cli("coverage", "site", "--locales", "fr", "--format", "json")
    assert report.exit_code == 0
    assert json.loads(report.stdout)["locales"]["fr"]["inconsistent"] == 2


def test_another_article_s_human_translation_answers_where_this_one_has_none(site, run_cli):
    assert _localize(run_cli, to="fr").exit_code == 0
    b = site / "site" / "b.fr.md"
    _edit(b, shown(MAYOR), "Le maire parlera aux habitants la semaine prochaine.")
    os.utime(site / "site" / "a.fr.md", (1, 1))  # written long before the edit
    assert _localize(run_cli, to="fr").exit_code == 0
    assert _localize(run_cli, to="fr").exit_code == 0
    assert "Le maire parlera" in (site / "site" / "a.fr.md").read_text(encoding="utf-8")
    # and a's own later version never rewrites b's
    a = site / "site" / "a.fr.md"
    _edit(a, "Le maire parlera", "Le maire s'adressera")
    assert _localize(run_cli, to="fr").exit_code == 0
    assert "Le maire parlera" in b.read_text(encoding="utf-8")


# 4. sentences merged or split: the block is kept whole


def test_merged_sentences_are_kept_as_one_block_and_the_rest_still_updates(site, run_cli):
    assert _localize(run_cli, to="fr").exit_code == 0
    variant = site / "site" / "a.fr.md"
    merged = "Le conseil a approuvé de justesse le budget lundi."
    _edit(variant, f"{shown(FIRST)} {shown(SECOND)}", merged)
    result = _localize(run_cli, to="fr")
    assert result.exit_code == 0, result.stderr
    assert merged in variant.read_text(encoding="utf-8")
    scopes = {(row[0], row[4]) for row in _human(site / "m.sqlite3")}
    assert (f"{FIRST} {SECOND}", "block") in scopes
    # another paragraph of the source changes: it reaches the variant, the block stays
    _edit(site / "site" / "a.md", MAYOR, "The mayor will speak to residents on Friday.")
    result = _localize(run_cli, to="fr")
    assert result.exit_code == 0, result.stderr
    text = variant.read_text(encoding="utf-8")
    assert merged in text and shown("The mayor will speak to residents on Friday.") in text


def test_a_split_sentence_is_kept_as_one_block(site, run_cli):
    assert _localize(run_cli, to="fr").exit_code == 0
    variant = site / "site" / "a.fr.md"
    split = "Le conseil a approuvé le budget. C'était lundi. Le vote était serré."
    _edit(variant, f"{shown(FIRST)} {shown(SECOND)}", split)
    assert _localize(run_cli, to="fr").exit_code == 0
    assert split in variant.read_text(encoding="utf-8")


# 5 and 6. edits and imports that arrive while a run is going


class _Midway(Progress):
    """Does something once, when the first variant of the run has been written
    (every variant of the chunk has been planned by then)."""

    def __init__(self, action):
        super().__init__()
        self.action = action
        self.done = False

    def variant(self, path: str, state: str) -> None:
        super().variant(path, state)
        if state == "written" and not self.done:
            self.done = True
            self.action(path)


def _options(site: Path, **kw) -> LocalizeOptions:
    return LocalizeOptions(
        targets=parse_locales("fr"), engine="pseudo", cache=str(site / "m.sqlite3"), **kw
    )


def test_an_edit_saved_during_a_run_is_never_overwritten(site, run_cli):
    assert _localize(run_cli, to="fr").exit_code == 0
    for name in ("a.md", "b.md"):  # both sources change: both variants are rewritten
        _edit(site / "site" / name, "next week", "next month")
    b = site / "site" / "b.fr.md"
    saved = {}

    def edit_b(first_written: str) -> None:
        assert first_written.endswith("a.fr.md")
        _edit(b, shown("The new library opens in spring."), "La bibliothèque ouvre au printemps.")
        saved["text"] = b.read_text(encoding="utf-8")

    report = localize(["site"], _options(site), _Midway(edit_b))
    assert b.read_text(encoding="utf-8") == saved["text"]  # not overwritten
    (failure,) = report.failures
    assert "b.fr.md: changed on disk while this run was working" in failure[1]
    # the next run takes the edit in
    assert _localize(run_cli, to="fr").exit_code == 0
    assert "La bibliothèque ouvre au printemps." in b.read_text(encoding="utf-8")


def test_a_translation_imported_during_a_run_reaches_its_variant(site, run_cli):
    assert _localize(run_cli, to="fr").exit_code == 0
    for name in ("a.md", "b.md"):
        _edit(site / "site" / name, "next week", "next month")
    sentence = "The new library opens in spring."

    def import_one(_first: str) -> None:
        with Memory(site / "m.sqlite3") as store:
            entry = HumanEntry(sentence, "La bibliothèque ouvre au printemps.", "reviewed")
            store.put_human([entry], "en", "fr", locale="fr", article="site/b")

    report = localize(["site"], _options(site), _Midway(import_one))
    assert report.ok
    # written before the import or after it: the next run carries it either way
    assert _localize(run_cli, to="fr").exit_code == 0
    assert "La bibliothèque ouvre au printemps." in (site / "site" / "b.fr.md").read_text(
        encoding="utf-8"
    )


# 7. language tags as CAT tools write them


def test_a_source_tag_with_a_region_matches_the_article(site, run_cli):
    assert _localize(run_cli, to="fr").exit_code == 0
    assert run_cli(
        "export", "site/a.md", "--to", "fr", "--out", "x", "--cache", "m.sqlite3"
    ).exit_code == 0  # fmt: skip
    path = site / "x" / "a.md.fr.xlf"
    text = path.read_text(encoding="utf-8").replace('srcLang="en"', 'srcLang="en-US"')
    start = text.index("<target>", text.index("Budget vote"))
    end = text.index("</target>", start)
    text = text[: start + 8] + "Le vote du budget" + text[end:]
    path.write_text(text.replace('state="initial"', 'state="translated"', 1), encoding="utf-8")
    result = run_cli("import", str(path), "--cache", "m.sqlite3")
    assert result.exit_code == 0, result.stderr
    assert _localize(run_cli, to="fr").exit_code == 0
    assert 'title: "Le vote du budget"' in (site / "site" / "a.fr.md").read_text(encoding="utf-8")


# 8. human text gets the checks machine text gets


def _export_with_target(run_cli, site: Path, target: str) -> Path:
    assert run_cli(
        "export", "site/a.md", "--to", "fr", "--out", "x", "--cache", "m.sqlite3"
    ).exit_code == 0  # fmt: skip
    path = site / "x" / "a.md.fr.xlf"
    text = path.read_text(encoding="utf-8")
    start = text.index("<target>", text.index("The vote was close."))
    end = text.index("</target>", start)
    text = text[: start + 8] + target + text[end:]
    path.write_text(text.replace('state="initial"', 'state="translated"'), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "target",
    [
        "Le vote était serré &lt;img src=x onerror=alert(document.domain) /&gt;",
        "Le vote était serré.\n\n[x]: javascript:alert(document.cookie)",
        "Le vote était serré.\n---\n# Titre",
    ],
)
def test_an_imported_unit_with_unsafe_markup_is_refused(site, run_cli, target):
    assert _localize(run_cli, to="fr").exit_code == 0
    path = _export_with_target(run_cli, site, target)
    result = run_cli("import", str(path), "--cache", "m.sqlite3")
    assert result.exit_code == 1
    assert "QA unsafe-markup" in result.stderr and "nothing taken from this file" in result.stderr
    assert _human(site / "m.sqlite3") == []
    assert _localize(run_cli, to="fr").exit_code == 0
    text = (site / "site" / "a.fr.md").read_text(encoding="utf-8")
    assert "onerror" not in text and "javascript:" not in text


def test_a_tmx_import_keeps_unsafe_human_text_out(site, run_cli):
    tmx = site / "in.tmx"
    units = [
        ("The vote was close.", "Le vote était serré.<script>alert(1)</script>"),
        ("The new library opens in spring.", "La bibliothèque\n---\n# ouvre"),
        ("The mayor will speak to residents next week.", "Le maire parlera bientôt."),
    ]
    body = "".join(
        f'<tu><tuv xml:lang="en"><seg>{_xml(s)}</seg></tuv>'
        f'<tuv xml:lang="fr"><seg>{_xml(t)}</seg></tuv></tu>'
        for s, t in units
    )
    tmx.write_text(
        f'<?xml version="1.0"?><tmx version="1.4"><header srclang="en"/><body>{body}</body></tmx>',
        encoding="utf-8",
    )
    result = run_cli("cache", "import", str(tmx), "--cache", "m.sqlite3")
    assert result.exit_code == 0, result.stderr
    assert [row[1] for row in _human(site / "m.sqlite3")] == ["Le maire parlera bientôt."]
    assert "QA unsafe-markup" in result.stdout + result.stderr


def _xml(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def test_a_hand_edit_with_unsafe_markup_never_spreads(site, run_cli):
    assert _localize(run_cli, to="fr").exit_code == 0
    a = site / "site" / "a.fr.md"
    _edit(a, shown(MAYOR), "Le maire parlera <img src=x onerror=alert(1)> bientôt.")
    result = _localize(run_cli, to="fr")
    assert result.exit_code == 1 and "QA unsafe-markup" in result.stderr
    for _ in range(2):
        _localize(run_cli, to="fr")
    assert "onerror" not in (site / "site" / "b.fr.md").read_text(encoding="utf-8")
    assert _human(site / "m.sqlite3") == []


# 9. control characters are refused at entry; every stored entry exports and reads back


def test_a_control_character_in_a_hand_edit_is_refused_and_exports_stay_readable(site, run_cli):
    assert _localize(run_cli, to="fr").exit_code == 0
    a = site / "site" / "a.fr.md"
    _edit(a, shown(MAYOR), "Le maire\x01 parlera bientôt.")
    result = _localize(run_cli, to="fr")
    assert result.exit_code == 1 and "QA control-characters" in result.stderr
    _edit(a, "Le maire\x01 parlera bientôt.", "Le maire parlera bientôt.")
    assert _localize(run_cli, to="fr").exit_code == 0
    assert run_cli("cache", "export", "all.tmx", "--cache", "m.sqlite3").exit_code == 0
    ET.parse(site / "all.tmx")  # well-formed
    before = _human(site / "m.sqlite3")
    assert before and run_cli("cache", "import", "all.tmx", "--cache", "n.sqlite3").exit_code == 0
    assert _human(site / "n.sqlite3") == before
    export = run_cli("export", "site", "--to", "fr", "--out", "x", "--cache", "m.sqlite3")
    assert export.exit_code == 0
    for path in (site / "x").rglob("*.xlf"):
        ET.parse(path)


# 10. export keeps a translator's work


def test_export_never_overwrites_a_translator_s_file(site, run_cli):
    args = ["export", "site", "--to", "fr", "--out", "x", "--cache", "m.sqlite3"]
    assert run_cli(*args).exit_code == 0
    path = site / "x" / "a.md.fr.xlf"
    _edit(path, "</source>", "</source><!-- reviewing -->")
    edited = path.read_text(encoding="utf-8")
    again = run_cli(*args)
    assert again.exit_code == 1 and "a.md.fr.xlf: changed since export wrote it" in again.stderr
    assert path.read_text(encoding="utf-8") == edited
    forced = run_cli(*args, "--force")
    assert forced.exit_code == 0 and "a copy is in" in forced.stderr
    (copy,) = (site / "exports-replaced").rglob("a.md.fr.xlf")
    assert copy.read_text(encoding="utf-8") == edited
    assert run_cli(*args).exit_code == 0  # what export wrote itself is replaced freely


def test_two_sources_with_one_exchange_name_are_refused(site, run_cli):
    (site / "other").mkdir()
    (site / "other" / "a.md").write_text(B, encoding="utf-8")
    result = run_cli(
        "export", "site/a.md", "other/a.md", "--to", "fr", "--out", "x", "--cache", "m.sqlite3"
    )  # fmt: skip
    assert result.exit_code == 2 and "would both be exported to" in result.stderr
    assert not (site / "x").exists()


# 11. gates that say what failed, and one story for an edited variant


def test_min_reviewed_names_what_failed_in_text_and_junit(site, run_cli):
    assert _localize(run_cli, to="fr").exit_code == 0
    text = run_cli("coverage", "site", "--locales", "fr", "--min-reviewed", "50")
    assert text.exit_code == 1
    assert "FAILED: fr: reviewed 0.0% < --min-reviewed 50" in text.stdout
    junit = run_cli(
        "coverage", "site", "--locales", "fr", "--min-reviewed", "50", "--format", "junit"
    )  # fmt: skip
    assert junit.exit_code == 1
    root = ET.fromstring(junit.stdout)
    assert root.get("failures") == "1"
    (failure,) = root.iter("failure")
    assert failure.get("message") == "fr: reviewed 0.0% < --min-reviewed 50"


def test_junit_failures_and_the_exit_code_agree_under_a_lower_min(site, run_cli):
    assert _localize(run_cli, to="fr").exit_code == 0
    (site / "site" / "b.fr.md").unlink()
    for minimum, code, failures in (("50", 0, "0"), ("100", 1, "2")):
        result = run_cli(
            "coverage", "site", "--locales", "fr", "--min", minimum, "--format", "junit"
        )  # fmt: skip
        assert result.exit_code == code
        assert ET.fromstring(result.stdout).get("failures") == failures


def test_localize_and_coverage_give_one_fix_for_an_edit_they_cannot_take(site, run_cli):
    from translator.variants import REFUSED_FIX

    assert _localize(run_cli, to="fr").exit_code == 0
    variant = site / "site" / "a.fr.md"
    _edit(variant, shown(MAYOR), f"{shown(MAYOR)}\n\nUn paragraphe ajouté.")
    refused = _localize(run_cli, to="fr")
    assert refused.exit_code == 1 and REFUSED_FIX in refused.stderr
    coverage = run_cli("coverage", "site", "--locales", "fr")
    assert "make its blocks match the source's again" in coverage.stdout
    assert "--force to replace it (a copy is kept)" in coverage.stdout


# 12. export skips articles already in the target's language


def test_export_skips_articles_already_in_the_target_language(site, run_cli):
    (site / "site" / "fr.md").write_text(
        "---\ntitle: Le marché\n---\n\nLe marché couvert rouvre ses portes jeudi matin "
        "après deux ans de travaux de rénovation.\n",
        encoding="utf-8",
    )
    result = run_cli("export", "site", "--to", "fr", "--out", "x", "--cache", "m.sqlite3")
    assert result.exit_code == 0
    assert "site/fr.md: already in fr (nothing to translate); not exported" in result.stderr
    assert not (site / "x" / "fr.md.fr.xlf").exists()


# 13. one memory per project


def test_each_project_has_its_own_memory(tmp_path, monkeypatch, run_cli):
    monkeypatch.delenv("TRANSLATOR_MEMORY")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    sites = {}
    for name in ("one", "two"):
        root = tmp_path / name
        (root / "content").mkdir(parents=True)
        (root / "content" / "a.md").write_text(A, encoding="utf-8")
        sites[name] = root
    monkeypatch.chdir(sites["one"])
    args = ["localize", "content", "--to", "fr", "--engine", "pseudo"]
    first = run_cli(*args)
    assert first.exit_code == 0 and "memory .translator/memory.sqlite3" in first.stderr
    assert (sites["one"] / ".translator" / "memory.sqlite3").is_file()
    _edit(sites["one"] / "content" / "a.fr.md", 'title: "[Ɓŭḓɠḗŧ ṽǿŧḗ ~~~]"', "title: Le vote")
    assert run_cli(*args).exit_code == 0
    monkeypatch.chdir(sites["two"])
    assert run_cli(*args).exit_code == 0
    theirs = (sites["two"] / "content" / "a.fr.md").read_text(encoding="utf-8")
    assert "Le vote" not in theirs and "human: 0" in theirs
    stats = run_cli("cache", "stats")
    assert stats.stdout.startswith(str(sites["two"] / ".translator" / "memory.sqlite3"))
    coverage = run_cli("coverage", "content", "--locales", "fr")
    assert "reviewed 0.0%" in coverage.stdout


def test_a_settings_file_names_the_memory(tmp_path, monkeypatch, run_cli):
    monkeypatch.delenv("TRANSLATOR_MEMORY")
    (tmp_path / "site" / "posts").mkdir(parents=True)
    (tmp_path / "site" / "posts" / "a.md").write_text(A, encoding="utf-8")
    (tmp_path / "site" / "translator.toml").write_text('memory = "tm/site.sqlite3"\n')
    monkeypatch.chdir(tmp_path / "site" / "posts")
    assert run_cli("localize", "a.md", "--to", "fr", "--engine", "pseudo").exit_code == 0
    assert (tmp_path / "site" / "tm" / "site.sqlite3").is_file()
    assert not (tmp_path / "site" / ".translator").exists()


def test_the_old_shared_memory_is_named_not_moved(tmp_path, monkeypatch, run_cli):
    monkeypatch.delenv("TRANSLATOR_MEMORY")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    old = tmp_path / "xdg" / "translator" / "memory.sqlite3"
    Memory(old).close()
    before = old.read_bytes()
    (tmp_path / "p").mkdir()
    (tmp_path / "p" / "a.md").write_text(A, encoding="utf-8")
    monkeypatch.chdir(tmp_path / "p")
    result = run_cli("localize", "a.md", "--to", "fr", "--engine", "pseudo")
    assert result.exit_code == 0
    assert f"the one every project shared, {old}, is left as it was" in result.stderr
    assert old.read_bytes() == before


# 5 and 6 again, with real processes: the run is stopped (SIGSTOP) once it has
# started writing, a person saves or imports, and the run goes on (SIGCONT).


def _corpus(root: Path, count: int) -> list[Path]:
    (root / "many").mkdir()
    sources = []
    for number in range(count):
        path = root / "many" / f"n{number:04d}.md"
        path.write_text(
            f"---\ntitle: Notice {number}\n---\n\nThe office opens on Monday at nine.\n\n"
            f"The hall holds {number} chairs for the meeting.\n",
            encoding="utf-8",
        )
        sources.append(path)
    return sources


def _stale_corpus(root: Path, run_cli) -> list[Path]:
    """600 articles localized, then every source changed: their variants, which
    the next run rewrites one by one."""
    sources = _corpus(root, 600)
    assert _localize(run_cli, to="fr", path="many").exit_code == 0
    for source in sources:
        _edit(source, "nine", "ten")
    return [s.with_name(s.stem + ".fr.md") for s in sources]


def _stopped_midway(root: Path, variants: list[Path], action) -> tuple[int, str]:
    """Run localize in its own process; when it has rewritten its first variant,
    stop it, call *action* with the last variant not yet rewritten, go on."""
    import signal
    import subprocess
    import sys
    import time

    old = {v: v.read_bytes() for v in variants}
    proc = subprocess.Popen(
        [sys.executable, "-m", "translator", "localize", "many", "--to", "fr", "--engine",
         "pseudo", "--cache", "m.sqlite3", "--batch-files", "1000"],
        cwd=root, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        if any(v.read_bytes() != old[v] for v in variants[:50]):
            break
        time.sleep(0.002)
    proc.send_signal(signal.SIGSTOP)
    try:
        pending = [v for v in variants if v.read_bytes() == old[v]]
        assert len(pending) > 10, "the run wrote everything before it could be stopped"
        action(pending[-1])
    finally:
        proc.send_signal(signal.SIGCONT)
    _out, err = proc.communicate(timeout=300)
    return proc.returncode, err


def test_real_process_an_edit_saved_during_a_run_is_kept(tmp_path, monkeypatch, run_cli):
    monkeypatch.chdir(tmp_path)
    variants = _stale_corpus(tmp_path, run_cli)
    saved = {}

    def save(variant: Path) -> None:
        _edit(
            variant,
            shown("The office opens on Monday at nine."),
            "Le bureau ouvre lundi à neuf heures.",
        )
        saved[variant] = variant.read_text(encoding="utf-8")

    code, err = _stopped_midway(tmp_path, variants, save)
    ((variant, text),) = saved.items()
    assert variant.read_text(encoding="utf-8") == text
    assert code == 1 and f"{variant.name}: changed on disk while this run was working" in err


def test_real_process_an_import_during_a_run_reaches_its_variant(tmp_path, monkeypatch, run_cli):
    monkeypatch.chdir(tmp_path)
    variants = _stale_corpus(tmp_path, run_cli)
    imported = {}

    def import_(variant: Path) -> None:
        source = variant.with_name(variant.name.replace(".fr.md", ".md"))
        assert run_cli(
            "export", str(source), "--to", "fr", "--out", "x", "--cache", "m.sqlite3"
        ).exit_code == 0  # fmt: skip
        (xlf,) = (tmp_path / "x").glob("*.xlf")
        text = xlf.read_text(encoding="utf-8")
        start = text.index("<target>", text.index("The office opens on Monday at ten."))
        end = text.index("</target>", start)
        state = text.rindex('state="initial"', 0, start)  # this unit's only
        text = (
            text[:state] + 'state="translated"' + text[state + 15 : start + 8]
            + "Le bureau ouvre lundi à dix heures." + text[end:]
        )  # fmt: skip
        xlf.write_text(text, encoding="utf-8")
        assert run_cli("import", str(xlf), "--cache", "m.sqlite3").exit_code == 0
        imported["variant"] = variant

    code, err = _stopped_midway(tmp_path, variants, import_)
    assert code == 0, err
    assert _localize(run_cli, to="fr", path="many").exit_code == 0
    assert "Le bureau ouvre lundi à dix heures." in imported["variant"].read_text(encoding="utf-8")


# a person's sentence whose source changed: kept, offered back for review


def test_a_human_sentence_whose_source_changed_is_offered_for_review(site, run_cli):
    assert _localize(run_cli, to="fr").exit_code == 0
    variant = site / "site" / "b.fr.md"
    _edit(variant, shown("The new library opens in spring."), "La bibliothèque ouvre au printemps.")
    assert _localize(run_cli, to="fr").exit_code == 0
    _edit(site / "site" / "b.md", "opens in spring", "opens in early spring")
    result = _localize(run_cli, to="fr")
    assert result.exit_code == 0 and "get machine drafts" in result.stderr
    text = variant.read_text(encoding="utf-8")
    assert shown("The new library opens in early spring.") in text
    assert "needs_review: 1" in text
    coverage = run_cli("coverage", "site", "--locales", "fr")
    assert coverage.exit_code == 0 and "1 sentence(s) a person translated before" in coverage.stdout
    args = ["export", "site/b.md", "--to", "fr", "--out", "x", "--cache", "m.sqlite3"]
    assert run_cli(*args, "--format", "po").exit_code == 0
    po_text = (site / "x" / "b.md.fr.po").read_text(encoding="utf-8")
    assert '#| msgid "The new library opens in spring."' in po_text
    assert (
        'msgid "The new library opens in early spring."\nmsgstr "La bibliothèque ouvre au printemps."'
        in po_text
    )
    assert run_cli(*args, "--xliff-version", "1.2", "--force").exit_code == 0
    xlf = (site / "x" / "b.md.fr.xlf").read_text(encoding="utf-8")
    assert 'state="needs-review-translation">La bibliothèque ouvre au printemps.' in xlf


def test_a_run_refused_for_a_missing_pair_creates_no_memory(site, run_cli):
    result = run_cli("localize", "site", "--to", "fr", "--cache", "m.sqlite3")  # argos, no model
    assert result.exit_code == 2 and "translator models install" in result.stderr
    assert not (site / "m.sqlite3").exists()


def test_a_person_s_file_beside_its_source_is_taken_in(site, run_cli):
    theirs = site / "site" / "a.fr.md"
    theirs.write_text(PERSON, encoding="utf-8")
    result = _localize(run_cli, to="fr")
    assert result.exit_code == 0 and "taken in as theirs" in result.stderr
    text = theirs.read_text(encoding="utf-8")
    assert "Le conseil a approuvé le budget lundi. Le vote était serré." in text
    assert "engine: pseudo" in text


def test_recorded_qa_counts_are_what_qa_finds_after_people_s_edits(site, run_cli):
    import yaml

    assert _localize(run_cli).exit_code == 0
    _edit(
        site / "site" / "a.fr.md",
        shown(MAYOR),
        "Le maire parlera aux habitants la semaine prochaine.",
    )
    _edit(
        site / "site" / "b.fr-ca.md",
        shown("The new library opens in spring."),
        "La bibliothèque ouvre au printemps.",
    )
    assert _localize(run_cli).exit_code == 0
    for name in ("a", "b"):
        for locale in ("fr", "fr-ca"):
            variant = site / "site" / f"{name}.{locale}.md"
            recorded = yaml.safe_load(variant.read_text(encoding="utf-8").split("---\n")[1])["qa"]
            checked = run_cli("qa", f"site/{name}.md", str(variant), "--format", "json")
            assert json.loads(checked.stdout)["summary"] == recorded, variant


def test_a_paragraph_translated_whole_goes_out_and_comes_back_whole(site, run_cli):
    assert _localize(run_cli, to="fr").exit_code == 0
    variant = site / "site" / "a.fr.md"
    _edit(
        variant,
        f"{shown(FIRST)} {shown(SECOND)}",
        "Le conseil a approuvé de justesse le budget lundi.",
    )
    assert _localize(run_cli, to="fr").exit_code == 0
    args = ["export", "site/a.md", "--to", "fr", "--out", "x", "--cache", "m.sqlite3"]
    assert run_cli(*args).exit_code == 0
    path = site / "x" / "a.md.fr.xlf"
    text = path.read_text(encoding="utf-8")
    assert "a person translated the whole paragraph as one" in text
    second = text.index(SECOND)
    assert "<target>" not in text[second : text.index("</unit>", second)]
    edited = text.replace(
        "Le conseil a approuvé de justesse le budget lundi.",
        "Lundi, le conseil a approuvé le budget de justesse.",
    )
    path.write_text(edited, encoding="utf-8")
    result = run_cli("import", str(path), "--cache", "m.sqlite3")
    assert result.exit_code == 0, result.stderr
    assert _localize(run_cli, to="fr").exit_code == 0
    body = variant.read_text(encoding="utf-8")
    assert "Lundi, le conseil a approuvé le budget de justesse." in body
    assert shown(SECOND) not in body and "approuvé de justesse le budget lundi" not in body


def test_merged_sentences_whose_source_changed_get_a_draft_and_a_kept_copy(site, run_cli):
    assert _localize(run_cli, to="fr").exit_code == 0
    variant = site / "site" / "a.fr.md"
    merged = "Le conseil a approuvé de justesse le budget lundi."
    _edit(variant, f"{shown(FIRST)} {shown(SECOND)}", merged)
    _edit(site / "site" / "a.md", "on Monday", "on Tuesday")
    result = _localize(run_cli, to="fr")
    assert result.exit_code == 0, result.stderr  # not stalled
    assert shown("The council approved the budget on Tuesday.") in variant.read_text(
        encoding="utf-8"
    )
    (copy,) = (site / "edited").rglob("a.fr.md")
    assert merged in copy.read_text(encoding="utf-8")
