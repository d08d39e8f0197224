"""TMX 1.4b, to exchange translation memories with other tools: the one owner
of the format.  Read streamed with defusedxml's ``iterparse`` (no entity declarations or
external references; memory stays flat however large the file).

``translator cache export --format tmx FILE`` writes every entry: a ``<tu>``
with the two ``<tuv>`` and properties for its origin, state and model; a
placeholder for a protected span is ``<ph x="N">⟦N⟧</ph>``.  ``translator
cache import FILE`` reads such a file back, or one from a CAT tool (plain
segments: their URLs, e-mail addresses, inline code and format placeholders
are protected as the tool protects them), as human translations unless
``--origin machine``; it is stored in one transaction.
"""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from . import __version__, qa, xmlsafe
from .errors import InputError, UsageError
from .exchange_model import remask
from .fsutil import write_atomic
from .memory import BLOCK, HUMAN, MACHINE, SEGMENT, HumanEntry, Memory, memory_key, normalise
from .protect import mask

_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_PLACEHOLDER = re.compile(r"⟦(\d+)⟧")
ORIGINS = (HUMAN, MACHINE)
BATCH = 2000  # units read between two writes of one import's transaction
SHOWN_SKIPPED = 100  # reasons kept for skipped units; the rest are counted


def _seg(text: str) -> str:
    out = []
    pos = 0
    for match in _PLACEHOLDER.finditer(text):
        out.append(escape(text[pos : match.start()]))
        out.append(f'<ph x="{match.group(1)}">{escape(match.group(0))}</ph>')
        pos = match.end()
    out.append(escape(text[pos:]))
    return "".join(out)


def _prop(kind: str, value: str) -> str:
    return f'      <prop type="x-translator-{kind}">{escape(value)}</prop>\n'


@dataclass
class TmxExport:
    path: str
    units: int

    def as_dict(self) -> dict[str, Any]:
        return {"path": self.path, "units": self.units}


def export_tmx(path: str, cache: str | None = None) -> TmxExport:
    """Write every entry of the memory at *cache* to the TMX file *path*."""
    memory = Memory(cache)
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="1.4">\n',
        f'  <header creationtool="translator" creationtoolversion={quoteattr(__version__)}'
        ' segtype="sentence" o-tmf="translator" adminlang="en" srclang="*all*"'
        ' datatype="plaintext"/>\n  <body>\n',
    ]
    count = 0
    try:
        for entry in memory.entries():
            stamp = dt.datetime.fromtimestamp(entry.created, dt.UTC).strftime("%Y%m%dT%H%M%SZ")
            parts.append(f'    <tu creationdate="{stamp}">\n')
            parts.append(_prop("origin", entry.origin))
            parts.append(_prop("state", entry.state))
            parts.append(_prop("model", entry.model))
            if entry.options:
                parts.append(_prop("options", entry.options))
            if entry.note:
                parts.append(_prop("note", entry.note))
            if entry.article:
                parts.append(_prop("article", entry.article))
            if entry.scope != SEGMENT:
                parts.append(_prop("scope", entry.scope))
            target_tag = (
                entry.locale if entry.origin == HUMAN and entry.locale else entry.target_lang
            )
            for lang, text in (
                (entry.source_lang, entry.source),
                (target_tag, entry.target),
            ):
                parts.append(
                    f"      <tuv xml:lang={quoteattr(lang)}><seg>{_seg(text)}</seg></tuv>\n"
                )
            parts.append("    </tu>\n")
            count += 1
    finally:
        memory.close()
    parts.append("  </body>\n</tmx>\n")
    write_atomic(path, "".join(parts))
    return TmxExport(path, count)


@dataclass
class Unit:
    """One ``<tu>`` with two languages, as read."""

    props: dict[str, str]
    langs: list[tuple[str, str, bool]]  # (language, text, holds placeholders)


def _seg_text(seg: ET.Element) -> tuple[str, bool]:
    parts = [seg.text or ""]
    placeholders = False
    for child in seg:
        name = child.tag.rsplit("}", 1)[-1]
        if name == "ph" and (child.get("x") or "").isdigit():
            parts.append(f"⟦{child.get('x')}⟧")
            placeholders = True
        else:  # other inline codes: their text
            parts.append("".join(child.itertext()))
        parts.append(child.tail or "")
    return "".join(parts), placeholders


def read_units(path: str) -> Iterator[Unit]:
    """The ``<tu>`` of a TMX file, one at a time."""
    root_seen = False
    body: ET.Element | None = None
    for event, el in xmlsafe.iterparse(path):
        if event == "start":
            if not root_seen:
                root_seen = True
                if el.tag != "tmx":
                    raise InputError(path, f"not a TMX document (root element {el.tag!r})", line=1)
            elif el.tag == "body":
                body = el
            continue
        if el.tag != "tu":
            continue
        props = {
            (p.get("type") or "").removeprefix("x-translator-"): (p.text or "")
            for p in el.findall("prop")
        }
        langs = []
        for tuv in el.findall("tuv"):
            lang = tuv.get(_XML_LANG) or tuv.get("lang") or ""
            seg = tuv.find("seg")
            if seg is not None and lang:
                text, held = _seg_text(seg)
                langs.append((lang, text, held))
        yield Unit(props, langs)
        el.clear()
        if body is not None:
            body.remove(el)  # read units are dropped: memory stays flat


@dataclass
class TmxImport:
    path: str
    imported: int = 0
    skipped: list[str] = field(default_factory=list)  # why, for the first SHOWN_SKIPPED
    skipped_count: int = 0

    def skip(self, why: str) -> None:
        self.skipped_count += 1
        if len(self.skipped) < SHOWN_SKIPPED:
            self.skipped.append(why)

    def as_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "imported": self.imported,
            "skipped": self.skipped_count,
            "skipped_reasons": self.skipped,
        }


def _language(code: str) -> str:
    """``en-US`` → ``en``; the memory keeps the engine's language codes."""
    from .locales import parse_locale

    try:
        return parse_locale(code).argos
    except UsageError:
        return code.split("-")[0].lower()


def _locale_tag(code: str) -> str:
    """``fr-CA`` → ``fr-ca``: the locale a person's translation belongs to."""
    from .locales import parse_locale

    try:
        return parse_locale(code).tag.lower()
    except UsageError:
        return code.lower()


def import_tmx(path: str, cache: str | None = None, origin: str | None = None) -> TmxImport:
    """Read the TMX file *path* into the memory at *cache*, in one transaction.

    Each unit is a human translation, or a machine one, as *origin* says; by
    default as its own ``x-translator-origin`` property says, else human.
    """
    if origin is not None and origin not in ORIGINS:
        raise UsageError(f"--origin is human or machine, not {origin!r}")
    result = TmxImport(path)
    memory = Memory(cache)
    human: dict[tuple[str, str, str, str], list[HumanEntry]] = {}
    machine: list[tuple[str, str, str, str, str, str, str]] = []

    def flush() -> None:
        """Write what was read so far (inside the one transaction)."""
        for (src, tgt, locale, article), entries in human.items():
            memory.put_human(entries, src, tgt, locale=locale, article=article, commit=False)
            result.imported += len(entries)
        memory.put_many(machine, commit=False)
        result.imported += len(machine)
        human.clear()
        machine.clear()

    try:
        with memory.transaction():  # every unit or none; written in batches as read
            for number, unit in enumerate(read_units(path), start=1):
                _take(unit, number, path, origin, result, human, machine)
                if number % BATCH == 0:
                    flush()
            flush()
    except BaseException:
        result.imported = 0
        raise
    finally:
        memory.close()
    return result


def _take(
    unit: Unit,
    number: int,
    path: str,
    origin: str | None,
    result: TmxImport,
    human: dict[tuple[str, str, str, str], list[HumanEntry]],
    machine: list[tuple[str, str, str, str, str, str, str]],
) -> None:
    if len(unit.langs) < 2:
        result.skip(f"unit {number}: fewer than two languages")
        return
    (src_lang, source, held), (tgt_lang, target, _t) = unit.langs[0], unit.langs[1]
    if not held:
        masked = mask(source, "text")
        remasked = remask(target, dict(enumerate(masked.spans)))
        if remasked is None:
            result.skip(f"unit {number}: a protected span of the source is not in the target")
            return
        source, target = masked.text, remasked
    src, tgt = _language(src_lang), _language(tgt_lang)
    if (origin or unit.props.get("origin", HUMAN)) != MACHINE:
        # a person's text passes the checks machine text gets, or stays out
        problem = qa.entry_problem(source, target, src, tgt)
        if problem is not None:
            result.skip(f"unit {number}: {problem}")
            return
        state = unit.props.get("state", "translated")
        state = state if state in ("translated", "reviewed") else "translated"
        scope = BLOCK if unit.props.get("scope") == BLOCK else SEGMENT
        locale = _locale_tag(tgt_lang)
        human.setdefault((src, tgt, locale, unit.props.get("article", "")), []).append(
            HumanEntry(normalise(source), target, state, unit.props.get("note", path), scope)
        )
    else:
        model = unit.props.get("model", "tmx")
        options = unit.props.get("options", "")
        key = memory_key(source, src, tgt, model, options)
        machine.append((key, normalise(source), target, src, tgt, model, options))
