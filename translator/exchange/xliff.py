"""XLIFF 2.1 and 1.2: the one owner of the format (written with ElementTree,
read with defusedxml, which refuses entity declarations and external references; a
DOCTYPE line, as CAT tools write, is fine).

Protected spans travel as placeholders a CAT tool shows and keeps: ``<ph
id="N" disp="…" equiv="…"/>`` in 2.1, ``<x id="N" equiv-text="…"/>`` in 1.2.
States: 2.1 ``initial``/``translated``/``reviewed``/``final`` (read as
reviewed); 1.2 ``new`` or ``needs-review-translation`` (initial),
``translated``, ``signed-off``/``final`` (reviewed).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

from .. import codec
from ..errors import InputError
from ..textio import read_bytes
from . import xmlsafe
from .model import ExchangeFile, ExchangeUnit

NS20 = "urn:oasis:names:tc:xliff:document:2.0"
NS12 = "urn:oasis:names:tc:xliff:document:1.2"
_STATE_12_OUT = {
    "initial": "needs-review-translation",
    "translated": "translated",
    "reviewed": "signed-off",
}
_STATE_12_IN = {"translated": "translated", "signed-off": "reviewed", "final": "reviewed"}


def _inline(parent: ET.Element, text: str, spans: dict[int, str], version: str, ns: str) -> None:
    """Fill *parent* with *text*, each placeholder becoming an element."""
    last: ET.Element | None = None
    parent.text = ""
    for piece in codec.split(text):
        if isinstance(piece, str):
            if last is None:
                parent.text += piece
            else:
                last.tail = (last.tail or "") + piece
            continue
        span = spans.get(piece, "")
        if version == "2.1":
            attributes = {"id": str(piece), "disp": span, "equiv": span}
            last = ET.SubElement(parent, f"{{{ns}}}ph", attributes)
        else:
            last = ET.SubElement(parent, f"{{{ns}}}x", {"id": str(piece), "equiv-text": span})


def write(exchange: ExchangeFile, version: str = "2.1") -> str:
    """The XLIFF document of *exchange*."""
    if version == "2.1":
        ET.register_namespace("", NS20)
        root = ET.Element(
            f"{{{NS20}}}xliff",
            {"version": "2.1", "srcLang": exchange.source_lang, "trgLang": exchange.target_lang},
        )
        file_el = ET.SubElement(
            root, f"{{{NS20}}}file", {"id": "f1", "original": exchange.source_path}
        )
        for unit in exchange.units:
            unit_el = ET.SubElement(file_el, f"{{{NS20}}}unit", {"id": unit.id})
            notes = ET.SubElement(unit_el, f"{{{NS20}}}notes")
            location = ET.SubElement(notes, f"{{{NS20}}}note", {"category": "location"})
            location.text = f"{exchange.source_path}:{unit.line}"
            for text in unit.notes:
                ET.SubElement(notes, f"{{{NS20}}}note").text = text
            segment = ET.SubElement(unit_el, f"{{{NS20}}}segment", {"state": unit.state})
            _inline(
                ET.SubElement(segment, f"{{{NS20}}}source"), unit.source, unit.spans, "2.1", NS20
            )
            if unit.target is not None:
                _inline(
                    ET.SubElement(segment, f"{{{NS20}}}target"),
                    unit.target,
                    unit.spans,
                    "2.1",
                    NS20,
                )
    else:
        ET.register_namespace("", NS12)
        root = ET.Element(f"{{{NS12}}}xliff", {"version": "1.2"})
        file_el = ET.SubElement(
            root,
            f"{{{NS12}}}file",
            {
                "original": exchange.source_path,
                "source-language": exchange.source_lang,
                "target-language": exchange.target_lang,
                "datatype": "plaintext",
            },
        )
        body = ET.SubElement(file_el, f"{{{NS12}}}body")
        for unit in exchange.units:
            unit_el = ET.SubElement(body, f"{{{NS12}}}trans-unit", {"id": unit.id})
            _inline(
                ET.SubElement(unit_el, f"{{{NS12}}}source"), unit.source, unit.spans, "1.2", NS12
            )
            if unit.target is not None:
                state = _STATE_12_OUT[unit.state]
                if unit.previous_source is not None:
                    state = "needs-review-translation"  # a person's, for a changed source
                target = ET.SubElement(unit_el, f"{{{NS12}}}target", {"state": state})
                _inline(target, unit.target, unit.spans, "1.2", NS12)
            for text in unit.notes:
                ET.SubElement(unit_el, f"{{{NS12}}}note").text = text
            group = ET.SubElement(unit_el, f"{{{NS12}}}context-group", {"purpose": "location"})
            ET.SubElement(
                group, f"{{{NS12}}}context", {"context-type": "sourcefile"}
            ).text = exchange.source_path
            ET.SubElement(group, f"{{{NS12}}}context", {"context-type": "linenumber"}).text = str(
                unit.line
            )
    _indent(root, 0)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


_MIXED = {"source", "target"}  # mixed content: white space there is text


def _indent(el: ET.Element, level: int) -> None:
    """Indent the structure, never the inside of a source or target."""
    if el.tag.rsplit("}", 1)[-1] in _MIXED or len(el) == 0:
        return
    pad = "\n" + "  " * (level + 1)
    el.text = pad
    for child in el:
        _indent(child, level + 1)
        child.tail = pad
    el[-1].tail = "\n" + "  " * level


MAX_INLINE_DEPTH = 64


def _text(el: ET.Element | None, path: str, depth: int = 0) -> str:
    """An element's mixed content with its placeholder elements back as placeholders."""
    if el is None:
        return ""
    if depth > MAX_INLINE_DEPTH:
        raise InputError(path, f"inline elements nested over {MAX_INLINE_DEPTH} deep; refused")
    parts = [el.text or ""]
    for child in el:
        name = child.tag.rsplit("}", 1)[-1]
        if name in ("ph", "x"):
            number = child.get("id", "")
            if not number.isdigit():
                raise InputError(
                    path, f"a placeholder with id {number!r} that this tool did not write"
                )
            parts.append(codec.placeholder(int(number)))
        else:  # paired codes a tool added (pc, g, mrk…): their text counts
            parts.append(_text(child, path, depth + 1))
        parts.append(child.tail or "")
    return "".join(parts)


def read(path: str, *, max_bytes: int) -> ExchangeFile:
    """An XLIFF 2.1 or 1.2 file written by :func:`write` (and edited by a person)."""
    root = xmlsafe.parse(path, read_bytes(path, max_bytes))
    if root.tag == f"{{{NS20}}}xliff":
        return _read20(root, path)
    if root.tag == f"{{{NS12}}}xliff":
        return _read12(root, path)
    raise InputError(path, f"not an XLIFF 1.2 or 2.x document (root element {root.tag!r})", line=1)


def _required(el: Any, name: str, path: str) -> str:
    value = el.get(name)
    if not value:
        raise InputError(path, f"<{el.tag.rsplit('}', 1)[-1]}> has no {name}")
    return str(value)


def _read20(root: ET.Element, path: str) -> ExchangeFile:
    file_el = root.find(f"{{{NS20}}}file")
    if file_el is None:
        raise InputError(path, "no <file> element")
    out = ExchangeFile(
        _required(file_el, "original", path),
        _required(root, "srcLang", path),
        _required(root, "trgLang", path),
    )
    for unit_el in file_el.iter(f"{{{NS20}}}unit"):
        unit = _unit20(unit_el, path)
        if unit is not None:
            out.units.append(unit)
    return out


_STATES = ("initial", "translated", "reviewed")


def _unit20(unit_el: ET.Element, path: str) -> ExchangeUnit | None:
    """One unit; a unit a CAT tool split into several ``<segment>`` (or that
    holds ``<ignorable>`` white space between them) is read as one, its least
    advanced state its state."""
    parts = [el for el in unit_el if el.tag in (f"{{{NS20}}}segment", f"{{{NS20}}}ignorable")]
    segments = [el for el in parts if el.tag == f"{{{NS20}}}segment"]
    if not segments:
        return None
    sources, targets, states = [], [], []
    has_target = False
    for el in parts:
        sources.append(_text(el.find(f"{{{NS20}}}source"), path))
        target_el = el.find(f"{{{NS20}}}target")
        has_target = has_target or (target_el is not None and el in segments)
        targets.append(
            _text(target_el, path)
            if target_el is not None
            else sources[-1]
            if el not in segments
            else ""
        )
        if el in segments:
            state = el.get("state", "initial")
            state = "reviewed" if state == "final" else state
            states.append(state if state in _STATES else "initial")
    return ExchangeUnit(
        _required(unit_el, "id", path),
        "".join(sources),
        "".join(targets) if has_target else None,
        min(states, key=_STATES.index),
        0,
    )


def _read12(root: ET.Element, path: str) -> ExchangeFile:
    file_el = root.find(f"{{{NS12}}}file")
    if file_el is None:
        raise InputError(path, "no <file> element")
    out = ExchangeFile(
        _required(file_el, "original", path),
        _required(file_el, "source-language", path),
        _required(file_el, "target-language", path),
    )
    for unit_el in file_el.iter(f"{{{NS12}}}trans-unit"):
        target_el = unit_el.find(f"{{{NS12}}}target")
        state = "initial"
        if target_el is not None:
            state = _STATE_12_IN.get(target_el.get("state", "translated"), "initial")
        out.units.append(
            ExchangeUnit(
                _required(unit_el, "id", path),
                _text(unit_el.find(f"{{{NS12}}}source"), path),
                _text(target_el, path) if target_el is not None else None,
                state,
                0,
            )
        )
    return out
