"""Page-chrome detection: ad labels, widget leftovers, share/menu labels,
lines with no letters, and short lines in a language other than the article's.

The rule data lives in ``translator/data/`` (``chrome_labels.txt`` and
``chrome_patterns.txt``), not in code.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from .article import Block

# Reasons reported in ``chrome[].reason``.
AD = "ad-label"
WIDGET = "widget"
LABEL = "ui-label"
NO_LETTERS = "no-letters"
FOREIGN = "short-foreign-line"
TEASER = "teaser"
CAPTION = "caption"
NEWSLETTER = "newsletter"
DATELINE = "dateline"
BYLINE = "byline"
SHARE = "share-line"
PREFIX_MAX_WORDS = 40
_PREFIX_REASON = {"teaser": TEASER, "caption": CAPTION, "newsletter": NEWSLETTER}
_LINK_TEXT = re.compile(r"<a\b[^>]*>(.*?)</a>", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"<[^>]+>")

_LABEL_REASON = {"ad": AD}
_EDGE_PUNCT = "\"'“”‘’«»‹›()[]{}<>|•·*-–—:;,.!?؟،…→←»«>#/\\ \t"
_PART_SPLIT = re.compile(r"\s*[|•·/,]\s*|\s+")
# A label is short: longer lines are never matched against the lists.
MAX_LABEL_CHARS = 60


@dataclass(frozen=True)
class _Rules:
    labels: dict[str, str]  # normalised label -> category
    categories: dict[str, frozenset[str]]
    patterns: tuple[tuple[re.Pattern[str], str], ...]
    prefixes: tuple[tuple[re.Pattern[str], str], ...]


def normalise(text: str) -> str:
    """Fold a line for label matching.

    >>> normalise("  Read More »  ")
    'read more'
    >>> normalise("Share this:")
    'share this'
    """
    text = unicodedata.normalize("NFKC", text).casefold()
    text = " ".join(text.split())
    return text.strip(_EDGE_PUNCT)


def _sections(name: str) -> dict[str, list[str]]:
    raw = resources.files("translator").joinpath("data", name).read_text(encoding="utf-8")
    out: dict[str, list[str]] = {}
    current = None
    for line in raw.splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if re.fullmatch(r"\[[a-z-]+\]", stripped):
            current = stripped[1:-1]
            out.setdefault(current, [])
            continue
        if current is None:
            raise ValueError(f"{name}: entry before any [category]: {line!r}")
        out[current].append(stripped)
    return out


@lru_cache(maxsize=1)
def rules() -> _Rules:
    labels: dict[str, str] = {}
    categories: dict[str, frozenset[str]] = {}
    for category, entries in _sections("chrome_labels.txt").items():
        folded = frozenset(normalise(e) for e in entries)
        categories[category] = folded
        for entry in folded:
            labels.setdefault(entry, category)
    patterns = []
    for category, entries in _sections("chrome_patterns.txt").items():
        for entry in entries:
            patterns.append((re.compile(entry, re.IGNORECASE), category))
    prefixes = [
        (re.compile(entry, re.IGNORECASE), _PREFIX_REASON[category])
        for category, entries in _sections("chrome_prefixes.txt").items()
        for entry in entries
    ]
    return _Rules(labels, categories, tuple(patterns), tuple(prefixes))


def has_letters(text: str) -> bool:
    return any(ch.isalpha() for ch in text)


def rule_reason(text: str) -> str | None:
    """The chrome reason for one line or block by the fixed rules, or None.

    >>> rule_reason("اعلان"), rule_reason("6/recent/ticker-posts"), rule_reason("12/03/2024")
    ('ad-label', 'widget', 'no-letters')
    >>> rule_reason("Facebook Twitter WhatsApp Telegram")
    'ui-label'
    >>> rule_reason("The minister spoke on Thursday.") is None
    True
    """
    stripped = text.strip()
    if not has_letters(stripped):
        return NO_LETTERS
    r = rules()
    if len(stripped.split()) <= PREFIX_MAX_WORDS:
        for pattern, reason in r.prefixes:
            if pattern.match(stripped):
                return reason
    if len(stripped) > MAX_LABEL_CHARS:
        return None
    for pattern, _category in r.patterns:
        if pattern.fullmatch(stripped):
            return WIDGET
    key = normalise(stripped)
    category = r.labels.get(key)
    if category is not None:
        return _LABEL_REASON.get(category, LABEL)
    return LABEL if _label_run(stripped, key, r) else None


def _label_run(stripped: str, key: str, r: _Rules) -> bool:
    """A run of labels: "Facebook Twitter WhatsApp", "Home | World | Sport"."""
    parts = [p for p in _PART_SPLIT.split(key) if p]
    if len(parts) < 2:
        return False
    if all(p in r.categories["social"] for p in parts):
        return True
    if not any(mark in stripped for mark in "|•·"):
        return False
    pieces = [normalise(p) for p in re.split(r"[|•·]", stripped) if p.strip()]
    return bool(pieces) and all(p in r.labels for p in pieces)


def word_count(text: str) -> int:
    """Words, counting each CJK/kana/hangul character run generously.

    >>> word_count("Breaking news today"), word_count("阅读更多")
    (3, 2)
    """
    words = len(text.split())
    cjk = len(_CJK.findall(text))
    return max(words, (cjk + 1) // 2) if cjk else words


_CJK = re.compile("[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\uf900-\ufaff]")


def is_short(text: str) -> bool:
    """Short enough to be a label rather than a sentence (at most 4 words)."""
    return len(text.strip()) <= 40 and word_count(text) <= 4


def link_share(markup: str) -> float:
    """How much of an HTML fragment's text is link text (0 to 1).

    >>> link_share('<a href="/a">Ten tips</a> <a href="/b">More tips</a>')
    0.9444
    >>> link_share('Read the <a href="/r">report</a> in full today.')
    0.2
    """
    text = " ".join(_TAG.sub(" ", markup).split())
    if not text:
        return 0.0
    linked = sum(len(" ".join(_TAG.sub(" ", m).split())) for m in _LINK_TEXT.findall(markup))
    return round(min(1.0, linked / len(text)), 4)


def apply_rules(blocks: list[Block]) -> None:
    """Flag blocks that the fixed rules call chrome (code blocks never are).

    After a teaser line ("Read more:", "Auch interessant:") or a newsletter
    heading, the blocks that are mostly links (the teased articles) are
    teasers too, up to the first block that is not.
    """
    teasing = False
    for block in blocks:
        if block.kind == "code" or block.chrome:
            continue
        block.chrome = rule_reason(block.text)
        if block.chrome in {TEASER, NEWSLETTER}:
            teasing = True
        elif teasing and block.markup and link_share(block.markup) >= 0.7:
            block.chrome = TEASER
        elif not block.chrome:
            teasing = False


# "By Priya Natarajan", "Par …", "Von …": a byline names its author.
_BYLINE = re.compile(
    r"^(?:by|par|von|por|di|door|av|af|przez|od)\s+(\S.*?)\s*(?:[|·•,–—-].*)?$", re.IGNORECASE
)
# "Share this article", "Share on X", "Partager", "Teilen": share buttons left in the text.
_SHARE = re.compile(
    r"^(?:share|partager|partagez|teilen|compartir|comparte|condividi|delen|dela|udostępnij)\b",
    re.IGNORECASE,
)
LEADING_BLOCKS = 4  # a dateline or byline stands among the first blocks
SHARE_MAX_WORDS = 6


def mark_meta_lines(
    blocks: list[Block], lang: str, is_date_line: Callable[[str, str], bool]
) -> str | None:
    """In a text article, flag the leading date and byline lines and every share
    line as chrome (the date is read from them still); the byline's author, or None."""
    author = None
    content = [b for b in blocks if not b.is_chrome and b.kind != "code"]
    for block in content[:LEADING_BLOCKS]:
        text = block.text.strip()
        byline = _BYLINE.match(text)
        if byline and len(text.split()) <= 8 and not text.endswith((".", "!", "?")):
            block.chrome, author = BYLINE, byline.group(1)
        elif is_date_line(text, lang):
            block.chrome = DATELINE
    for block in content:
        if not block.is_chrome and _SHARE.match(block.text.strip()):
            if len(block.text.split()) <= SHARE_MAX_WORDS:
                block.chrome = SHARE
    return author
