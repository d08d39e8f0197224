"""TMX 1.4b: the one owner of the file format (what goes into the memory and
comes out of it is :mod:`.memory_tmx`'s).

Written from units (:class:`~.model.ExchangeUnit` with their languages and
properties); a placeholder is ``<ph x="N">`` holding the placeholder itself.
Read streamed with defusedxml's ``iterparse`` (no entity declarations or
external references; memory stays flat however large the file), by
language, not by position: the source of a ``<tu>`` is its ``<tuv>`` in the
unit's (or the header's) ``srclang``, or its first one when that is
``*all*``; every other ``<tuv>`` gives one unit, so a three-language unit
gives two.  A ``<seg>`` without ``<ph>`` (a CAT tool's plain text) is read
with ``masked`` False: the memory side protects its spans.
"""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Iterator
from xml.sax.saxutils import escape, quoteattr

from .. import __version__, codec
from ..errors import InputError
from . import xmlsafe
from .model import ExchangeFile, ExchangeUnit

_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
PROP_PREFIX = "x-translator-"
CREATED = "created"  # a property written as the unit's creationdate, not as a <prop>


def _seg(text: str) -> str:
    out = []
    for piece in codec.split(text):
        if isinstance(piece, str):
            out.append(escape(piece))
        else:
            out.append(f'<ph x="{piece}">{escape(codec.placeholder(piece))}</ph>')
    return "".join(out)


def write(units: Iterable[ExchangeUnit]) -> str:
    """The TMX document of *units* (their own languages and properties)."""
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="1.4">\n',
        f'  <header creationtool="translator" creationtoolversion={quoteattr(__version__)}'
        ' segtype="sentence" o-tmf="translator" adminlang="en" srclang="*all*"'
        ' datatype="plaintext"/>\n  <body>\n',
    ]
    for unit in units:
        created = unit.props.get(CREATED)
        stamp = ""
        if created:
            when = dt.datetime.fromtimestamp(float(created), dt.UTC)
            stamp = f' creationdate="{when.strftime("%Y%m%dT%H%M%SZ")}"'
        parts.append(f"    <tu{stamp}>\n")
        for kind, value in unit.props.items():
            if kind != CREATED and value:
                parts.append(f'      <prop type="{PROP_PREFIX}{kind}">{escape(value)}</prop>\n')
        for lang, text in ((unit.source_lang, unit.source), (unit.target_lang, unit.target)):
            parts.append(
                f"      <tuv xml:lang={quoteattr(lang)}><seg>{_seg(text or '')}</seg></tuv>\n"
            )
        parts.append("    </tu>\n")
    parts.append("  </body>\n</tmx>\n")
    return "".join(parts)


def _seg_text(seg: ET.Element) -> tuple[str, bool]:
    parts = [seg.text or ""]
    held = False
    for child in seg:
        name = child.tag.rsplit("}", 1)[-1]
        if name == "ph" and (child.get("x") or "").isdigit():
            parts.append(codec.placeholder(int(child.get("x") or 0)))
            held = True
        else:  # other inline codes: their text
            parts.append("".join(child.itertext()))
        parts.append(child.tail or "")
    return "".join(parts), held


def _units(el: ET.Element, srclang: str, number: int) -> list[ExchangeUnit]:
    props = {
        (p.get("type") or "").removeprefix(PROP_PREFIX): (p.text or "") for p in el.findall("prop")
    }
    langs: list[tuple[str, str, bool]] = []
    for tuv in el.findall("tuv"):
        lang = tuv.get(_XML_LANG) or tuv.get("lang") or ""
        seg = tuv.find("seg")
        if seg is not None and lang:
            text, held = _seg_text(seg)
            langs.append((lang, text, held))
    if not langs:
        return []
    wanted = (el.get("srclang") or srclang or "*all*").lower()
    primary = wanted.replace("_", "-").split("-")[0]
    first = next(
        (i for i, t in enumerate(langs) if t[0].lower() == wanted),
        next(
            (
                i
                for i, t in enumerate(langs)
                if t[0].lower().replace("_", "-").split("-")[0] == primary
            ),
            0,
        ),
    )  # the source's language as the header names it (en matches en-US), else the first
    source = langs[first]
    out = []
    for position, (lang, text, held) in enumerate(langs):
        if position == first:
            continue
        unit = ExchangeUnit(f"tu{number}", source[1], text, "translated", 0, props=dict(props))
        unit.source_lang, unit.target_lang = source[0], lang
        unit.masked = source[2] or held
        out.append(unit)
    if not out:  # fewer than two languages: an empty unit says so
        unit = ExchangeUnit(f"tu{number}", source[1], None, "initial", 0, props=dict(props))
        unit.source_lang = source[0]
        out.append(unit)
    return out


def iter_units(path: str) -> Iterator[ExchangeUnit]:
    """The units of a TMX file, one ``<tu>`` at a time (``id`` ``tuN``, N its
    number in the file; ``target`` None for a ``<tu>`` of one language)."""
    root_seen = False
    body: ET.Element | None = None
    srclang = "*all*"
    number = 0
    for event, el in xmlsafe.iterparse(path):
        if event == "start":
            if not root_seen:
                root_seen = True
                if el.tag != "tmx":
                    raise InputError(path, f"not a TMX document (root element {el.tag!r})", line=1)
            elif el.tag == "body":
                body = el
            elif el.tag == "header":
                srclang = el.get("srclang") or srclang
            continue
        if el.tag != "tu":
            continue
        number += 1
        yield from _units(el, srclang, number)
        el.clear()
        if body is not None:
            body.remove(el)  # read units are dropped: memory stays flat


def read(path: str, *, max_bytes: int = 0) -> ExchangeFile:
    """A TMX file as an exchange file (every unit at once; see :func:`iter_units`
    to stream a large one)."""
    out = ExchangeFile(path, "*all*", "*all*")
    out.units = list(iter_units(path))
    return out
