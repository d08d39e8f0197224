from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from translator.catalogs import check_catalog

from .conftest import ROOT, SAMPLES

PO = ROOT / "tests" / "po"


@pytest.fixture
def site(tmp_path, monkeypatch, run_cli):
    """Samples localized into build/ with the pseudo engine, cwd at the root."""
    shutil.copytree(SAMPLES, tmp_path / "samples")
    shutil.copytree(ROOT / "locales", tmp_path / "locales")
    monkeypatch.chdir(tmp_path)
    result = run_cli(
        "localize", "samples/", "--to", "fr,ar,de", "--engine", "pseudo", "--out", "build/"
    )
    assert result.exit_code == 0
    return tmp_path


def test_all_fresh_exits_0(run_cli, site):
    result = run_cli("coverage", "samples", "--variants", "build", "--locales", "fr,ar,de")
    assert result.exit_code == 0, result.stdout
    assert "PASSED" in result.stdout and "100.0%" in result.stdout


def test_edited_source_is_stale_for_every_locale(run_cli, site):
    with open(site / "samples" / "es-incendio.txt", "a", encoding="utf-8") as fh:
        fh.write("Una frase más.\n")
    result = run_cli(
        "coverage", "samples", "--variants", "build", "--locales", "fr,ar,de", "--format", "json"
    )
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    [row] = [r for r in data["articles"] if r["path"].endswith("es-incendio.txt")]
    assert {t: c["status"] for t, c in row["cells"].items()} == {
        "fr": "stale",
        "ar": "stale",
        "de": "stale",
    }
    others = [r for r in data["articles"] if r is not row]
    assert all(c["status"] == "ok" for r in others for c in r["cells"].values())
    assert data["locales"]["fr"]["stale"] == 1 and data["summary"]["passed"] is False
    text = run_cli("coverage", "samples", "--variants", "build", "--locales", "fr,ar,de").stdout
    assert "samples/es-incendio.txt [fr] stale" in text


def _rewrite_as_the_tool(path, old: str, new: str) -> None:
    """Change a variant as localize would have written it (its content hash follows)."""
    import re

    from translator.variants import with_content_hash

    text = path.read_text(encoding="utf-8").replace(old, new)
    text = re.sub(r"(content_sha256: \"?)[0-9a-f]{64}", lambda m: m.group(1) + "0" * 64, text)
    path.write_text(with_content_hash(text), encoding="utf-8")


def test_a_hand_edited_variant_is_reported_edited(run_cli, site):
    variant = site / "build" / "es-incendio.fr.md"
    variant.write_text(variant.read_text(encoding="utf-8") + "\nUne phrase de la rédaction.\n")
    result = run_cli(
        "coverage", "samples", "--variants", "build", "--locales", "fr", "--format", "json"
    )
    assert result.exit_code == 1
    cells = {Path(r["path"]).name: r["cells"]["fr"] for r in json.loads(result.stdout)["articles"]}
    assert cells["es-incendio.txt"]["status"] == "edited"
    assert "run translator localize" in cells["es-incendio.txt"]["reason"]
    text = run_cli("coverage", "samples", "--variants", "build", "--locales", "fr").stdout
    assert "samples/es-incendio.txt [fr] edited" in text


def test_missing_invalid_and_qa(run_cli, site):
    (site / "build" / "fr-marche.fr.md").unlink()
    (site / "build" / "de-fahrrad.fr.md").write_text(
        "---\ntitle: [unclosed\n---\n", encoding="utf-8"
    )
    qa = site / "build" / "es-incendio.fr.md"
    _rewrite_as_the_tool(qa, "qa: {errors: 0, warnings: 0}", "qa: {errors: 2, warnings: 0}")
    result = run_cli(
        "coverage", "samples", "--variants", "build", "--locales", "fr", "--format", "json"
    )
    assert result.exit_code == 1
    cells = {
        Path(r["path"]).name: r["cells"]["fr"]["status"]
        for r in json.loads(result.stdout)["articles"]
    }
    assert cells["fr-marche.md"] == "missing"
    assert cells["de-fahrrad.md"] == "invalid"
    assert cells["es-incendio.txt"] == "qa"
    assert json.loads(result.stdout)["locales"]["fr"]["percent"] == 50.0
    assert (
        run_cli(
            "coverage", "samples", "--variants", "build", "--locales", "fr", "--min", "50"
        ).exit_code
        == 0
    )


def test_junit_parses(run_cli, site, tmp_path):
    (site / "build" / "fr-marche.ar.md").unlink()
    out = site / "report.xml"
    result = run_cli(
        "coverage",
        "samples",
        "--variants",
        "build",
        "--locales",
        "fr,ar",
        "--format",
        "junit",
        "-o",
        out,
    )
    assert result.exit_code == 1
    root = ET.parse(out).getroot()
    assert root.tag == "testsuites"
    cases = root.findall(".//testcase")
    # 6 sources x 2 locales, one case per catalog, one per locale's threshold
    assert len(cases) == 6 * 2 + 11 + 2
    failed = [c for c in cases if c.find("failure") is not None]
    assert [(c.get("classname"), c.get("name")) for c in failed] == [
        ("samples/fr-marche.md", "ar"),
        ("thresholds", "ar coverage"),
    ]
    assert root.get("failures") == "2"


def test_dir_layout_and_default_beside_sources(run_cli, site):
    assert (
        run_cli(
            "localize",
            "samples/",
            "--to",
            "fr",
            "--engine",
            "pseudo",
            "--out",
            "site2",
            "--layout",
            "dir",
        ).exit_code
        == 0
    )
    assert (
        run_cli(
            "coverage", "samples", "--variants", "site2", "--layout", "dir", "--locales", "fr"
        ).exit_code
        == 0
    )
    assert (
        run_cli("coverage", "samples", "--locales", "fr").exit_code == 1
    )  # none beside the sources
    assert run_cli("localize", "samples/", "--to", "fr", "--engine", "pseudo").exit_code == 0
    assert run_cli("coverage", "samples", "--locales", "fr").exit_code == 0


@pytest.mark.parametrize(
    "args",
    [
        ["samples", "--locales", "xx-YY"],
        ["samples", "--locales", "fr", "--variants", "nowhere"],
        ["nowhere", "--locales", "fr"],
        ["samples", "--locales", "fr", "--catalogs", "nowhere"],
    ],
)
def test_usage_errors_exit_2(run_cli, site, args):
    assert run_cli("coverage", *args).exit_code == 2


def test_broken_catalog_fails_with_file_and_line(run_cli, site):
    shutil.copy(PO / "unterminated.po", site / "locales" / "fr" / "LC_MESSAGES" / "extra.po")
    result = run_cli("coverage", "samples", "--variants", "build", "--locales", "fr")
    assert result.exit_code == 1
    assert "locales/fr/LC_MESSAGES/extra.po:6: unterminated string" in result.stdout


def test_placeholder_mismatch_and_duplicates_are_errors():
    brace = check_catalog(PO / "brace_mismatch.po")
    assert len(brace.errors) == 2 and "{date} vs {jour}" in brace.errors[0]
    dup = check_catalog(PO / "duplicate.po")
    assert any("duplicate message definition" in e for e in dup.errors)


def _msgfmt(path: Path) -> tuple[int, int, int]:
    out = subprocess.run(
        ["msgfmt", "--statistics", "-o", os.devnull, str(path)],
        capture_output=True,
        text=True,
        check=True,
    ).stderr
    numbers = {kind: 0 for kind in ("translated", "fuzzy", "untranslated")}
    for count, kind in re.findall(r"(\d+) (translated|fuzzy|untranslated)", out):
        numbers[kind] = int(count)
    return numbers["translated"], numbers["fuzzy"], numbers["untranslated"]


CATALOGS = sorted((ROOT / "locales").rglob("*.po")) + sorted(
    p for p in PO.glob("*.po") if p.name not in {"unterminated.po", "duplicate.po"}
)


@pytest.mark.parametrize("path", CATALOGS, ids=lambda p: str(p.relative_to(ROOT)))
def test_counts_equal_msgfmt_statistics(path):
    if shutil.which("msgfmt") is None:
        if os.environ.get("CI"):
            pytest.fail("msgfmt is missing: .ci/run installs gettext")
        pytest.skip("GNU gettext's msgfmt is not installed")
    stats = check_catalog(path)
    assert (stats.translated, stats.fuzzy, stats.untranslated) == _msgfmt(path)


def test_obsolete_entries_are_counted_apart():
    stats = check_catalog(PO / "plural_fuzzy.po")
    assert stats.obsolete == 2


def test_qa_option_checks_the_bodies_as_translator_qa_does(run_cli, site):
    variant = site / "build" / "de-fahrrad.fr.md"
    _rewrite_as_the_tool(variant, "řŭƞḓ 6.000 Ḿḗƞşƈħḗƞ", "řŭƞḓ 7.000 Ḿḗƞşƈħḗƞ")  # a wrong number
    args = ["coverage", "samples", "--variants", "build", "--locales", "fr", "--format", "json"]
    trusting = json.loads(run_cli(*args).stdout)
    cells = {Path(r["path"]).name: r["cells"]["fr"] for r in trusting["articles"]}
    assert cells["de-fahrrad.md"]["status"] == "ok"  # its qa field says 0 errors
    result = run_cli(*args, "--qa")
    assert result.exit_code == 1
    cells = {Path(r["path"]).name: r["cells"]["fr"] for r in json.loads(result.stdout)["articles"]}
    assert cells["de-fahrrad.md"]["status"] == "qa"
    assert "numbers" in cells["de-fahrrad.md"]["reason"]
    qa = run_cli("qa", "samples/de-fahrrad.md", "build/de-fahrrad.fr.md")
    assert qa.exit_code == 1 and "numbers" in qa.stdout + qa.stderr
    others = [c["status"] for n, c in cells.items() if n != "de-fahrrad.md"]
    assert set(others) == {"ok"}


def test_variants_in_the_other_layout_are_pointed_out(run_cli, tmp_path, monkeypatch):
    shutil.copytree(SAMPLES, tmp_path / "samples")
    monkeypatch.chdir(tmp_path)
    args = ["localize", "samples", "--to", "fr", "--engine", "pseudo", "--out", "site"]
    assert run_cli(*args, "--layout", "dir").exit_code == 0
    result = run_cli(
        "coverage", "samples", "--locales", "fr", "--variants", "site", "--format", "json"
    )
    cells = [r["cells"]["fr"] for r in json.loads(result.stdout)["articles"]]
    assert all(c["status"] == "missing" for c in cells)
    assert all("run coverage with --layout dir" in c["reason"] for c in cells)
    assert (
        run_cli(
            "coverage", "samples", "--locales", "fr", "--variants", "site", "--layout", "dir"
        ).exit_code
        == 0
    )
