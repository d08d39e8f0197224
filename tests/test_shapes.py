"""Hostile input shapes: what comes out of them, never how long they take.

Time is measured in ``benchmarks/pathological.py`` (a doubling test); these
tests hold the behaviour the linear-time code must keep.
"""

from __future__ import annotations

import importlib.util
import sys

import pytest

from translator import langid, protect, segment
from translator.detect import ALONE_BLOCKS, EDGE_BLOCKS, analyze
from translator.readers import html as html_reader
from translator.readers import markdown as md_reader
from translator.readers import text as text_reader

from .conftest import ROOT


def _pathological():
    spec = importlib.util.spec_from_file_location(
        "pathological", ROOT / "benchmarks" / "pathological.py"
    )
    assert spec and spec.loader
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    return module


def test_every_benchmark_shape_fits_the_input_limit():
    bench = _pathological()
    for name, (build, size, _expected) in bench.SHAPES.items():
        _ext, text = build(size)
        assert len(text.encode("utf-8")) <= bench.LIMIT_BYTES, name
    _ext, text = bench.ordinary(bench.ORDINARY_BYTES)
    assert len(text.encode("utf-8")) <= bench.LIMIT_BYTES


def test_markdown_nested_past_the_limit_is_refused_with_its_line(write, run_cli):
    levels = md_reader.MAX_NESTING // 2 + 5
    lines = [("  " * level) + f"- level {level} of the outline" for level in range(levels)]
    source = write("deep.md", "# Outline\n\n" + "\n".join(lines) + "\n\nThe end of the article.\n")
    result = run_cli("localize", str(source), "--to", "fr", "--engine", "pseudo", "--no-cache")
    assert result.exit_code == 1
    errors = [ln for ln in result.stderr.splitlines() if ln.startswith("error:")]
    assert len(errors) == 1
    assert f"deep.md:{2 + md_reader.MAX_NESTING // 2}:" in errors[0]
    assert "nest too deep" in errors[0]
    assert "Traceback" not in result.stderr


def test_deep_quotes_are_refused_not_cut():
    source = "# Quotes\n\n" + ">" * 500 + " innermost\n\nAfter the quotes.\n"
    with pytest.raises(Exception, match="nest too deep") as caught:
        md_reader.parse("q.md", source)
    assert caught.value.line == 3  # type: ignore[attr-defined]


def test_markdown_nested_below_the_limit_loses_nothing():
    levels = md_reader.MAX_NESTING // 2 - 2  # each list level counts twice
    lines = [("  " * level) + f"- level {level} of the outline" for level in range(levels)]
    article = md_reader.parse("ok.md", "\n".join(lines) + "\n\nThe end of the article.\n")
    texts = [b.text for b in article.blocks]
    assert texts[-1] == "The end of the article."
    assert f"level {levels - 1} of the outline" in texts


def test_deeply_nested_html_keeps_its_paragraph_and_drops_chrome():
    depth = 5000
    page = (
        "<html><body><h1>Deep</h1>"
        + "<div>" * depth
        + "<nav>Home | World</nav><p>The council met on Thursday.</p>"
        + "<blockquote><div><p>Quoted words here.</p></div></blockquote>"
        + "</div>" * depth
        + "</body></html>"
    )
    article = html_reader.parse("deep.html", page)
    kept = [(b.kind, b.text) for b in article.blocks if not b.is_chrome]
    assert kept == [
        ("title", "Deep"),
        ("paragraph", "The council met on Thursday."),
        ("quote", "Quoted words here."),
    ]
    assert [b.chrome for b in article.blocks if b.is_chrome] == ["html-nav"]


def test_nested_chrome_is_reported_once_by_its_outermost_element():
    page = (
        "<html><body><article><h1>T</h1><p>Body text of the article is here.</p>"
        '<nav><div class="share">Share this</div> Home</nav>'
        '<div class="related"><nav>More</nav> Related stories</div>'
        "</article></body></html>"
    )
    article = html_reader.parse("p.html", page)
    chrome = [(b.chrome, b.text) for b in article.blocks if b.is_chrome]
    assert chrome == [
        ("html-nav", "Share this Home"),
        ("html-nav", "More"),
        ("html-ad-container", "Related stories"),
    ]


def test_email_pattern_finds_the_same_addresses_after_a_long_word():
    text = "x" * 50_000 + " write to desk.news+tips@example.co.uk today"
    masked = protect.mask(text)
    assert masked.spans == ["desk.news+tips@example.co.uk"]


@pytest.mark.parametrize(
    "text, spans",
    [
        ("**a **b**", ["**", "**"]),  # the inner opener wins, as in CommonMark
        ("***both***", ["**", "**"]),
        ("*a **b** c*", ["*", "**", "**", "*"]),
        ("a **b " * 3, []),
        ("[a [b](https://x.org/c)", ["[", "](https://x.org/c)"]),
        ("see [the report](" * 3, []),
        ("<!-- <!-- note -->", ["<!-- note -->"]),
    ],
)
def test_markdown_markers_with_many_openers(text, spans):
    assert protect.mask(text, "markdown").spans == spans


def test_placeholder_lookalikes_win_over_overlapping_spans():
    text = "⟦x https://example.org⟧ and https://example.org/b"
    masked = protect.mask(text)
    assert masked.spans == ["⟦x https://example.org⟧", "https://example.org/b"]
    assert protect.unmask(masked.text, masked)[0] == text


def test_detection_text_drops_addresses_word_by_word():
    assert langid.plain("a@b" + "@" * 10_000 + "x.org mail news@example.org now") == "mail now"
    assert langid.plain("user@localhost x@y.z") == "user@localhost"
    assert langid.plain("](" * 3 + "x") == "( ( (x"
    assert langid.plain("[Read](https://example.org/a) the news") == "Read the news"


def test_abbreviation_before_a_full_stop_in_a_long_run():
    text = "Mr. Smith and " * 2000 + "done. Next sentence."
    assert segment.split_sentences(text) == [text[: -len(" Next sentence.")], "Next sentence."]
    blob = "a" * 10_000 + ". Then it ended."
    assert segment.split_sentences(blob) == ["a" * 10_000 + ".", "Then it ended."]


def test_long_articles_are_identified_in_runs_between_their_edges():
    english = "The council voted on the new budget for the city schools today."
    french = "Le conseil a voté le nouveau budget des écoles de la ville."
    lines = ["Ticker", english] + [english] * (ALONE_BLOCKS + 50) + [french]
    article = analyze(text_reader.parse("long.txt", "\n\n".join(lines)))
    assert article.language == "en"
    content = [b for b in article.blocks if not b.is_chrome]
    assert len(content) > 2 * EDGE_BLOCKS
    # the last block is an edge block, identified on its own
    assert content[-1].language == "fr"
    assert {b.language for b in content[EDGE_BLOCKS:-EDGE_BLOCKS]} == {"en"}
