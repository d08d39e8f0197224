"""Reading XML that arrives from elsewhere (XLIFF, TMX) with defusedxml: entity
declarations (billion laughs) and external references (XXE) are refused; a
DOCTYPE line, as CAT tools write, is fine.  Every refusal is one InputError
naming the file (and the line, for XML that is not well-formed)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring
from defusedxml.ElementTree import iterparse as _iterparse

from ..errors import InputError

_RULES = {"forbid_dtd": False, "forbid_entities": True, "forbid_external": True}


def refusal(path: str, exc: Exception) -> InputError:
    """The one-line error for a parser's exception."""
    if isinstance(exc, ET.ParseError):
        reason = str(exc).split(": line")[0]
        return InputError(path, f"not well-formed XML: {reason}", line=exc.position[0])
    if isinstance(exc, DefusedXmlException):
        return InputError(
            path,
            f"refused: {type(exc).__name__} "
            "(entity declarations and external references are not read)",
        )
    if isinstance(exc, LookupError):
        return InputError(path, f"its XML declaration names an encoding there is none of ({exc})")
    return InputError(path, f"cannot read: {exc}")


def parse(path: str, data: bytes) -> ET.Element:
    """The document's root element."""
    try:
        return fromstring(data, **_RULES)
    except (ET.ParseError, DefusedXmlException, LookupError) as exc:
        raise refusal(path, exc) from None


def iterparse(path: str) -> Iterator[tuple[str, ET.Element]]:
    """``(event, element)`` for start and end events, streamed from the file."""
    try:
        yield from _iterparse(path, events=("start", "end"), **_RULES)
    except (ET.ParseError, DefusedXmlException, LookupError) as exc:
        raise refusal(path, exc) from None
    except OSError as exc:
        raise InputError(path, f"cannot read: {exc.strerror or exc}") from None
