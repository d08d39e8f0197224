"""Pseudo-localization: a deterministic stand-in for a translation engine.

Latin letters get accents, each segment is bracketed and padded by about 30%
so that layouts meet longer text.  Placeholders, URLs (already placeholders),
digits and punctuation are left as they are.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from . import Engine

_PLAIN = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
_FANCY = "ȧƀƈḓḗƒɠħīĵķŀḿƞǿƥɋřşŧŭṽẇẋẏẑȦƁƇḒḖƑƓĦĪĴĶĿḾȠǾƤɊŘŞŦŬṼẆẊẎẐ"
_TABLE = str.maketrans(_PLAIN, _FANCY)
_PLACEHOLDER = re.compile(r"(⟦\s*\d+\s*⟧)")
EXPANSION = 0.3


def pseudo_localize(text: str) -> str:
    """Pseudo-localize one segment.

    >>> pseudo_localize("Open 3 files at ⟦0⟧")
    '[Ǿƥḗƞ 3 ƒīŀḗş ȧŧ ⟦0⟧ ~~~~~]'
    >>> pseudo_localize("")
    ''
    """
    if not text.strip():
        return text
    parts = _PLACEHOLDER.split(text)
    out = "".join(p if i % 2 else p.translate(_TABLE) for i, p in enumerate(parts))
    visible = len(_PLACEHOLDER.sub("", text))
    pad = max(1, round(visible * EXPANSION))
    return f"[{out} {'~' * pad}]"


class PseudoEngine(Engine):
    name = "pseudo"

    def identity(self, source: str, target: str) -> str:
        return "pseudo"

    def translate(self, segments: Sequence[str], source: str, target: str) -> list[str]:
        self.calls += sum(1 for s in segments if s.strip())
        return [pseudo_localize(s) for s in segments]
