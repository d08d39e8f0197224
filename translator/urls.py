"""The URL policy: which addresses a page the tool writes may link to.

One module for every writer and check.  ``javascript:``, ``vbscript:`` and
``data:`` addresses (which run code or carry a document of their own) are
dangerous everywhere: removed from a page the tool writes back
(:func:`is_dangerous`), an error in a person's translation
(:func:`has_unsafe_scheme`).  A link the tool makes itself (the safe inline
HTML of a variant) goes only to web (``http:``, ``https:``), mail
(``mailto:``) or relative addresses (:func:`is_safe_link`).

>>> [is_safe_link(u) for u in ("https://a.org", "/news", "#top", "page.html", "mailto:x@y.z")]
[True, True, True, True, True]
>>> [is_safe_link(u) for u in ("javascript:alert(1)", " JavaScript:x", "data:text/html,x", "ftp://a")]
[False, False, False, False]
>>> [has_unsafe_scheme(t) for t in ("see javascript:alert(1)", "see data: none", "safe text")]
[True, True, False]
>>> is_dangerous(" JavaScript:x"), is_dangerous("tel:+331234")
(True, False)
"""

from __future__ import annotations

import re

# A scheme that runs code or carries a document of its own.
_DANGEROUS = r"(?:javascript|vbscript|data)\s*:"
_UNSAFE_ANYWHERE = re.compile(r"(?i)\b" + _DANGEROUS)
_UNSAFE_START = re.compile(r"(?i)^\s*" + _DANGEROUS)
_SAFE = re.compile(r"^(?:https?:|mailto:|[/#?.]|[^:]*$)", re.IGNORECASE)


def is_safe_link(href: str) -> bool:
    """Whether a link or source attribute may point at *href*."""
    return bool(_SAFE.match(href.strip()))


def has_unsafe_scheme(text: str) -> bool:
    """Whether *text* holds a javascript:, vbscript: or data: address anywhere."""
    return bool(_UNSAFE_ANYWHERE.search(text))


def is_dangerous(value: str) -> bool:
    """Whether an attribute's address is javascript:, vbscript: or data:."""
    return bool(_UNSAFE_START.match(value))
