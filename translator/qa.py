"""Translation QA: checks over aligned (source, target) segment pairs.

Errors: numbers, protected spans, markup, untranslated, wrong language,
repetition, empty target, segment count mismatch.  Warnings: length-ratio
outliers and numbers spelled out in words.  A variant made by the pseudo
engine skips the two language checks.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import asdict, dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from importlib import resources
from typing import Any

from . import langid
from .protect import _CODE, _EMAIL, _FORMAT, _URL

ERROR, WARNING = "error", "warning"
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹٫٬", "01234567890123456789.,")
_SPACES = "\u00a0\u202f\u2009 "
_VERSION = re.compile(r"(?<![0-9A-Za-z_.])\d+\.\d+\.(?:\d+|[xX*])(?:\.(?:\d+|[xX*]))*")
_NUMBER = re.compile(
    rf"(?<![0-9A-Za-z_.,])(?:\d{{1,3}}(?:[{_SPACES}]\d{{3}})+(?:[.,]\d+)?(?!\d)|\d+(?:[.,'’]\d+)*)"
)
_SPANS = re.compile("|".join(f"(?:{p})" for p in (_CODE, _URL, _EMAIL, _FORMAT)))
_URL_RE = re.compile(_URL)
_REPEAT = re.compile(r"(.{2,40}?)\1{2,}", re.DOTALL)
_ARGOS_TO_ISO = {"pb": "pt", "zt": "zh"}
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


def numbers(text: str) -> list[str]:
    """Number tokens of *text* (Arabic-Indic and Persian digits included); versions whole."""
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


def _markup(text: str) -> Counter[str]:
    counts: Counter[str] = Counter()
    counts["link"] = len(re.findall(r"\]\(", text))
    counts["**"] = text.count("**")
    counts["__"] = len(re.findall(r"(?<!\w)__|__(?!\w)", text))
    bare = text.replace("**", "")
    counts["*"] = len(re.findall(r"(?<![\w*])\*(?=\S)|(?<=\S)\*(?![\w*])", bare))
    for match in re.finditer(r"<(/?)([A-Za-z][A-Za-z0-9]*)\b[^<>]*?(/?)>", text):
        closing, name, void = match.groups()
        counts[f"<{'/' if closing else ''}{name.lower()}>"] += 0 if void else 1
    return +counts


def _norm(text: str) -> str:
    return " ".join(re.sub(r"[\W_]+", " ", unicodedata.normalize("NFKC", text)).split()).casefold()


def _only_names_or_numbers(text: str) -> bool:
    words = [w for w in re.findall(r"\w+", text) if any(ch.isalpha() for ch in w)]
    if not words:
        return True
    return all(w[0].isupper() for w in words) and any(ch.isupper() or ch.islower() for ch in text)


def _base(lang: str) -> str:
    code = lang.replace("_", "-").split("-")[0].lower()
    return _ARGOS_TO_ISO.get(code, code)


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
) -> list[Finding]:
    out: list[Finding] = []

    def add(check: str, severity: str, message: str) -> None:
        out.append(Finding(segment, line, check, severity, message))

    if not source.strip():
        return out
    if not target.strip():
        add("empty-target", ERROR, f"empty translation of {source[:60]!r}")
        return out
    src_lang, tgt_lang = _base(source_lang), _base(target_lang)

    missing, extra = _match_numbers(numbers(source), numbers(target))
    for token in missing:
        if _spelled(token, target, tgt_lang):
            add(
                "number-in-words",
                WARNING,
                f"{token} in the source is spelled out in the target: {target[:80]!r}",
            )
        else:
            shown = ", ".join(extra) if extra else "none"
            add(
                "numbers",
                ERROR,
                f"{token} in the source has no match in the target (target numbers left: {shown})",
            )
    for token in extra:
        if not missing and not _spelled(token, source, src_lang):
            add("numbers", ERROR, f"{token} in the target has no match in the source")
        elif _spelled(token, source, src_lang):
            add("number-in-words", WARNING, f"{token} in the target is spelled out in the source")

    src_spans = Counter(m.group(0) for m in _SPANS.finditer(source))
    tgt_spans = Counter(m.group(0) for m in _SPANS.finditer(target))
    for span, count in src_spans.items():
        if tgt_spans[span] < count:
            add("protected-spans", ERROR, f"{span!r} is missing or altered in the target")

    if markup:
        a, b = _markup(source), _markup(target)
        if a != b:
            diff = ", ".join(
                f"{k}: {a[k]} vs {b[k]}" for k in sorted(set(a) | set(b)) if a[k] != b[k]
            )
            add("markup", ERROR, f"inline markup differs ({diff})")

    if src_lang != tgt_lang and not pseudo:
        if _norm(source) == _norm(target) and not _only_names_or_numbers(source):
            add("untranslated", ERROR, f"the target equals the source: {target[:80]!r}")
        elif langid.letter_weight(langid.plain(target)) >= MIN_LANGUAGE_LETTERS:
            found = langid.detect(target)
            if found and found[0][0] != tgt_lang and found[0][1] >= LANGUAGE_CONFIDENCE:
                add(
                    "wrong-language",
                    ERROR,
                    f"the target reads as {found[0][0]} ({found[0][1]:.2f}), not {tgt_lang}: {target[:60]!r}",
                )

    for match in _REPEAT.finditer(target):
        unit = match.group(1)
        if any(ch.isalpha() for ch in unit) and not re.search(re.escape(unit) * 3, source):
            add(
                "repetition",
                ERROR,
                f"{unit!r} repeated {len(match.group(0)) // len(unit)} times: {match.group(0)[:60]!r}",
            )
            break

    if len(source.strip()) >= MIN_RATIO_CHARS:
        lo, hi = ratio_bounds(src_lang, tgt_lang)
        ratio = len(target.strip()) / len(source.strip())
        if not lo <= ratio <= hi:
            add(
                "length-ratio",
                WARNING,
                f"target/source length {ratio:.2f} is outside {lo:g}-{hi:g}",
            )
    return out


def check_pairs(
    pairs: list[tuple[int, str, str]],
    source_lang: str,
    target_lang: str,
    *,
    pseudo: bool = False,
    markup: bool = True,
) -> list[Finding]:
    """Check (line, source, target) pairs; segment numbers are their indexes."""
    findings: list[Finding] = []
    for index, (line, source, target) in enumerate(pairs):
        findings += check_pair(
            index, line, source, target, source_lang, target_lang, pseudo=pseudo, markup=markup
        )
    return findings


def summary(findings: list[Finding]) -> dict[str, int]:
    return {
        "errors": sum(f.severity == ERROR for f in findings),
        "warnings": sum(f.severity == WARNING for f in findings),
    }
