"""A variant is its source with the prose translated, and every other byte is
the source's: Markdown of documentation sites and blogs, with or without
front matter, through the pseudo engine and the test Argos model."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from translator.engines.pseudo import pseudo_localize
from translator.readers.markdown import outline

DOC = """\
Getting started
===============

Install the tool with [pip][install] or read [the guide](guide.md "The guide").
See [Python-Markdown] and [rustup][] too.[^1]

```bash title="install.sh" linenums="1"
pip install translator
```

![A diagram of the pipeline](img/pipeline.png){ .center }

| Option | What it does |
|:-------|-------------:|
| `--to` | Chooses the target locales. |
| `--out` | Sets the output folder. |

!!! warning "Mind the models"
    Models are large downloads.

    They are cached after the first run.

=== "Linux"

    Run the installer from a terminal.

=== "Windows"

    Run the installer from PowerShell.

{{< code-toggle file="hugo" >}}
title = "My site"
baseURL = "https://example.org/"
{{< /code-toggle >}}

{{% note %}}
This note is translated like any other paragraph.
{{% /note %}}

{% raw %}
{{ page.title }} stays a template.
{% endraw %}

Term
: The definition of the term.

> [!NOTE]
> Alerts keep their marker on its own line.

<div class="hero" markdown>
Raw HTML blocks are kept as written.
</div>

[Get started](start.md){ .md-button }

- First item of a list
- Second item of a list

[^1]: A footnote that explains something.

[install]: https://pip.pypa.io/en/stable/
[Python-Markdown]: https://python-markdown.github.io/
[rustup]: https://rustup.rs/
"""


def _localize(run_cli, *paths: str, to: str = "fr", extra: tuple[str, ...] = ()):
    result = run_cli(
        "localize", *paths, "--to", to, "--engine", "pseudo", "--from", "en", "--out", "out",
        "--no-cache", *extra,
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    return result


def _body(text: str) -> str:
    return text.split("\n---\n", 1)[1] if text.startswith("---\n") else text


@pytest.fixture
def site(tmp_path, monkeypatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "docs").mkdir()
    (tmp_path / ".translator").mkdir()
    return tmp_path


def test_a_page_without_front_matter_keeps_every_construct(site, run_cli):
    (site / "docs" / "start.md").write_text(DOC, encoding="utf-8")
    _localize(run_cli, "docs/start.md")
    variant = (site / "out" / "start.fr.md").read_text(encoding="utf-8")
    body = _body(variant)
    src, var = outline(DOC), outline(body.lstrip("\n"))
    assert var.blocks == src.blocks
    assert var.headings == src.headings and var.tables == src.tables
    assert var.destinations == src.destinations and var.code_spans == src.code_spans
    assert var.templates == src.templates and var.list_items == src.list_items
    kept = [
        "===============",
        '```bash title="install.sh" linenums="1"\npip install translator\n```',
        "](img/pipeline.png){ .center }",
        "|:-------|-------------:|",
        '!!! warning "',
        '=== "',
        '{{< code-toggle file="hugo" >}}\ntitle = "My site"\nbaseURL = "https://example.org/"\n'
        "{{< /code-toggle >}}",
        "{% raw %}\n{{ page.title }} stays a template.\n{% endraw %}",
        "> [!NOTE]\n> ",
        '<div class="hero" markdown>\nRaw HTML blocks are kept as written.\n</div>',
        "](start.md){ .md-button }",
        "][install]",
        "][Python-Markdown]",  # a shortcut link, written [text][label]: its text translated
        "][rustup]",  # a collapsed one likewise
        "[^1]",
        "[^1]: ",
        "\n: ",
        '](guide.md "The guide")',
        "[install]: https://pip.pypa.io/en/stable/",
    ]
    for piece in kept:
        assert piece in body, piece
    translated = [
        "Getting started",
        "Chooses the target locales.",
        "Mind the models",
        "Models are large downloads.",
        "They are cached after the first run.",
        "Linux",
        "Run the installer from PowerShell.",
        "This note is translated like any other paragraph.",
        "The definition of the term.",
        "Alerts keep their marker on its own line.",
        "First item of a list",
        "A footnote that explains something.",
        "A diagram of the pipeline",
        "[rustup][]",
    ]
    for sentence in translated:
        assert sentence not in body, sentence
    assert "[řŭşŧŭƥ][rustup]" in body and "[Ƥẏŧħǿƞ-Ḿȧřķḓǿẇƞ][Python-Markdown]" in body
    for sentence in ("Mind the models", "Linux", "The definition of the term."):
        assert pseudo_localize(sentence) in body, sentence
    meta = yaml.safe_load(variant.split("---\n")[1])
    assert meta["title"] == pseudo_localize("Getting started")
    # a cell of code alone and the code blocks are kept, and no check calls them untranslated
    assert "qa: {errors: 0, warnings: 0}" in variant
    qa = run_cli("qa", "docs/start.md", "out/start.fr.md")
    assert qa.exit_code == 0, qa.stdout


def test_a_sites_own_lists_headings_and_short_pages_are_never_chrome(site, run_cli):
    names = "\n".join(f"- Contributor {n}" for n in range(40))
    page = f"# Thanks\n\n## Example\n\nShare this article\n\nAdvertisement\n\n{names}\n"
    (site / "docs" / "thanks.md").write_text(page, encoding="utf-8")
    (site / "docs" / "short.md").write_text("## Example\n\nUse it.\n", encoding="utf-8")
    _localize(run_cli, "docs")
    body = (site / "out" / "thanks.fr.md").read_text(encoding="utf-8")
    assert body.count("- [Ƈǿƞŧřīƀŭŧǿř") == 40
    for line in (
        "## [Ḗẋȧḿƥŀḗ",
        pseudo_localize("Share this article"),
        pseudo_localize("Advertisement"),
    ):
        assert line in body
    assert "## [Ḗẋȧḿƥŀḗ" in (site / "out" / "short.fr.md").read_text(encoding="utf-8")


def test_a_page_of_code_only_gets_its_variant_with_its_title_translated(site, run_cli):
    page = "---\ntitle: Example configuration\nweight: 2\n---\n\n```toml\n[params]\nx = 1\n```\n"
    (site / "docs" / "conf.md").write_text(page, encoding="utf-8")
    (site / "docs" / "inc.md").write_text('{{% include "other.md" %}}\n', encoding="utf-8")
    _localize(run_cli, "docs")
    variant = (site / "out" / "conf.fr.md").read_text(encoding="utf-8")
    assert "```toml\n[params]\nx = 1\n```" in variant and "weight: 2" in variant
    assert pseudo_localize("Example configuration") in variant
    assert '{{% include "other.md" %}}' in (site / "out" / "inc.fr.md").read_text(encoding="utf-8")


def test_without_from_a_page_too_short_to_tell_says_to_give_its_language(site, run_cli):
    (site / "docs" / "code.md").write_text("```sh\nmake\n```\n", encoding="utf-8")
    result = run_cli("localize", "docs", "--to", "fr", "--engine", "pseudo", "--out", "out",
                     "--no-cache")  # fmt: skip
    assert result.exit_code == 1
    assert "code.md" in result.stderr and "--from" in result.stderr


def test_the_dateline_is_written_only_for_a_page_with_a_date(site, run_cli):
    (site / "docs" / "dated.md").write_text(
        "---\ntitle: News\ndate: 2025-09-04\n---\n\nThe council met.\n", encoding="utf-8"
    )
    (site / "docs" / "undated.md").write_text("# Guide\n\nThe council met.\n", encoding="utf-8")
    _localize(run_cli, "docs")
    assert "Publié le 4 septembre 2025" in (site / "out" / "dated.fr.md").read_text(
        encoding="utf-8"
    )
    undated = (site / "out" / "undated.fr.md").read_text(encoding="utf-8")
    assert "Publié" not in undated and "Langue d'origine" not in undated
    assert _body(undated).startswith("\n# " + pseudo_localize("Guide"))


def test_front_matter_keys_are_kept_and_the_readable_ones_translated(site, run_cli):
    (site / "docs" / "post.md").write_text(
        "---\nlayout: post\ntitle: Release notes\ndescription: What changed in this release.\n"
        "linkTitle: Notes\ndate: 2013-05-06 02:12:52 +0200\ntags: [a, b]\n---\n\nText.\n",
        encoding="utf-8",
    )
    _localize(run_cli, "docs")
    text = (site / "out" / "post.fr.md").read_text(encoding="utf-8")
    meta = yaml.safe_load(text.split("---\n")[1])
    for key in ("layout", "title", "description", "linkTitle", "date", "tags"):
        assert key in meta, key
    assert meta["description"] == pseudo_localize("What changed in this release.")
    assert meta["linkTitle"] == pseudo_localize("Notes")
    assert "date: 2013-05-06 02:12:52 +0200" in text and meta["layout"] == "post"


def test_a_table_cell_never_gets_a_separator_from_the_engine(site, run_cli, monkeypatch):
    from translator.engines import pseudo

    real = pseudo.pseudo_localize
    monkeypatch.setattr(pseudo, "pseudo_localize", lambda s, t="": real(s, t) + " | x\n- y")
    (site / "docs" / "t.md").write_text("| a | b |\n|---|---|\n| one | two |\n", encoding="utf-8")
    _localize(run_cli, "docs")
    body = _body((site / "out" / "t.fr.md").read_text(encoding="utf-8")).strip()
    assert outline(body).tables == ["2 rows, 2 columns"]
    assert r"\| x - y" in body


@pytest.mark.parametrize(
    "damage",
    [
        lambda t: t.replace("(https://example.org/report)", ""),  # a link removed
        lambda t: re.sub(r"(?m)^## ", "", t),  # a heading made a paragraph
    ],
)
def test_qa_fails_a_variant_whose_link_or_heading_was_removed(site, run_cli, damage):
    source = site / "docs" / "r.md"
    source.write_text(
        "# Report\n\n## Findings\n\nRead [the report](https://example.org/report) today.\n",
        encoding="utf-8",
    )
    _localize(run_cli, "docs")
    variant = site / "out" / "r.fr.md"
    assert run_cli("qa", str(source), str(variant)).exit_code == 0
    variant.write_text(damage(variant.read_text(encoding="utf-8")), encoding="utf-8")
    result = run_cli("qa", str(source), str(variant))
    assert result.exit_code == 1
    assert "structure:" in result.stdout


def test_a_real_model_that_drops_markup_keeps_every_url_and_code_span(site, run_cli, installed):
    """The test model's output is noise: every placeholder is lost, and the
    repair puts each span back (at the end of its block) with a QA finding."""
    page = "# Title\n\nRead [the guide](https://example.org/guide) and run `make test` now.\n"
    (site / "docs" / "g.md").write_text(page, encoding="utf-8")
    result = run_cli("localize", "docs", "--to", "fr", "--from", "en", "--out", "out",
                     "--no-cache", "--report", "report.json")  # fmt: skip
    assert result.exit_code in (0, 1), result.stderr
    body = _body((site / "out" / "g.fr.md").read_text(encoding="utf-8"))
    assert "](https://example.org/guide)" in body and "`make test`" in body
    assert outline(body.lstrip("\n")).destinations == outline(page).destinations
    assert "protected span restored: ](https://example.org/guide)" in result.stderr
    qa = run_cli("qa", "docs/g.md", "out/g.fr.md")
    assert qa.exit_code == 1 and "empty-link" in qa.stdout


BRIDGE = Path(__file__).parent / "fixtures" / "bridge.html"


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_a_pages_links_emphasis_headings_and_tables_reach_its_variants(site, run_cli, fmt):
    (site / "docs" / "bridge.html").write_bytes(BRIDGE.read_bytes())
    _localize(run_cli, "docs", extra=("--format", fmt))
    text = (site / "out" / f"bridge.fr.{fmt}").read_text(encoding="utf-8")
    if fmt == "md":
        body = _body(text)
        shape = outline(body)
        assert shape.headings == ["h1", "h2"] and shape.tables == ["3 rows, 2 columns"]
        assert "https://example.org/bridge-report.pdf" in shape.destinations
        assert "/img/bridge.jpg" in shape.destinations  # the figure's image
        assert re.search(r"\*[^*\s][^*]*\* ", body) and re.search(r"\*\*[^*]+\*\*", body)
        assert shape.list_items == 2 and "\n> " in body
    else:
        from bs4 import BeautifulSoup

        article = BeautifulSoup(text, "html.parser").find("article")
        assert article is not None
        assert [h.name for h in article.find_all(["h1", "h2"])] == ["h1", "h2"]
        link = article.find("a")
        assert link is not None and link["href"] == "https://example.org/bridge-report.pdf"
        assert article.find("em") and article.find("strong") and article.find("blockquote")
        image = article.find("img")
        assert image is not None and image["src"] == "/img/bridge.jpg"
        rows = article.find_all("tr")
        assert len(rows) == 3 and [len(r.find_all(["th", "td"])) for r in rows] == [2, 2, 2]
    assert "Share this article" not in text and "News" not in text


def test_a_text_articles_date_byline_and_share_lines_are_not_body_text(site, run_cli):
    (site / "docs" / "bridge.txt").write_text(
        "Old bridge reopens after repairs\n\n12 October 2025\n\nBy Priya Natarajan\n\n"
        "The old bridge over the river reopened on Monday after two years of repairs.\n\n"
        "Residents welcomed the news and crossed it on foot in the morning.\n\n"
        "Share this article\n",
        encoding="utf-8",
    )
    _localize(run_cli, "docs")
    text = (site / "out" / "bridge.fr.md").read_text(encoding="utf-8")
    meta = yaml.safe_load(text.split("---\n")[1])
    assert str(meta["date"]) == "2025-10-12" and meta["author"] == "Priya Natarajan"
    body = _body(text)
    for line in ("12 October 2025", "Priya", "Share this article", "Şħȧřḗ", "Ƥřīẏȧ"):
        assert line not in body, line
    assert body.count("Publié le 12 octobre 2025") == 1
    detected = run_cli("detect", "docs/bridge.txt", "--format", "json")
    reasons = {c["reason"] for c in json.loads(detected.stdout)[0]["chrome"]}
    assert {"dateline", "byline", "share-line"} <= reasons


def test_no_dateline_leaves_a_dated_page_without_one_and_edits_still_line_up(site, run_cli):
    (site / "docs" / "dated.md").write_text(
        "---\ntitle: News\ndate: 2025-09-04\n---\n\nThe council met.\n\nThe vote was close.\n",
        encoding="utf-8",
    )
    args = ("localize", "docs", "--to", "fr", "--engine", "pseudo", "--from", "en", "--out",
            "out", "--no-dateline")  # fmt: skip
    assert run_cli(*args).exit_code == 0
    variant = site / "out" / "dated.fr.md"
    text = variant.read_text(encoding="utf-8")
    assert "Publié" not in text and "dateline=off" in text and "date_display:" in text
    edited = text.replace(pseudo_localize("The vote was close."), "Le vote fut serré.")
    variant.write_text(edited, encoding="utf-8")
    result = run_cli(*args)
    assert result.exit_code == 0, result.stderr
    again = variant.read_text(encoding="utf-8")
    assert "Le vote fut serré." in again and pseudo_localize("The council met.") in again
    assert run_cli("qa", "docs/dated.md", str(variant)).exit_code == 0
