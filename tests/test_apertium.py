"""Real translations with Debian's Apertium (``apertium`` and ``apertium-eng-spa``,
which ``.ci/run`` installs): placeholders, markup, glossaries and unknown
words through a real engine, which the pseudo engine cannot prove."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml

from translator.engines.apertium import ApertiumEngine, installed_pairs, strip_marks
from translator.readers.markdown import outline

from .conftest import SAMPLES

pytestmark = pytest.mark.skipif(
    not any(p.mode == "eng-spa" for p in installed_pairs()),
    reason="Apertium's eng-spa pair is not installed (.ci/run installs apertium-eng-spa)",
)

ARTICLE = """---
title: The harbour reopens
date: 2025-09-04
---

# The harbour reopens

Read [the port report](https://example.org/reports/pier-2025.pdf) and run `make check` before
10:30 on Monday, said Margaret Ellison.

The timber pier will cost 4.2 million euros, see {{< ref "budget.md" >}} for the budget.
"""


@pytest.fixture
def site(tmp_path, monkeypatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".translator").mkdir()
    (tmp_path / "news").mkdir()
    return tmp_path


def _body(path: Path) -> str:
    return path.read_text(encoding="utf-8").split("\n---\n", 1)[1]


def test_the_engine_translates_in_one_process_and_keeps_placeholders():
    engine = ApertiumEngine()
    out = engine.translate(
        ["The library ⟦0⟧opens⟦1⟧ today.", "", "The timber pier is new"], "en", "es"
    )
    assert out[1] == "" and "⟦0⟧" in out[0] and "⟦1⟧" in out[0]
    assert "biblioteca" in out[0] and "*" not in out[2]
    assert engine.unknown_words(out[2]) == ["timber", "pier"]
    assert engine.calls == 2


def test_marks_are_stripped_and_a_hashtag_of_the_source_kept():
    assert strip_marks("*Ellison dijo #canal @x", "Ellison said @x") == (
        "Ellison dijo canal @x",
        ["Ellison", "canal"],
    )


def test_localize_writes_spanish_with_every_url_number_and_code_span_kept(site, run_cli):
    (site / "news" / "harbour.md").write_text(ARTICLE, encoding="utf-8")
    result = run_cli("localize", "news", "--to", "es", "--engine", "apertium", "--out", "out")
    assert result.exit_code == 0, result.stderr
    variant = site / "out" / "harbour.es.md"
    body = _body(variant)
    for kept in ("(https://example.org/reports/pier-2025.pdf)", "`make check`", "10:30",
                 "4.2", '{{< ref "budget.md" >}}'):  # fmt: skip
        assert kept in body, kept
    assert "puerto" in body.lower() and "Publicado el 4 de septiembre de 2025" in body
    assert not re.search(r"(?<!\w)[*#@]\w", body), body  # no marks
    assert outline(body.split("\n\n", 1)[1]).destinations == outline(ARTICLE).destinations
    meta = yaml.safe_load(variant.read_text(encoding="utf-8").split("---\n")[1])
    assert meta["engine"].startswith("apertium eng-spa ") and meta["qa"]["warnings"] >= 1
    assert "timber" in meta["unknown_words"]
    qa = run_cli("qa", "news/harbour.md", str(variant))
    assert "unknown-words" in qa.stdout and "timber" in qa.stdout
    # written again from the memory: the engine's unknown words are still known
    again = run_cli("localize", "news", "--to", "es", "--engine", "apertium", "--out", "out",
                    "--force")  # fmt: skip
    assert again.exit_code == 0 and "0 segments translated" in again.stdout + again.stderr
    meta = yaml.safe_load(variant.read_text(encoding="utf-8").split("---\n")[1])
    assert "timber" in meta["unknown_words"]


def test_the_samples_in_spanish(site, run_cli):
    for name in ("council-budget.html", "scraped-ticker.txt"):
        shutil.copy(SAMPLES / name, site / "news" / name)
    result = run_cli("localize", "news", "--to", "es", "--engine", "apertium", "--out", "out")
    assert result.exit_code == 0, result.stderr
    page = (site / "out" / "council-budget.es.md").read_text(encoding="utf-8")
    assert "biblioteca" in page and "8.5" in page and "2027" in page
    assert not re.search(r"(?<!\w)[*#@]\w", _body(site / "out" / "council-budget.es.md"))


def test_an_html_sources_inline_link_stays_a_link_around_spanish_text(site, run_cli):
    (site / "news" / "p.html").write_text(
        "<html><body><article><h1>The new library</h1><p>The city published "
        '<a href="https://example.org/plan.pdf">the building plan</a> on Monday, and residents '
        "can read it at the town hall until the end of the month.</p></article></body></html>",
        encoding="utf-8",
    )
    for fmt in ("md", "html"):
        result = run_cli("localize", "news", "--to", "es", "--engine", "apertium", "--out",
                         f"out-{fmt}", "--format", fmt)  # fmt: skip
        assert result.exit_code == 0, result.stderr
    md = _body(site / "out-md" / "p.es.md")
    link = re.search(r"\[([^\]]+)\]\(https://example\.org/plan\.pdf\)", md)
    assert link and "plan" in link.group(1) and "building" not in link.group(1)
    html = (site / "out-html" / "p.es.html").read_text(encoding="utf-8")
    assert re.search(r'<a href="https://example\.org/plan\.pdf">[^<]*plan[^<]*</a>', html)


def test_a_glossary_keeps_names_and_forces_terms_through_apertium(site, run_cli):
    (site / "news" / "harbour.md").write_text(ARTICLE, encoding="utf-8")
    (site / "g.csv").write_text(
        "en,es,status\nMargaret Ellison,,dnt\ntimber pier,muelle de madera,\n", encoding="utf-8"
    )
    result = run_cli("localize", "news", "--to", "es", "--engine", "apertium", "--out", "out",
                     "--glossary", "g.csv")  # fmt: skip
    assert result.exit_code == 0, result.stderr
    body = _body(site / "out" / "harbour.es.md")
    assert "Margaret Ellison" in body and "muelle de madera" in body.lower()
    assert "*Ellison" not in body


def test_auto_picks_apertium_where_no_argos_package_is_installed(site, run_cli, packages_dir):
    (site / "news" / "harbour.md").write_text(ARTICLE, encoding="utf-8")
    result = run_cli("localize", "news", "--to", "es", "--engine", "auto", "--out", "out")
    assert result.exit_code == 0, result.stderr
    meta = yaml.safe_load((site / "out" / "harbour.es.md").read_text("utf-8").split("---\n")[1])
    assert meta["engine"].startswith("apertium eng-spa")


def test_a_missing_pair_is_one_line_naming_the_package(site, run_cli, packages_dir):
    (site / "news" / "harbour.md").write_text(ARTICLE, encoding="utf-8")
    for engine in ("apertium", "auto"):
        result = run_cli("localize", "news", "--to", "ca", "--engine", engine, "--out", "out")
        assert result.exit_code == 2
        assert "apertium-eng-cat" in result.stderr, result.stderr
        assert "Traceback" not in result.stderr
    assert not (site / "out").exists()


def test_translate_and_preview_through_apertium(site, run_cli):
    (site / "news" / "harbour.md").write_text(ARTICLE, encoding="utf-8")
    result = run_cli("translate", "news/harbour.md", "--to", "es", "--engine", "apertium")
    assert result.exit_code == 0, result.stderr
    assert "`make check`" in result.stdout and "puerto" in result.stdout.lower()
    preview = run_cli("preview", "news/harbour.md", "--to", "es", "--engine", "apertium",
                      "-o", "p.html")  # fmt: skip
    assert preview.exit_code == 0, preview.stderr
    assert "puerto" in (site / "p.html").read_text(encoding="utf-8").lower()


def test_a_fidelity_pass_through_apertium_keeps_links_and_code_spans(site, run_cli):
    doc = (
        "# Setup\n\nInstall the tool with [pip](https://pip.pypa.io/) and run `tool --help`.\n\n"
        "| Option | Meaning |\n|---|---|\n| `--to` | The target languages. |\n\n"
        '!!! note "Before you start"\n    Keep a copy of your settings.\n'
    )
    (site / "news" / "setup.md").write_text(doc, encoding="utf-8")
    result = run_cli("localize", "news", "--to", "es", "--from", "en", "--engine", "apertium",
                     "--out", "out")  # fmt: skip
    assert result.exit_code == 0, result.stderr
    body = _body(site / "out" / "setup.es.md")
    src, var = outline(doc), outline(body.lstrip("\n"))
    assert var.blocks == src.blocks and var.destinations == src.destinations
    assert var.code_spans == src.code_spans and var.tables == src.tables
    assert '!!! note "' in body and "Keep a copy" not in body


def test_models_list_shows_the_apertium_pairs_with_an_engine_column(run_cli, packages_dir):
    import json

    rows = json.loads(run_cli("models", "list", "--format", "json").stdout)
    pair = next(r for r in rows if r["name"] == "eng-spa")
    assert pair["engine"] == "apertium" and (pair["from"], pair["to"]) == ("en", "es")
    assert len(pair["version"]) == 12
    text = run_cli("models", "list").stdout
    assert re.search(r"^apertium\s+en→es\s+eng-spa ", text, re.M)


@pytest.mark.enable_socket
@pytest.mark.allow_hosts(["127.0.0.1"])
def test_dask_workers_translate_with_the_same_pair_and_files(tmp_path):
    pytest.importorskip("distributed", reason="the dask extra is not installed")
    from translator import localize as loc
    from translator.locales import parse_locales

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for n in range(6):
        (corpus / f"a{n}.md").write_text(ARTICLE.replace("harbour", f"harbour {n}"), "utf-8")

    def options(out: str, **kw) -> loc.LocalizeOptions:
        return loc.LocalizeOptions(
            targets=parse_locales("es"), out=str(tmp_path / out), engine="apertium",
            cache=str(tmp_path / f"{out}.sqlite3"), **kw,
        )  # fmt: skip

    local = loc.localize([str(corpus)], options("local"))
    remote = loc.localize([str(corpus)], options("dask", executor="dask", jobs=2))
    assert not local.failures and not remote.failures
    files = sorted(p.name for p in (tmp_path / "local").iterdir())
    assert files == sorted(p.name for p in (tmp_path / "dask").iterdir()) and len(files) == 6
    for name in files:
        a = (tmp_path / "local" / name).read_text(encoding="utf-8")
        b = (tmp_path / "dask" / name).read_text(encoding="utf-8")
        assert _body_of(a) == _body_of(b)


def _body_of(text: str) -> str:
    return text.split("\n---\n", 1)[1]


def test_a_dask_worker_without_the_pair_is_refused_in_one_line():
    from translator.errors import UsageError
    from translator.executors import refuse_apertium_workers

    here = {("en", "es"): "apertium eng-spa abc"}
    refuse_apertium_workers(here, {"tcp://a": ["apertium eng-spa abc"]})
    with pytest.raises(UsageError) as missing:
        refuse_apertium_workers(here, {"tcp://b": ["missing: no Apertium pair for en → es"]})
    assert str(missing.value).count("\n") == 0 and "tcp://b" in str(missing.value)
    with pytest.raises(UsageError, match="it has apertium eng-spa def"):
        refuse_apertium_workers(here, {"tcp://c": ["apertium eng-spa def"]})


def test_a_review_save_keeps_the_apertium_engine(site, run_cli):
    from translator.locales import parse_locales
    from translator.review import Review, ReviewOptions

    (site / "news" / "harbour.md").write_text(ARTICLE, encoding="utf-8")
    assert run_cli("localize", "news", "--to", "es", "--engine", "apertium").exit_code == 0
    variant = site / "news" / "harbour.es.md"
    review = Review(["news"], ReviewOptions(parse_locales("es")))
    segment = next(s for s in review.article("0", "es").segments if "10:30" in s.source)
    mine = "Hoy: " + segment.target  # a person's edit of Apertium's draft, spans kept
    saved = review.save("0", "es", segment.id, mine, segment.target)
    assert saved.ok, saved.message
    text = variant.read_text(encoding="utf-8")
    meta = yaml.safe_load(text.split("---\n")[1])
    assert mine in text and meta["engine"].startswith("apertium eng-spa")
    assert "puerto" in text.lower()  # the other segments: Apertium's still


def test_export_and_import_through_apertium_drafts(site, run_cli):
    (site / "news" / "harbour.md").write_text(ARTICLE, encoding="utf-8")
    args = ("localize", "news", "--to", "es", "--engine", "apertium")
    assert run_cli(*args).exit_code == 0
    assert run_cli("export", "news", "--to", "es", "--out", "x").exit_code == 0
    xlf = next((site / "x").rglob("*.xlf"))
    text = xlf.read_text(encoding="utf-8")
    assert "puerto" in text.lower() and "*timber" not in text  # drafts without marks
    unit = text.index("<source>The harbour reopens</source>")
    start = text.index("<target>", unit)
    end = text.index("</target>", start)
    text = text[: start + 8] + "El puerto vuelve a abrir" + text[end:]
    # the edited unit is the first: only it is marked translated
    xlf.write_text(text.replace('state="initial"', 'state="translated"', 1), encoding="utf-8")
    result = run_cli("import", str(xlf))
    assert result.exit_code == 0, result.stderr
    assert run_cli(*args).exit_code == 0
    variant = (site / "news" / "harbour.es.md").read_text(encoding="utf-8")
    assert 'title: "El puerto vuelve a abrir"' in variant


def test_another_version_of_the_pair_makes_a_variant_stale(site, run_cli, tmp_path, monkeypatch):
    from translator.engines import apertium

    modes = tmp_path / "data" / "modes"
    modes.mkdir(parents=True)
    shutil.copy("/usr/share/apertium/modes/eng-spa.mode", modes / "eng-spa.mode")
    monkeypatch.setenv("APERTIUM_MODES", str(modes))
    apertium.installed_pairs.cache_clear()
    apertium.pair_digest.cache_clear()
    (site / "news" / "harbour.md").write_text(ARTICLE, encoding="utf-8")
    args = ("localize", "news", "--to", "es", "--engine", "apertium")
    assert run_cli(*args).exit_code == 0
    again = run_cli(*args)
    assert "1 skipped (fresh)" in again.stdout + again.stderr
    with (modes / "eng-spa.mode").open("a", encoding="utf-8") as mode:
        mode.write(" ")  # another version of the pair
    apertium.pair_digest.cache_clear()
    third = run_cli(*args)
    assert third.exit_code == 0 and "1 written" in third.stdout + third.stderr
    apertium.installed_pairs.cache_clear()
    apertium.pair_digest.cache_clear()


def test_review_marks_the_segments_with_words_the_engine_did_not_know(site, run_cli):
    from translator.locales import parse_locales
    from translator.review import Review, ReviewOptions

    (site / "news" / "harbour.md").write_text(ARTICLE, encoding="utf-8")
    assert run_cli("localize", "news", "--to", "es", "--engine", "apertium").exit_code == 0
    view = Review(["news"], ReviewOptions(parse_locales("es"))).article("0", "es")
    marked = [s for s in view.segments if s.unknown]
    assert marked and all(s.origin == "machine" for s in marked)
    pier = next(s for s in view.segments if "timber pier" in s.source)
    assert "timber" in pier.unknown and "pier" in pier.unknown
    assert any(f.check == "unknown-words" for f in pier.findings)
    assert not next(s for s in view.segments if s.source == "The harbour reopens").unknown
    link = next(s for s in view.segments if "pier-2025.pdf" in s.source)
    assert "pier" not in link.unknown  # the word stands only in the link's address there


@pytest.mark.enable_socket
@pytest.mark.allow_hosts(["127.0.0.1"])
def test_the_review_page_filters_on_words_the_engine_did_not_know(site, run_cli):
    import subprocess
    import sys

    from playwright.sync_api import sync_playwright

    from .conftest import chromium_path

    (site / "news" / "harbour.md").write_text(ARTICLE, encoding="utf-8")
    assert run_cli("localize", "news", "--to", "es", "--engine", "apertium").exit_code == 0
    server = subprocess.Popen(
        [sys.executable, "-m", "translator", "review", "news", "--to", "es", "--port", "0"],
        cwd=site, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert server.stdout is not None
        url = server.stdout.readline().strip()
        assert url.startswith("http://"), server.stderr.read() if server.stderr else url
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium_path(), args=["--no-sandbox"])
            page = browser.new_page()
            page.goto(url)
            page.get_by_role("link", name=re.compile("harbour.md in es")).click()
            page.wait_for_selector("#segments[data-ready]")
            rows = page.locator(".seg[data-id]")
            total = rows.count()
            page.get_by_label("only words the engine did not know").check()
            page.wait_for_function("document.querySelector('.seg[data-id][hidden]') !== null")
            shown = [r for r in rows.all() if r.is_visible()]
            assert 0 < len(shown) < total
            assert all("timber" in r.inner_text() or "unknown" in r.inner_text() for r in shown)
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=20)
