"""Markdown articles: front matter kept as data, the body parsed with
markdown-it-py (CommonMark) into blocks with their source lines.

Front matter comes in the three formats Hugo reads: YAML between ``---``
lines, TOML between ``+++`` lines (the standard library's ``tomllib``), and
a JSON object at the top of the file.  The article keeps which one it was,
so that its variants are written in the same format.
"""

from __future__ import annotations

import json
import re
import tomllib
from typing import Any

import yaml
from frontmatter.default_handlers import YAMLHandler
from markdown_it import MarkdownIt

from ..article import Article, Block, BlockKind
from ..errors import InputError

_HANDLER = YAMLHandler()
# markdown-it ends a document silently where lists and quotes nest deeper than
# maxNesting (the text after that point vanishes); past the limit the file is
# refused instead.  Each list level counts twice (the list and its item).
MAX_NESTING = 100
_MD = MarkdownIt("commonmark", {"maxNesting": MAX_NESTING})
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when PyYAML has it

# Limits on front matter: aliases that nest ("billion laughs") would make a
# 400-byte file expand to gigabytes once walked or written out.
MAX_FRONT_MATTER_BYTES = 256 * 1024
MAX_YAML_NODES = 100_000  # after expanding every alias
MAX_YAML_DEPTH = 64


class YAMLLimitError(ValueError):
    """Front matter past the limits on size, nesting or alias expansion."""


def _expanded_size(root: yaml.Node) -> int:
    """Nodes of *root* once every alias is expanded, in time linear in the
    distinct nodes; raises YAMLLimitError past the limits."""
    sizes: dict[int, int] = {}

    def size(node: yaml.Node, depth: int) -> int:
        if depth > MAX_YAML_DEPTH:
            raise YAMLLimitError(f"nested deeper than {MAX_YAML_DEPTH} levels")
        if id(node) in sizes:
            return sizes[id(node)]
        total = 1
        if isinstance(node, yaml.SequenceNode):
            total += sum(size(child, depth + 1) for child in node.value)
        elif isinstance(node, yaml.MappingNode):
            total += sum(size(k, depth + 1) + size(v, depth + 1) for k, v in node.value)
        if total > MAX_YAML_NODES:
            raise YAMLLimitError(
                f"expands to over {MAX_YAML_NODES} values (nested aliases?); refused"
            )
        sizes[id(node)] = total
        return total

    return size(root, 0)


def load_yaml(raw: str) -> Any:
    """YAML with the safe loader, refused past the limits (:class:`YAMLLimitError`).

    >>> load_yaml("a: &x [1, 2]\\nb: *x")
    {'a': [1, 2], 'b': [1, 2]}
    """
    if len(raw.encode("utf-8")) > MAX_FRONT_MATTER_BYTES:
        raise YAMLLimitError(f"over {MAX_FRONT_MATTER_BYTES} bytes")
    loader = _SAFE_LOADER(raw)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        _expanded_size(node)
        return loader.construct_document(node)
    finally:
        loader.dispose()


_TOML_OPEN = re.compile(r"\A\+{3}[ \t]*\n")
_TOML_CLOSE = re.compile(r"^\+{3}[ \t]*$", re.MULTILINE)
_TOML_LINE = re.compile(r"at line (\d+)")


def front_matter_format(source: str) -> str | None:
    """``yaml``, ``toml`` or ``json``: how *source*'s front matter is written, if it has one.

    >>> front_matter_format("+++\\ntitle = 'A'\\n+++\\n"), front_matter_format('{"title": "A"}')
    ('toml', 'json')
    """
    if _TOML_OPEN.match(source):
        return "toml"
    if source.startswith("{"):
        first = source.split("\n", 1)[0].strip()
        if first == "{" or first.startswith('{"'):  # not a shortcode line: {{< x >}}
            return "json"
    if _HANDLER.detect(source):
        return "yaml"
    return None


def _split_toml(path: str, source: str) -> tuple[str, dict[str, Any], str, int]:
    opened = _TOML_OPEN.match(source)
    assert opened is not None
    close = _TOML_CLOSE.search(source, opened.end())
    if close is None:
        raise InputError(path, "front matter opened with +++ is never closed", line=1)
    raw = source[opened.end() : close.start()]
    if len(raw.encode("utf-8")) > MAX_FRONT_MATTER_BYTES:
        raise InputError(path, f"front matter: over {MAX_FRONT_MATTER_BYTES} bytes", line=2)
    try:
        data = tomllib.loads(raw)
    except tomllib.TOMLDecodeError as exc:
        found = _TOML_LINE.search(str(exc))
        line = int(found.group(1)) + 1 if found else 2
        message = str(exc).split(" (at ", 1)[0]
        raise InputError(path, f"front matter: {message}", line=line) from None
    body = source[close.end() :].removeprefix("\n")
    return raw, data, body, source[: len(source) - len(body)].count("\n")


def _split_json(path: str, source: str) -> tuple[str, dict[str, Any], str, int]:
    try:
        data, end = json.JSONDecoder().raw_decode(source)
    except json.JSONDecodeError as exc:
        raise InputError(path, f"front matter: {exc.msg} (JSON)", line=exc.lineno) from None
    if not isinstance(data, dict):
        raise InputError(path, "front matter is not a mapping of keys to values", line=1)
    raw = source[:end]
    if len(raw.encode("utf-8")) > MAX_FRONT_MATTER_BYTES:
        raise InputError(path, f"front matter: over {MAX_FRONT_MATTER_BYTES} bytes", line=1)
    rest = source[end:]
    line_end = rest.find("\n")
    body = rest[line_end + 1 :] if line_end >= 0 and not rest[:line_end].strip() else rest
    return raw, data, body, source[: len(source) - len(body)].count("\n")


def split_front_matter(path: str, source: str) -> tuple[str, dict[str, Any], str, int]:
    """Split *source* into (raw front matter, its data, body, body line offset).

    The offset is the number of source lines before the body's first line.
    """
    fmt = front_matter_format(source)
    if fmt is None:
        return "", {}, source, 0
    if fmt == "toml":
        return _split_toml(path, source)
    if fmt == "json":
        return _split_json(path, source)
    try:
        raw, body = _HANDLER.split(source)
    except ValueError:
        raise InputError(path, "front matter opened with --- is never closed", line=1) from None
    try:
        data = load_yaml(raw)
    except YAMLLimitError as exc:
        raise InputError(path, f"front matter: {exc}", line=2) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 1
        problem = exc.problem or "invalid YAML"
        raise InputError(path, f"front matter: {problem}", line=line) from None
    except yaml.YAMLError as exc:
        raise InputError(path, f"front matter: {exc}", line=1) from None
    except ValueError as exc:  # a well-formed but impossible date: 2024-02-30
        raise InputError(path, f"front matter: {exc}", line=2) from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise InputError(path, "front matter is not a mapping of keys to values", line=2)
    bad = _surrogate(data)
    if bad is not None:
        line = next(
            (n for n, text in enumerate(raw.split("\n"), start=1) if "\\u" in text.lower()), 2
        )
        raise InputError(
            path, f"front matter holds a lone surrogate ({bad}), which is not text", line=line
        )
    offset = source[: len(source) - len(body)].count("\n")
    return raw, data, body, offset


def _surrogate(value: Any) -> str | None:
    """The first lone surrogate code point inside parsed YAML, as ``\\udXXX``."""
    if isinstance(value, str):
        for ch in value:
            if 0xD800 <= ord(ch) <= 0xDFFF:
                return f"\\u{ord(ch):04x}"
        return None
    if isinstance(value, dict):
        items = [*value.keys(), *value.values()]
    elif isinstance(value, list | tuple | set):
        items = list(value)
    else:
        return None
    for item in items:
        found = _surrogate(item)
        if found:
            return found
    return None


def _closing_line(lines: list[str]) -> int:
    """1-based number of the line that closes the YAML or TOML front matter."""
    for number, line in enumerate(lines[1:], start=2):
        if re.fullmatch(r"-{3,}\s*|\+{3}\s*", line):
            return number
    return 0


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
        header = _closing_line(lines) if raw or offset else 0
    return Article(
        path=path,
        format="markdown",
        blocks=blocks,
        front_matter=data,
        front_matter_raw=raw,
        front_matter_format=fm_format,
        header_lines=header,
    )
