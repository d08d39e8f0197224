"""Pseudo-localization: a deterministic stand-in for a translation engine.

Latin letters get accents, each segment is bracketed and padded by about 30%
so that layouts meet longer text; for right-to-left languages the text is
also forced right to left.  Placeholders, URLs (already placeholders),
digits and punctuation are left as they are.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from .. import codec
from . import Engine

_PLAIN = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
_FANCY = "ȧƀƈḓḗƒɠħīĵķŀḿƞǿƥɋřşŧŭṽẇẋẏẑȦƁƇḒḖƑƓĦĪĴĶĿḾȠǾƤɊŘŞŦŬṼẆẊẎẐ"
_TABLE = str.maketrans(_PLAIN, _FANCY)
EXPANSION = 0.3


# Languages written right to left: their pseudo text is too (see pseudo_localize).
RTL_LANGUAGES = frozenset({"ar", "he", "fa", "ur", "ps", "yi", "dv", "ckb", "sd", "ug"})
_RLM, _RLO, _PDF = "\u200f", "\u202e", "\u202c"
LRI, PDI = "\u2066", "\u2069"  # a left-to-right isolate: read as written inside an override
# a number as written: 3.2, 11:00, 2025-09-04, 1,200
_NUMBER = re.compile(r"\d(?:[\d.,:/\-]*\d)?")


def _isolated(text: str) -> str:
    """*text* (pseudo letters, placeholders) with each number and placeholder
    (a URL, code, markup) in a left-to-right isolate, so that the override
    around the sentence mirrors letters only."""
    out = []
    for part in codec.split(text):
        if isinstance(part, int):
            out.append(f"{LRI}{codec.placeholder(part)}{PDI}")
        else:
            out.append(_NUMBER.sub(lambda m: f"{LRI}{m.group(0)}{PDI}", part))
    return "".join(out)


def pseudo_localize(text: str, target: str = "") -> str:
    """Pseudo-localize one segment.

    For a right-to-left *target* (Arabic, Hebrew, Persian, Urdu…) the text is
    also shown mirrored, as Android's ``ar-XB`` does: wrapped in a
    right-to-left override between right-to-left marks, so that a variant
    and its preview lay out, wrap and punctuate like a right-to-left
    language while the characters stay the same underneath.  Letters only
    are mirrored: each number and placeholder (URLs, code, markup) stands in
    a left-to-right isolate and reads as written ("3.2", not "2.3").

    >>> at = codec.placeholder(0)
    >>> pseudo_localize("Open 3 files at " + at) == "[Ǿƥḗƞ 3 ƒīŀḗş ȧŧ " + at + " ~~~~~]"
    True
    >>> pseudo_localize("Open", "ar") == "\u200f\u202e[Ǿƥḗƞ ~]\u202c\u200f"
    True
    >>> "\u20663.2\u2069" in pseudo_localize("Up 3.2 million", "ar")
    True
    >>> pseudo_localize("")
    ''
    """
    if not text.strip():
        return text
    out = "".join(
        codec.placeholder(p) if isinstance(p, int) else p.translate(_TABLE)
        for p in codec.split(text)
    )
    visible = len(codec.strip(text))
    pad = max(1, round(visible * EXPANSION))
    pseudo = f"[{out} {'~' * pad}]"
    if target.split("-")[0].split("_")[0] in RTL_LANGUAGES:
        return f"{_RLM}{_RLO}{_isolated(pseudo)}{_PDF}{_RLM}"
    return pseudo


class PseudoEngine(Engine):
    name = "pseudo"

    def identity(self, source: str, target: str) -> str:
        return "pseudo"

    def options_key(self) -> str:
        return ""

    def translate(self, segments: Sequence[str], source: str, target: str) -> list[str]:
        self.calls += sum(1 for s in segments if s.strip())
        return [pseudo_localize(s, target) for s in segments]
