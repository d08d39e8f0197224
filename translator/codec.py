"""The placeholder codec: how a protected span stands in a text on its way
through the engines, the memory and every exchange format.

A span (a URL, inline code, a tag, a placeholder of the source's own) is
written as ``⟦n⟧``, *n* its number in the block it came from.  This is the
only module that spells that syntax; everything else writes, finds, fills
and puts back placeholders through it:

>>> masked = "See " + placeholder(0) + " at " + placeholder(1) + " now."
>>> numbers(masked)
[0, 1]
>>> fill(masked, {0: placeholder(1), 1: "https://example.org"})  # one pass
'See ⟦1⟧ at https://example.org now.'
>>> put_back('See ⟦1⟧ at https://example.org now.', {0: "⟦1⟧", 1: "https://example.org"})
'See ⟦0⟧ at ⟦1⟧ now.'
>>> split("a" + placeholder(2) + "b")
['a', 2, 'b']
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence

OPEN, CLOSE = "⟦", "⟧"
# As written, and as an engine may give it back (spaces inside the brackets).
_FOUND = re.compile(r"⟦\s*(\d+)\s*⟧")
# Brackets already in a source's own text (protected as spans themselves).
_LITERAL = re.compile(r"⟦[^⟧]*⟧?|⟧")
# In an exchange file's comment: "⟦3⟧ = https://example.org".
_LISTED = re.compile(r"^⟦(\d+)⟧ = (.*)$", re.DOTALL)


def placeholder(number: int) -> str:
    """The placeholder of span *number*."""
    return f"{OPEN}{number}{CLOSE}"


def numbers(text: str) -> list[int]:
    """The placeholder numbers in *text*, in order."""
    return [int(m.group(1)) for m in _FOUND.finditer(text)]


def has_brackets(text: str) -> bool:
    """Whether *text* holds the codec's brackets at all (then its own are spans)."""
    return OPEN in text or CLOSE in text


def literal_ranges(text: str) -> list[tuple[int, int]]:
    """Where *text* holds brackets of its own, which must be protected."""
    return [m.span() for m in _LITERAL.finditer(text)]


def split(text: str) -> list[str | int]:
    """*text* as pieces of text and placeholder numbers, in order (empty
    pieces left out): what a format writer turns into its own elements."""
    out: list[str | int] = []
    pos = 0
    for match in _FOUND.finditer(text):
        if match.start() > pos:
            out.append(text[pos : match.start()])
        out.append(int(match.group(1)))
        pos = match.end()
    if pos < len(text):
        out.append(text[pos:])
    return out


def join(pieces: Iterable[str | int]) -> str:
    """The inverse of :func:`split`."""
    return "".join(p if isinstance(p, str) else placeholder(p) for p in pieces)


def replace(text: str, spans: Callable[[int], str | None]) -> str:
    """Every placeholder of *text* replaced in one pass by ``spans(number)``;
    one for which it gives None stays as it is."""

    def one(match: re.Match[str]) -> str:
        value = spans(int(match.group(1)))
        return match.group(0) if value is None else value

    return _FOUND.sub(one, text)


def fill(text: str, spans: Mapping[int, str] | Sequence[str]) -> str:
    """*text* with each placeholder written out as its span, in one pass (a span
    that itself looks like a placeholder is never replaced again); numbers
    without a span stay as they are."""
    if isinstance(spans, Mapping):
        return replace(text, spans.get)
    return replace(text, lambda n: spans[n] if n < len(spans) else None)


def strip(text: str) -> str:
    """*text* without its placeholders (what a reader sees of it)."""
    return _FOUND.sub("", text)


def put_back(text: str, spans: Mapping[int, str], optional: Iterable[int] = ()) -> str | None:
    """*text* with each span of *spans* (written out, as a person or a file has
    it) back as its placeholder; None when a span not in *optional* is missing.

    Occurrences are found in *text* as given, never in what an earlier
    replacement wrote: longest span first (a URL before a shorter one inside
    it), equal spans in number order, each at its leftmost free place.
    """
    skip = set(optional)
    taken: list[tuple[int, int, int]] = []  # (start, end, number)

    def free(a: int, b: int) -> bool:
        return all(b <= s or a >= e for s, e, _n in taken)

    for number, span in sorted(spans.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        at = text.find(span) if span else -1
        while at >= 0 and not free(at, at + len(span)):
            at = text.find(span, at + 1)
        if at < 0:
            if number in skip:
                continue
            return None
        taken.append((at, at + len(span), number))
    out: list[str] = []
    pos = 0
    for start, end, number in sorted(taken):
        out.append(text[pos:start])
        out.append(placeholder(number))
        pos = end
    out.append(text[pos:])
    return "".join(out)


def listed(number: int, span: str) -> str:
    """A span as an exchange file lists it in a comment: ``⟦3⟧ = text``."""
    return f"{placeholder(number)} = {span}"


def parse_listed(text: str) -> tuple[int, str] | None:
    """:func:`listed` read back, or None."""
    match = _LISTED.match(text)
    return (int(match.group(1)), match.group(2)) if match else None
