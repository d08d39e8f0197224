"""Pseudo-localization: a deterministic stand-in for a translation engine.

Latin letters get accents, each segment is bracketed and padded by about 30%
so that layouts meet longer text; for right-to-left languages the text is
also forced right to left.  Placeholders, URLs (already placeholders),
digits and punctuation are left as they are.
"""

from __future__ import annotations

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


def pseudo_localize(text: str, target: str = "") -> str:
    """Pseudo-localize one segment.

    For a right-to-left *target* (Arabic, Hebrew, Persian, Urdu…) the text is
    also shown mirrored, as Android's ``ar-XB`` does: wrapped in a
    right-to-left override between right-to-left marks, so that a variant
    and its preview lay out, wrap and punctuate like a right-to-left
    language while the characters stay the same underneath.

    >>> at = codec.placeholder(0)
    >>> pseudo_localize("Open 3 files at " + at) == "[Ǿƥḗƞ 3 ƒīŀḗş ȧŧ " + at + " ~~~~~]"
    True
    >>> pseudo_localize("Open", "ar") == "\u200f\u202e[Ǿƥḗƞ ~]\u202c\u200f"
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
        return f"{_RLM}{_RLO}{pseudo}{_PDF}{_RLM}"
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
