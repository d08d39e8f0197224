"""``translator review``: what the review web app shows and does, without the web.

:class:`Review` answers the app's three questions:

* :meth:`Review.overview`: every article × locale with its status, as
  ``coverage`` counts it (machine, mixed or human text; stale, QA errors,
  missing, edited) and its reviewed share;
* :meth:`Review.article`: one article's segments in one locale, source next
  to target, each with whose it is, its QA findings and, for a person's, the
  machine draft with the differences marked;
* :meth:`Review.save`: a person's text for one segment.  A save is an import
  of one segment: the same entry check as ``translator import``, stored as a
  human translation of that article and locale, and the variant rewritten by
  ``localize`` for that one article (compare and swap, under the output's
  lock).  A variant edited on disk is taken in first; a segment whose text
  changed since the page was loaded (another tab, an edit on disk) is not
  overwritten: the save is refused and says to reload.

The web app (:mod:`translator.review_web`) only turns requests into these calls.
"""

from __future__ import annotations

import difflib
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from . import qa, readers
from .article import Article
from .coverage import Cell, coverage, locate
from .dates import parse_option
from .discover import discover
from .engines import DecodeOptions
from .errors import InputError, LockedError, TranslatorError, UsageError
from .exchange.model import ExchangeUnit
from .exchange.roundtrip import (
    PARAGRAPH_NOTE,
    FileImport,
    accepted,
    as_paragraph,
    build_file,
    expected_units,
    whole_paragraphs,
)
from .fsutil import bytes_sha256, file_sha256
from .glossary import Glossary, TermRules, recorded_digest, recorded_glossary
from .locales import Target, language_name, parse_locale
from .localize import LocalizeOptions, LocalizeReport, localize, run_lock
from .memory import Memory, MemoryEntry, normalise
from .people import answers_for, article_context
from .pipeline import ReadOptions, load_article
from .project import find_project, memory_path
from .protect import words_outside_spans
from .translation import plan_translation
from .variants import (
    DATELINE_OFF,
    EXTENSIONS,
    LAYOUTS,
    candidates,
    is_variant,
    read_metadata,
    variant_edited,
    variant_path,
    written_by_tool,
)

SAVED, CONFLICT, REJECTED, LOCKED = 200, 409, 422, 423  # a save's outcome, as HTTP says it


@dataclass
class ReviewOptions:
    targets: list[Target]
    out: str | None = None  # where the variants are (localize's --out); None: beside the sources
    layout: str = "filename"
    engine: str = "argos"  # for a variant not written yet; a variant's own engine otherwise
    fmt: str = "md"  # for a variant not written yet
    source: str | None = None  # the source language; None: detected
    read: ReadOptions = field(default_factory=ReadOptions)
    cache: str | None = None
    skip: frozenset[str] = frozenset()  # QA checks not run
    lock_wait: float = 10.0  # seconds a save waits for a localize run on the same output
    glossary: Glossary | None = None  # names and house terms: checked, and into new drafts


@dataclass(frozen=True)
class Source:
    id: str  # its number in the review, as the app's URLs say it
    path: str
    root: str
    name: str  # its path as shown (relative to where the review runs)


@dataclass
class Status:
    """One article × locale in the overview."""

    tag: str
    status: str  # machine, mixed, human, stale, qa, missing, edited, invalid
    reason: str
    variant: str | None
    segments: int = 0
    human: int = 0
    needs_review: int = 0

    @property
    def reviewed(self) -> float:
        """Percent of the variant's segments people translated or reviewed."""
        return round(100.0 * self.human / self.segments, 1) if self.segments else 0.0


@dataclass
class OverviewRow:
    source: Source
    cells: list[Status]
    title: str = ""  # the article's title (its path when it has none)


@dataclass
class Overview:
    tags: list[str]
    rows: list[OverviewRow]
    reviewed: dict[str, float]  # per locale, as coverage counts it


@dataclass
class Segment:
    """One segment of the article view: texts with their protected spans written out."""

    id: str
    line: int
    source: str
    target: str
    origin: str  # human, machine, needs-review, paragraph (part of one translated whole), none
    state: str  # the person's: translated or reviewed; empty for machine text
    findings: list[qa.Finding] = field(default_factory=list)
    draft: str | None = None  # the machine draft, for a person's text
    diff: list[tuple[str, str]] = field(default_factory=list)  # (equal|delete|insert, text)
    rewritten: bool = False  # more than half of the draft's words changed: shown plain
    previous_source: str | None = None  # needs review: the source the person translated
    unknown: list[str] = field(default_factory=list)  # words its engine did not know

    @property
    def editable(self) -> bool:
        return self.origin != "paragraph"

    @property
    def errors(self) -> int:
        return sum(f.severity == qa.ERROR for f in self.findings)

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "line": self.line,
            "source": self.source,
            "target": self.target,
            "origin": self.origin,
            "state": self.state,
            "findings": [f.as_dict() for f in self.findings],
            "draft": self.draft,
            "diff": self.diff,
            "rewritten": self.rewritten,
            "unknown": self.unknown,
        }


@dataclass
class Side:
    code: str
    name: str
    dir: str


@dataclass
class ArticleView:
    source: Source
    tag: str
    source_side: Side
    target_side: Side
    variant: str  # the variant's path (written or to be written)
    version: str  # the variant's SHA-256 when read ("" when there is none)
    status: Status
    segments: list[Segment]
    notices: list[str] = field(default_factory=list)


@dataclass
class SaveResult:
    status: int  # SAVED, CONFLICT, REJECTED or LOCKED
    message: str
    segment: Segment | None = None
    version: str = ""
    reviewed: float | None = None  # the variant's reviewed share after the save
    # the article's other rows that changed since the page showed them (a disk
    # edit taken in, another tab's save, a term the rewrite moved): the page updates them
    changed: list[Segment] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.status == SAVED

    def as_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "message": self.message,
            "segment": self.segment.as_dict() if self.segment else None,
            "version": self.version,
            "reviewed": self.reviewed,
            "changed": [s.as_dict() for s in self.changed],
        }


_TOKENS = re.compile(r"\w+|\s+|[^\w\s]")


def word_diff(old: str, new: str) -> list[tuple[str, str]] | None:
    """The differences between *old* and *new*, word by word; None when more
    than half of the words changed (a rewrite: the draft reads better whole
    than struck through).

    >>> word_diff("le chat noir", "le chien noir")
    [('equal', 'le '), ('delete', 'chat'), ('insert', 'chien'), ('equal', ' noir')]
    >>> word_diff("le chat noir", "un grand chien blanc") is None
    True
    """
    a, b = _TOKENS.findall(old), _TOKENS.findall(new)
    out: list[tuple[str, str]] = []
    words = changed = 0
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        count = sum(1 for t in a[i1:i2] if not t.isspace())
        words += count
        if op != "equal":
            changed += count
        if op in ("equal", "delete", "replace"):
            out.append(("equal" if op == "equal" else "delete", "".join(a[i1:i2])))
        if op in ("insert", "replace"):
            out.append(("insert", "".join(b[j1:j2])))
    if words and changed * 2 > words:
        return None
    return out


def _status(cell: Cell, tag: str) -> Status:
    status = cell.status
    if status == "ok":
        if cell.human == 0:
            status = "machine"
        elif cell.human >= cell.segments:
            status = "human"
        else:
            status = "mixed"
    return Status(
        tag, status, cell.reason, cell.variant, cell.segments, cell.human, cell.needs_review
    )


def _metadata(dest: Path) -> dict[str, Any]:
    """The variant's fields; empty when there is none, or they do not read."""
    if not dest.is_file():
        return {}
    try:
        return read_metadata(dest)
    except (OSError, ValueError, UnicodeDecodeError, yaml.YAMLError, InputError):
        return {}


def _stamp(path: str) -> tuple[int, int] | None:
    """A file's (mtime, size): what a cache of what was read from it is kept by."""
    try:
        info = os.stat(path)
    except OSError:
        return None
    return info.st_mtime_ns, info.st_size


def _unknown_words(dest: Path) -> list[str]:
    """The words the variant records its engine did not know (Apertium's)."""
    if not dest.is_file():
        return []
    try:
        recorded = read_metadata(dest).get("unknown_words")
    except (OSError, ValueError, UnicodeDecodeError, yaml.YAMLError):
        return []  # unreadable metadata (InputError) is the article view's to report
    return [w.strip() for w in str(recorded or "").split(",") if w.strip()]


def _mark_unknown(seg: Segment, unknown: list[str]) -> None:
    """The segment's words among *unknown*, as a QA warning review can filter on."""
    text = words_outside_spans(seg.target)  # not inside a URL or code
    seg.unknown = [w for w in unknown if re.search(rf"(?<!\w){re.escape(w)}(?!\w)", text)]
    if seg.unknown:
        message = qa.unknown_words_message(seg.unknown)
        seg.findings.append(qa.Finding(0, seg.line, "unknown-words", qa.WARNING, message))


class Review:
    """The review of the articles under *paths* in the locales of *options*."""

    def __init__(self, paths: list[str] | tuple[str, ...], options: ReviewOptions) -> None:
        if not options.targets:
            raise UsageError("give at least one locale with --to")
        if options.out is not None and not os.path.isdir(options.out):
            raise UsageError(f"--out {options.out}: no such directory; run translator localize")
        qa.check_ids(options.skip)
        self.paths = list(paths)
        self.options = options
        found = discover(self.paths)
        self.sources: list[Source] = []
        for file, root in zip(found.files, found.roots, strict=True):
            if not is_variant(file):
                self.sources.append(
                    Source(str(len(self.sources)), file, root, os.path.relpath(file))
                )
        if not self.sources:
            raise UsageError("no article to review: every file found is a variant")
        self.targets = {t.tag: t for t in options.targets}
        # the last article read, with its file's (mtime, size) then: see _load
        self._read: dict[str, tuple[tuple[int, int], Article]] = {}
        self._titles: dict[str, tuple[tuple[int, int], str]] = {}  # see _title

    # -- lookups -------------------------------------------------------------------

    def source(self, sid: str) -> Source:
        for src in self.sources:
            if src.id == sid:
                return src
        raise UsageError(f"no article {sid!r} in this review")

    def target(self, tag: str) -> Target:
        if tag not in self.targets:
            raise UsageError(f"{tag!r} is not a locale of this review")
        return self.targets[tag]

    def variant(self, src: Source, target: Target) -> Path:
        """The variant's path: the one there (in this review's layout, else in
        the other one it may have been localized with), else where localize
        will write it."""
        found = self._found(src, target)
        if found is not None:
            return found[0]
        return variant_path(
            src.path, src.root, self.options.out, target.tag, self.options.layout, self.options.fmt
        )

    def _found(self, src: Source, target: Target) -> tuple[Path, str] | None:
        """The variant there and the layout it is in, or None."""
        others = [layout for layout in LAYOUTS if layout != self.options.layout]
        for layout in [self.options.layout, *others]:
            for path in candidates(src.path, src.root, self.options.out, target.tag, layout):
                if path.is_file():
                    return path, layout
        return None

    def _source_lang(self, article: Article) -> str:
        """The Argos code of ``--from``, else the article's detected language."""
        return parse_locale(self.options.source).argos if self.options.source else article.language

    def _memory(self) -> Path:
        return memory_path(self.options.cache, self.paths)

    # -- the overview ----------------------------------------------------------------

    def overview(self) -> Overview:
        report = coverage(
            self.paths,
            list(self.targets.values()),
            variants=self.options.out,
            layout=self.options.layout,
            minimum=0.0,
        )
        by_path = {src.path: src for src in self.sources}
        rows = [
            OverviewRow(
                by_path[row.path],
                [_status(row.cells[t], t) for t in self.targets],
                self._title(by_path[row.path]),
            )
            for row in report.articles
            if row.path in by_path
        ]
        return Overview(list(self.targets), rows, {t: report.reviewed(t) for t in self.targets})

    def status(self, src: Source, target: Target) -> Status:
        """One article × locale as the overview shows it (its variant in the
        layout it was localized with)."""
        found = self._found(src, target)
        cell = locate(
            src.path, src.root, file_sha256(src.path), self.options.out, target.tag,
            found[1] if found is not None else self.options.layout,
        )  # fmt: skip
        return _status(cell, target.tag)

    # -- one article -----------------------------------------------------------------

    def _title(self, src: Source) -> str:
        """The article's title as its file gives it (parsed, not analysed; kept
        while the file stays as it was), else its path."""
        stamp = _stamp(src.path)
        if stamp is None:
            return src.name
        kept = self._titles.get(src.path)
        if kept is not None and kept[0] == stamp:
            return kept[1]
        try:
            title = readers.read(src.path, max_bytes=self.options.read.max_bytes).title
        except (InputError, OSError, ValueError):
            title = None
        self._titles[src.path] = (stamp, title or src.name)
        return title or src.name

    def _load(self, src: Source) -> Article:
        """The source's article, read once while its file stays as it was (a
        save reads it once for the view, the entry check and the rewrite)."""
        stamp = _stamp(src.path)
        kept = self._read.get(src.path)
        if stamp is not None and kept is not None and kept[0] == stamp:
            return kept[1]
        article = load_article(src.path, self.options.read)
        if stamp is not None:
            self._read = {src.path: (stamp, article)}  # one article kept: memory stays flat
        return article

    def article(self, sid: str, tag: str) -> ArticleView:
        src, target = self.source(sid), self.target(tag)
        article = self._load(src)
        source_lang = self._source_lang(article)
        source_side = _side(source_lang)
        dest = self.variant(src, target)
        view = ArticleView(
            src,
            target.tag,
            source_side,
            Side(target.tag, language_name(target.locale.language, "en"), target.direction),
            os.path.relpath(dest),
            bytes_sha256(dest) or "",
            self.status(src, target),
            [],
        )
        if source_lang == target.argos:
            view.notices.append(f"{src.name} is already in {target.tag}: nothing to review")
            return view
        if dest.is_file() and (variant_edited(dest) or not written_by_tool(dest)):
            view.notices.append(
                f"{view.variant} was changed on disk since localize wrote it: its edits are "
                "taken in at the next save (or run translator localize)"
            )
        plan = plan_translation(article, target.argos, source_lang)
        context = article_context(article, find_project([src.path]))
        path = self._memory()
        memory = Memory(path) if path.is_file() else None
        try:
            people = answers_for(plan, memory, target.tag, context)
            terms = (
                self.options.glossary.rules(source_lang, target) if self.options.glossary else None
            )
            exchange = build_file(plan, target, src.name, memory, people, terms)
            drafts = (
                memory.drafts([u.source for u in exchange.units], plan.source_lang, plan.target)
                if memory is not None
                else {}
            )
        finally:
            if memory is not None:
                memory.close()
        unknown = _unknown_words(dest)
        for unit in exchange.units:
            draft = drafts.get(normalise(unit.source))
            seg = self._segment(unit, draft, plan.source_lang, plan.target, terms)
            if seg.origin == "machine" and unknown:
                _mark_unknown(seg, unknown)
            view.segments.append(seg)
        return view

    def _segment(
        self,
        unit: ExchangeUnit,
        draft: MemoryEntry | None,
        source_lang: str,
        target_lang: str,
        terms: TermRules | None = None,
    ) -> Segment:
        source = unit.filled(unit.source)
        target = unit.filled(unit.target) if unit.target is not None else ""
        if unit.state in ("translated", "reviewed"):
            origin, state = "human", unit.state
        elif unit.previous_source is not None:
            origin, state = "needs-review", ""
        elif PARAGRAPH_NOTE in unit.notes:
            origin, state = "paragraph", ""
        else:
            origin, state = ("machine" if unit.target is not None else "none"), ""
        seg = Segment(unit.id, unit.line, source, target, origin, state)
        seg.previous_source = (
            unit.filled(unit.previous_source) if unit.previous_source is not None else None
        )
        if target:
            seg.findings = qa.check_pair(
                0, unit.line, source, target, source_lang, target_lang,
                pseudo=origin == "machine" and draft is not None and draft.model == "pseudo",
                skip=self.options.skip, terms=terms,
            )  # fmt: skip
        if origin in ("human", "needs-review") and draft is not None:
            seg.draft = unit.filled(draft.target)
            if seg.draft != target:
                diff = word_diff(seg.draft, target)
                seg.diff, seg.rewritten = (diff, False) if diff is not None else ([], True)
        return seg

    # -- a save --------------------------------------------------------------------------

    def save(
        self,
        sid: str,
        tag: str,
        unit_id: str,
        text: str,
        base: str,
        *,
        reviewed: bool = False,
        version: str | None = None,
    ) -> SaveResult:
        """Store *text* as a person's translation of segment *unit_id* and rewrite
        the variant; *base* is the target the page showed when it was loaded,
        *version* the variant's version it showed (its other rows that changed
        since come back in ``changed``).  With *reviewed* the text is stored as
        reviewed: *text* as typed (a box left empty: the segment's text as it is),
        through the same entry check; typed text is never thrown away."""
        src, target = self.source(sid), self.target(tag)
        try:
            with run_lock(self.options.out, self.paths, wait=self.options.lock_wait):
                result = self._save(src, target, unit_id, text, base, reviewed, version)
        except LockedError as exc:
            return SaveResult(LOCKED, f"not saved: {exc}; your text is still here: save again")
        return result

    def _save(
        self,
        src: Source,
        target: Target,
        unit_id: str,
        text: str,
        base: str,
        reviewed: bool,
        version: str | None = None,
    ) -> SaveResult:
        dest = self.variant(src, target)
        notes: list[str] = []
        if dest.is_file() and (variant_edited(dest) or not written_by_tool(dest)):
            # what a person changed in the file is taken in before anything is stored
            report = self._localize(src, target, dest)
            if not report.ok:
                return SaveResult(CONFLICT, "not saved: " + _failures(report))
            notes.append("the file had been edited on disk: its edits were taken in first")
        view = self.article(src.id, target.tag)
        segment = next((s for s in view.segments if s.id == unit_id), None)
        if segment is None:
            return SaveResult(
                CONFLICT, "not saved: this segment is no longer in the article (its source "
                "changed); reload the page", version=view.version,
            )  # fmt: skip
        if not segment.editable:
            return SaveResult(
                REJECTED, "a person translated this whole paragraph as one: edit it at the "
                "paragraph's first sentence", segment, view.version,
            )  # fmt: skip
        if normalise(segment.target) != normalise(base):
            return SaveResult(
                CONFLICT,
                f"not saved: this segment changed since the page was loaded (now: "
                f"{segment.target!r}); reload the page to see it (your text is still here)",
                segment,
                view.version,
            )
        if reviewed and not text.strip():
            text = segment.target  # nothing typed: the segment's text as it is is reviewed
        # typed text marked reviewed is stored as the person's (the same entry check)
        _glossary, other = self._glossary(dest, _metadata(dest))
        if other is not None:
            return SaveResult(REJECTED, f"not saved: {other}", segment, view.version)
        problem = self._store(src, target, unit_id, segment.source, text, reviewed)
        if problem is not None:
            return SaveResult(REJECTED, f"not saved: {problem}", segment, view.version)
        report = self._localize(src, target, self.variant(src, target))
        after = self.article(src.id, target.tag)
        saved = next((s for s in after.segments if s.id == unit_id), segment)
        if not report.ok:
            return SaveResult(
                CONFLICT,
                "saved in the translation memory, but the variant was not rewritten: "
                + _failures(report),
                saved,
                after.version,
            )
        return SaveResult(
            SAVED,
            "; ".join(["saved" + (" as reviewed" if reviewed else ""), *notes]),
            saved,
            after.version,
            after.status.reviewed,
            _changed(
                view, after, unit_id, everything=version is not None and version != view.version
            ),
        )

    def _store(
        self, src: Source, target: Target, unit_id: str, source: str, text: str, reviewed: bool
    ) -> str | None:
        """The entry check, then the memory; why the text was not taken, or None."""
        article = self._load(src)
        source_lang = self._source_lang(article)
        plan = plan_translation(article, target.argos, source_lang)
        expected = expected_units(plan)
        if unit_id not in expected:
            return "this segment is no longer in the article; reload the page"
        unit = ExchangeUnit(
            unit_id, source, text, "reviewed" if reviewed else "translated", 0, masked=False
        )
        result = FileImport("review")
        entry = accepted(unit, expected[unit_id], result, plan, masked=False)
        if entry is None:
            if result.rejected:
                return result.rejected[0].split(": ", 1)[1]
            if result.stale:
                return "its source changed since the page was loaded; reload the page"
            return "an empty translation is not saved"
        context = article_context(article, find_project([src.path]))
        with Memory(self._memory()) as memory:
            blocks = whole_paragraphs(plan, memory, target.tag, context)
            memory.put_human(
                [as_paragraph(entry, blocks)],
                plan.source_lang,
                plan.target,
                locale=target.tag,
                article=context,
            )
        return None

    def _glossary(self, dest: Path, meta: dict[str, Any]) -> tuple[Glossary | None, str | None]:
        """The glossary a save rewrites the variant at *dest* (its fields *meta*)
        with: the one it was localized with (this review's when they agree,
        else the files the variant names); and why it may not be rewritten,
        when that glossary cannot be had as it was (a rewrite would change its
        terms in every other sentence)."""
        mine = self.options.glossary
        used = recorded_digest(meta)
        if not dest.is_file() or (mine.digest if mine is not None else None) == used:
            return mine, None
        if used is None:
            return None, (
                "this variant was localized without a glossary, and this review has one; "
                "start review without --glossary (your text is still here)"
            )
        recorded, warning = recorded_glossary(dest, meta)
        if warning is None:
            return recorded, None
        return (
            None,
            f"{warning}; start review with the --glossary it was localized with (your text is still here)",
        )

    def _localize(self, src: Source, target: Target, dest: Path) -> LocalizeReport:
        """``localize`` of this one article and locale, with the engine and
        options its variant was written with."""
        engine, decode, fmt = self.options.engine, DecodeOptions(), self.options.fmt
        dateline, date, layout = True, None, self.options.layout
        found = self._found(src, target)
        if found is not None and found[0] == dest:
            layout = found[1]  # the layout it was localized with
        meta = _metadata(dest)
        if dest.is_file():
            fmt = next((e for e in EXTENSIONS if dest.name.endswith("." + e)), fmt)
            recorded = str(meta.get("engine") or "")
            if recorded == "pseudo":
                engine = "pseudo"
            elif recorded.startswith("apertium "):
                engine = "apertium"
            elif recorded and recorded != "identity":
                engine = "argos"
            # the variant's options: "beam=4", and "glossary=…" with a glossary
            beam = re.search(r"(?:^|\s)beam=(\d+)(?:\s|$)", str(meta.get("options") or ""))
            if beam:
                decode = DecodeOptions(beam=int(beam.group(1)))
            recorded_options = str(meta.get("options") or "").split()
            dateline = DATELINE_OFF not in recorded_options
            given = [o.split("=", 1)[1] for o in recorded_options if o.startswith("date=")]
            date = parse_option(given[0]) if given else None  # localized with --date
        options = LocalizeOptions(
            targets=[target],
            out=self.options.out,
            engine=engine,
            fmt=fmt,
            layout=layout,
            source=self.options.source,
            read=self.options.read,
            decode=decode,
            cache=self.options.cache,
            skip_checks=self.options.skip,
            only=frozenset({os.path.realpath(src.path)}),
            articles={os.path.realpath(src.path): self._load(src)},
            lock_wait=self.options.lock_wait,
            glossary=self._glossary(dest, meta)[0],
            dateline=dateline,
            date=date,
        )
        try:
            return localize(self.paths, options)
        except TranslatorError as exc:
            report = LocalizeReport()
            report.failures.append((src.path, str(exc)))
            return report


def _changed(
    before: ArticleView, after: ArticleView, saved: str, *, everything: bool
) -> list[Segment]:
    """The rows of *after* other than the one saved that differ from *before*
    (every other row when the page showed an older version than *before*)."""
    was = {s.id: s.as_dict() for s in before.segments}
    return [
        s for s in after.segments if s.id != saved and (everything or was.get(s.id) != s.as_dict())
    ]


def _failures(report: LocalizeReport) -> str:
    return "; ".join(reason for _path, reason in report.failures) or str(report.memory_error)


def _side(code: str) -> Side:
    target = parse_locale(code)
    return Side(target.tag, language_name(target.locale.language, "en"), target.direction)
