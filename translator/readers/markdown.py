"""Markdown articles: front matter kept as data, the body parsed with
markdown-it-py (CommonMark, GFM tables, footnotes, definition lists, and the
rules of :mod:`.markdown_rules`) into blocks with their source spans.

Every inline text (a heading, a paragraph, a table cell, a definition term,
an admonition title or tab label) is a block whose ``start``/``end`` are its
offsets in the source, so that a variant replaces exactly that text and keeps
every other byte: markers, fences, link definitions, HTML, shortcodes.

Front matter comes in the three formats Hugo reads: YAML between ``---``
lines, TOML between ``+++`` lines (the standard library's ``tomllib``), and
a JSON object at the top of the file.  The article keeps which one it was,
so that its variants are written in the same format.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.common.utils import normalizeReference
from mdit_py_plugins.deflist import deflist_plugin
from mdit_py_plugins.footnote import footnote_plugin

from ..article import Article, Block, BlockKind
from ..errors import InputError
from ..frontmatter import closing_line, front_matter_format, split_front_matter
from . import markdown_rules

# markdown-it ends a document silently where lists and quotes nest deeper than
# maxNesting (the text after that point vanishes); past the limit the file is
# refused instead.  Each list level counts twice (the list and its item).
MAX_NESTING = 100


def _parser() -> MarkdownIt:
    """CommonMark with GFM tables and strikethrough, footnotes, definition
    lists and the block rules of :mod:`.markdown_rules`."""
    return (
        MarkdownIt("commonmark", {"maxNesting": MAX_NESTING})
        .enable(["table", "strikethrough"])
        .use(footnote_plugin)
        .use(deflist_plugin)
        .use(markdown_rules.plugin)
    )


_MD = _parser()
# The reader needs the blocks, their lines and their inline text as written,
# not the inline tokens: the inline phase (and the footnote move that needs
# it) is left out, which gives the same blocks in about half the time.
_BLOCKS = _parser().disable(["inline", "footnote_tail"])

_OPENS = {"bullet_list_open": "list", "ordered_list_open": "list", "blockquote_open": "quote"}
_CLOSES = ("bullet_list_close", "ordered_list_close", "blockquote_close")
# The last line of a paragraph that is only a kramdown attribute list ({: .x }).
_ATTRIBUTE_LINE = re.compile(r"\s*\{:[^{}\n]*\}\s*")
# The first line of a GitHub alert (> [!NOTE]), which Hugo and GitHub read.
_ALERT_LINE = re.compile(r"\s*\[!(?:note|tip|important|warning|caution)\][-+]?\s*", re.IGNORECASE)


class _Lines:
    """The source's lines with their offsets, and how far each line was read."""

    def __init__(self, source: str) -> None:
        self.lines = source.split("\n")
        self.starts = [0]
        for line in self.lines:
            self.starts.append(self.starts[-1] + len(line) + 1)
        self.read: dict[int, int] = {}

    def locate(self, parts: list[str], first: int) -> tuple[int, int] | None:
        """Where *parts* (one per line, from line index *first*) stand in the
        source, as offsets; None when a part is not found as written."""
        ends: dict[int, int] = {}
        start = -1
        for k, part in enumerate(parts):
            index = first + k
            if index >= len(self.lines):
                return None
            column = self.lines[index].find(part, self.read.get(index, 0)) if part else -1
            if column < 0:
                return None
            if k == 0:
                start = self.starts[index] + column
            ends[index] = column + len(part)
        self.read.update(ends)  # found whole: a later text on these lines starts after it
        last = first + len(parts) - 1
        return start, self.starts[last] + ends[last]


def _blocks(tokens: list[Any], lines: _Lines, offset: int) -> list[Block]:
    """The blocks of markdown-it's tokens: each inline text with its source span,
    code blocks; everything else is markup the writer copies as written."""
    blocks: list[Block] = []
    containers: list[str] = []
    have_title = False
    for i, tok in enumerate(tokens):
        if tok.type in _OPENS:
            containers.append(_OPENS[tok.type])
        elif tok.type in _CLOSES:
            containers.pop()
        elif tok.type in ("fence", "code_block") and tok.map:
            blocks.append(Block("code", tok.content, tok.map[0] + offset + 1, tok.map[1] + offset))
        elif tok.type == "inline" and tok.map and tok.content.strip():
            for inline in _definition_lines(tokens[i - 1], tok):
                block = _text_block(tokens[i - 1], inline, containers, have_title, lines, offset)
                if block is not None:
                    blocks.append(block)
                    have_title = have_title or block.kind == "title"
    blocks.sort(key=lambda b: (b.line, b.start))
    return blocks


_DEFINITION_LINE = re.compile(r":[ \t]+(?=\S)")


def _definition_lines(opener: Any, inline: Any) -> list[Any]:
    """*inline*, or one inline per line where a paragraph holds definition-list
    lines markdown-it did not take as one (several terms, ``Term1`` and
    ``Term2``, before one ``: definition``): each line keeps its place."""
    parts = inline.content.split("\n")
    if opener.type != "paragraph_open" or not any(_DEFINITION_LINE.match(p) for p in parts):
        return [inline]
    pieces = []
    for k, part in enumerate(parts):
        marker = _DEFINITION_LINE.match(part)
        pieces.append(
            SimpleNamespace(
                content=part[marker.end() :] if marker else part,
                map=[inline.map[0] + k, inline.map[0] + k + 1],
            )
        )
    return pieces


def _text_block(
    opener: Any, inline: Any, containers: list[str], have_title: bool, lines: _Lines, offset: int
) -> Block | None:
    """A heading, paragraph, table cell, title or term, with its span and marker."""
    first = inline.map[0] + offset
    parts = inline.content.split("\n")
    while len(parts) > 1 and _ATTRIBUTE_LINE.fullmatch(parts[-1]):
        parts.pop()  # a block attribute list stays on its own line
    if len(parts) == 1 and _ALERT_LINE.fullmatch(parts[0]):
        return None  # an alert's marker alone: markup
    if len(parts) > 1 and _ALERT_LINE.fullmatch(parts[0]):
        parts.pop(0)  # a GitHub alert's [!NOTE] stays on its own line
        first += 1
    found = lines.locate(parts, first)
    if found is None:
        return None  # not as written in the source (tabs expanded): kept untranslated
    start, end = found
    kind: BlockKind
    if opener.type == "heading_open":
        title = opener.tag == "h1" and not have_title and not containers
        kind = "title" if title else "paragraph"
    else:
        kind = containers[-1] if containers else "paragraph"  # type: ignore[assignment]
    line_start = lines.starts[first]
    prefix = lines.lines[first][: start - line_start]
    continuation = None
    if opener.type == "paragraph_open":
        if len(parts) > 1:
            second = lines.lines[first + 1]
            continuation = second[: second.find(parts[1])]
        else:
            continuation = _NOT_CONTAINER.sub(" ", prefix)
    if opener.type == "heading_open" and not prefix.lstrip().startswith("#"):
        prefix = "#" * int(opener.tag[1]) + " "  # setext heading: its ATX marker
    return Block(
        kind,
        "\n".join(parts),
        first + 1,
        inline.map[1] + offset,
        prefix=prefix,
        start=start,
        end=end,
        continuation=continuation,
    )


# In a paragraph's first-line prefix, what a further line does not repeat:
# list markers, a definition's or footnote's marker (a quote's ">" stays).
_NOT_CONTAINER = re.compile(r"[^\s>]")


def parse(path: str, source: str) -> Article:
    raw, data, body, offset = split_front_matter(path, source)
    env: dict[str, Any] = {}
    tokens = _BLOCKS.parse(body, env)
    deep = next((t for t in tokens if t.nesting == 1 and t.level >= MAX_NESTING - 1), None)
    if deep is not None:
        raise InputError(
            path,
            f"lists and quotes nest too deep (limit {MAX_NESTING} levels, a list level "
            "counts twice); refused rather than lose the text after this line",
            line=(deep.map[0] + offset + 1) if deep.map else None,
        )
    lines = _Lines(source)
    blocks = _blocks(tokens, lines, offset)
    fm_format = front_matter_format(source) or ("mmd" if offset else "yaml")
    if fm_format in ("json", "mmd"):
        header = offset
    else:
        header = closing_line(lines.lines) if raw or offset else 0
    return Article(
        path=path,
        format="markdown",
        blocks=blocks,
        front_matter=data,
        front_matter_raw=raw,
        front_matter_format=fm_format,
        header_lines=header,
        references=frozenset(normalizeReference(k) for k in env.get("references", {})),
    )


@dataclass
class Outline:
    """What a Markdown body's structure is made of, as the structure check
    compares a source with its variant: the block sequence, heading levels,
    list items, table shapes, and the link and image destinations, code spans
    and template tags."""

    blocks: list[str] = field(default_factory=list)
    headings: list[str] = field(default_factory=list)
    list_items: int = 0
    tables: list[str] = field(default_factory=list)
    destinations: Counter[str] = field(default_factory=Counter)
    code_spans: Counter[str] = field(default_factory=Counter)
    templates: Counter[str] = field(default_factory=Counter)


_TEMPLATE_TAG = re.compile(r"\{\{[<%].*?[>%]\}\}|\{%.*?%\}", re.DOTALL)


def outline(body: str) -> Outline:
    """The :class:`Outline` of a Markdown *body* (no front matter)."""
    out = Outline()
    env: dict[str, Any] = {}
    rows = cells = 0
    for token in _MD.parse(body, env):
        if token.nesting == 1 or token.type in ("fence", "code_block", "html_block", "hr"):
            if token.type not in ("tr_open", "th_open", "td_open", "thead_open", "tbody_open"):
                out.blocks.append(token.type.removesuffix("_open") + (token.tag or ""))
        if token.type == "heading_open":
            out.headings.append(token.tag)
        elif token.type == "list_item_open":
            out.list_items += 1
        elif token.type == "table_open":
            rows = cells = 0
        elif token.type == "tr_open":
            rows += 1
        elif token.type in ("th_open", "td_open"):
            cells += 1
        elif token.type == "table_close":
            out.tables.append(f"{rows} rows, {cells // max(rows, 1)} columns")
        elif token.type == "inline":
            for child in token.children or []:
                if child.type == "link_open":
                    out.destinations[str(child.attrs.get("href", ""))] += 1
                elif child.type == "image":
                    out.destinations[str(child.attrs.get("src", ""))] += 1
                elif child.type == "code_inline":
                    out.code_spans[child.content] += 1
    for match in _TEMPLATE_TAG.finditer(body):
        out.templates[match.group(0)] += 1
    return out
