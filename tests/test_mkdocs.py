"""Variants built by the real MkDocs with mkdocs-static-i18n, in its two layouts.

``mkdocs build --strict`` fails on any warning (a broken link, a page that
is not in the navigation it should be in); each language's page must hold
its own variant.
"""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.dates import format_date

pytest.importorskip("mkdocs_static_i18n", reason="mkdocs-static-i18n is in the test extra")

LOCALES = ("fr", "ar")
CONFIG = """site_name: Harbour news
plugins:
  - i18n:
      docs_structure: {structure}
      languages:
        - locale: en
          default: true
          name: English
          build: true
        - locale: fr
          name: Français
          build: true
        - locale: ar
          name: العربية
          build: true
"""
PAGES = {
    "index.md": (
        "---\ntitle: The bridge reopens\ndate: 2025-09-04\n---\n\n# The bridge reopens\n\n"
        "The old bridge reopens on Thursday after two years of repairs, see "
        "[the market](market.md).\n"
    ),
    "market.md": (
        "# A market on the square\n\n"
        "Farmers sell fruit and cheese on the square every Saturday morning until noon.\n"
    ),
}


def _site(root: Path, structure: str) -> Path:
    (root / "mkdocs.yml").write_text(CONFIG.format(structure=structure), encoding="utf-8")
    docs = root / "docs" / ("en" if structure == "folder" else "")
    docs.mkdir(parents=True)
    for name, text in PAGES.items():
        (docs / name).write_text(text, encoding="utf-8")
    return docs


def _build(root: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet"],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def _check(root: Path) -> None:
    for lang in LOCALES:
        page = (root / "site" / lang / "index.html").read_text(encoding="utf-8")
        heading = re.search(r"<h1[^>]*>(.*?)</h1>", page, re.DOTALL)
        assert heading is not None and "[" in heading.group(1)  # the pseudo title
        assert format_date(dt.date(2025, 9, 4), format="long", locale=lang) in page
        market = (root / "site" / lang / "market" / "index.html").read_text(encoding="utf-8")
        assert "Farmers sell fruit" not in market  # the variant, not the English page
    english = (root / "site" / "index.html").read_text(encoding="utf-8")
    assert "The old bridge reopens on Thursday" in english


def test_mkdocs_builds_suffix_variants_strictly(run_cli, tmp_path):
    docs = _site(tmp_path, "suffix")
    result = run_cli("localize", docs, "--to", ",".join(LOCALES), "--engine", "pseudo")
    assert result.exit_code == 0, result.stderr
    assert (docs / "index.fr.md").is_file() and (docs / "market.ar.md").is_file()
    _build(tmp_path)
    _check(tmp_path)


def test_mkdocs_builds_folder_variants_strictly(run_cli, tmp_path):
    docs = _site(tmp_path, "folder")
    args = ["localize", docs, "--to", ",".join(LOCALES), "--engine", "pseudo"]
    result = run_cli(*args, "--layout", "dir", "--out", tmp_path / "docs")
    assert result.exit_code == 0, result.stderr
    assert (tmp_path / "docs" / "fr" / "index.md").is_file()
    _build(tmp_path)
    _check(tmp_path)
