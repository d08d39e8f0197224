"""Front matter: the one owner of reading, writing and carrying it over.

A Markdown article's front matter comes in the three formats Hugo reads:
YAML between ``---`` lines (read with the safe loader), TOML between ``+++``
lines (the standard library's ``tomllib``), and a JSON object at the top of
the file.  Every format has the same limits: at most 256 KiB, 64 levels of
nesting and 100,000 values (YAML's once its aliases are expanded), and no
lone surrogate; past them a file is refused in one line naming it
(:class:`FrontMatterLimitError`, an :class:`~translator.errors.InputError`
once the path is known).

Writing keeps what the tool writes readable back by all three: every string
is quoted with the characters YAML, TOML or JSON cannot hold raw (control
characters, DEL, the C1 controls, lone surrogates, U+FFFE and U+FFFF)
escaped.  Carrying copies the source's other entries line by line, never
re-dumped, so ``draft: no`` stays ``no``.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import re
import tomllib
from collections.abc import Callable, Iterable, Iterator
from functools import lru_cache
from typing import Any, TextIO

import yaml
from frontmatter.default_handlers import YAMLHandler

from .article import Article
from .errors import InputError

_HANDLER = YAMLHandler()


_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when PyYAML has it


# Limits on front matter: aliases that nest ("billion laughs") would make a
# 400-byte file expand to gigabytes once walked or written out.
MAX_FRONT_MATTER_BYTES = 256 * 1024


MAX_YAML_NODES = 100_000  # after expanding every alias


MAX_YAML_DEPTH = 64


class FrontMatterLimitError(ValueError):
    """Front matter past the limits on size, nesting or alias expansion."""


YAMLLimitError = FrontMatterLimitError  # the name it had when only YAML was limited


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
    """``yaml``, ``toml`` or ``json``: how *source*'s front matter is written, if it
    has one between delimiters (a MultiMarkdown meta block is ``mmd``, told by
    :func:`split_meta_header`).

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


_META_KEYS = frozenset(
    {"title", "summary", "description", "authors", "author", "date", "template", "tags"}
)
_META_KEY = re.compile(r"([A-Za-z0-9_-]+):[ \t]*(.*?)[ \t]*$")


def split_meta_header(source: str) -> tuple[dict[str, str], int] | None:
    """A MultiMarkdown meta block at the top of *source* (what Python-Markdown's
    meta extension and MkDocs read when a page has no ``---`` front matter):
    ``Key: value`` lines, a value continued on lines indented by four spaces,
    up to the first blank line.  Its keys (lowercased, as those readers take
    them) and values, and its number of lines;
    None when *source* does not open with one.

    >>> split_meta_header("Title: Tables\\nSummary: Adds tables\\n    to Markdown.\\n\\n# Tables\\n")
    ({'title': 'Tables', 'summary': 'Adds tables to Markdown.'}, 3)
    >>> split_meta_header("Note: this page is a draft, not a meta block.\\nIt goes on.\\n") is None
    True
    """
    data: dict[str, str] = {}
    key = None
    lines = source.split("\n")
    for count, line in enumerate(lines):
        if not line.strip():
            # one key alone is a meta block only if it is one such pages use
            # ("Note: read this first." opening a page is a paragraph)
            plausible = len(data) > 1 or set(data) <= _META_KEYS
            return (data, count) if data and plausible else None
        match = _META_KEY.match(line)
        if match:
            key = match.group(1).lower()  # as Python-Markdown and MkDocs read them
            data[key] = match.group(2)
        elif key is not None and line.startswith("    "):
            data[key] = (data[key] + " " + line.strip()).strip()
        else:
            return None
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
    except RecursionError:
        raise InputError(path, _TOO_DEEP, line=2) from None
    _within_limits(path, raw, data, 2)
    body = source[close.end() :].removeprefix("\n")
    return raw, data, body, source[: len(source) - len(body)].count("\n")


def _split_json(path: str, source: str) -> tuple[str, dict[str, Any], str, int]:
    try:
        data, end = json.JSONDecoder().raw_decode(source)
    except json.JSONDecodeError as exc:
        raise InputError(path, f"front matter: {exc.msg} (JSON)", line=exc.lineno) from None
    except RecursionError:
        raise InputError(path, _TOO_DEEP, line=1) from None
    if not isinstance(data, dict):
        raise InputError(path, "front matter is not a mapping of keys to values", line=1)
    raw = source[:end]
    if len(raw.encode("utf-8")) > MAX_FRONT_MATTER_BYTES:
        raise InputError(path, f"front matter: over {MAX_FRONT_MATTER_BYTES} bytes", line=1)
    _within_limits(path, raw, data, 1)
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
        meta = split_meta_header(source)
        if meta is None:
            return "", {}, source, 0
        data, offset = meta
        raw = "\n".join(f"{key}: {yaml_string(value)}" for key, value in data.items())
        return raw, data, source.split("\n", offset)[-1], offset
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
    _within_limits(path, raw, data, 2)
    offset = source[: len(source) - len(body)].count("\n")
    return raw, data, body, offset


_TOO_DEEP = f"front matter: nested deeper than {MAX_YAML_DEPTH} levels; refused"


def _within_limits(path: str, raw: str, data: Any, line: int) -> None:
    """The limits YAML has, for every format: nesting and values (walked without
    recursion), and no lone surrogate."""
    stack: list[tuple[Any, int]] = [(data, 0)]
    values = 0
    while stack:
        value, depth = stack.pop()
        values += 1
        if depth > MAX_YAML_DEPTH:
            raise InputError(path, _TOO_DEEP, line=line)
        if values > MAX_YAML_NODES:
            raise InputError(
                path, f"front matter: over {MAX_YAML_NODES} values; refused", line=line
            )
        if isinstance(value, dict):
            stack.extend((item, depth + 1) for pair in value.items() for item in pair)
        elif isinstance(value, list | tuple | set):
            stack.extend((item, depth + 1) for item in value)
    bad = _surrogate(data)
    if bad is not None:
        at = next(
            (n for n, text in enumerate(raw.split("\n"), start=1) if "\\u" in text.lower()), line
        )
        raise InputError(
            path, f"front matter holds a lone surrogate ({bad}), which is not text", line=at
        )


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


def closing_line(lines: list[str]) -> int:
    """1-based number of the line that closes the YAML or TOML front matter."""
    for number, line in enumerate(lines[1:], start=2):
        if re.fullmatch(r"-{3,}\s*|\+{3}\s*", line):
            return number
    return 0


_KEY = re.compile(r"^([A-Za-z_][\w-]*)\s*:")


# What YAML, TOML or JSON readers refuse raw in a quoted string: escaped (a
# lone surrogate, which is no text at all, becomes U+FFFD).
_UNREADABLE = re.compile("[\x7f-\x9f\ufeff\ufffe\uffff]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def quoted(value: str) -> str:
    """*value* as a double-quoted string that YAML, TOML and JSON all read back
    (JSON's escapes, and every control character escaped).

    >>> quoted('Le « marché »: ouvert')
    '"Le « marché »: ouvert"'
    >>> quoted(chr(0x92) + chr(0x7F)) == '"' + chr(92) + "u0092" + chr(92) + 'u007f"'
    True
    """
    text = json.dumps(_SURROGATE.sub("\ufffd", value), ensure_ascii=False)
    return _UNREADABLE.sub(lambda m: f"\\u{ord(m.group(0)):04x}", text)


def yaml_string(value: str) -> str:
    """A YAML double-quoted scalar (:func:`quoted`)."""
    return quoted(value)


_PLAIN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._/@+-]*")


# Starting with a letter, of letters, digits and _ . / - only: YAML reads it
# as the string it is, unless it is one of YAML 1.1's booleans or nulls.
_WORDLIKE = re.compile(r"[A-Za-z][A-Za-z0-9_./-]*")
_YAML_WORDS = frozenset("y n yes no on off true false null nan inf .nan .inf".split())


@lru_cache(maxsize=4096)
def yaml_scalar(value: str) -> str:
    """*value* bare when YAML reads it back as the same string, else quoted
    (answered once per value: the same few come back in every variant).

    >>> yaml_scalar("rtl"), yaml_scalar("no"), yaml_scalar("012"), yaml_scalar("a: b")
    ('rtl', '"no"', '"012"', '"a: b"')
    """
    if _WORDLIKE.fullmatch(value) and value.lower() not in _YAML_WORDS:
        return value  # a word or a path: a string to YAML as it stands
    if _PLAIN.fullmatch(value):
        try:
            if yaml.safe_load(value) == value:
                return value
        except yaml.YAMLError:
            pass  # not plain YAML after all: quote it
    return yaml_string(value)


def replace_value(lines: list[str], key: str, rendered: str) -> list[str]:
    """Replace the top-level *key* in front-matter *lines* (its continuation lines too).

    >>> replace_value(["title: >", "  old", "  text", "date: 2024"], "title", '"new"')
    ['title: "new"', 'date: 2024']
    """
    out: list[str] = []
    i = 0
    replaced = False
    while i < len(lines):
        match = _KEY.match(lines[i])
        if match and match.group(1) == key and not replaced:
            out.append(f"{key}: {rendered}")
            i += 1
            while i < len(lines):  # continuation lines of the old value
                if lines[i][:1] in (" ", "\t"):
                    i += 1
                    continue
                if not lines[i].strip():
                    j = i
                    while j < len(lines) and not lines[j].strip():
                        j += 1
                    if j < len(lines) and lines[j][:1] in (" ", "\t"):
                        i = j
                        continue
                break
            replaced = True
            continue
        out.append(lines[i])
        i += 1
    return out


def _keeping_key(rendered: str) -> Callable[[re.Match[str]], str]:
    return lambda match: match.group(1) + rendered


def with_values(fmt: str, head: list[str], values: dict[str, str], article: Article) -> list[str]:
    """The front-matter lines *head* (delimiters included) with the top-level
    *values* replaced (translated text), in its own format; every other line
    as written."""
    if not values:
        return head
    if fmt == "json":
        data = {**article.front_matter, **values}
        return json.dumps(data, ensure_ascii=False, indent=2, default=str).split("\n")
    inner = head if fmt == "mmd" else head[1:-1]
    for key, value in values.items():
        if fmt == "toml":
            rendered = quoted(value)
            pattern = re.compile(r"^(\s*" + re.escape(key) + r"\s*=\s*).*$")
            inner = [pattern.sub(_keeping_key(rendered), line) for line in inner]
        elif fmt == "mmd":
            inner = [_meta_value(key).sub(_keeping_key(value), line) for line in inner]
        else:
            inner = replace_value(inner, key, yaml_string(value))
    return inner if fmt == "mmd" else [head[0], *inner, head[-1]]


def _meta_value(key: str) -> re.Pattern[str]:
    return re.compile(r"^(" + re.escape(key) + r":[ \t]*).*$")


MAX_FRONT_MATTER_LINES = 2000
JSON_HEAD_LIMIT = 256 * 1024  # a JSON variant's front matter is read up to this many characters


_TOP_KEY = re.compile(r"^([^\s#:-][^:]*?|\"[^\"]*\"|'[^']*')\s*:(?:\s|$)")


def split_top_level(lines: list[str]) -> list[tuple[str | None, list[str]]]:
    """Front-matter lines cut into top-level entries, each with its own lines.

    >>> split_top_level(["# note", "title: A", "tags:", "- x", "  - y", "draft: no"])
    [(None, ['# note']), ('title', ['title: A']), ('tags', ['tags:', '- x', '  - y']), ('draft', ['draft: no'])]
    """
    entries: list[tuple[str | None, list[str]]] = []
    for line in lines:
        match = _TOP_KEY.match(line)
        if match:
            entries.append((match.group(1).strip("\"'"), [line]))
        elif entries:
            entries[-1][1].append(line)
        else:
            entries.append((None, [line]))
    return entries


def carried_lines(raw: str, owned: Iterable[str]) -> list[str]:
    """The source's YAML front-matter lines for keys not in *owned*."""
    owned = set(owned)
    lines = raw.split("\n")
    if lines and lines[0] == "":
        lines = lines[1:]
    if lines and lines[-1] == "":
        lines = lines[:-1]
    out: list[str] = []
    for key, chunk in split_top_level(lines):
        if key not in owned:
            out.extend(chunk)
    return out


_TOML_KEY = re.compile(r"^\s*([A-Za-z0-9_.-]+|\"[^\"]*\"|'[^']*')\s*=")


_TOML_TABLE = re.compile(r"^\s*\[")


def toml_value(value: Any) -> str:
    """One TOML value: strings as basic strings, dates as TOML dates, tables inline.

    >>> toml_value("Le « vélo »"), toml_value({"errors": 0, "warnings": 2})
    ('"Le « vélo »"', '{errors = 0, warnings = 2}')
    """
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k} = {toml_value(v)}" for k, v in value.items()) + "}"
    return quoted(str(value))  # JSON's escapes are TOML's


def toml_carried_lines(raw: str, owned: Iterable[str]) -> list[str]:
    """The source's TOML front-matter lines for keys the tool does not own.

    Top-level keys come first in TOML; every line from the first table
    header on belongs to a table and is carried as it is.
    """
    owned = set(owned)
    lines = raw.split("\n")
    if lines and lines[-1] == "":
        lines = lines[:-1]
    out: list[str] = []
    keep = True
    for index, line in enumerate(lines):
        if _TOML_TABLE.match(line):
            return out + lines[index:]
        match = _TOML_KEY.match(line)
        if match:
            keep = match.group(1).strip("\"'") not in owned
        if keep:
            out.append(line)
    return out


def jsonable(value: Any) -> Any:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    return value


def _front_matter_lines(lines: Iterable[str]) -> str:
    """The YAML between a leading ``---`` line and the next one."""
    it = iter(lines)
    first = next(it, "")
    if first.rstrip("\r\n") != "---":
        raise ValueError("no front matter")
    return _until(it, "---")


def _until(it: Iterator[str], closing: str) -> str:
    kept: list[str] = []
    for line in it:
        if line.rstrip("\r\n") == closing:
            return "".join(kept)
        kept.append(line)
        if len(kept) > MAX_FRONT_MATTER_LINES:
            break
    raise ValueError("front matter never closes")


def read_markdown_metadata(fh: TextIO) -> dict[str, Any]:
    """A Markdown variant's front matter, whichever of the three formats it is in."""
    first = fh.readline()
    if first.rstrip("\r\n") == "+++":
        data = tomllib.loads(_until(iter(fh), "+++"))
        return data
    if first.startswith("{"):
        data, _ = json.JSONDecoder().raw_decode(first + fh.read(JSON_HEAD_LIMIT))
        if not isinstance(data, dict):
            raise ValueError("front matter is not a mapping")
        return data
    return yaml_mapping(_front_matter_lines(itertools.chain([first], fh)))


def yaml_mapping(raw: str) -> dict[str, Any]:
    data = load_yaml(raw)
    if not isinstance(data, dict):
        raise ValueError("front matter is not a mapping")
    return data
