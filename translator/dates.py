"""Where an article's date comes from, and how each locale writes it.

In order: ``--date``; the front-matter ``date``; HTML
``article:published_time`` or ``<time datetime>``; a date in the first lines
of the text (ISO, or day/month-name/year in the source language, as Babel
names the months); otherwise none.  A date-only value is never shifted by a
timezone; a datetime with an offset is shown as the date in that offset.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, get_month_names

from .article import Article
from .errors import UsageError

_ISO = re.compile(
    r"\b(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?(Z|[+-]\d{2}:?\d{2})?)?\b"
)
FIRST_LINES = 5


@dataclass(frozen=True)
class ArticleDate:
    """A date, or a datetime with its offset, and where it was found."""

    value: dt.date | dt.datetime
    origin: str  # option, front matter, html, text

    @property
    def iso(self) -> str:
        return self.value.isoformat()

    @property
    def day(self) -> dt.date:
        """The calendar date as written (a datetime stays in its own offset)."""
        return self.value.date() if isinstance(self.value, dt.datetime) else self.value

    def display(self, locale: Locale) -> str:
        """Babel's long date for *locale*.

        >>> d = ArticleDate(dt.date(2025, 9, 4), "option")
        >>> d.display(Locale.parse("fr")), d.display(Locale.parse("de"))
        ('4 septembre 2025', '4. September 2025')
        >>> late = ArticleDate(dt.datetime.fromisoformat("2025-09-04T23:30:00-05:00"), "option")
        >>> late.display(Locale.parse("en"))
        'September 4, 2025'
        """
        return format_date(self.day, format="long", locale=locale)


def parse_iso(text: str) -> dt.date | dt.datetime:
    """``YYYY-MM-DD`` or ``YYYY-MM-DDTHH:MM[:SS][±HH:MM|Z]``; raises ValueError."""
    text = text.strip()
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return dt.date.fromisoformat(text)
    if re.fullmatch(
        r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?", text
    ):
        return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    raise ValueError(f"not an ISO date: {text!r}")


def parse_option(text: str | None) -> ArticleDate | None:
    """Validate ``--date`` before any work (exit 2 when it is not a date)."""
    if text is None:
        return None
    try:
        return ArticleDate(parse_iso(text), "option")
    except ValueError:
        raise UsageError(
            f"--date {text!r} is not a date; write YYYY-MM-DD or YYYY-MM-DDTHH:MM+HH:MM"
        ) from None


def _from_value(value: object) -> dt.date | dt.datetime | None:
    if isinstance(value, dt.datetime | dt.date):
        return value
    if isinstance(value, str):
        try:
            return parse_iso(value)
        except ValueError:
            return None
    return None


@lru_cache(maxsize=32)
def _months(lang: str) -> dict[str, int]:
    """Month names of *lang* (wide and abbreviated, both contexts), folded."""
    try:
        locale = Locale.parse(lang)
    except (UnknownLocaleError, ValueError):
        return {}
    names: dict[str, int] = {}
    for width in ("wide", "abbreviated"):
        for context in ("format", "stand-alone"):
            for number, name in get_month_names(width, context, locale).items():
                names.setdefault(name.casefold().rstrip("."), number)
    return names


@lru_cache(maxsize=32)
def _month_patterns(lang: str) -> tuple[tuple[re.Pattern[str], str], ...]:
    names = _months(lang)
    if not names:
        return ()
    alternation = "|".join(sorted((re.escape(n) for n in names), key=len, reverse=True))
    day_first = re.compile(
        rf"\b(\d{{1,2}})\.?\s+(?:de\s+)?({alternation})\.?\s+(?:de\s+)?(\d{{4}})\b", re.IGNORECASE
    )
    month_first = re.compile(rf"\b({alternation})\.?\s+(\d{{1,2}}),?\s+(\d{{4}})\b", re.IGNORECASE)
    return ((day_first, "dmy"), (month_first, "mdy"))


def find_in_text(lines: list[str], lang: str) -> dt.date | None:
    """A date in *lines*: ISO first, then month names of *lang*.

    >>> find_in_text(["Publié le 4 septembre 2025 à Lyon"], "fr")
    datetime.date(2025, 9, 4)
    >>> find_in_text(["Posted March 3, 2024 by the desk"], "en")
    datetime.date(2024, 3, 3)
    """
    for line in lines:
        match = _ISO.search(line)
        if match:
            try:
                return dt.date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
            except ValueError:
                pass  # not a real date (2024-02-30): keep looking
    months = _months(lang)
    for line in lines:
        for pattern, order in _month_patterns(lang):
            match = pattern.search(line)
            if not match:
                continue
            if order == "dmy":
                day, month, year = match.group(1), match.group(2), match.group(3)
            else:
                month, day, year = match.group(1), match.group(2), match.group(3)
            try:
                return dt.date(int(year), months[month.casefold().rstrip(".")], int(day))
            except (ValueError, KeyError):
                continue
    return None


def date_span(line: str, lang: str) -> tuple[int, int] | None:
    """Where a date stands in *line* (ISO, or with *lang*'s month names), or None.

    >>> date_span("Published: 2025-06-20", "en"), date_span("No date here", "en")
    ((11, 21), None)
    """
    match = _ISO.search(line)
    if match:
        return match.span()
    for pattern, _order in _month_patterns(lang):
        match = pattern.search(line)
        if match:
            return match.span()
    return None


_LINE_WORDS = re.compile(r"[^\W\d_]+")


def is_date_line(line: str, lang: str) -> bool:
    """Whether *line* is a date alone, with at most a label ("Published:",
    "Updated on", "Publié le") and a time: a dateline, not body text.

    >>> is_date_line("12 October 2025", "en"), is_date_line("Published: 2025-06-20", "en")
    (True, True)
    >>> is_date_line("The council met on 12 October 2025 to vote.", "en")
    False
    """
    span = date_span(line, lang)
    if span is None or len(line) > 80:
        return False
    rest = line[: span[0]] + " " + line[span[1] :]
    return len(_LINE_WORDS.findall(rest)) <= 2


def article_date(article: Article, override: ArticleDate | None = None) -> ArticleDate | None:
    """The article's date by the order above, or None."""
    if override is not None:
        return override
    value = _from_value(article.front_matter.get("date"))
    if value is not None:
        return ArticleDate(value, "front matter")
    for key in ("article:published_time", "time", "date"):
        value = _from_value(article.meta.get(key))
        if value is not None:
            return ArticleDate(value, "html")
    first = [b.text for b in article.content_blocks[:FIRST_LINES]]
    first += [c.text for c in article.chrome[:FIRST_LINES]]
    found = find_in_text(first, article.language)
    return ArticleDate(found, "text") if found else None
