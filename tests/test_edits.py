"""Hand edits in variants are never lost: taken into the memory, kept on rewrite."""

from __future__ import annotations

import re
import shutil

import pytest
from bs4 import BeautifulSoup

from translator.engines.pseudo import PseudoEngine
from translator.memory import HumanEntry, Memory, SegmentMemory, memory_key
from translator.variants import variant_edited

from .conftest import SAMPLES

FAHRRAD_TITLE = "[Ƞḗŭḗ Ƒȧħřřȧḓşŧřȧßḗ ṽḗřƀīƞḓḗŧ Ɓȧħƞħǿƒ ŭƞḓ Ŭƞīṽḗřşīŧäŧ ~~~~~~~~~~~~~~~~]"
SECOND = "[Ḓīḗ Şŧřḗƈķḗ īşŧ 3,8 Ķīŀǿḿḗŧḗř ŀȧƞɠ ŭƞḓ ħȧŧ ƞŭř ƞǿƈħ ẑẇḗī Ȧḿƥḗŀƞ. ~~~~~~~~~~~~~~~~~~~]"
LAST = (
    "[Ḓīḗ Ɓȧŭȧřƀḗīŧḗƞ ħȧƀḗƞ 1,2 Ḿīŀŀīǿƞḗƞ Ḗŭřǿ ɠḗķǿşŧḗŧ, ṽǿƞ ḓḗƞḗƞ ḓȧş Ŀȧƞḓ ḗŧẇȧ ḓīḗ Ħäŀƒŧḗ "
    "üƀḗřƞǿḿḿḗƞ ħȧŧ. ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~]"
)
NEW_TITLE = "Une nouvelle rue cyclable relie la gare et l'université"
NEW_SECOND = "Le trajet fait 3,8 kilomètres et ne compte plus que deux feux."
NEW_LAST = "Les travaux ont coûté 1,2 million d'euros, dont le Land a payé la moitié."


@pytest.fixture
def site(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "src").mkdir()
    for name in ("de-fahrrad.md", "es-incendio.txt"):
        shutil.copy(SAMPLES / name, tmp_path / "src" / name)
    return tmp_path


def _localize(run_cli, *extra):
    return run_cli(
        "localize", "src", "--to", "fr", "--engine", "pseudo", "--out", "out",
        "--cache", "m.sqlite3", *extra,
    )  # fmt: skip


def _edit(path, *pairs):
    text = path.read_text(encoding="utf-8")
    for old, new in pairs:
        assert old in text, old
        text = text.replace(old, new)
    path.write_text(text, encoding="utf-8")


def test_edits_survive_a_source_change_and_reach_the_memory(site, run_cli):
    assert _localize(run_cli).exit_code == 0
    variant = site / "out" / "de-fahrrad.fr.md"
    _edit(
        variant,
        (f'title: "{FAHRRAD_TITLE}"', f'title: "{NEW_TITLE}"'),
        (f"# {FAHRRAD_TITLE}", f"# {NEW_TITLE}"),
        (SECOND, NEW_SECOND),
        (LAST, NEW_LAST),
    )
    assert variant_edited(variant) is True
    before = variant.read_text(encoding="utf-8").splitlines()
    other = (site / "out" / "es-incendio.fr.md").read_bytes()
    source = site / "src" / "de-fahrrad.md"
    _edit(source, ("weiterhin benutzen", "auch künftig benutzen"))

    result = _localize(run_cli)
    assert result.exit_code == 0, result.stderr
    assert "3 edited segment(s) kept in the translation memory" in result.stderr
    after = variant.read_text(encoding="utf-8").splitlines()
    changed = [(a, b) for a, b in zip(before, after, strict=True) if a != b]
    keys = [a.split(":")[0] for a, _b in changed if ":" in a.split(" ")[0]]
    assert keys == ["source_sha256", "review", "content_sha256"]
    review = next(b for a, b in changed if a.startswith("review:"))
    assert review.replace(" ", "") == "review:{segments:6,human:3}"
    body = [b for a, b in changed if ":" not in a.split(" ")[0]]
    assert len(body) == 1 and "ȧŭƈħ ķüƞƒŧīɠ ƀḗƞŭŧẑḗƞ" in body[0]  # newly translated
    text = variant.read_text(encoding="utf-8")
    for kept in (NEW_TITLE, NEW_SECOND, NEW_LAST):
        assert kept in text
    assert (site / "out" / "es-incendio.fr.md").read_bytes() == other
    assert variant_edited(variant) is False

    stats = run_cli("cache", "stats", "--cache", "m.sqlite3")
    # the title, edited in the front matter and in its heading, is kept at both places
    assert "(4 human," in stats.stdout
    again = _localize(run_cli)  # nothing left to take in, nothing to rewrite
    assert again.exit_code == 0 and "edited" not in again.stderr
    assert variant.read_text(encoding="utf-8") == text


def test_edits_with_an_unchanged_source_are_taken_in_too(site, run_cli):
    assert _localize(run_cli).exit_code == 0
    variant = site / "out" / "de-fahrrad.fr.md"
    _edit(variant, (SECOND, NEW_SECOND))
    result = _localize(run_cli)
    assert result.exit_code == 0, result.stderr
    assert "1 edited segment(s) kept" in result.stderr
    assert NEW_SECOND in variant.read_text(encoding="utf-8")
    # a new variant made from the same memory carries the person's sentence
    shutil.rmtree(site / "out")
    assert _localize(run_cli).exit_code == 0
    assert NEW_SECOND in variant.read_text(encoding="utf-8")


def test_plain_text_source_edits_in_a_markdown_variant(site, run_cli):
    assert _localize(run_cli).exit_code == 0
    variant = site / "out" / "es-incendio.fr.md"
    lines = variant.read_text(encoding="utf-8").split("\n\n")
    paragraph = next(p for p in lines if p.startswith("\\[") and "\\] \\[" in p)
    first = paragraph.split("\\] \\[")[0] + "\\]"
    _edit(variant, (first, "Un incendie a détruit deux hectares près du village."))
    result = _localize(run_cli)
    assert result.exit_code == 0, result.stderr
    assert "1 edited segment(s) kept" in result.stderr
    assert "Un incendie a détruit deux hectares près du village." in variant.read_text(
        encoding="utf-8"
    )


def test_an_added_paragraph_leaves_the_variant_alone(site, run_cli):
    assert _localize(run_cli).exit_code == 0
    variant = site / "out" / "de-fahrrad.fr.md"
    _edit(variant, (LAST, LAST + "\n\nUn paragraphe ajouté par la rédaction."))
    (site / "src" / "de-fahrrad.md").write_text(
        (site / "src" / "de-fahrrad.md").read_text(encoding="utf-8").replace("Dienstag", "Montag"),
        encoding="utf-8",
    )
    edited = variant.read_bytes()
    result = _localize(run_cli)
    assert result.exit_code == 1
    errors = [ln for ln in result.stderr.splitlines() if ln.startswith("error:")]
    assert len(errors) == 1
    assert "out/de-fahrrad.fr.md: edited by hand and its structure no longer matches" in errors[0]
    assert "--force" in errors[0]
    assert variant.read_bytes() == edited


def test_a_deleted_url_is_an_edit_that_cannot_be_kept(site, run_cli):
    (site / "src" / "link.md").write_text(
        "# Report\n\nThe report is at https://example.org/r.pdf today. It is long.\n",
        encoding="utf-8",
    )
    assert _localize(run_cli).exit_code == 0
    variant = site / "out" / "link.fr.md"
    text = variant.read_text(encoding="utf-8")
    start = text.index("[Ŧħḗ řḗƥǿřŧ")
    end = text.index("]", text.index("https://example.org/r.pdf")) + 1
    _edit(variant, (text[start:end], "Le rapport est en ligne."))
    (site / "src" / "link.md").write_text(
        (site / "src" / "link.md").read_text(encoding="utf-8").replace("long", "short"),
        encoding="utf-8",
    )
    edited = variant.read_bytes()
    result = _localize(run_cli)
    assert result.exit_code == 1 and "a protected span" in result.stderr
    assert variant.read_bytes() == edited


def test_force_rewrites_and_keeps_a_copy_beside_the_memory(site, run_cli):
    assert _localize(run_cli).exit_code == 0
    variant = site / "out" / "de-fahrrad.fr.md"
    _edit(variant, (LAST, LAST + "\n\nUn paragraphe ajouté."))
    edited = variant.read_bytes()
    result = _localize(run_cli, "--force")
    assert result.exit_code == 0, result.stderr
    assert b"Un paragraphe" not in variant.read_bytes()
    copies = list((site / "edited").rglob("de-fahrrad.fr.md"))
    assert len(copies) == 1 and copies[0].read_bytes() == edited
    assert not list((site / "out").rglob("*edited*"))
    assert "a copy is in" in result.stderr


def test_no_cache_refuses_to_drop_edits(site, run_cli):
    assert _localize(run_cli).exit_code == 0
    variant = site / "out" / "de-fahrrad.fr.md"
    _edit(variant, (SECOND, NEW_SECOND))
    edited = variant.read_bytes()
    result = run_cli(
        "localize", "src", "--to", "fr", "--engine", "pseudo", "--out", "out", "--no-cache"
    )
    assert result.exit_code == 1 and "(--no-cache)" in result.stderr
    assert variant.read_bytes() == edited


def test_a_human_translation_wins_over_any_model(tmp_path, write):
    from translator.people import answers_for
    from translator.pipeline import load_article
    from translator.translation import plan_translation

    store = Memory(tmp_path / "m.sqlite3")
    engine = PseudoEngine()
    segment = "The bridge opens on Monday."
    machine = SegmentMemory(engine, store)
    machine.remember([(segment, "MACHINE")], "en", "fr")
    store.put_human([HumanEntry(segment, "Le pont ouvre lundi.", "reviewed")], "en", "fr")
    article = load_article(str(write("bridge.txt", "The bridge opens on Monday.\n")))
    plan = plan_translation(article, "fr", "en")
    people = answers_for(plan, store, "fr", "bridge")
    assert [people.by_index.get(i) for i in range(len(plan.segments))] == ["Le pont ouvre lundi."]
    # the machine entry stays, unused; the human one counts apart
    key = memory_key(segment, "en", "fr", engine.identity("en", "fr"), engine.options.key())
    assert store.get_many([key]) == {key: "MACHINE"}
    stats = store.stats()
    assert (stats.human, stats.machine) == (1, 1)
    store.close()


def test_cache_stats_does_not_create_a_memory(tmp_path, run_cli):
    result = run_cli("cache", "stats", "--cache", str(tmp_path / "none.sqlite3"))
    assert result.exit_code == 0 and "no translation memory yet" in result.stdout
    assert not (tmp_path / "none.sqlite3").exists()


def test_a_memory_from_before_human_entries_is_upgraded(tmp_path):
    import sqlite3

    path = tmp_path / "old.sqlite3"
    db = sqlite3.connect(path)
    db.execute(
        "CREATE TABLE memory (key TEXT PRIMARY KEY, source TEXT NOT NULL, target TEXT NOT NULL,"
        " source_lang TEXT NOT NULL, target_lang TEXT NOT NULL, model TEXT NOT NULL,"
        " options TEXT NOT NULL, created REAL NOT NULL)"
    )
    db.execute("INSERT INTO memory VALUES ('k', 'a', 'b', 'en', 'fr', 'pseudo', '', 0)")
    db.commit()
    db.close()
    store = Memory(path)
    entries = list(store.entries())
    assert [(e.source, e.origin, e.state) for e in entries] == [("a", "machine", "draft")]
    store.close()


def test_preview_marks_people_s_segments(site, run_cli):
    assert _localize(run_cli).exit_code == 0
    variant = site / "out" / "de-fahrrad.fr.md"
    _edit(variant, (SECOND, NEW_SECOND))
    assert _localize(run_cli).exit_code == 0
    result = run_cli(
        "preview", "src/de-fahrrad.md", str(variant), "-o", "p.html", "--cache", "m.sqlite3"
    )
    assert result.exit_code == 0, result.stderr
    page = (site / "p.html").read_text(encoding="utf-8")
    assert page.count('class="kind origin mixed" lang="en" dir="ltr">mixed · translated') == 1
    assert page.count('class="kind origin machine" lang="en" dir="ltr">machine') == 3


def test_html_variant_edits_of_a_sentence_with_inline_tags(tmp_path, monkeypatch, run_cli):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "src").mkdir()
    page = (SAMPLES / "council-budget.html").read_text(encoding="utf-8")
    page = page.replace("lasted almost three years.", "lasted <em>almost three years</em>.")
    (tmp_path / "src" / "council-budget.html").write_text(page, encoding="utf-8")
    args = ["localize", "src", "--to", "fr", "--engine", "pseudo", "--out", "out"]
    args += ["--cache", "m.sqlite3", "--format", "html"]
    assert run_cli(*args).exit_code == 0
    variant = tmp_path / "out" / "council-budget.fr.html"
    text = variant.read_text(encoding="utf-8")
    # the variant page shows the sentence with the source's <em> inside
    sentence = re.search(r"<p>(\[Ŧħḗ ƈīŧẏ ƈǿŭƞƈīŀ.*?)</p>", text)
    assert sentence is not None and "<em>" in sentence.group(1), text
    edited = "Le conseil a voté 9 contre 2 après <em>presque trois ans</em> de débat."
    variant.write_text(text.replace(sentence.group(1), edited), encoding="utf-8")
    result = run_cli(*args)
    assert result.exit_code == 0, result.stderr
    assert "1 edited segment(s) kept" in result.stderr
    # a person's edit is kept as the text they wrote (tags are the page's, put back)
    page = BeautifulSoup(variant.read_text(encoding="utf-8"), "html.parser")
    shown = [" ".join(p.get_text().split()) for p in page.find_all("p")]
    assert "Le conseil a voté 9 contre 2 après presque trois ans de débat." in shown
    assert variant_edited(variant) is False


def test_a_field_added_by_hand_is_not_lost(site, run_cli):
    assert _localize(run_cli).exit_code == 0
    variant = site / "out" / "de-fahrrad.fr.md"
    _edit(variant, ("category: verkehr\n", "category: verkehr\ndraft: true\n"))
    source = site / "src" / "de-fahrrad.md"
    source.write_text(
        source.read_text(encoding="utf-8").replace("Dienstag", "Montag"), encoding="utf-8"
    )
    edited = variant.read_bytes()
    result = _localize(run_cli)
    assert result.exit_code == 1 and "its field draft was added or changed by hand" in result.stderr
    assert variant.read_bytes() == edited


def test_cache_clear_creates_nothing_and_asks_on_a_terminal(tmp_path, run_cli, monkeypatch):
    missing = tmp_path / "none.sqlite3"
    assert run_cli("cache", "clear", "--cache", str(missing)).exit_code == 0
    assert not missing.exists()
    store = Memory(tmp_path / "m.sqlite3")
    store.put_human([HumanEntry("A segment.", "Un segment.")], "en", "fr")
    store.close()
    monkeypatch.setattr("translator.cli._interactive", lambda: True)
    from click.testing import CliRunner

    from translator.cli import cli

    refused = CliRunner().invoke(
        cli, ["cache", "clear", "--cache", str(tmp_path / "m.sqlite3")], input="n\n"
    )
    assert refused.exit_code == 1 and "(1 human)" in refused.output
    assert Memory(tmp_path / "m.sqlite3").stats().entries == 1
    done = run_cli("cache", "clear", "--cache", str(tmp_path / "m.sqlite3"), "--yes")
    assert done.exit_code == 0 and Memory(tmp_path / "m.sqlite3").stats().entries == 0
