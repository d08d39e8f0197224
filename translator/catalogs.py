"""Checking gettext catalogs the way ``msgfmt --statistics`` counts them.

A message is *untranslated* when its (first) translation is empty, fuzzy or
not; *fuzzy* when it is marked fuzzy and has a translation; *translated*
otherwise.  The header and obsolete (``#~``) entries are not counted as
messages; obsolete ones are reported apart.  Syntax errors and duplicate
definitions are reported as ``file:line``; so are placeholders that differ
between msgid and msgstr in ``python-format`` and ``python-brace-format``
messages.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from babel.messages.catalog import Catalog
from babel.messages.pofile import PoFileError, PoFileParser

_STRING = r'"(?:[^"\\]|\\.)*"'
_KEYWORD_LINE = re.compile(rf"^(?:msgctxt|msgid|msgid_plural|msgstr|msgstr\[\d+\])\s+{_STRING}\s*$")
_CONTINUATION = re.compile(rf"^{_STRING}\s*$")
_PERCENT = re.compile(
    r"%(?:\([^)]*\))?[#0 +-]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[hlL]?[diouxXeEfFgGcrsa]"
)
_BRACE = re.compile(r"(?<!\{)\{([^{}]*)\}(?!\})")


@dataclass
class CatalogStats:
    path: str
    locale: str
    translated: int = 0
    fuzzy: int = 0
    untranslated: int = 0
    obsolete: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return not self.errors and self.fuzzy == 0 and self.untranslated == 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "locale": self.locale,
            "translated": self.translated,
            "fuzzy": self.fuzzy,
            "untranslated": self.untranslated,
            "obsolete": self.obsolete,
            "errors": list(self.errors),
        }


def syntax_errors(path: str, lines: list[str]) -> list[str]:
    """``file:line: reason`` for every line that is not PO syntax."""
    errors = []
    for number, raw in enumerate(lines, start=1):
        line = raw.strip()
        if not line:
            continue
        if line.startswith("#~"):
            line = line[2:].strip()
            if not line:
                continue
        elif line.startswith("#"):
            continue
        if _KEYWORD_LINE.match(line) or _CONTINUATION.match(line):
            continue
        if line.count('"') % 2 == 1 or (line.startswith(("msg", '"')) and not line.endswith('"')):
            errors.append(f"{path}:{number}: unterminated string")
        else:
            errors.append(f"{path}:{number}: not PO syntax: {line[:60]!r}")
    return errors


class _Parser(PoFileParser):
    """Babel's parser, also reporting duplicate definitions with their line."""

    def __init__(self, catalog: Catalog, path: str) -> None:
        super().__init__(catalog, ignore_obsolete=False, abort_invalid=True)
        self.path = path
        self.duplicates: list[str] = []
        self.seen: dict[tuple[Any, Any], int] = {}

    def _add_message(self) -> None:
        if not self.obsolete and self.messages:
            msgid = self.messages[0].denormalize()
            context = self.context.denormalize() if self.context else None
            key = (msgid, context)
            if key in self.seen and msgid != "":
                self.duplicates.append(
                    f"{self.path}:{self.offset + 1}: duplicate message definition "
                    f"(first at line {self.seen[key]})"
                )
            self.seen.setdefault(key, self.offset + 1)
        super()._add_message()


def _placeholders(msgid: str, string: str, flags: set[str]) -> tuple[list[str], list[str]] | None:
    if "python-format" in flags:
        a = sorted(_PERCENT.findall(msgid.replace("%%", "")))
        b = sorted(_PERCENT.findall(string.replace("%%", "")))
        return (a, b) if a != b else None
    if "python-brace-format" in flags:
        a = sorted({f"{{{name}}}" for name in _BRACE.findall(msgid)})
        b = sorted({f"{{{name}}}" for name in _BRACE.findall(string)})
        return (a, b) if a != b else None
    return None


def check_catalog(path: Path, display: str | None = None) -> CatalogStats:
    name = display or str(path)
    locale = path.parent.parent.name if path.parent.name == "LC_MESSAGES" else path.stem
    stats = CatalogStats(name, locale)
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        stats.errors.append(f"{name}: byte {exc.start}: not UTF-8")
        return stats
    except OSError as exc:
        stats.errors.append(f"{name}: {exc.strerror or exc}")
        return stats
    lines = text.splitlines()
    stats.errors.extend(syntax_errors(name, lines))
    if stats.errors:
        return stats
    catalog = Catalog(locale=None)
    parser = _Parser(catalog, name)
    try:
        parser.parse(lines)
    except PoFileError as exc:
        stats.errors.append(f"{name}:{exc.lineno + 1}: {exc}")
        return stats
    stats.errors.extend(parser.duplicates)
    for message in catalog:
        if not message.id:
            continue  # the header
        string = message.string
        first = string[0] if isinstance(string, list | tuple) else string
        if not first:
            stats.untranslated += 1
        elif message.fuzzy:
            stats.fuzzy += 1
        else:
            stats.translated += 1
            msgid = message.id[0] if isinstance(message.id, list | tuple) else message.id
            for form in string if isinstance(string, list | tuple) else [string]:
                if not form:
                    continue
                mismatch = _placeholders(msgid, form, set(message.flags))
                if mismatch:
                    stats.errors.append(
                        f"{name}:{message.lineno}: placeholders differ in {msgid!r}: "
                        f"{' '.join(mismatch[0]) or 'none'} vs {' '.join(mismatch[1]) or 'none'}"
                    )
    stats.obsolete = len(catalog.obsolete)
    return stats


def find_catalogs(root: Path) -> list[Path]:
    return sorted(root.rglob("*.po"))
