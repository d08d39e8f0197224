"""Sentence splitting that never touches the network.

Rules, not models: a sentence ends at a terminator (``. ! ? …`` and the
Arabic ``؟ ۔``, CJK ``。！？``, Devanagari ``। ॥``), possibly followed by closing
quotes or brackets, when the next sentence starts after white space with a
capital letter, a digit, an opening quote or bracket, or a letter of a
script without case.  CJK terminators need no space.  A full stop does not
end a sentence after a known abbreviation (``translator/data/abbreviations.txt``),
after an initial (``J. Smith``), inside a number (``3.5``), after an ordinal
in German (``4. September``), or inside brackets.
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

_CLOSERS = "\"'”’»›)]}」』】"
_OPENERS = "\"'“‘«‹([{「『【¿¡"
_ALWAYS = "。！？"
_TERMINATORS = ".!?…؟۔।॥" + _ALWAYS
_CANDIDATE = re.compile(rf"[{re.escape(_TERMINATORS)}]+[{re.escape(_CLOSERS)}]*(?=\s|$|[^\s])")
_WORD_BEFORE = re.compile(r"(\S+)$")
_LONGEST_WORD = 40


@lru_cache(maxsize=1)
def _abbreviations() -> dict[str, frozenset[str]]:
    raw = resources.files("translator").joinpath("data", "abbreviations.txt").read_text("utf-8")
    table: dict[str, set[str]] = {}
    current = "*"
    for line in raw.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("[") and line.endswith("]"):
            current = line[1:-1]
            continue
        table.setdefault(current, set()).add(line.casefold())
    return {k: frozenset(v) for k, v in table.items()}


def abbreviations(lang: str) -> frozenset[str]:
    table = _abbreviations()
    return table.get("*", frozenset()) | table.get(lang, frozenset())


_BULLETS = "•■▪◆►●"


def _starts_sentence(ch: str) -> bool:
    if ch.isupper() or ch.isdigit() or ch in _OPENERS or ch in _BULLETS:
        return True
    # Scripts without case (Arabic, Hebrew, CJK, Devanagari...) start sentences anywhere.
    return ch.isalpha() and not ch.islower() and not ch.isupper()


def _word_before(text: str, start: int, end: int) -> str:
    """The word of *text* that ends at *end*, looking no further back than *start*.

    Only the last ``_LONGEST_WORD`` characters are looked at, so a long text
    without spaces costs linear time; a longer word is no abbreviation anyway.
    """
    window = text[max(start, end - _LONGEST_WORD - 1) : end]
    match = _WORD_BEFORE.search(window)
    if not match or (len(match.group(1)) > _LONGEST_WORD):
        return ""
    return match.group(1)


def _is_abbreviation(original: str, lang: str) -> bool:
    original = original.lstrip(_OPENERS)
    word = original.casefold()
    if not word:
        return False
    if len(original) == 1 and original.isupper():
        return True  # an initial: "J. Smith", "A. B. Jones", "С. Калиновский"
    if re.fullmatch(r"(?:\w\.)+\w", word):
        return True  # "U.S", "e.g", "z.B"
    if lang == "de" and word.isdigit():
        return True  # German ordinals: "am 4. September"
    return word in abbreviations(lang)


def sentence_spans(text: str, lang: str = "en") -> list[tuple[int, int]]:
    """Start and end offsets of the sentences of *text*, white space excluded.

    >>> t = "Mr. Smith paid $3.50 at 5 p.m. on Friday. Then he left! Did he?"
    >>> [t[a:b] for a, b in sentence_spans(t)]
    ['Mr. Smith paid $3.50 at 5 p.m. on Friday.', 'Then he left!', 'Did he?']
    >>> t = "他来了。她走了！"
    >>> [t[a:b] for a, b in sentence_spans(t, "zh")]
    ['他来了。', '她走了！']
    """
    spans: list[tuple[int, int]] = []
    start = 0
    depth = 0
    n = len(text)
    i = 0
    while i < n:
        ch = text[i]
        if ch in "([{":
            depth += 1
        elif ch in ")]}" and depth:
            depth -= 1
        match = _CANDIDATE.match(text, i) if ch in _TERMINATORS else None
        if not match:
            i += 1
            continue
        end = match.end()
        marks = match.group(0)
        depth = max(0, depth - sum(1 for m in marks if m in ")]}"))
        nxt = end
        while nxt < n and text[nxt].isspace():
            nxt += 1
        split = False
        if nxt >= n:
            split = False  # the tail is added below
        elif any(m in _ALWAYS for m in marks):
            split = depth == 0
        elif nxt > end and depth == 0 and _starts_sentence(text[nxt]):
            split = not (marks == "." and _is_abbreviation(_word_before(text, start, i), lang))
        if split:
            spans.append((start, end))
            start = nxt
        i = end
    tail = text[start:].strip()
    if tail:
        lead = len(text[start:]) - len(text[start:].lstrip())
        spans.append((start + lead, start + lead + len(tail)))
    return spans


def split_sentences(text: str, lang: str = "en") -> list[str]:
    return [text[a:b] for a, b in sentence_spans(text, lang)]
