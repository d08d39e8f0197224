"""Gettext PO for exported work: the one owner of the format, through Babel's
``pofile`` (written and read; ``msgfmt --check`` accepts what it writes).

One message per segment: ``msgctxt`` is the unit id, ``msgid`` the source
and ``msgstr`` the target, with protected spans byte-exact in both and listed
with their numbers in extracted comments (``#. protected: <placeholder> =
…``) so the translator keeps them and :func:`read` puts their placeholders
back.
A machine draft is ``#, fuzzy``: Poedit and msgfmt treat it as unreviewed.
The header comment names the article and its language.
"""

from __future__ import annotations

import codecs
import datetime as dt
import io
import re
from typing import Any

from babel.core import Locale, UnknownLocaleError
from babel.messages.catalog import Catalog
from babel.messages.pofile import PoFileError, read_po, write_po

from .. import __version__, codec
from ..errors import InputError
from ..textio import read_bytes
from .model import ExchangeFile, ExchangeUnit

_SOURCE = "translator-source: "
_SOURCE_LANG = "translator-source-language: "
_TARGET_LANG = "translator-target-language: "
_PROTECTED = "protected: "
_REVIEWED = "reviewed"  # a flag: a person reviewed the translation
_FIXED_DATE = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)


def write(exchange: ExchangeFile) -> str:
    """The PO file of *exchange* (spans filled in)."""
    try:
        locale: Locale | None = Locale.parse(exchange.target_lang, sep="-")
    except (ValueError, UnknownLocaleError):
        locale = None
    catalog = Catalog(
        locale=locale,
        header_comment=(
            f"# {_SOURCE}{exchange.source_path}\n"
            f"# {_SOURCE_LANG}{exchange.source_lang}\n"
            f"# {_TARGET_LANG}{exchange.target_lang}"
        ),
        project="translator",
        version=__version__,
        last_translator="translator export",
        language_team=exchange.target_lang,
        # fixed, so that exporting the same work twice gives the same bytes
        creation_date=_FIXED_DATE,
        revision_date=_FIXED_DATE,
        fuzzy=False,
    )
    for unit in exchange.units:
        flags = []
        if unit.target is not None and unit.state == "initial":
            flags.append("fuzzy")
        elif unit.state == "reviewed":
            flags.append(_REVIEWED)
        comments = [
            f"{_PROTECTED}{codec.listed(n, span)}" for n, span in sorted(unit.spans.items())
        ]
        comments += unit.notes
        catalog.add(
            unit.filled(unit.source),
            unit.filled(unit.target) if unit.target is not None else "",
            locations=[(exchange.source_path, unit.line)],
            flags=flags,
            auto_comments=comments,
            context=unit.id,
            previous_id=(
                unit.filled(unit.previous_source) if unit.previous_source is not None else ()
            ),
        )
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=0, include_previous=True)
    return buffer.getvalue().decode("utf-8")


def read(path: str, *, max_bytes: int) -> ExchangeFile:
    """A PO file written by :func:`write`: each unit's spans (from its
    ``protected`` comments) back as placeholders in its source and target.  A
    file from before the comments named their numbers has its spans filled in
    (``ExchangeFile.masked`` is False: the caller puts placeholders back)."""
    data = read_bytes(path, max_bytes)
    declared = _charset(data)
    try:
        codecs.lookup(declared)
    except LookupError:
        raise InputError(
            path, f"its header names a charset there is none of ({declared})"
        ) from None
    if codecs.lookup(declared).name != "utf-8" and _is_utf8_text(data):
        raise InputError(
            path,
            f"its header says charset={declared}, but its bytes are UTF-8: set the header to "
            "charset=UTF-8 (as a translator's tool may have saved it) and import it again",
        )
    repeated = _repeated_context(data)
    if repeated is not None:
        raise InputError(path, f"unit {repeated} appears more than once; nothing taken")
    try:
        catalog = read_po(io.BytesIO(data), abort_invalid=True)
    except (PoFileError, UnicodeDecodeError, ValueError, LookupError) as exc:
        raise InputError(path, f"not a valid PO file: {exc}") from None
    header = _header(path, catalog.header_comment or "")
    out = ExchangeFile(header[_SOURCE], header[_SOURCE_LANG], header[_TARGET_LANG])
    for message in catalog:
        if not message.id or not message.context:
            continue  # the header
        unit = _unit(message)
        listed = [codec.parse_listed(c.removeprefix(_PROTECTED)) for c in message.auto_comments]
        spans = dict(item for item in listed if item is not None)
        if spans:
            _put_back(unit, spans, path)
        elif any(c.startswith(_PROTECTED) for c in message.auto_comments):
            out.masked = False  # written before spans were numbered
        out.units.append(unit)
    return out


_CHARSET = re.compile(rb"charset=([A-Za-z0-9._:-]+)")


def _charset(data: bytes) -> str:
    """The charset a PO file's header declares (UTF-8 when it names none)."""
    found = _CHARSET.search(data[:4096])
    return found.group(1).decode("ascii") if found else "utf-8"


_CONTEXT = re.compile(rb'^msgctxt "(.*)"[ \t]*$', re.MULTILINE)


def _repeated_context(data: bytes) -> str | None:
    """A unit id (``msgctxt``) written twice (Babel keeps one of them silently)."""
    seen: set[bytes] = set()
    for match in _CONTEXT.finditer(data):
        if match.group(1) in seen:
            return match.group(1).decode("utf-8", "replace")
        seen.add(match.group(1))
    return None


def _is_utf8_text(data: bytes) -> bool:
    """Bytes that read as UTF-8 and hold more than ASCII."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return not data.isascii()


def _header(path: str, comment: str) -> dict[str, str]:
    """The article and languages the header comment names."""
    header = {}
    for line in comment.splitlines():
        text = line.lstrip("#").strip()
        for key in (_SOURCE, _SOURCE_LANG, _TARGET_LANG):
            if text.startswith(key):
                header[key] = text[len(key) :].strip()
    missing = [k.rstrip(": ") for k in (_SOURCE, _SOURCE_LANG, _TARGET_LANG) if k not in header]
    if missing:
        raise InputError(path, f"its header comment does not name the {missing[0]}", line=1)
    return header


def _unit(message: Any) -> ExchangeUnit:
    """A message as a unit: fuzzy is a draft (initial), ``#, reviewed`` reviewed."""
    target = message.string if isinstance(message.string, str) else None
    state = "initial"
    if target and not message.fuzzy:
        state = "reviewed" if _REVIEWED in message.flags else "translated"
    return ExchangeUnit(
        str(message.context), str(message.id), target or None, state, message.lineno or 0
    )


def _put_back(unit: ExchangeUnit, spans: dict[int, str], path: str) -> None:
    """The unit's spans back as placeholders; a target that lost one keeps its
    text and is refused at import (its spans no longer match the source's)."""
    source = codec.put_back(unit.source, spans)
    if source is None:
        raise InputError(path, f"unit {unit.id}: its source no longer holds its protected spans")
    unit.source = source
    unit.spans = spans
    if unit.target is not None:
        unit.target = codec.put_back(unit.target, spans, optional=spans) or unit.target


__all__ = ["read", "write"]
