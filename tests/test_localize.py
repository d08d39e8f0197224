from __future__ import annotations

import datetime as dt
import os
import shutil

import pytest
import yaml
from babel.dates import format_date

from translator.engines.pseudo import pseudo_localize
from translator.frontmatter import split_front_matter
from translator.locales import parse_locale, parse_locales

from .conftest import ROOT, SAMPLES

GOLDEN = ROOT / "tests" / "golden"
GOLDEN_LOCALES = ["fr", "ar", "de", "ja", "pt-BR"]


def _fm(text: str) -> dict:
    return split_front_matter("x", text)[1]


@pytest.fixture
def work(tmp_path, monkeypatch):
    """A copy of the samples, with the working directory at its root."""
    shutil.copytree(SAMPLES, tmp_path / "samples")
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.mark.parametrize("fmt", ["md", "html", "json"])
def test_golden_variants(run_cli, work, fmt):
    result = run_cli(
        "localize", "samples/de-fahrrad.md", "--to", ",".join(GOLDEN_LOCALES),
        "--engine", "pseudo", "--out", "out", "--format", fmt,
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    for tag in GOLDEN_LOCALES:
        name = f"de-fahrrad.{tag.lower()}.{fmt}"  # file names carry the tag in lowercase
        produced = (work / "out" / name).read_bytes()
        golden = GOLDEN / name
        if os.environ.get("UPDATE_GOLDEN"):
            golden.write_bytes(produced)
        assert produced == golden.read_bytes(), f"{golden.name} differs (UPDATE_GOLDEN=1 to accept)"
        # the date comes from Babel, in the offset the source wrote it in
        expected = format_date(dt.date(2025, 3, 18), format="long", locale=parse_locale(tag).locale)
        assert expected in produced.decode("utf-8")


def test_main_command_on_samples(run_cli, work):
    result = run_cli(
        "localize", "samples/", "--to", "fr,ar,de", "--engine", "pseudo", "--out", "build/"
    )
    assert result.exit_code == 0, result.stderr
    variants = sorted(p.name for p in (work / "build").iterdir())
    sources = sorted(p.stem for p in (work / "samples").iterdir())
    assert variants == sorted(f"{s}.{t}.md" for s in sources for t in ("fr", "ar", "de"))
    scraped = (work / "build" / "scraped-ticker.ar.md").read_text(encoding="utf-8")
    for chrome in ("اعلان", "Ticker", "6/recent/ticker-posts"):
        assert chrome not in scraped
    meta = _fm(scraped)
    assert meta["dir"] == "rtl" and meta["lang"] == "ar" and "date" not in meta
    # one line for the two sources without a date, not one per file
    dates = [ln for ln in result.stderr.splitlines() if "no date found" in ln]
    assert dates == [
        "warning: no date found; its variants have no date fields (3 files: "
        "samples/arabic-market.txt, samples/es-incendio.txt, …; --report lists them)"
    ]
    assert "written" not in result.stdout  # -v lists them
    verbose = run_cli(
        "localize",
        "samples/",
        "--to",
        "fr",
        "--engine",
        "pseudo",
        "--out",
        "build/",
        "-v",
        "--force",
    )
    assert verbose.stdout.count("unchanged  build/") == 6
    assert "warning: samples/scraped-ticker.txt: no date found" in verbose.stderr
    marche = _fm((work / "build" / "fr-marche.ar.md").read_text(encoding="utf-8"))
    assert marche["date_display"] == format_date(dt.date(2025, 9, 4), format="long", locale="ar")
    assert marche["source_lang"] == "fr" and marche["source"] == "samples/fr-marche.md"


def test_second_run_rewrites_nothing(run_cli, work):
    args = ("localize", "samples/", "--to", "fr,de", "--engine", "pseudo", "--out", "build/")
    assert run_cli(*args).exit_code == 0
    stamps = {p: p.stat().st_mtime_ns for p in (work / "build").iterdir()}
    again = run_cli(*args)
    assert again.exit_code == 0
    assert "0 written, 0 unchanged, 12 skipped (fresh)" in again.stderr
    forced = run_cli(*args, "--force")
    assert "0 written, 12 unchanged, 0 skipped" in forced.stderr
    assert {p: p.stat().st_mtime_ns for p in (work / "build").iterdir()} == stamps


def test_variants_are_not_sources(run_cli, work):
    assert run_cli("localize", "samples/", "--to", "fr", "--engine", "pseudo").exit_code == 0
    assert (work / "samples" / "fr-marche.fr.md").exists()  # beside the source by default
    again = run_cli("localize", "samples/", "--to", "fr", "--engine", "pseudo")
    assert not (work / "samples" / "fr-marche.fr.fr.md").exists()
    assert "6 variants" in again.stderr


def test_dir_layout(run_cli, work):
    assert (
        run_cli(
            "localize",
            "samples/",
            "--to",
            "pt-BR",
            "--engine",
            "pseudo",
            "--out",
            "site",
            "--layout",
            "dir",
        ).exit_code
        == 0
    )
    assert (work / "site" / "pt-br" / "fr-marche.md").exists()


def test_front_matter_carry_over(run_cli, work):
    source = work / "samples" / "carry.md"
    source.write_text(
        "---\n"
        "# editor's note\n"
        "title: Old title\n"
        "draft: no\n"
        "version: 012\n"
        "summary: >\n"
        "  A folded\n"
        "  summary.\n"
        "tags:\n"
        "- city\n"
        "- 'no'\n"
        "slug: ../../etc/x\n"
        "lang: en\n"
        "date: 2024-01-05\n"
        "---\n"
        "\n"
        "# Old title\n\nThe council met on Monday and voted to repair the old bridge.\n",
        encoding="utf-8",
    )
    result = run_cli(
        "localize", "samples/carry.md", "--to", "fr", "--engine", "pseudo", "--out", "out"
    )
    assert result.exit_code == 0, result.stderr
    text = (work / "out" / "carry.fr.md").read_text(encoding="utf-8")
    head = text.split("---\n")[1]
    for line in ["# editor's note", "draft: no", "version: 012",
                 "tags:", "- city", "- 'no'", "slug: ../../etc/x"]:  # fmt: skip
        assert line + "\n" in head
    meta = yaml.safe_load(head)
    # the summary is read by people: translated, every other value as written
    assert meta["summary"] == pseudo_localize("A folded summary.")
    assert "  A folded" not in head
    assert meta["lang"] == "fr" and meta["draft"] is False and meta["version"] == 10
    assert meta["date"] == dt.date(2024, 1, 5) and meta["title"] != "Old title"
    assert list(work.joinpath("out").iterdir()) == [
        work / "out" / "carry.fr.md"
    ]  # slug decides nothing


def test_date_option_and_offsets(run_cli, work):
    result = run_cli(
        "localize", "samples/scraped-ticker.txt", "--to", "fr", "--engine", "pseudo",
        "--out", "out", "--date", "2025-09-04T23:30-05:00",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    meta = _fm((work / "out" / "scraped-ticker.fr.md").read_text(encoding="utf-8"))
    assert meta["date_display"] == "4 septembre 2025"  # shown in its own offset, not UTC


@pytest.mark.parametrize(
    "args, fragment",
    [
        (["--to", "xx-YY"], "unknown locale 'xx-YY'"),
        (["--to", "en_US.UTF-8"], "unknown locale 'en_US.UTF-8'"),
        (["--to", "fr", "--date", "2024-02-30"], "is not a date"),
        (["--to", "fr", "--out", "samples/out"], "inside the input directory"),
        (["--to", "fr", "--out", "."], "contains the input samples/"),
    ],
)
def test_refused_before_anything_is_written(run_cli, work, args, fragment):
    before = sorted(p.name for p in work.rglob("*"))
    result = run_cli("localize", "samples/", "--engine", "pseudo", *args)
    assert result.exit_code == 2
    assert fragment in result.stderr
    assert sorted(p.name for p in work.rglob("*")) == before


def test_colliding_inputs_are_refused(run_cli, work):
    (work / "other").mkdir()
    shutil.copy(work / "samples" / "fr-marche.md", work / "other" / "FR-marche.md")
    result = run_cli(
        "localize",
        "samples/fr-marche.md",
        "other/FR-marche.md",
        "--to",
        "fr",
        "--engine",
        "pseudo",
        "--out",
        "out",
    )
    assert result.exit_code == 2 and "would both write" in result.stderr
    assert not (work / "out").exists()


def test_failing_file_is_listed_and_others_written(run_cli, work):
    (work / "samples" / "broken.md").write_text(
        "---\ntitle: x\n\nno closing fence\n", encoding="utf-8"
    )
    result = run_cli("localize", "samples/", "--to", "fr", "--engine", "pseudo", "--out", "out")
    assert result.exit_code == 1
    assert (
        "error: samples/broken.md:1: front matter opened with --- is never closed" in result.stderr
    )
    assert len(list((work / "out").iterdir())) == 6


def test_missing_pair_exits_2_before_writing(run_cli, work, installed):
    result = run_cli("localize", "samples/scraped-ticker.txt", "--to", "fr,ja", "--out", "out")
    assert result.exit_code == 2 and "en→ja" in result.stderr
    assert not (work / "out").exists()


def test_argos_fixture_end_to_end(run_cli, work, installed):
    result = run_cli("localize", "samples/scraped-ticker.txt", "--to", "fr", "--out", "out")
    assert result.exit_code == 0, result.stderr
    text = (work / "out" / "scraped-ticker.fr.md").read_text(encoding="utf-8")
    meta = _fm(text)
    assert meta["engine"] == "translate-en_fr@1.0" and meta["source_lang"] == "en"
    body = text.split("---\n", 2)[2].strip().split("\n\n")
    # the published line, the title, then one paragraph per source paragraph
    assert body[0] == "Langue d'origine : anglais"
    assert body[1].startswith("# ") and len(body) == 2 + 5
    assert "https://example.org/ferries/summer_timetable" in body[-1]


def test_locale_without_catalog_falls_back_with_one_warning(run_cli, work):
    result = run_cli(
        "localize", "samples/fr-marche.md", "--to", "nl", "--engine", "pseudo", "--out", "out"
    )
    assert result.exit_code == 0
    assert result.stderr.count("no catalog for nl") == 1
    assert "Published on" in (work / "out" / "fr-marche.nl.md").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "given, tag, argos, direction",
    [
        ("fr", "fr", "fr", "ltr"),
        ("fr_FR", "fr-FR", "fr", "ltr"),
        ("fr-FR", "fr-FR", "fr", "ltr"),
        ("pt-BR", "pt-BR", "pb", "ltr"),
        ("zh-Hant", "zh-Hant", "zt", "ltr"),
        ("zh_hant", "zh-Hant", "zt", "ltr"),
        ("ar-EG", "ar-EG", "ar", "rtl"),
        ("he", "he", "he", "rtl"),
        ("pb", "pt-BR", "pb", "ltr"),
    ],
)
def test_locale_parsing(given, tag, argos, direction):
    target = parse_locale(given)
    assert (target.tag, target.argos, target.direction) == (tag, argos, direction)


@pytest.mark.parametrize("bad", ["xx-YY", "en_US.UTF-8", "", " , ", "fr,fr", "123"])
def test_bad_locale_lists(bad):
    from translator.errors import UsageError

    with pytest.raises(UsageError):
        parse_locales(bad)
