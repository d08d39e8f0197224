from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from translator.preview import build_preview, render_preview

from .conftest import SAMPLES, chromium_path

HOSTILE = (
    "---\ntitle: \"Hostile <script>document.title='pwned'</script>\"\n---\n\n"
    "# Title <script>document.title='pwned'</script>\n\n"
    "Text with <img src=x onerror=alert(1)> inside a sentence about the council.\n\n"
    'A [link](javascript:alert(1)) and <a href="javascript:alert(2)">another</a> one.\n'
)


@pytest.fixture
def artifacts(tmp_path) -> Path:
    """Where the browser test leaves its page and screenshot: a temporary
    directory, or TRANSLATOR_TEST_ARTIFACTS to keep them for a look."""
    kept = os.environ.get("TRANSLATOR_TEST_ARTIFACTS")
    return Path(kept) if kept else tmp_path / "artifacts"


def _page(source, **kw) -> BeautifulSoup:
    return BeautifulSoup(render_preview(build_preview(str(source), **kw)), "html.parser")


def test_rows_match_segments_and_columns_carry_lang_and_dir():
    soup = _page(SAMPLES / "scraped-ticker.txt", to="ar", engine="pseudo")
    rows = soup.select("section.row")
    assert len(rows) == 6  # title + 5 paragraphs; the 3 chrome lines are listed apart
    for row in rows:
        source, target = row.select_one(".cell.source"), row.select_one(".cell.target")
        assert (source["lang"], source["dir"]) == ("en", "ltr")
        assert (target["lang"], target["dir"]) == ("ar", "rtl")
    chrome = [li.get_text() for li in soup.select("details.chrome li")]
    assert len(chrome) == 3 and "6/recent/ticker-posts" in chrome[2]


def test_header_names_languages_dates_and_engine():
    soup = _page(SAMPLES / "fr-marche.md", to="de", engine="pseudo")
    facts = " ".join(soup.select_one("dl.facts").get_text(" ").split())
    assert "français (fr) · 4 septembre 2025" in facts
    assert "Deutsch (de) · 4. September 2025" in facts
    assert "pseudo" in facts
    # names and dates are isolated, so a right-to-left date keeps its order
    assert [b.get_text() for b in soup.select("dl.facts bdi")][:2] == [
        "français",
        "4 septembre 2025",
    ]


def test_arabic_pseudo_text_is_right_to_left(run_cli, tmp_path, monkeypatch):
    shutil.copytree(SAMPLES, tmp_path / "samples")
    monkeypatch.chdir(tmp_path)
    args = ["localize", "samples/council-budget.html", "--to", "ar", "--engine", "pseudo"]
    assert run_cli(*args, "--out", "out", "--format", "html").exit_code == 0
    page = (tmp_path / "out" / "council-budget.ar.html").read_text(encoding="utf-8")
    assert 'dir="rtl"' in page and "\u202e[Ƈǿŭƞƈīŀ" in page  # forced right to left
    soup = _page("samples/council-budget.html", to="ar", engine="pseudo")
    target = soup.select("section.row .cell.target")[0]
    assert target["dir"] == "rtl" and target.get_text().startswith("\u200f\u202e[")


def test_with_a_variant_and_qa_findings_inline(run_cli, tmp_path, monkeypatch):
    shutil.copytree(SAMPLES, tmp_path / "samples")
    monkeypatch.chdir(tmp_path)
    assert (
        run_cli(
            "localize", "samples/fr-marche.md", "--to", "de", "--engine", "pseudo", "--out", "out"
        ).exit_code
        == 0
    )
    variant = tmp_path / "out" / "fr-marche.de.md"
    variant.write_text(variant.read_text(encoding="utf-8").replace("4,2", "4,9"), encoding="utf-8")
    soup = _page("samples/fr-marche.md", variant=str(variant))
    flagged = soup.select("section.row.has-error")
    assert len(flagged) == 1
    assert "4,2 in the source has no match" in flagged[0].select_one("ul.findings").get_text()
    assert len(soup.select(".cell.source")) == len(soup.select(".cell.target"))


def test_hostile_text_is_escaped(tmp_path):
    hostile = tmp_path / "hostile.md"
    hostile.write_text(HOSTILE, encoding="utf-8")
    html = render_preview(build_preview(str(hostile), to="fr", engine="pseudo"))
    soup = BeautifulSoup(html, "html.parser")
    assert soup.find_all("script") == [] and soup.find_all("img") == [] and soup.find_all("a") == []
    assert "onerror" not in str(
        soup.find_all(True, attrs=lambda a: a and any(k.startswith("on") for k in a))
    )
    assert "&lt;script&gt;" in html
    csp = soup.find("meta", attrs={"http-equiv": "Content-Security-Policy"})["content"]
    assert csp.startswith("default-src 'none'; style-src 'unsafe-inline'")
    assert "javascript:" not in "".join(str(t.attrs) for t in soup.find_all(True))


def test_command_prints_the_path(run_cli, tmp_path):
    out = tmp_path / "p.html"
    result = run_cli(
        "preview", SAMPLES / "es-incendio.txt", "--to", "fr", "--engine", "pseudo", "-o", out
    )
    assert result.exit_code == 0 and result.stdout.strip() == str(out)
    assert run_cli("preview", SAMPLES / "es-incendio.txt", "--engine", "pseudo").exit_code == 2


def _run_chromium(page: Path, *args: str, tmp: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [
            chromium_path(),
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-extensions",
            f"--user-data-dir={tmp / 'chromium-profile'}",
            *args,
            page.resolve().as_uri(),
        ],  # fmt: skip
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )


def test_real_browser_renders_aligned_rtl_rows_and_hostile_text_inert(run_cli, tmp_path, artifacts):
    artifacts.mkdir(parents=True, exist_ok=True)
    page = artifacts / "preview-scraped-ar.html"
    assert (
        run_cli(
            "preview",
            SAMPLES / "scraped-ticker.txt",
            "--to",
            "ar",
            "--engine",
            "pseudo",
            "-o",
            page,
        ).exit_code
        == 0
    )
    shot = artifacts / "preview-scraped-ar.png"
    shot.unlink(missing_ok=True)
    _run_chromium(page, "--window-size=1200,1400", f"--screenshot={shot}", tmp=tmp_path)
    assert shot.stat().st_size > 10_000
    dom = BeautifulSoup(_run_chromium(page, "--dump-dom", tmp=tmp_path).stdout, "html.parser")
    sources, targets = dom.select(".cell.source"), dom.select(".cell.target")
    assert len(sources) == len(targets) == 6
    assert {t["dir"] for t in targets} == {"rtl"}

    hostile = tmp_path / "hostile.md"
    hostile.write_text(HOSTILE, encoding="utf-8")
    hostile_page = artifacts / "preview-hostile.html"
    assert (
        run_cli(
            "preview", hostile, "--to", "fr", "--engine", "pseudo", "-o", hostile_page
        ).exit_code
        == 0
    )
    dom = BeautifulSoup(
        _run_chromium(hostile_page, "--dump-dom", tmp=tmp_path).stdout, "html.parser"
    )
    assert dom.title is not None and "pwned" != dom.title.get_text()
    assert not re.search(r"^pwned$", dom.title.get_text())
    assert dom.find_all("script") == [] and dom.find_all("img") == []
    assert len(dom.select(".cell.source")) == len(dom.select(".cell.target"))


def test_open_flag_opens_the_file(run_cli, tmp_path, monkeypatch):
    opened = []
    monkeypatch.setattr("webbrowser.open", lambda url: opened.append(url) or True)
    out = tmp_path / "p.html"
    assert (
        run_cli(
            "preview",
            SAMPLES / "es-incendio.txt",
            "--to",
            "fr",
            "--engine",
            "pseudo",
            "-o",
            out,
            "--open",
        ).exit_code
        == 0
    )
    assert opened == [out.resolve().as_uri()]
