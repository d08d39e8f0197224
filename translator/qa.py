"""Translation QA: checks over aligned (source, target) segment pairs.

Every check is one function registered with :func:`check`, with its id, its
severity and a docstring; :data:`CHECKS` lists them in the order they run
(``translator qa --list-checks`` prints it, ``--skip ID`` leaves some out).
Segment checks look at one (source, target) pair; the document check
``segment-count`` compares block counts.  A variant made by the pseudo engine
skips the two language checks.

:func:`check_pairs` runs the checks over pairs; :func:`check_variant` is
``translator qa SOURCE VARIANT``.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from decimal import Decimal, InvalidOperation
from functools import cached_property, lru_cache
from importlib import resources
from typing import TYPE_CHECKING, Any

from . import langid
from .errors import UsageError
from .locales import iso_language, parse_locale
from .protect import CODE, EMAIL, FORMAT, TEMPLATE, URL, is_template_only, nothing_to_translate
from .urls import has_unsafe_scheme

if TYPE_CHECKING:
    from .alignment import Alignment
    from .glossary import Glossary, TermRules
    from .pipeline import ReadOptions
    from .project import Project

ERROR, WARNING = "error", "warning"
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹٫٬", "01234567890123456789.,")
_SPACES = "\u00a0\u202f\u2009 "
_VERSION = re.compile(r"(?<![0-9A-Za-z_.])\d+\.\d+\.(?:\d+|[xX*])(?:\.(?:\d+|[xX*]))*")
# Latin letters beyond ASCII (accented, and pseudo-localized text): a digit
# after one is part of a word ("HTML5" is "ĦŦḾĿ5"), not a number.
_LATIN_LETTERS = "\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f\u1e00-\u1eff"
_NUMBER = re.compile(
    rf"(?<![0-9A-Za-z_.,{_LATIN_LETTERS}])(?:\d{{1,3}}(?:[{_SPACES}]\d{{3}})+(?:[.,]\d+)?(?!\d)|\d+(?:[.,'’]\d+)*)"
)
_SPANS = re.compile("|".join(f"(?:{p})" for p in (TEMPLATE, CODE, URL, EMAIL, FORMAT)), re.DOTALL)
_URL_RE = re.compile(URL)
_REPEAT = re.compile(r"(.{2,40}?)\1{2,}", re.DOTALL)
MIN_LANGUAGE_LETTERS = 30
LANGUAGE_CONFIDENCE = 0.9
MIN_RATIO_CHARS = 20


@dataclass(frozen=True)
class Finding:
    segment: int
    line: int
    check: str
    severity: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _data(name: str) -> str:
    return resources.files("translator").joinpath("data", name).read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def _number_words() -> dict[str, dict[str, int]]:
    table: dict[str, dict[str, int]] = {}
    lang = ""
    for line in _data("number_words.txt").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("["):
            lang = line.strip("[]")
            continue
        value, *words = line.split()
        for word in words:
            table.setdefault(lang, {})[word.casefold()] = int(value)
    return table


@lru_cache(maxsize=1)
def _ratios() -> list[tuple[str, str, float, float]]:
    rows = []
    for line in _data("length_ratios.txt").splitlines():
        if line.strip() and not line.startswith("#"):
            src, tgt, lo, hi = line.split()
            rows.append((src, tgt, float(lo), float(hi)))
    return rows


def ratio_bounds(source: str, target: str) -> tuple[float, float]:
    best = None
    for src, tgt, lo, hi in _ratios():
        if src in ("*", source) and tgt in ("*", target):
            score = (src != "*") + (tgt != "*")
            if best is None or score > best[0]:
                best = (score, lo, hi)
    assert best is not None
    return best[1], best[2]


def _values(token: str) -> frozenset[Decimal]:
    """The values a number token can mean, whatever the locale.

    >>> sorted(_values("1,000.5")) == sorted(_values("1 000,5")) == sorted(_values("1.000,5"))
    True
    >>> sorted(_values("1,000"))
    [Decimal('1.000'), Decimal('1000')]
    """
    t = token
    for ch in _SPACES + "'’":
        t = t.replace(ch, "")
    try:
        if "." in t and "," in t:
            cut = max(t.rfind("."), t.rfind(","))
            whole = re.sub(r"[.,]", "", t[:cut])
            return frozenset({Decimal(f"{whole}.{t[cut + 1 :]}")})
        sep = "." if "." in t else "," if "," in t else ""
        if not sep:
            return frozenset({Decimal(t)})
        parts = t.split(sep)
        if len(parts) > 2:
            return frozenset({Decimal("".join(parts))})
        a, b = parts
        values = {Decimal(f"{a}.{b}")}
        if len(b) == 3:
            values.add(Decimal(a + b))
        return frozenset(values)
    except InvalidOperation:
        return frozenset()


_ANY_DIGIT = re.compile(r"\d")  # every script's decimal digits


def numbers(text: str) -> list[str]:
    """Number tokens of *text* (Arabic-Indic and Persian digits included); versions whole."""
    if not _ANY_DIGIT.search(text):
        return []  # most sentences: no digit at all
    text = text.translate(_DIGITS)
    text = _URL_RE.sub(" ", text)
    found = [m.group(0) for m in _VERSION.finditer(text)]
    rest = _VERSION.sub(" ", text)
    return found + [m.group(0) for m in _NUMBER.finditer(rest)]


def _match_numbers(src: list[str], tgt: list[str]) -> tuple[list[str], list[str]]:
    """Unmatched tokens on each side: byte-identical first, then by value."""
    left = list(src)
    right = list(tgt)
    for token in list(left):
        if token in right:
            left.remove(token)
            right.remove(token)
    for token in list(left):
        if _VERSION.fullmatch(token):
            continue  # versions match byte for byte only
        values = _values(token)
        for other in right:
            if not _VERSION.fullmatch(other) and values & _values(other):
                left.remove(token)
                right.remove(other)
                break
    return left, right


def _spelled(token: str, text: str, lang: str) -> bool:
    words = _number_words().get(lang.split("-")[0], {})
    try:
        value = int(token)
    except ValueError:
        return False
    return any(words.get(w.casefold()) == value for w in re.findall(r"[\w-]+", text))


_MARKUP_SIGNS = frozenset("]*_<")


def _markup(text: str) -> Counter[str]:
    counts: Counter[str] = Counter()
    if _MARKUP_SIGNS.isdisjoint(text):
        return counts  # most sentences: none of the signs markup is made of
    counts["link"] = text.count("](")
    if "*" in text:
        counts["**"] = text.count("**")
        bare = text.replace("**", "")
        counts["*"] = len(re.findall(r"(?<![\w*])\*(?=\S)|(?<=\S)\*(?![\w*])", bare))
    if "__" in text:
        counts["__"] = len(re.findall(r"(?<!\w)__|__(?!\w)", text))
    if "<" in text:
        for match in _TAG.finditer(text):
            closing, name = match.group(1), match.group(2)
            # a void or self-closing element (<img/>, <br>) counts like any other
            counts[f"<{'/' if closing else ''}{name.lower()}>"] += 1
    return +counts


_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9]*)\b[^<>]*?/?>")
_HANDLER = re.compile(r"(?i)<[^<>]*\son[a-z]+\s*=")
_LINK_DEFINITION = re.compile(r"(?m)^ {0,3}\[[^\]\n]+\]:\s*\S")
_BLOCK_START = re.compile(r"(?m)^ {0,3}(?:#{1,6}(?:\s|$)|(?:-{3,}|\*{3,}|_{3,}|\+{3,})\s*$)")
# Characters XML 1.0 forbids (its exports could not be read back), the C1
# controls and DEL (YAML and TOML refuse them in front matter), lone surrogates
# and the noncharacters U+FFFE and U+FFFF.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
# Every character a Markdown, HTML or YAML reader may end a line at: CommonMark
# ends lines at CR as at LF, and browsers, Python-Markdown and str.splitlines()
# at NEL, LS and PS too.  Checks that look at lines see them all as LF.
_LINE_BREAK = re.compile("\r\n?|[\n\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
_BREAK_NAMES = {
    "\n": "LF",
    "\r": "CR",
    "\r\n": "CRLF",
    "\x85": "NEL",
    "\u2028": "LS",
    "\u2029": "PS",
}


def _unified_lines(text: str) -> str:
    """*text* with every kind of line break written as LF.

    >>> _unified_lines("a\\rb\\r\\nc\\u2028d")
    'a\\nb\\nc\\nd'
    """
    return _LINE_BREAK.sub("\n", text)


def _norm(text: str) -> str:
    return " ".join(re.sub(r"[\W_]+", " ", unicodedata.normalize("NFKC", text)).split()).casefold()


def _only_names_or_numbers(text: str) -> bool:
    words = [w for w in re.findall(r"\w+", text) if any(ch.isalpha() for ch in w)]
    if not words:
        return True
    return all(w[0].isupper() for w in words) and any(ch.isupper() or ch.islower() for ch in text)


@dataclass
class Pair:
    """One (source, target) segment pair as the segment checks see it."""

    source: str
    target: str
    source_lang: str  # ISO 639 language of the source: "en"
    target_lang: str
    pseudo: bool = False  # made by the pseudo engine: no language checks
    markup: bool = True  # inline markup is comparable on both sides
    terms: TermRules | None = None  # the glossary's rules for the pair (--glossary)

    @cached_property
    def unmatched_numbers(self) -> tuple[list[str], list[str]]:
        """Number tokens of the source, and of the target, that found no match."""
        return _match_numbers(numbers(self.source), numbers(self.target))

    @property
    def languages_differ(self) -> bool:
        return self.source_lang != self.target_lang and not self.pseudo


@dataclass(frozen=True)
class Check:
    """A registered QA check."""

    id: str
    severity: str
    scope: str  # "segment": one pair; "document": a whole source against its variant
    func: Callable[..., Iterable[str | tuple[str, str]]] = field(compare=False)

    @property
    def description(self) -> str:
        return " ".join((self.func.__doc__ or "").split("\n\n")[0].split())

    def as_dict(self) -> dict[str, str]:
        return {
            "id": self.id,
            "severity": self.severity,
            "scope": self.scope,
            "description": self.description,
        }


CHECKS: dict[str, Check] = {}


def check(
    id: str, severity: str, scope: str = "segment"
) -> Callable[
    [Callable[..., Iterable[str | tuple[str, str]]]], Callable[..., Iterable[str | tuple[str, str]]]
]:
    """Register the decorated function as check *id*; it yields one message per finding."""

    def register(
        func: Callable[..., Iterable[str | tuple[str, str]]],
    ) -> Callable[..., Iterable[str | tuple[str, str]]]:
        CHECKS[id] = Check(id, severity, scope, func)
        return func

    return register


def check_ids(ids: Iterable[str]) -> frozenset[str]:
    """*ids* as a set, every one a registered check (a usage error otherwise)."""
    wanted = frozenset(i.strip() for i in ids if i.strip())
    unknown = sorted(wanted - set(CHECKS))
    if unknown:
        raise UsageError(
            f"unknown QA check {', '.join(unknown)}; translator qa --list-checks lists them"
        )
    return wanted


def parse_skip(text: str | None) -> frozenset[str]:
    """``--skip numbers,markup`` as a validated set.

    >>> sorted(parse_skip("numbers, markup"))
    ['markup', 'numbers']
    """
    return check_ids((text or "").split(","))


@check("empty-target", ERROR)
def check_empty_target(p: Pair) -> Iterator[str]:
    """The target is empty where the source has text.

    When it fires, no other check looks at the pair.
    """
    if not p.target.strip():
        yield f"empty translation of {p.source[:60]!r}"


@check("numbers", ERROR)
def check_numbers(p: Pair) -> Iterator[str]:
    """A number of the source is missing from the target, or the target adds one.

    Numbers match by value whatever the locale writes (1,000.5 = 1 000,5),
    versions byte for byte; a number spelled out is left to number-in-words.
    """
    missing, extra = p.unmatched_numbers
    for token in missing:
        if not _spelled(token, p.target, p.target_lang):
            shown = ", ".join(extra) if extra else "none"
            yield f"{token} in the source has no match in the target (target numbers left: {shown})"
    for token in extra:
        if not missing and not _spelled(token, p.source, p.source_lang):
            yield f"{token} in the target has no match in the source"


@check("number-in-words", WARNING)
def check_number_in_words(p: Pair) -> Iterator[str]:
    """A number written in digits on one side is spelled out in words on the other."""
    missing, extra = p.unmatched_numbers
    for token in missing:
        if _spelled(token, p.target, p.target_lang):
            yield f"{token} in the source is spelled out in the target: {p.target[:80]!r}"
    for token in extra:
        if _spelled(token, p.source, p.source_lang):
            yield f"{token} in the target is spelled out in the source"


@check("protected-spans", ERROR)
def check_protected_spans(p: Pair) -> Iterator[str]:
    """A URL, e-mail address, inline code, placeholder or template tag (a shortcode)
    is missing or altered."""
    src_spans = Counter(m.group(0) for m in _SPANS.finditer(p.source))
    tgt_spans = Counter(m.group(0) for m in _SPANS.finditer(p.target))
    for span, count in src_spans.items():
        if tgt_spans[span] < count:
            yield f"{span!r} is missing or altered in the target"


@check("markup", ERROR)
def check_markup(p: Pair) -> Iterator[str]:
    """Inline markup (links, emphasis, HTML tags) differs between source and target."""
    if not p.markup:
        return
    a, b = _markup(p.source), _markup(p.target)
    if a != b:
        diff = ", ".join(f"{k}: {a[k]} vs {b[k]}" for k in sorted(set(a) | set(b)) if a[k] != b[k])
        yield f"inline markup differs ({diff})"


_EMPTY_LINK = re.compile(r"(?<!!)\[\s*\](?=[(\[])")


@check("empty-link", ERROR)
def check_empty_link(p: Pair) -> Iterator[str]:
    """A link in the target has no text where the source's has: an engine lost
    the link's markup and the repair put it back, at the end of the text."""
    lost = len(_EMPTY_LINK.findall(p.target)) - len(_EMPTY_LINK.findall(p.source))
    if lost > 0:
        yield f"{lost} link(s) with no text: the engine dropped their markup; {p.target[-80:]!r}"


_OVERRIDE = re.compile("[\u202d\u202e]")  # LRO, RLO
_OVERRIDE_ENDS = "\u202c\n"  # PDF, or the paragraph's end
_ISOLATE_OPEN, _ISOLATE_CLOSE = "\u2066\u2067\u2068", "\u2069"  # LRI RLI FSI, PDI


_NUMBER_OR_URL = re.compile(r"\d(?:[\d.,:/\-]*\d)?|https?://\S+|www\.\S+", re.IGNORECASE)


def overridden(text: str) -> list[str]:
    """The numbers and URLs of *text* that a directional override (RLO, LRO)
    would show mirrored: inside one, and not in an isolate of their own.

    >>> overridden("\u202eUp 3.2\u202c"), overridden("\u202eUp \u20663.2\u2069\u202c")
    (['3.2'], [])
    """
    exposed = []
    depth = isolates = 0
    for char in text:
        if char in "\u202d\u202e":
            depth += 1
        elif char in _OVERRIDE_ENDS and depth:
            depth = 0 if char == "\n" else depth - 1
        elif char in _ISOLATE_OPEN:
            isolates += 1
        elif char == _ISOLATE_CLOSE and isolates:
            isolates -= 1
        exposed.append(char if depth and not isolates else " ")
    return _NUMBER_OR_URL.findall("".join(exposed))


@check("bidi", ERROR)
def check_bidi(p: Pair) -> Iterator[str]:
    """A number or URL inside a directional override (U+202E, U+202D) in a
    right-to-left target: shown mirrored ("3.2" as "2.3"); isolate it (LRI … PDI)."""
    if not _OVERRIDE.search(p.target) or _direction(p.target_lang) != "rtl":
        return
    found = overridden(p.target)
    if found:
        yield (
            f"{len(found)} number(s) or URL(s) inside a right-to-left override would show "
            f"mirrored (first: {found[0]!r}); put each in a left-to-right isolate (LRI … PDI)"
        )


def _direction(lang: str) -> str:
    try:
        return parse_locale(lang).direction
    except UsageError:
        return "ltr"


@check("unsafe-markup", ERROR)
def check_unsafe_markup(p: Pair) -> Iterator[str]:
    """The target brings markup its source lacks that would be live on a page or
    change its structure: an HTML element (self-closing and void ones too), an
    event-handler attribute, a javascript:, vbscript: or data: address, a link
    reference definition, a line break of any kind (LF, CR, NEL, LS, PS: CommonMark
    and browsers end lines at each), a heading or a --- line.

    Machine text cannot bring these; the check is there for what people write
    (hand edits, imported XLIFF, PO and TMX), which never reaches a page
    without it.
    """
    source_tags = Counter(m.group(2).lower() for m in _TAG.finditer(p.source) if not m.group(1))
    target_tags = Counter(m.group(2).lower() for m in _TAG.finditer(p.target) if not m.group(1))
    for name, count in sorted(target_tags.items()):
        if count > source_tags[name]:
            yield f"raw HTML the source lacks: <{name}>"
    if has_unsafe_scheme(p.target) and not has_unsafe_scheme(p.source):
        yield "a javascript:, vbscript: or data: address the source lacks"
    source, target = _unified_lines(p.source), _unified_lines(p.target)
    for pattern, what in (
        (_HANDLER, "an event-handler attribute"),
        (_LINK_DEFINITION, "a link reference definition"),
        (_BLOCK_START, "a heading or a --- line"),
    ):
        if pattern.search(target) and not pattern.search(source):
            yield f"{what} the source lacks"
    # A trailing LF is how some files end a text; any other line break counts
    # wherever it stands (a CR, NEL, LS or PS at either end still splits a line).
    breaks = _LINE_BREAK.findall(p.target.strip(" \t\n"))
    if breaks and "\n" not in source.strip():
        shown = ", ".join(sorted({_BREAK_NAMES.get(b, f"U+{ord(b[0]):04X}") for b in breaks}))
        yield f"a line break the source lacks ({shown}: new block structure)"


@check("control-characters", ERROR)
def check_control_characters(p: Pair) -> Iterator[str]:
    """The target holds a control character (U+0001, U+0092…) or another
    character XML 1.0 forbids, which the source lacks: exports and front matter
    could not be read back."""
    found = sorted({m.group(0) for m in _CONTROL.finditer(p.target)} - set(p.source))
    if found:
        shown = ", ".join(f"U+{ord(ch):04X}" for ch in found)
        yield f"control characters the source lacks: {shown}"


# What a person's text may never bring, whatever the settings: markup, handlers
# or addresses the source lacks, a line break or block line, control
# characters, broken protected spans, and nothing at all.
UNSAFE = frozenset({"unsafe-markup", "control-characters", "protected-spans", "empty-target"})


def enforced(project: Project) -> frozenset[str]:
    """The QA checks *project*'s settings enforce, each a registered check (a
    usage error naming the settings file otherwise, before any work)."""
    try:
        return check_ids(project.enforce)
    except UsageError as exc:
        raise UsageError(f"{project.settings}: 'enforce': {exc}") from None


def entry_problem(
    source: str,
    target: str,
    source_lang: str,
    target_lang: str,
    *,
    markup: bool = True,
    enforce: frozenset[str] = frozenset(),
) -> str | None:
    """Why a person's translation of *source* cannot be taken, as ``QA check:
    message``, or None.

    The one entry check for everything a person writes: hand edits, imported
    XLIFF, PO and TMX, review saves.  It refuses what is unsafe (:data:`UNSAFE`)
    and the checks the project's settings *enforce* (``enforce = ["numbers"]``,
    as Weblate's enforced checks); every other finding is the person's text
    flagged, not refused: the checks report it wherever they run (the
    variant's ``qa`` field, ``coverage --qa``, review, preview).  *markup*: the
    target shows the source's inline markup (not a plain-text variant of an
    HTML page); unsafe markup is checked either way.
    """
    found = check_pair(0, 0, source, target, source_lang, target_lang, markup=markup)
    errors = [f for f in found if f.severity == ERROR and f.check in UNSAFE | enforce]
    first = ("unsafe-markup", "control-characters")  # the reason that matters most
    errors.sort(key=lambda f: f.check not in first)
    if not errors:
        return None
    why = errors[0]
    fix = (
        f" (the project's settings enforce {why.check}: fix the text, or take {why.check} "
        "out of enforce in translator.toml to take it flagged)"
        if why.check in enforce and why.check not in UNSAFE
        else ""
    )
    return f"QA {why.check}: {why.message}{fix}"


def _untranslated(p: Pair) -> bool:
    return _norm(p.source) == _norm(p.target) and not _only_names_or_numbers(p.source)


_PSEUDO_MARK = re.compile(r"~+\]")


def _mostly_source_words(p: Pair) -> bool:
    """Most of the target's words are the source's (a pseudo segment left as it was)."""
    target = re.findall(r"\w+", p.target.casefold())
    source = set(re.findall(r"\w+", p.source.casefold()))
    return bool(target) and sum(w in source for w in target) >= 0.8 * len(target)


@check("untranslated", ERROR)
def check_untranslated(p: Pair) -> Iterator[str]:
    """The target equals the source (beyond names and numbers): never translated.

    In a pseudo-localized variant (what pseudo-localization is for), a target
    without the pseudo engine's marks that is still the source's words is
    untranslated too; a person's real translation there is not.  A segment of
    nothing but template tags (a shortcode line) has nothing to translate.
    """
    if p.pseudo:
        if _PSEUDO_MARK.search(p.target) or not _mostly_source_words(p):
            return  # the cheap tests first: most targets carry the marks
        if _only_names_or_numbers(p.source) or _nothing_to_translate(p.source):
            return
        yield f"never pseudo-translated: {p.target[:80]!r}"
    elif p.languages_differ and _untranslated(p) and not _nothing_to_translate(p.source):
        yield f"the target equals the source: {p.target[:80]!r}"


def _nothing_to_translate(source: str) -> bool:
    return is_template_only(source) or nothing_to_translate(source)


@check("wrong-language", ERROR)
def check_wrong_language(p: Pair) -> Iterator[str]:
    """The target reads confidently as another language than the target locale's.

    Only targets with enough letters are identified; an untranslated target is
    left to the untranslated check.  One quick trial first: a target it reads
    as the target language (most of them) needs no full detection.
    """
    if not p.languages_differ or _untranslated(p):
        return
    if langid.letter_weight(langid.plain(p.target)) >= MIN_LANGUAGE_LETTERS:
        quick = langid.detect(p.target, langid.QUICK_TRIALS)
        if quick and quick[0][0] == p.target_lang:
            return
        found = langid.detect(p.target)
        if found and found[0][0] != p.target_lang and found[0][1] >= LANGUAGE_CONFIDENCE:
            yield (
                f"the target reads as {found[0][0]} ({found[0][1]:.2f}), "
                f"not {p.target_lang}: {p.target[:60]!r}"
            )


@check("repetition", ERROR)
def check_repetition(p: Pair) -> Iterator[str]:
    """The target repeats a piece of text three times or more (a model loop)."""
    if p.pseudo:
        return  # the pseudo engine has no loop to fall into (its padding repeats on purpose)
    for match in _REPEAT.finditer(p.target):
        unit = match.group(1)
        if any(ch.isalpha() for ch in unit) and not re.search(re.escape(unit) * 3, p.source):
            yield (
                f"{unit!r} repeated {len(match.group(0)) // len(unit)} times: "
                f"{match.group(0)[:60]!r}"
            )
            return


@check("glossary", ERROR)
def check_glossary(p: Pair) -> Iterator[str | tuple[str, str]]:
    """A glossary term (``--glossary``) is missing: a name to keep as written or
    the house term to use (an error), or a forbidden term is used (reported,
    not failed)."""
    if p.terms is None:
        return
    for error, message in p.terms.problems(p.source, p.target):
        yield message if error else (WARNING, message)


@check("length-ratio", WARNING)
def check_length_ratio(p: Pair) -> Iterator[str]:
    """The target's length is outside the usual range for the language pair."""
    if len(p.source.strip()) >= MIN_RATIO_CHARS:
        lo, hi = ratio_bounds(p.source_lang, p.target_lang)
        ratio = len(p.target.strip()) / len(p.source.strip())
        if not lo <= ratio <= hi:
            yield f"target/source length {ratio:.2f} is outside {lo:g}-{hi:g}"


@check("segment-count", ERROR, scope="document")
def check_segment_count(al: Alignment) -> Iterator[str]:
    """The variant has more or fewer blocks than its source."""
    if al.source_blocks != al.variant_blocks:
        yield f"the source has {al.source_blocks} blocks, the variant {al.variant_blocks}"


@check("structure", ERROR, scope="document")
def check_structure(al: Alignment) -> Iterator[str]:
    """A Markdown variant's structure differs from its source's: the block
    sequence, heading levels, list items, table shapes, link and image
    destinations, code spans or template tags (a shortcode)."""
    if not al.source_body and not al.variant_body:
        return
    from .readers.markdown import outline

    src, var = outline(al.source_body), outline(al.variant_body)
    if src.headings != var.headings:
        yield (
            f"headings differ: the source has {_levels(src.headings)}, "
            f"the variant {_levels(var.headings)}"
        )
    if src.list_items != var.list_items:
        yield f"the source has {src.list_items} list items, the variant {var.list_items}"
    if src.tables != var.tables:
        yield f"tables differ: the source has {src.tables or 'none'}, the variant {var.tables or 'none'}"  # noqa: E501
    for what, a, b in (
        ("link or image destination", src.destinations, var.destinations),
        ("code span", src.code_spans, var.code_spans),
        ("template tag", src.templates, var.templates),
    ):
        for item, count in sorted((a - b).items()):
            yield f"{what} {item[:80]!r} is missing from the variant" + _times(count)
        for item, count in sorted((b - a).items()):
            yield f"{what} {item[:80]!r} is not in the source" + _times(count)
    if src.blocks != var.blocks and src.headings == var.headings:
        at = next(
            (i for i, (x, y) in enumerate(zip(src.blocks, var.blocks, strict=False)) if x != y),
            min(len(src.blocks), len(var.blocks)),
        )
        yield (
            f"block structure differs at block {at + 1}: {_nth(src.blocks, at)} in the source, "
            f"{_nth(var.blocks, at)} in the variant"
        )


@check("unknown-words", WARNING, scope="document")
def check_unknown_words(al: Alignment) -> Iterator[str]:
    """Words the engine did not know (Apertium marks them) and left as written,
    as the variant records them."""
    if al.unknown_words:
        yield unknown_words_message(al.unknown_words.split(", "))


def unknown_words_message(words: list[str]) -> str:
    """The finding ``unknown-words`` gives, wherever it is found."""
    return f"words the engine did not know, left as written: {', '.join(words)}"


def _times(count: int) -> str:
    return f" ({count} times)" if count > 1 else ""


def _levels(tags: list[str]) -> str:
    return ", ".join(tags) if tags else "none"


def _nth(items: list[str], index: int) -> str:
    return items[index] if index < len(items) else "the end"


def check_pair(
    segment: int,
    line: int,
    source: str,
    target: str,
    source_lang: str,
    target_lang: str,
    *,
    pseudo: bool = False,
    markup: bool = True,
    skip: frozenset[str] = frozenset(),
    terms: TermRules | None = None,
) -> list[Finding]:
    """Run every segment check not in *skip* over one pair (a check may give a
    finding of a lower severity than its own, as ``(severity, message)``)."""
    if not source.strip():
        return []
    pair = Pair(
        source, target, iso_language(source_lang), iso_language(target_lang), pseudo, markup,
        terms or None,
    )  # fmt: skip
    out: list[Finding] = []
    for c in CHECKS.values():
        if c.scope != "segment" or c.id in skip:
            continue
        if c.id != "empty-target" and not target.strip():
            break  # an empty target gets the empty-target finding only
        for found in c.func(pair):
            severity, message = found if isinstance(found, tuple) else (c.severity, found)
            out.append(Finding(segment, line, c.id, severity, message))
    return out


def check_pairs(
    pairs: list[tuple[int, str, str]],
    source_lang: str,
    target_lang: str,
    *,
    pseudo: bool = False,
    markup: bool = True,
    skip: frozenset[str] = frozenset(),
    terms: TermRules | None = None,
) -> list[Finding]:
    """Check (line, source, target) pairs; segment numbers are their indexes."""
    findings: list[Finding] = []
    for index, (line, source, target) in enumerate(pairs):
        findings += check_pair(
            index,
            line,
            source,
            target,
            source_lang,
            target_lang,
            pseudo=pseudo,
            markup=markup,
            skip=skip,
            terms=terms,
        )
    return findings


def pair_terms(glossary: Glossary | None, source_lang: str, target_lang: str) -> TermRules | None:
    """The glossary's rules for a pair given as language codes or tags, or None."""
    if glossary is None:
        return None
    from .locales import parse_locale

    try:
        return glossary.rules(parse_locale(source_lang).argos, parse_locale(target_lang))
    except UsageError:
        return None  # a language no locale matches: no rule applies


def check_alignment(
    al: Alignment, skip: frozenset[str] = frozenset(), glossary: Glossary | None = None
) -> list[Finding]:
    """Every check over a source aligned with a variant read back."""
    findings = check_pairs(
        al.pairs,
        al.source_lang,
        al.target_lang,
        pseudo=al.pseudo,
        markup=al.same_markup,
        skip=skip,
        terms=pair_terms(glossary, al.source_lang, al.target_lang),
    )
    for c in CHECKS.values():
        if c.scope == "document" and c.id not in skip:
            line = al.rows[-1][0] if al.rows else 0
            for found in c.func(al):
                severity, message = found if isinstance(found, tuple) else (c.severity, found)
                findings.append(Finding(len(al.rows), line, c.id, severity, message))
    return findings


def summary(findings: list[Finding]) -> dict[str, int]:
    return {
        "errors": sum(f.severity == ERROR for f in findings),
        "warnings": sum(f.severity == WARNING for f in findings),
    }


@dataclass
class QAReport:
    """``translator qa``: one variant checked against its source."""

    source: str
    variant: str
    source_lang: str
    target_lang: str
    pseudo: bool
    findings: list[Finding] = field(default_factory=list)
    source_mismatch: str | None = None  # the variant seems made from another source
    notes: list[str] = field(default_factory=list)  # warnings: a glossary missing or changed

    @property
    def errors(self) -> int:
        return sum(f.severity == ERROR for f in self.findings)

    def shown(self, severity: str = WARNING) -> list[Finding]:
        """The findings of *severity* and above."""
        return [f for f in self.findings if severity == WARNING or f.severity == ERROR]

    def as_dict(self, severity: str = WARNING) -> dict[str, Any]:
        return {
            "source": self.source,
            "variant": self.variant,
            "source_lang": self.source_lang,
            "target_lang": self.target_lang,
            "summary": {"errors": self.errors, "warnings": len(self.findings) - self.errors},
            "source_mismatch": self.source_mismatch,
            "notes": self.notes,
            "findings": [f.as_dict() for f in self.shown(severity)],
        }


def check_variant(
    source: str,
    variant: str,
    read: ReadOptions | None = None,
    skip: frozenset[str] = frozenset(),
    glossary: Glossary | None = None,
) -> QAReport:
    """Align *source* with the *variant* file and check every pair (``translator qa``)."""
    from .alignment import align
    from .pipeline import load_article
    from .variants import read_variant

    article = load_article(source, read)
    read_back = read_variant(variant)
    al = align(article, read_back)
    report = QAReport(source, variant, al.source_lang, al.target_lang, al.pseudo)
    if glossary is None:  # the terms it was localized with, as its fields name them
        from .glossary import recorded_glossary

        glossary, warning = recorded_glossary(variant, read_back.meta)
        if warning:
            report.notes.append(warning)
    report.findings = check_alignment(al, skip, glossary)
    report.source_mismatch = _source_mismatch(source, article.sha256, read_back.meta)
    return report


def _source_mismatch(source: str, digest: str, meta: dict[str, Any]) -> str | None:
    """Why *source* may not be the article the variant was made from, or None."""
    import os

    recorded = meta.get("source")
    if isinstance(recorded, str) and os.path.exists(recorded):
        if os.path.realpath(recorded) != os.path.realpath(source):
            return f"the variant records {recorded} as its source, not {source}"
        return None
    if meta.get("source_sha256") not in (None, digest):
        return (
            f"{source} is not the bytes the variant was made from (source_sha256 differs): "
            "another source, or a stale variant"
        )
    return None
