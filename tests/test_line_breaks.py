"""A line break a person's text brings is refused, whatever character writes it.

CommonMark ends a line at CR as at LF, Python-Markdown and browsers at NEL,
LS and PS too: a lone CR in a translation made a live link definition and a
heading in the Markdown variant, and a live event handler with raw HTML on.
Every way a person's text comes in (a hand edit, an XLIFF or PO import, a
review save) goes through the one entry check, which refuses them all.
"""

from __future__ import annotations

import pytest

from translator import qa

from .test_human_work import _export_with_target, _human, _localize, site  # noqa: F401

BREAKS = {"CR": "\r", "CRLF": "\r\n", "NEL": "\x85", "LS": "\u2028", "PS": "\u2029"}
SOURCE = "The vote was close."


@pytest.mark.parametrize("name", sorted(BREAKS))
def test_every_line_break_the_source_lacks_is_unsafe(name):
    brk = BREAKS[name]
    for target in (
        f"Le vote était serré.{brk}[x]: https://evil.example/phish",
        f"Le vote était serré.{brk}# Titre",
        f"Le vote{brk}était serré.",
        f"{brk}Le vote était serré.",
    ):
        problem = qa.entry_problem(SOURCE, target, "en", "fr")
        assert problem is not None and problem.startswith("QA unsafe-markup"), (name, target)
        assert name in problem or "link reference" in problem or "heading" in problem


def test_a_link_definition_behind_a_lone_cr_is_named_as_such():
    problem = qa.entry_problem(SOURCE, "Serré.\r[x]: https://evil.example/phish", "en", "fr")
    assert problem == "QA unsafe-markup: a link reference definition the source lacks"


def test_a_trailing_lf_and_a_break_the_source_has_are_taken():
    assert qa.entry_problem(SOURCE, "Le vote était serré.\n", "en", "fr") is None
    two_lines = "Roses are red.\nViolets are blue."
    assert qa.entry_problem(two_lines, "Les roses.\nLes violettes.", "en", "fr") is None


def test_an_html_tag_split_by_a_cr_is_refused():
    target = "Serré <details\r/open/ontoggle=alert(document.domain)>"
    problem = qa.entry_problem(SOURCE, target, "en", "fr")
    assert problem is not None and problem.startswith("QA unsafe-markup")


@pytest.mark.parametrize("entity", ["&#13;", "&#x85;", "&#x2028;", "&#x2029;", "&#13;&#10;"])
def test_an_xliff_target_with_an_encoded_line_break_is_refused(site, run_cli, entity):  # noqa: F811
    assert _localize(run_cli, to="fr").exit_code == 0
    path = _export_with_target(
        run_cli, site, f"Le vote était serré.{entity}[x]: https://evil.example/phish"
    )
    result = run_cli("import", str(path), "--cache", "m.sqlite3")
    assert result.exit_code == 1, result.stdout
    assert "QA unsafe-markup" in result.stderr and "nothing taken from this file" in result.stderr
    assert _human(site / "m.sqlite3") == []
    assert _localize(run_cli, to="fr").exit_code == 0
    assert "evil.example" not in (site / "site" / "a.fr.md").read_text(encoding="utf-8")


def test_a_po_msgstr_with_a_lone_cr_is_refused(site, run_cli):  # noqa: F811
    assert _localize(run_cli, to="fr").exit_code == 0
    export = run_cli("export", "site/a.md", "--to", "fr", "--out", "x", "--format", "po",
                     "--cache", "m.sqlite3")  # fmt: skip
    assert export.exit_code == 0, export.stderr
    po = site / "x" / "a.md.fr.po"
    text = po.read_text(encoding="utf-8")
    at = text.index(f'msgid "{SOURCE}"')
    start = text.index('msgstr "', at)
    end = text.index("\n", start)
    text = text[:start] + 'msgstr "Le vote était serré.\\r# Titre"' + text[end:]
    po.write_text(text.replace("#, fuzzy\n", ""), encoding="utf-8")
    result = run_cli("import", str(po), "--cache", "m.sqlite3")
    assert result.exit_code == 1, result.stdout
    assert "QA unsafe-markup" in result.stderr
    assert _human(site / "m.sqlite3") == []


def test_a_review_save_with_a_lone_cr_is_refused(site, run_cli):  # noqa: F811
    from translator.locales import parse_locales
    from translator.review import Review, ReviewOptions

    assert _localize(run_cli, to="fr").exit_code == 0
    review = Review(["site"], ReviewOptions(parse_locales("fr"), cache="m.sqlite3"))
    for key in ("0", "1"):
        view = review.article(key, "fr")
        segment = next((s for s in view.segments if s.source == SOURCE), None)
        if segment is not None:
            break
    assert segment is not None
    before = (site / "site" / "a.fr.md").read_text(encoding="utf-8")
    saved = review.save(key, "fr", segment.id, "Serré.\r[x]: https://evil.example/phish",
                        segment.target)  # fmt: skip
    assert not saved.ok and "unsafe-markup" in saved.message
    assert _human(site / "m.sqlite3") == []
    assert (site / "site" / "a.fr.md").read_text(encoding="utf-8") == before
