"""Markdown articles: front matter kept as data, the body parsed with
markdown-it-py (CommonMark) into blocks with their source lines.

Front matter comes in the three formats Hugo reads: YAML between ``---``
lines, TOML between ``+++`` lines (the standard library's ``tomllib``), and
a JSON object at the top of the file.  The article keeps which one it was,
so that its variants are written in the same format.
"""

from __future__ import annotations

from typing import Any

from markdown_it import MarkdownIt

from ..article import Article, Block, BlockKind
from ..errors import InputError
from ..frontmatter import closing_line, front_matter_format, split_front_matter

# markdown-it ends a document silently where lists and quotes nest deeper than
# maxNesting (the text after that point vanishes); past the limit the file is
# refused instead.  Each list level counts twice (the list and its item).
MAX_NESTING = 100
_MD = MarkdownIt("commonmark", {"maxNesting": MAX_NESTING})


_OPENS = {"bullet_list_open": "list", "ordered_list_open": "list", "blockquote_open": "quote"}
_CLOSES = ("bullet_list_close", "ordered_list_close", "blockquote_close")


def _blocks(tokens: list[Any], lines: list[str], offset: int) -> list[Block]:
    """The blocks of markdown-it's tokens, with their source lines."""
    blocks: list[Block] = []
    containers: list[str] = []
    have_title = False
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if tok.type in _OPENS:
            containers.append(_OPENS[tok.type])
        elif tok.type in _CLOSES:
            containers.pop()
        elif tok.type in ("heading_open", "paragraph_open") and tok.map:
            blocks.append(_text_block(tok, tokens[i + 1], containers, have_title, lines, offset))
            have_title = have_title or blocks[-1].kind == "title"
            i += 2
        elif tok.type in ("fence", "code_block") and tok.map:
            blocks.append(Block("code", tok.content, tok.map[0] + offset + 1, tok.map[1] + offset))
        i += 1
    return blocks


def _text_block(
    tok: Any, inline: Any, containers: list[str], have_title: bool, lines: list[str], offset: int
) -> Block:
    """A heading or paragraph (in a list or quote: that kind) and its marker."""
    start = tok.map[0] + offset + 1
    end = tok.map[1] + offset
    kind: BlockKind
    if tok.type == "heading_open":
        title = tok.tag == "h1" and not have_title and not containers
        kind = "title" if title else "paragraph"
    else:
        kind = containers[-1] if containers else "paragraph"  # type: ignore[assignment]
    content = inline.content
    first = content.split("\n", 1)[0]
    src_line = lines[start - 1] if 0 < start <= len(lines) else ""
    at = src_line.find(first) if first else -1
    prefix = src_line[:at] if at > 0 else ""
    if tok.type == "heading_open" and not prefix:
        prefix = "#" * int(tok.tag[1]) + " "  # setext heading: write it ATX-style
    return Block(kind, content, start, end, prefix=prefix)


def parse(path: str, source: str) -> Article:
    raw, data, body, offset = split_front_matter(path, source)
    lines = source.split("\n")
    tokens = _MD.parse(body)
    deep = next((t for t in tokens if t.nesting == 1 and t.level >= MAX_NESTING - 1), None)
    if deep is not None:
        raise InputError(
            path,
            f"lists and quotes nest too deep (limit {MAX_NESTING} levels, a list level "
            "counts twice); refused rather than lose the text after this line",
            line=(deep.map[0] + offset + 1) if deep.map else None,
        )
    blocks = _blocks(tokens, lines, offset)
    fm_format = front_matter_format(source) or "yaml"
    if fm_format == "json":
        header = offset
    else:
        header = closing_line(lines) if raw or offset else 0
    return Article(
        path=path,
        format="markdown",
        blocks=blocks,
        front_matter=data,
        front_matter_raw=raw,
        front_matter_format=fm_format,
        header_lines=header,
    )
