"""Protected spans: text that must come back byte-exact from translation.

URLs, e-mail addresses, inline code, ``{name}``, ``%s``, ``%(name)s``,
``%1$s``, site-generator template tags (Hugo shortcodes ``{{< >}}`` and
``{{% %}}``, Liquid/Jinja ``{% %}`` and ``{{ }}``; a ``highlight`` shortcode
with its code), and inline markup (Markdown links and emphasis markers, HTML
tags and comments) are replaced by numbered placeholders
(:mod:`translator.codec` writes them) before translation and put
back afterwards.  A placeholder the engine dropped is put back at the end of
its text and recorded as an event for QA.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from markdown_it.common.utils import normalizeReference

from . import codec
from .article import Format

# (bidirectional controls, U+200E/F, U+202A-E, U+2066-9, end an address: never part of one)
URL = (
    r"(?:https?|ftp)://[^\s<>\"'`\u200e\u200f\u202a-\u202e\u2066-\u2069]*"
    r"[^\s<>\"'`.,;:!?)\]\u200e\u200f\u202a-\u202e\u2066-\u2069]"
    r"|www\.[^\s<>\"'`\u200e\u200f\u202a-\u202e\u2066-\u2069]*"
    r"[^\s<>\"'`.,;:!?)\]\u200e\u200f\u202a-\u202e\u2066-\u2069]"
)
# The look-behind starts a match only at the start of a run of address
# characters: the same matches, in linear time on a long run without "@".
EMAIL = r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
CODE = r"`[^`\n]+`"
# Each scan stops at the next opener, so unclosed tags cost linear time.
TEMPLATE = (
    r"\{\{<\s*highlight\b(?:(?!\{\{<\s*highlight\b).)*?\{\{<\s*/highlight\s*>\}\}"
    r"|\{\{[<%](?:(?!\{\{).)*?[>%]\}\}"
    r"|\{%(?:(?!\{%).)*?%\}"
    r"|\{\{(?:(?!\{\{).)*?\}\}"
)
TEMPLATE_RE = re.compile(TEMPLATE, re.DOTALL)
FORMAT = r"\{[A-Za-z_][\w.]*\}|\{\d*\}|%\(\w+\)[sdifr]|%\d+\$[sdif]|%[sdif]"
# A comment's scan stops at the next "<!--", so unclosed comments cost linear time.
_TAG = r"</?[A-Za-z][^<>]*>|<!--(?:(?!<!--).)*?-->"

# (pattern, group numbers to protect; 0 = the whole match)
_COMMON: list[tuple[re.Pattern[str], tuple[int, ...]]] = [
    (TEMPLATE_RE, (0,)),
    (re.compile(CODE), (0,)),
    (re.compile(URL), (0,)),
    (re.compile(EMAIL), (0,)),
    (re.compile(FORMAT), (0,)),
]
_MARKDOWN = [
    (re.compile(r"<(?:https?://|mailto:)[^<>\s]+>"), (0,)),
    (re.compile(_TAG), (0,)),
    # [text](target "title") and ![alt](src): the brackets and target are protected,
    # the link text is translated.  Every scan below stops where the next match
    # could start (a "[", an opening marker), so that text with many openers and
    # no closers costs linear time, not quadratic.
    # a link around an image, [![alt](src)](target): the alt text translated
    (re.compile(r"(\[!\[)[^\[\]]*(\]\([^()\s]*(?:\s+\"[^\"]*\")?\)\]\([^)\[\n]*\))"), (1, 2)),
    (re.compile(r"(!?\[)[^\[\]]*(\]\([^)\[\n]*\))"), (1, 2)),
    # footnote references [^1], and [text][label] (the text translated); a
    # collapsed [label][] or shortcut [label] link is written [text][label]
    # (see _references), its label kept
    (re.compile(r"\[\^[^\]\s]+\]"), (0,)),
    (re.compile(r"(!?\[)[^\[\]]*(\]\[[^\[\]]+\])"), (1, 2)),
    # attribute lists: { #id .class }, {: .class } (Python-Markdown, kramdown)
    (re.compile(r"\{:[^{}\n]*\}|\{[ \t]*(?:[#.][\w-]|[\w-]+=)[^{}\n]*\}"), (0,)),
    (re.compile(r"(\*\*|__)(?=\S)(?:(?!\1(?=\S)).)+?(?<=\S)(\1)"), (1, 2)),
    (
        re.compile(
            r"(?<![\w*])(\*)(?=[^\s*])(?:(?!(?<![\w*])\*(?=[^\s*])).)+?(?<=[^\s*])(\*)(?![\w*])"
        ),
        (1, 2),
    ),
    (
        re.compile(r"(?<!\w)(_)(?=[^\s_])(?:(?!(?<!\w)_(?=[^\s_])).)+?(?<=[^\s_])(_)(?!\w)"),
        (1, 2),
    ),
]
_HTML = [(re.compile(_TAG, re.DOTALL), (0,))]


def is_template_only(text: str) -> bool:
    """Whether *text* holds nothing but template tags and white space.

    >>> is_template_only('{{< figure src="a.png" >}}'), is_template_only("{{< ref x >}} and more")
    (True, False)
    """
    return bool(TEMPLATE_RE.search(text)) and not TEMPLATE_RE.sub("", text).strip()


def words_outside_spans(text: str, fmt: Format = "markdown") -> str:
    """*text* without its protected spans (URLs, code, markup): its words.

    >>> words_outside_spans("See [the pier](https://x.org/pier.pdf) and `pier`")
    'See the pier and '
    """
    return codec.strip(mask(text, fmt).text)


def nothing_to_translate(text: str, fmt: Format = "markdown") -> bool:
    """Whether *text* has no letters outside its protected spans (a code span,
    a link label, an attribute list): kept as it is, never translated.

    >>> nothing_to_translate("`menu.before`"), nothing_to_translate("Use `x` here")
    (True, False)
    """
    return not has_words(mask(text, fmt).text)


def has_words(masked: str) -> bool:
    """Whether a masked text has letters outside its placeholders."""
    return any(map(str.isalpha, codec.strip(masked)))


@dataclass
class Masked:
    text: str
    spans: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class SpanEvent:
    """A protected span the engine lost ("restored") or repeated ("removed")."""

    action: str
    span: str


_SHORTCUT = re.compile(r"(!?\[)(?!\^)([^\[\]]+)\](\[\]|(?![\[(]))")


def _ranges(
    text: str, fmt: Format, references: frozenset[str] = frozenset()
) -> tuple[list[tuple[int, int]], dict[int, str]]:
    """The protected ranges of *text*, and what a range starting at an offset
    is written as where that is not its own text (a reference link's closer)."""
    patterns = list(_COMMON)
    if fmt == "markdown":
        # templates, code, autolinks, tags and links first; then URLs, e-mail addresses and
        # placeholders; emphasis markers last, so that they never split a
        # placeholder such as {_a_}.
        patterns = patterns[:2] + _MARKDOWN[:4] + patterns[2:] + _MARKDOWN[4:]
    elif fmt == "html":
        patterns = _HTML + patterns
    # Taken ranges never overlap, so they are kept sorted by start (and so by
    # end).  A new range may take in whole ranges already taken (a link whose
    # destination holds a template tag), never part of one.
    starts: list[int] = []
    ends: list[int] = []

    def inside(a: int, b: int) -> tuple[int, int] | None:
        """The indexes [lo, hi) of the taken ranges within [a, b), or None
        when one of them overlaps it partly."""
        lo, hi = bisect.bisect_right(ends, a), bisect.bisect_left(starts, b)
        if lo < hi and (starts[lo] < a or ends[hi - 1] > b):
            return None
        return lo, hi

    def free(a: int, b: int) -> bool:
        return inside(a, b) is not None

    def take(a: int, b: int) -> None:
        found = inside(a, b)
        assert found is not None
        lo, hi = found
        starts[lo:hi] = [a]
        ends[lo:hi] = [b]

    for pattern, groups in patterns:
        for match in pattern.finditer(text):
            pieces = [match.span(g) for g in groups]
            if all(a < b and free(a, b) for a, b in pieces):
                for a, b in pieces:
                    take(a, b)
    written: dict[int, str] = {}
    if fmt == "markdown":
        # A collapsed [label][] or shortcut [label] reference link: its text is
        # its label.  The label is kept as the link's reference and the text is
        # translated: [text][label], the same link.
        for match in _SHORTCUT.finditer(text):
            label = match.group(2)
            collapsed = match.group(3) == "[]"
            if not (collapsed or normalizeReference(label) in references):
                continue
            opener, closer = match.span(1), (match.end(2), match.end())
            if free(*opener) and free(*closer):
                take(*opener)
                take(*closer)
                written[closer[0]] = f"][{label}]"
    return list(zip(starts, ends, strict=True)), written


def mask(text: str, fmt: Format = "text", references: frozenset[str] = frozenset()) -> Masked:
    """Replace protected spans with placeholders.

    *references*: the normalised labels of a Markdown article's link reference
    definitions; a shortcut reference link to one of them, and any collapsed
    one, comes back as ``[text][label]`` with its text translated.

    >>> m = mask("Read [the guide][] and [Intro].", "markdown", frozenset({"INTRO"}))
    >>> unmask(m.text.replace("the guide", "le guide").replace("Intro", "Introduction"), m)[0]
    'Read [le guide][the guide] and [Introduction][Intro].'

    >>> m = mask("See [the report](https://example.org/a_b.pdf) or mail x@example.org.", "markdown")
    >>> codec.split(m.text)
    ['See ', 0, 'the report', 1, ' or mail ', 2, '.']
    >>> m.spans
    ['[', '](https://example.org/a_b.pdf)', 'x@example.org']
    >>> unmask(m.text.replace("the report", "le rapport"), m)[0]
    'See [le rapport](https://example.org/a_b.pdf) or mail x@example.org.'
    """
    ranges, written = _ranges(text, fmt, references if fmt == "markdown" else frozenset())
    if codec.has_brackets(text):
        # Literal placeholder brackets in the source are protected themselves,
        # and win over any range they overlap.
        literal = codec.literal_ranges(text)
        starts = [a for a, _ in literal]
        ends = [b for _, b in literal]
        kept = []
        for a, b in ranges:
            i = bisect.bisect_left(ends, a + 1)  # the first literal ending after a
            if i == len(literal) or starts[i] >= b:
                kept.append((a, b))
        ranges = sorted(kept + literal)
    out: list[str] = []
    spans: list[str] = []
    pos = 0
    for a, b in ranges:
        out.append(text[pos:a])
        out.append(codec.placeholder(len(spans)))
        spans.append(written.get(a, text[a:b]))
        pos = b
    out.append(text[pos:])
    return Masked("".join(out), spans)


def placeholders(text: str) -> list[int]:
    """The placeholder numbers in *text*, in order.

    >>> placeholders(mask("See `x` and `y`.", "markdown").text)
    [0, 1]
    """
    return codec.numbers(text)


def fill(text: str, masked: Masked) -> str:
    """*text* with the placeholders it holds replaced by their spans; unlike
    :func:`unmask`, spans it does not hold are not added (one sentence of many).
    """
    return codec.fill(text, masked.spans)


def unmask(translated: str, masked: Masked) -> tuple[str, list[SpanEvent]]:
    """Put the protected spans back; lost ones go at the end, repeats are removed."""
    events: list[SpanEvent] = []
    used: set[int] = set()

    def put_back(index: int) -> str:
        if index >= len(masked.spans) or index in used:
            if index < len(masked.spans):
                events.append(SpanEvent("removed", masked.spans[index]))
            return ""
        used.add(index)
        return masked.spans[index]

    text = codec.replace(translated, put_back)
    missing = [s for i, s in enumerate(masked.spans) if i not in used]
    for span in missing:
        events.append(SpanEvent("restored", span))
    if missing:
        text = text.rstrip() + (" " if text.strip() else "") + " ".join(missing)
    return text, events
