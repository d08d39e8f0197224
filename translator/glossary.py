"""Terminology: the names and house terms a translation must keep.

One owner for glossary files and for what they mean:

* **CSV**: a header row of language codes, the source language's column
  first, and optional ``status`` (``dnt``: keep as written; ``forbidden``:
  this row's targets must not be used) and ``note`` columns.  A term whose
  target is empty under ``dnt``, or equal to its source, is kept as written.
* **TBX**: TBX-Basic (``martif``: ``termEntry``/``langSet``/``tig`` or
  ``ntig``/``term``) and TBX v3 (``tbx``: ``conceptEntry``/``langSec``/
  ``termSec``/``term``), namespaces ignored.  ``administrativeStatus``
  forbidden or deprecated makes a term forbidden; a ``translationNote`` of
  ``no``, or the same term in both languages, keeps it as written.  A
  language the locale list does not know (``xx``, which translate-toolkit's
  ``csv2tbx`` writes for its target column) stands for any target.

For one language pair a glossary gives :class:`TermRules`: do-not-translate
terms, forced terms (the target term the draft must use) and forbidden target
terms.  Matching is case-insensitive on word boundaries, with the simple
plural of the source term (``-s``, ``-es``).

* **Into the draft** (:func:`translate_with_terms`): each term of a sentence
  is masked by a placeholder (:mod:`translator.codec`) before the
  model and written back after it: a do-not-translate term byte-exact, a
  forced term as the target term, capitalised at the start of a sentence.  A
  sentence whose term placeholder the model lost or repeated is translated
  again without the mask; where that output still lacks a term, the masked
  output is kept with the term put back at its end, so a name is never lost.
* **Checked**: :meth:`TermRules.problems` is the QA check ``glossary``.
* **Memory**: :meth:`TermRules.fingerprint` is part of a machine draft's key,
  so a changed term makes the drafts of the sentences holding it unknown.
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Generic, TypeVar

from . import codec
from .errors import InputError, UsageError
from .exchange.xmlsafe import parse as parse_xml
from .locales import Target, parse_locale
from .protect import CODE, EMAIL, TEMPLATE, URL

DNT, FORCED, FORBIDDEN = "dnt", "forced", "forbidden"
ANY = "*"  # a TBX language no locale matches (csv2tbx's "xx"): any target
MAX_BYTES = 16 << 20
TERM_BASE = 100  # term placeholders are numbered from here on, past a sentence's own spans


@dataclass(frozen=True)
class Rule:
    kind: str  # DNT, FORCED or FORBIDDEN
    source: str  # the source term ("" for a forbidden target term)
    target: str  # FORCED: the term to use; FORBIDDEN: the term not to use; DNT: ""
    note: str = ""

    def describe(self) -> str:
        if self.kind == DNT:
            return f"{self.source!r} (keep as written)"
        if self.kind == FORCED:
            return f"{self.source!r} → {self.target!r}"
        return f"{self.target!r} (forbidden)"


@dataclass
class Concept:
    """One glossary entry: its terms by language, and what is asked of them."""

    terms: dict[str, list[str]] = field(default_factory=dict)  # language -> terms
    forbidden: dict[str, list[str]] = field(default_factory=dict)  # language -> terms
    keep: bool = False  # keep as written (dnt)
    note: str = ""


def _language(code: str) -> str:
    """A glossary's language column as a comparable key: the locale tag
    lowercased, or :data:`ANY` for one no locale matches."""
    try:
        return parse_locale(code.strip()).tag.lower()
    except UsageError:
        return ANY


def _matches(column: str, target: Target) -> int:
    """How well a target column fits *target*: 4 the same tag, 3 its language
    alone (``fr`` for ``fr-CA``), 2 the language with a region where the
    target names none (``fr-FR`` for ``fr``), 1 any target (:data:`ANY`), 0
    not at all (another language, or another region)."""
    if column == ANY:
        return 1
    if column == target.tag.lower():
        return 4
    if parse_locale(column).locale.language != target.locale.language:
        return 0
    if "-" not in column:
        return 3
    return 2 if "-" not in target.tag else 0


def _source_column(column: str, source: str) -> bool:
    return column != ANY and parse_locale(column).argos == source


class Glossary:
    """The concepts of one or more glossary files."""

    def __init__(self, concepts: list[Concept], files: Sequence[str] = ()) -> None:
        self.concepts = concepts
        self.files = list(files)
        digest = hashlib.sha256()
        for c in concepts:
            digest.update(
                repr((sorted(c.terms.items()), sorted(c.forbidden.items()), c.keep)).encode()
            )
        self.digest = digest.hexdigest()[:12]
        self._rules: dict[tuple[str, str], TermRules] = {}

    @classmethod
    def load(cls, paths: Sequence[str | Path]) -> Glossary | None:
        """The glossaries at *paths* (CSV or TBX, by extension), or None without any."""
        if not paths:
            return None
        concepts: list[Concept] = []
        for path in paths:
            concepts += read_glossary(str(path))
        return cls(concepts, [str(p) for p in paths])

    def rules(self, source: str, target: Target) -> TermRules:
        """The rules for translating from *source* (an Argos code) into *target*."""
        key = (source, target.tag)
        if key not in self._rules:
            # each column is judged once, not once per concept (100,000 terms share two)
            columns = {c for concept in self.concepts for c in (*concept.terms, *concept.forbidden)}
            is_source = {c: _source_column(c, source) for c in columns}
            fit = {c: _matches(c, target) for c in columns}
            rules: list[Rule] = []
            for concept in self.concepts:
                rules += _concept_rules(concept, is_source, fit)
            self._rules[key] = TermRules(rules)
        return self._rules[key]


def _concept_rules(concept: Concept, is_source: dict[str, bool], fit: dict[str, int]) -> list[Rule]:
    sources = [t for col, ts in concept.terms.items() if is_source[col] for t in ts]
    fits = {col: fit[col] for col in concept.terms}
    best = max(fits.values(), default=0)
    targets = [t for col, ts in concept.terms.items() if best and fits[col] == best for t in ts]
    out = [
        Rule(FORBIDDEN, "", term, concept.note)
        for col, terms in concept.forbidden.items()
        if fit[col]
        for term in terms
    ]
    for term in sources:
        if concept.keep or term in targets:
            out.append(Rule(DNT, term, "", concept.note))
        elif targets:
            out.append(Rule(FORCED, term, targets[0], concept.note))
        # no target for this locale and no status: nothing is asked of the term
    return out


# -- reading ---------------------------------------------------------------------------


def read_glossary(path: str) -> list[Concept]:
    """The concepts of one glossary file (CSV or TBX by its extension)."""
    try:
        with open(path, "rb") as fh:
            data = fh.read(MAX_BYTES + 1)
    except OSError as exc:
        raise UsageError(f"--glossary {path}: cannot be read ({exc.strerror or exc})") from None
    if len(data) > MAX_BYTES:
        raise UsageError(f"--glossary {path}: larger than {MAX_BYTES} bytes")
    lowered = path.lower()
    try:
        if lowered.endswith((".tbx", ".xml")):
            return _read_tbx(path, data)
        if lowered.endswith((".csv", ".tsv", ".txt")):
            return _read_csv(path, data)
    except InputError as exc:
        raise UsageError(f"--glossary {exc}") from None
    raise UsageError(f"--glossary {path}: give a .csv or .tbx file")


def _read_csv(path: str, data: bytes) -> list[Concept]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(path, "not UTF-8", byte=exc.start) from None
    dialect = "excel-tab" if path.lower().endswith(".tsv") else "excel"
    reader = csv.reader(io.StringIO(text), dialect, strict=True)
    rows: list[list[str]] = []
    start = 1
    try:
        for row in reader:
            rows.append(row)
            start = reader.line_num + 1
    except csv.Error as exc:
        # an unclosed quote runs to the end of the file: the row it opens is named
        raise InputError(path, f"not valid CSV ({exc}): a quote opened here is not closed "
                         "or stands inside a field", line=start) from None  # fmt: skip
    if not rows:
        raise InputError(path, "empty: a header row of language codes comes first")
    columns = _header(path, rows[0])
    concepts = []
    for number, row in enumerate(rows[1:], start=2):
        if any(cell.strip() for cell in row):
            concepts.append(_row(path, number, row, columns))
    return concepts


@dataclass
class _Columns:
    languages: list[tuple[int, str]]  # (column, language tag), the source's first
    status: int | None = None
    note: int | None = None


def _header(path: str, header: list[str]) -> _Columns:
    columns = _Columns([])
    for i, name in enumerate(h.strip() for h in header):
        if name.lower() == "status":
            columns.status = i
        elif name.lower() in ("note", "notes", "comment"):
            columns.note = i
        elif name:
            try:
                columns.languages.append((i, parse_locale(name).tag.lower()))
            except UsageError:
                raise InputError(
                    path, f"column {name!r} is not a language code (nor status or note)", line=1
                ) from None
    if not columns.languages:
        raise InputError(path, "its header names no language", line=1)
    return columns


def _row(path: str, number: int, row: list[str], columns: _Columns) -> Concept:
    status = _cell(row, columns.status).lower()
    if status not in ("", DNT, FORBIDDEN):
        raise InputError(path, f"status {status!r}: use dnt, forbidden or nothing", line=number)
    concept = Concept(note=_cell(row, columns.note), keep=status == DNT)
    first = columns.languages[0][1]
    for i, lang in columns.languages:
        term = _cell(row, i)
        if term:
            forbidden = status == FORBIDDEN and lang != first
            bucket = concept.forbidden if forbidden else concept.terms
            bucket.setdefault(lang, []).append(term)
    if first not in concept.terms and not concept.forbidden:
        raise InputError(path, "a row without its source term", line=number)
    return concept


def _cell(row: list[str], index: int | None) -> str:
    return row[index].strip() if index is not None and index < len(row) else ""


_FORBIDDEN_STATUS = re.compile(r"forbidden|deprecated|superseded", re.IGNORECASE)
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _read_tbx(path: str, data: bytes) -> list[Concept]:
    root = parse_xml(path, data)
    if _local(root.tag) not in ("martif", "tbx"):
        raise InputError(path, f"not TBX (its root is <{_local(root.tag)}>)")
    concepts = []
    for entry in root.iter():
        if _local(entry.tag) in ("termEntry", "conceptEntry"):
            concept = _entry(entry)
            if concept.terms or concept.forbidden:
                concepts.append(concept)
    return concepts


def _entry(entry: ET.Element) -> Concept:
    """One TBX entry: its notes, its translationNote, its terms by language."""
    concept = Concept()
    for element in entry.iter():
        kind = (element.get("type") or "").strip()
        text = (element.text or "").strip()
        if kind == "translationNote" and text.lower() == "no":
            concept.keep = True
        elif kind in ("definition", "note") or _local(element.tag) == "note":
            concept.note = concept.note or text
    for lang_set in entry:
        if _local(lang_set.tag) not in ("langSet", "langSec"):
            continue
        lang = _language(lang_set.get(_XML_LANG) or lang_set.get("lang") or "")
        for group in lang_set.iter():
            if _local(group.tag) in ("tig", "ntig", "termSec"):
                _term(group, lang, concept)
    return concept


def _term(group: ET.Element, lang: str, concept: Concept) -> None:
    """The term of one ``tig``/``ntig``/``termSec``, preferred or forbidden."""
    term = next((e for e in group.iter() if _local(e.tag) == "term"), None)
    value = " ".join("".join(term.itertext()).split()) if term is not None else ""
    if not value:
        return
    status = " ".join(
        (e.text or "") for e in group.iter() if (e.get("type") or "") == "administrativeStatus"
    )
    bucket = concept.forbidden if _FORBIDDEN_STATUS.search(status) else concept.terms
    bucket.setdefault(lang, []).append(value)


# -- one language pair ---------------------------------------------------------------


@dataclass
class TermMask:
    """A sentence with its terms masked: the text for the model, and what each
    term placeholder becomes."""

    text: str
    fills: dict[int, str] = field(default_factory=dict)
    rules: dict[int, Rule] = field(default_factory=dict)

    def restore(self, output: str) -> tuple[str, bool]:
        """The model's *output* with each term written back; whether every term
        placeholder came back exactly once (a lost one is put at the end, a
        repeat removed)."""
        used: set[int] = set()
        intact = True

        def put(number: int) -> str | None:
            nonlocal intact
            if number not in self.fills:
                return None  # a protected span of the sentence's own
            if number in used:
                intact = False
                return ""
            used.add(number)
            return self.fills[number]

        text = codec.replace(output, put)
        lost = [self.fills[n] for n in sorted(self.fills) if n not in used]
        if lost:
            intact = False
            text = text.rstrip() + (" " if text.strip() else "") + " ".join(lost)
        return " ".join(text.split()) if not intact else text, intact


def is_acronym(term: str) -> bool:
    """A term written in capitals only (``IT``, ``NASA``): matched as written,
    with its case, never inflected.

    >>> is_acronym("IT"), is_acronym("It"), is_acronym("a"), is_acronym("3D")
    (True, False, False, True)
    """
    return term.isupper()  # every cased character a capital, and one at least


def inflects(term: str) -> bool:
    """Whether *term*'s simple plurals are matched too: a term of three letters
    or more that is not an acronym (``a`` must not match "as", ``IT`` not "its")."""
    if is_acronym(term):
        return False
    letters = 0
    for char in term:
        if char.isalpha():
            letters += 1
            if letters == 3:
                return True
    return False


def _plural_forms(term: str) -> str:
    """A pattern for *term* and its simple plurals (``-s``, ``-es``; ``-y`` → ``-ies``).

    >>> re.fullmatch(_plural_forms("library"), "libraries") is not None
    True
    """
    forms = re.escape(term) + "(?:e?s)?"
    if term.endswith("y") and len(term) > 2:
        forms += "|" + re.escape(term[:-1]) + "ies"
    return forms


_TOKEN = re.compile(r"\w+")


T = TypeVar("T")


class TermIndex(Generic[T]):
    """Terms found in a text in time linear in the text and nearly independent
    of how many terms there are: each term is filed under its first word, and
    only the terms filed under a word of the text (or under the word less a
    plural ending) are tried where that word stands.  Longer terms win; matches
    do not overlap; a term stands between word boundaries.  An acronym matches
    as written; other terms ignore case, and those of three letters or more
    match their simple plurals (:func:`inflects`)."""

    def __init__(self, terms: Iterable[tuple[str, T]], *, inflect: bool = True) -> None:
        self._by_word: dict[str, list[tuple[str, T, bool]]] = {}
        odd: list[tuple[str, T]] = []  # terms that do not begin with a word character
        self._patterns: dict[tuple[str, bool], re.Pattern[str]] = {}
        for term, value in terms:
            first = _TOKEN.match(term)
            if first is None:
                odd.append((term, value))
                continue
            word = first.group(0)
            key = "=" + word if word.isupper() and is_acronym(term) else word.casefold()
            self._by_word.setdefault(key, []).append((term, value, inflect))
        for found in self._by_word.values():
            found.sort(key=lambda item: len(item[0]), reverse=True)
        self._odd = sorted(odd, key=lambda item: len(item[0]), reverse=True)
        self._odd_pattern = (
            re.compile("|".join(f"(?:{re.escape(t)})" for t, _v in self._odd), re.IGNORECASE)
            if self._odd
            else None
        )

    def __bool__(self) -> bool:
        return bool(self._by_word or self._odd)

    def _pattern(self, term: str, plural: bool) -> re.Pattern[str]:
        key = (term, plural)
        if key not in self._patterns:
            body = _plural_forms(term) if plural else re.escape(term)
            flags = 0 if is_acronym(term) else re.IGNORECASE
            self._patterns[key] = re.compile(rf"(?:{body})(?!\w)", flags)
        return self._patterns[key]

    def _candidates(self, word: str) -> Iterator[tuple[str, T, bool]]:
        folded = word.casefold()
        yield from self._by_word.get("=" + word, ())
        keys = dict.fromkeys((folded, folded[:-1], folded[:-2], folded[:-3] + "y"))
        for number, key in enumerate(keys):
            for term, value, inflect in self._by_word.get(key, ()):
                plural = inflect and inflects(term)
                if number == 0 or (plural and " " not in term):
                    yield term, value, plural

    def find(self, text: str) -> list[tuple[int, int, T]]:
        """Where the terms are in *text*: (start, end, value), in order."""
        found: list[tuple[int, int, T]] = []
        pos = 0
        for token in _TOKEN.finditer(text):
            start = token.start()
            if start < pos:
                continue
            best: tuple[int, int, T] | None = None
            for term, value, plural in self._candidates(token.group(0)):
                match = self._pattern(term, plural).match(text, start)
                if match is not None and (best is None or match.end() > best[1]):
                    best = (start, match.end(), value)
            if best is not None:
                found.append(best)
                pos = best[1]
        if self._odd_pattern is not None:
            found += self._odd_matches(text, found)
        return sorted(found, key=lambda item: item[0])

    def _odd_matches(self, text: str, found: list[tuple[int, int, T]]) -> list[tuple[int, int, T]]:
        """Terms that begin with a sign (``.NET``, ``#tag``), where no other term stands."""
        assert self._odd_pattern is not None
        values = {t.casefold(): v for t, v in self._odd}
        out = []
        for m in self._odd_pattern.finditer(text):
            end_ok = m.end() == len(text) or not (text[m.end()].isalnum() or text[m.end()] == "_")
            free = all(m.end() <= a or m.start() >= b for a, b, _v in found)
            if end_ok and free:
                out.append((m.start(), m.end(), values[m.group(0).casefold()]))
        return out


def _initial(segment: str, start: int) -> bool:
    """Whether *start* is where the sentence's words begin."""
    return not any(ch.isalnum() for ch in codec.strip(segment[:start]))


class TermRules:
    """The glossary's rules for one language pair."""

    def __init__(self, rules: list[Rule]) -> None:
        self.rules = rules
        self.by_source: dict[str, Rule] = {}
        for rule in rules:
            if rule.kind in (DNT, FORCED):
                key = rule.source if is_acronym(rule.source) else rule.source.casefold()
                self.by_source.setdefault(key, rule)
        self._index: TermIndex[Rule] = TermIndex(
            (rule.source, rule) for rule in self.by_source.values()
        )
        forbidden: dict[str, Rule] = {}
        for rule in rules:
            if rule.kind == FORBIDDEN:
                forbidden.setdefault(rule.target.casefold(), rule)
        self._forbidden: TermIndex[Rule] = TermIndex(
            ((r.target, r) for r in forbidden.values()), inflect=False
        )
        self.digest = hashlib.sha256(repr(sorted(map(repr, rules))).encode()).hexdigest()[:12]

    def __bool__(self) -> bool:
        return bool(self.rules)

    def find(self, text: str) -> list[tuple[int, int, Rule]]:
        """Where the source terms are in *text*: (start, end, rule)."""
        return self._index.find(text)

    def fingerprint(self, segment: str) -> str:
        """What the glossary asks of *segment* (empty when nothing): part of its
        machine draft's key in the memory."""
        found = sorted({(r.kind, r.source, r.target) for _a, _b, r in self.find(segment)})
        if not found:
            return ""
        return hashlib.sha256(repr(found).encode()).hexdigest()[:12]

    def mask(self, segment: str) -> TermMask:
        """*segment* with each term a placeholder (see :class:`TermMask`)."""
        found = self.find(segment)
        if not found:
            return TermMask(segment)
        base = max([TERM_BASE, *(n + 1 for n in codec.numbers(segment))])
        out: list[str] = []
        mask = TermMask("")
        pos = 0
        for number, (a, b, rule) in enumerate(found, start=base):
            out += [segment[pos:a], codec.placeholder(number)]
            if rule.kind == DNT:
                mask.fills[number] = segment[a:b]
            else:
                term = rule.target
                if _initial(segment, a) and segment[a].isupper() and term[:1].islower():
                    term = term[0].upper() + term[1:]
                mask.fills[number] = term
            mask.rules[number] = rule
            pos = b
        out.append(segment[pos:])
        mask.text = "".join(out)
        return mask

    def problems(self, source: str, target: str) -> list[tuple[bool, str]]:
        """(is an error, message) for each term *target* misses or misuses; what
        is protected from translation (URLs, code, tags) is not looked at."""
        source, target = _SPANS.sub(" ", source), _SPANS.sub(" ", target)
        out: list[tuple[bool, str]] = []
        folded = target.casefold()
        wanted: dict[tuple[str, str], int] = {}
        for a, b, rule in self.find(source):
            term = source[a:b] if rule.kind == DNT else rule.target
            wanted[(rule.kind, term)] = wanted.get((rule.kind, term), 0) + 1
        for (kind, term), count in wanted.items():
            have = target.count(term) if kind == DNT else _count(folded, term.casefold())
            if have < count:
                what = "keep as written" if kind == DNT else "the glossary's term"
                out.append((True, f"{term!r} ({what}) is missing"))
        for a, b, rule in self._forbidden.find(target):
            note = f" ({rule.note})" if rule.note else ""
            out.append((False, f"{target[a:b]!r} is a forbidden term{note}"))
        return out

    def missing(self, source: str, target: str) -> bool:
        """Whether *target* lacks a term the glossary asks of *source*."""
        return any(error for error, _m in self.problems(source, target))


# what translation leaves alone (a term inside a URL or a tag is no term to translate)
_SPANS = re.compile(
    "|".join(f"(?:{p})" for p in (TEMPLATE, CODE, URL, EMAIL, r"</?[A-Za-z][^<>]*>")), re.DOTALL
)


def _count(text: str, term: str) -> int:
    return len(re.findall(r"(?<!\w)" + re.escape(term) + r"(?!\w)", text))


@dataclass
class TermOutcome:
    """How the terms fared through the model in one pass."""

    sentences: int = 0  # sentences with at least one term
    survived: int = 0  # of which every term placeholder came back exactly once
    fallback: int = 0  # translated again without the mask, and that kept the terms
    appended: int = 0  # kept masked, the lost term put at the end

    def add(self, other: TermOutcome) -> None:
        self.sentences += other.sentences
        self.survived += other.survived
        self.fallback += other.fallback
        self.appended += other.appended

    def notice(self) -> str | None:
        lost = self.fallback + self.appended
        if not lost:
            return None
        return (
            f"glossary: the model lost a term's placeholder in {lost} of {self.sentences} "
            f"sentence(s) with terms; {self.fallback} translated again without the mask, "
            f"{self.appended} with the term put back at the end of the sentence (review them)"
        )


class TermPass:
    """Distinct segments on one pass through a model with the glossary's terms
    masked: the texts to send (segments whose masks read the same are sent
    once), each output written back (:meth:`settle`), and the second try of
    a sentence whose term placeholder the model lost (:meth:`second`)."""

    def __init__(self, segments: Sequence[str], rules: TermRules | None) -> None:
        self.rules = rules
        self.masks = {s: rules.mask(s) for s in segments} if rules else {}
        self.by_text: dict[str, list[str]] = {}
        for segment in segments:
            text = self.masks[segment].text if rules else segment
            self.by_text.setdefault(text, [])
            if segment not in self.by_text[text]:
                self.by_text[text].append(segment)
        self.outcome = TermOutcome()
        self.retry: list[str] = []  # segments to translate again, without the mask

    @property
    def texts(self) -> list[str]:
        return list(self.by_text)

    def settle(self, text: str, translated: str) -> list[tuple[str, str]]:
        """(segment, translation) for each segment sent as *text*, its terms
        written back (a lost one at the end, and the segment listed for a retry)."""
        out = []
        for segment in self.by_text[text]:
            mask = self.masks.get(segment)
            if mask is None or not mask.fills:
                out.append((segment, translated))
                continue
            restored, intact = mask.restore(translated)
            self.outcome.sentences += 1
            self.outcome.survived += intact
            if not intact:
                self.retry.append(segment)
            out.append((segment, restored))
        return out

    def second(self, segment: str, translated: str) -> bool:
        """Whether the retry's *translated* (no mask) keeps every term, and so
        replaces the first output."""
        assert self.rules is not None
        if self.rules.missing(segment, codec.strip(translated)):
            self.outcome.appended += 1
            return False
        self.outcome.fallback += 1
        return True


def translate_with_terms(
    translate: Callable[[list[str]], list[str]],
    segments: list[str],
    rules: TermRules | None,
) -> tuple[list[str], TermOutcome]:
    """*segments* through *translate* with their terms masked and written back
    (see the module's docstring); the translations in order, and how the terms fared."""
    if not rules:
        return translate(segments), TermOutcome()
    run = TermPass(segments, rules)
    texts = run.texts
    done: dict[str, str] = {}
    for text, translated in zip(texts, translate(texts), strict=True):
        done.update(run.settle(text, translated))
    if run.retry:
        for segment, translated in zip(run.retry, translate(run.retry), strict=True):
            if run.second(segment, translated):
                done[segment] = translated
    return [done[s] for s in segments], run.outcome


def project_glossary(given: Sequence[str], paths: Sequence[str]) -> Glossary | None:
    """The glossaries of ``--glossary`` and of the project's settings file
    (``glossary = …`` in ``translator.toml``), or None without any."""
    from .project import find_project

    files = [*given, *(str(p) for p in find_project(paths).glossaries)]
    return Glossary.load(list(dict.fromkeys(files)))


def glossary_files(glossary: Glossary | None, variant: Path) -> str | None:
    """A variant's ``glossary_files`` field: the files of the glossary it is
    localized with, relative to its folder (so that qa, coverage, preview and
    review check the same terms without being told), or None without one."""
    if glossary is None or not glossary.files:
        return None
    here = os.path.realpath(variant.parent)
    return ", ".join(
        Path(os.path.relpath(os.path.realpath(f), here)).as_posix() for f in glossary.files
    )


def recorded_digest(meta: dict[str, Any]) -> str | None:
    """The digest of the glossary a variant (its fields *meta*) was localized
    with (``glossary=…`` in its options), or None when it had none."""
    options = str(meta.get("options") or "").split()
    return next((o.split("=", 1)[1] for o in options if o.startswith("glossary=")), None)


def recorded_glossary(
    variant: str | Path, meta: dict[str, Any]
) -> tuple[Glossary | None, str | None]:
    """The glossary the variant at *variant* (its fields *meta*) was localized
    with, and a warning when it cannot be had as it was: a file gone, or its
    terms changed since (their digest is in the variant's options)."""
    digest = recorded_digest(meta)
    if digest is None:
        return None, None
    files = [f.strip() for f in str(meta.get("glossary_files") or "").split(",") if f.strip()]
    shown = os.path.relpath(variant)
    if not files:
        return None, (
            f"{shown}: localized with a glossary (glossary={digest}) it does not name; its "
            "terms are not checked: give --glossary"
        )
    paths = [Path(variant).parent / f for f in files]
    gone = next((p for p in paths if not p.is_file()), None)
    if gone is not None:
        return None, (
            f"{shown}: the glossary it was localized with, {os.path.relpath(gone)}, is not "
            "there; its terms are not checked: give --glossary"
        )
    try:
        glossary = Glossary.load(paths)
    except InputError as exc:
        return None, f"{shown}: the glossary it was localized with cannot be read ({exc})"
    if glossary is not None and glossary.digest != digest:
        return glossary, (
            f"{shown}: its glossary ({', '.join(files)}) changed since it was localized; "
            "checked against the glossary as it is now (run localize to write it again)"
        )
    return glossary, None
