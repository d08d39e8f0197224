"""Documentation pages built with their French variants by the real site
generators: MkDocs with mkdocs-static-i18n (Python-Markdown's admonitions,
definition lists, footnotes, attribute lists, tables, a MultiMarkdown meta
block) and Hugo (Goldmark tables, images, shortcodes whose body is prose or
code, a GitHub alert).  Each French page has as many headings, tables, images,
admonitions and links as its English page, and its text is the variant's.

Where the development corpus of real pages lies beside the project
(``../shared/eval/markdown/``), its Python-Markdown pages are built the same
way; elsewhere that test says it was skipped and why.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import ROOT

HUGO = shutil.which("hugo")
CORPUS = ROOT.parent / "shared" / "eval" / "markdown" / "corpus"

MKDOCS_CONFIG = """site_name: Docs
markdown_extensions:
  - admonition
  - def_list
  - footnotes
  - attr_list
  - tables
  - md_in_html
plugins:
  - i18n:
      docs_structure: suffix
      languages:
        - locale: en
          default: true
          name: English
          build: true
        - locale: fr
          name: Français
          build: true
"""
MKDOCS_PAGE = """\
title: Configuration
summary: How the tool is configured.

# Configuration

The tool reads one settings file, see [the guide](index.md).

!!! warning "Before you start"
    Keep a copy of your settings before you change them.

| Key | Meaning |
|-----|---------|
| `to` | The target locales. |
| `out` | The output folder. |

![A diagram of the settings](img/settings.png){ width="300" }

Output folder
:   Where the variants are written.[^1]

## Examples

Run it with the defaults first.

[^1]: Relative to the project's root.
"""
MKDOCS_INDEX = "# Home\n\nWelcome to the documentation of the tool.\n"

HUGO_CONFIG = """baseURL = "https://example.org/"
defaultContentLanguage = "en"
disableKinds = ["taxonomy", "term", "RSS", "sitemap", "robotsTXT"]
[languages.en]
  weight = 1
[languages.fr]
  weight = 2
[markup.goldmark.renderer]
  unsafe = true
"""
HUGO_PAGE = """\
---
title: Installing the theme
description: How to install the theme as a module.
weight: 2
---

## Requirements

You need a recent version of Hugo and Git.

| Tool | Version |
|------|---------|
| Hugo | 0.110 or later |
| Git | any recent one |

![The theme's home page](/images/home.png)

{{% note %}}
Install Hugo before you start.
{{% /note %}}

{{< highlight toml >}}
[module]
  [[module.imports]]
    path = "github.com/example/theme"
{{< /highlight >}}

> [!NOTE]
> Modules need Go installed as well.

## Next steps

Read [the configuration page](https://example.org/docs/config/).
"""
SINGLE = (
    '{{ define "main" }}<h1>{{ .Title }}</h1><div class="content">{{ .Content }}</div>{{ end }}\n'
)
BASEOF = (
    '<!DOCTYPE html><html lang="{{ .Site.Language.Lang }}"><head><title>{{ .Title }}</title>'
    '</head><body>{{ block "main" . }}{{ end }}</body></html>\n'
)
SHORTCODES = {
    "note.html": '<div class="note">{{ .Inner }}</div>',
    "highlight.html": "<pre><code>{{ .Inner }}</code></pre>",
}


def _counts(html: str) -> dict[str, int]:
    return {
        "headings": len(re.findall(r"<h[1-6][\s>]", html)),
        "tables": html.count("<table"),
        "images": html.count("<img"),
        "links": len(re.findall(r"<a\s[^>]*href=", html)),
        "admonitions": len(re.findall(r'class="admonition\b(?!-)', html)),
        "definitions": html.count("<dd"),
        "footnotes": html.count('class="footnote'),
        "code": html.count("<code"),
    }


def _localize(run_cli, *args: str) -> None:
    result = run_cli("localize", *args, "--to", "fr", "--engine", "pseudo", "--from", "en",
                     "--no-cache")  # fmt: skip
    assert result.exit_code == 0, result.stderr


def _mkdocs(root: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--quiet"],
        cwd=root, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stdout + proc.stderr


def _content(html: str) -> str:
    """The page's article (MkDocs' default theme puts its content in a div)."""
    found = re.search(r'role="main"[^>]*>(.*?)<footer', html, re.DOTALL)
    return found.group(1) if found else html


def test_mkdocs_builds_a_docs_page_and_its_french_variant_alike(run_cli, tmp_path):
    pytest.importorskip("mkdocs_static_i18n", reason="mkdocs-static-i18n is in the test extra")
    (tmp_path / "mkdocs.yml").write_text(MKDOCS_CONFIG, encoding="utf-8")
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "index.md").write_text(MKDOCS_INDEX, encoding="utf-8")
    (docs / "config.md").write_text(MKDOCS_PAGE, encoding="utf-8")
    _localize(run_cli, str(docs))
    _mkdocs(tmp_path)
    english = _content((tmp_path / "site" / "config" / "index.html").read_text(encoding="utf-8"))
    french = _content(
        (tmp_path / "site" / "fr" / "config" / "index.html").read_text(encoding="utf-8")
    )
    counts = _counts(english)
    assert counts["tables"] == 1 and counts["admonitions"] == 1 and counts["definitions"] == 1
    assert counts["images"] == 1 and counts["footnotes"] >= 1
    assert _counts(french) == counts
    assert "Keep a copy of your settings" not in french and "Ķḗḗƥ ȧ ƈǿƥẏ" in french
    assert 'width="300"' in french and "title: Configuration" not in french


def test_hugo_builds_a_docs_page_and_its_french_variant_alike(run_cli, tmp_path):
    layouts = _hugo_site(tmp_path)
    (layouts / "shortcodes").mkdir()
    for name, text in SHORTCODES.items():
        (layouts / "shortcodes" / name).write_text(text, encoding="utf-8")
    content = tmp_path / "content" / "docs"
    content.mkdir(parents=True)
    (content / "install.md").write_text(HUGO_PAGE, encoding="utf-8")
    _localize(run_cli, str(content))
    _hugo(tmp_path)
    english = (tmp_path / "public" / "docs" / "install" / "index.html").read_text(encoding="utf-8")
    french = (tmp_path / "public" / "fr" / "docs" / "install" / "index.html").read_text(
        encoding="utf-8"
    )
    counts = _counts(english)
    assert counts["tables"] == 1 and counts["images"] == 1 and counts["headings"] == 3
    assert _counts(french) == counts
    assert 'path = "github.com/example/theme"' in french  # code shortcode body untouched
    assert "Install Hugo before you start." not in french  # prose shortcode body translated
    assert "[!NOTE]" in french or "NOTE" in french


def test_mkdocs_builds_real_python_markdown_pages_alike(run_cli, tmp_path):
    pytest.importorskip("mkdocs_static_i18n", reason="mkdocs-static-i18n is in the test extra")
    pages = CORPUS / "python-markdown" / "docs" / "extensions"
    if not pages.is_dir():
        pytest.skip(f"the development corpus is not beside the project ({CORPUS})")
    (tmp_path / "mkdocs.yml").write_text(MKDOCS_CONFIG, encoding="utf-8")
    docs = tmp_path / "docs"
    shutil.copytree(pages, docs)
    (docs / "index.md").write_text(MKDOCS_INDEX, encoding="utf-8")
    _localize(run_cli, str(docs))
    _mkdocs(tmp_path)
    built = 0
    for source in sorted(docs.glob("*.md")):
        if source.stem == "index" or source.name.count(".") > 1:
            continue
        english = (tmp_path / "site" / source.stem / "index.html").read_text(encoding="utf-8")
        french = (tmp_path / "site" / "fr" / source.stem / "index.html").read_text(encoding="utf-8")
        for key in ("headings", "tables", "images", "admonitions", "definitions"):
            assert _counts(_content(french))[key] == _counts(_content(english))[key], (source, key)
        built += 1
    assert built >= 10


def test_hugo_builds_real_hugo_book_pages_alike(run_cli, tmp_path):
    pages = CORPUS / "hugo-book" / "exampleSite" / "content.en"
    if not pages.is_dir():
        pytest.skip(f"the development corpus is not beside the project ({CORPUS})")
    layouts = _hugo_site(tmp_path)
    content = tmp_path / "content"
    shutil.copytree(pages, content)
    _stub_shortcodes(content, layouts / "shortcodes")
    _localize(run_cli, str(content))
    _hugo(tmp_path)
    public = tmp_path / "public"
    built = 0
    for english in sorted(public.rglob("index.html")):
        relative = english.relative_to(public)
        if relative.parts[0] in ("fr", "en"):
            continue
        french = public / "fr" / relative
        assert french.is_file(), relative
        a, b = english.read_text(encoding="utf-8"), french.read_text(encoding="utf-8")
        for key in ("headings", "tables", "images", "links", "code"):
            assert _counts(b)[key] == _counts(a)[key], (relative, key)
        built += 1
    assert built >= 25


def _hugo_site(root: Path) -> Path:
    """A Hugo site's configuration and layouts under *root* (skips without hugo);
    its layouts folder."""
    if HUGO is None:
        pytest.skip("hugo is not installed (.ci/run installs it)")
    (root / "config.toml").write_text(HUGO_CONFIG, encoding="utf-8")
    layouts = root / "layouts"
    (layouts / "_default").mkdir(parents=True)
    (layouts / "_default" / "baseof.html").write_text(BASEOF, encoding="utf-8")
    for name in ("single.html", "list.html"):
        (layouts / "_default" / name).write_text(SINGLE, encoding="utf-8")
    return layouts


def _hugo(root: Path) -> None:
    proc = subprocess.run(
        [str(HUGO), "--source", str(root), "--destination", str(root / "public")],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert "ERROR" not in proc.stdout + proc.stderr


def _stub_shortcodes(content: Path, folder: Path) -> None:
    """A template for every shortcode the pages use (the theme's are not here):
    one that shows its body where the pages close it, else an empty span."""
    folder.mkdir(parents=True)
    text = "\n".join(p.read_text(encoding="utf-8") for p in content.rglob("*.md"))
    for name in set(re.findall(r"\{\{[<%]\s*([a-zA-Z][\w-]*)", text)):
        paired = re.search(r"\{\{[<%]\s*/\s*" + name + r"\s*[>%]\}\}", text)
        body = '<div class="sc">{{ .Inner }}</div>' if paired else '<span class="sc"></span>'
        (folder / f"{name}.html").write_text(body, encoding="utf-8")
