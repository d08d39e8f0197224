"""``translator localize``: one publishable variant per article and locale.

:func:`localize` runs in phases, each a function of its own:

1. :func:`check_options`: formats, layouts, jobs and executor are known;
2. :func:`plan_destinations`: every source gets one destination per locale;
   an output directory inside the inputs (or holding them), a destination
   outside ``--out``, two sources writing one variant and a read-only output
   directory are refused;
3. :func:`freshness_prepass`: sources whose every variant is fresh (same
   source bytes, engine, options and date) are skipped without being read;
4. :func:`check_pairs`: the language of every remaining source is known and
   every language pair is installed;
5. :func:`run_chunks`: chunks of articles go through the translation memory
   and the executor (one engine pass per language pair and chunk);
6. :func:`write_item`: each variant is rendered, checked by QA and written
   atomically.

Phases 3 to 6 run under the output's lock (:func:`run_lock`), taken before
any input is read.  Everything that can be refused is refused before the first
file is written (exit 2).  A file that fails later is reported and the others
go on.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path, PurePath
from typing import Any

import yaml
from filelock import FileLock, Timeout

from . import qa
from .alignment import translation_pairs
from .article import Article
from .dates import ArticleDate, article_date
from .discover import discover
from .engines import DecodeOptions, Engine, get_engine
from .errors import (
    ClusterError,
    InputError,
    LockedError,
    NotAnArticle,
    TranslatorError,
    UsageError,
)
from .executors import EXECUTORS, Executor, batch_size, make_executor, split_batches
from .fsutil import (
    ChangedOnDisk,
    bytes_sha256,
    file_sha256,
    is_inside,
    remove_stale_temporaries,
)
from .glossary import Glossary, TermOutcome, TermPass, TermRules, glossary_files
from .labels import Labels, missing_catalog
from .locales import Target, parse_locale
from .memory import Memory, SegmentMemory, normalise
from .notices import Notice, warning
from .people import Answers, answers_for, article_context
from .pipeline import ReadOptions, load_article
from .progress import Progress
from .project import Project, find_project, legacy_notice, memory_path, user_cache_dir
from .takein import copies, take_what_a_person_left
from .translation import Plan, complete_translation, plan_translation
from .variants import (
    COPY,
    DATELINE_OFF,
    FORMATS,
    LAYOUTS,
    VariantMeta,
    is_variant,
    published_line,
    read_metadata,
    title_text,
    variant_edited,
    variant_path,
    write_variant,
)


@dataclass
class LocalizeOptions:
    targets: list[Target]
    out: str | None = None
    date: ArticleDate | None = None
    engine: str = "argos"
    fmt: str = "md"
    layout: str = "filename"
    source: str | None = None
    read: ReadOptions = field(default_factory=ReadOptions)
    decode: DecodeOptions = field(default_factory=DecodeOptions)
    jobs: int = 1
    executor: str = "inline"  # inline, processes or dask
    scheduler: str | None = None  # a Dask scheduler address; None: a LocalCluster
    skip_missing_pairs: bool = False  # translate the pairs with a model, fail the others
    cluster_timeout: float = 60.0  # seconds a Dask scheduler or its workers may be missing
    show_cluster_logs: bool = False  # Dask's own log lines on the terminal
    force: bool = False
    cache: str | None = None  # the memory file; None: the default one
    use_cache: bool = True
    batch_files: int = 64  # articles handled together (memory stays flat)
    batch_segments: int = 256  # segments per engine task
    skip_checks: frozenset[str] = frozenset()  # QA checks not run
    only: frozenset[str] | None = None  # these sources (real paths) of the inputs; None: all
    glossary: Glossary | None = None  # names and house terms (--glossary)
    lock_wait: float = 0.0  # seconds to wait for another run on the same output
    dateline: bool = True  # the published line under a dated Markdown page's title
    # sources already read by the caller (a review save), by real path: not read again
    articles: dict[str, Article] = field(default_factory=dict)

    def read_article(self, file: str, data: bytes | None = None) -> Article:
        """*file*'s article: the one the caller read, else parsed from *data*
        (its bytes, read already), else read now."""
        given = self.articles.get(os.path.realpath(file)) if self.articles else None
        return given if given is not None else load_article(file, self.read, data)

    @property
    def source_code(self) -> str | None:
        """The Argos code of ``--from``, or None to detect each file's language."""
        return parse_locale(self.source).argos if self.source else None


@dataclass
class Variant:
    source: str
    locale: str
    path: str
    written: bool
    skipped: bool = False
    qa_errors: int = 0  # QA errors found when it was written


@dataclass
class LocalizeReport:
    variants: list[Variant] = field(default_factory=list)
    failures: list[tuple[str, str]] = field(default_factory=list)
    warnings: list[Notice] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # sources that are variants themselves
    segments_translated: int = 0
    segments_from_memory: int = 0
    model_calls: int = 0
    seconds: float = 0.0
    workers: dict[str, dict[str, int]] = field(default_factory=dict)
    memory_error: str | None = None  # the memory could not be written: exit 1
    human_segments: int = 0  # edited segments taken from variants into the memory
    missing_pairs: set[tuple[str, str]] = field(default_factory=set)  # (source, target)
    copied: int = 0  # variants copied from a source already in the target's language
    terms: TermOutcome = field(default_factory=TermOutcome)  # how glossary terms fared
    memory: str | None = None  # the translation memory used (None: --no-cache)
    failed_variants: int = 0  # variants planned that failed (their files are in failures)

    @property
    def ok(self) -> bool:
        """Nothing failed (exit 0)."""
        return not self.failures and self.memory_error is None

    def _extras(self) -> dict[str, Any]:
        """The entries a run has only sometimes: workers, glossary terms, a memory error."""
        out: dict[str, Any] = {}
        if self.workers:
            out["workers"] = self.workers
        if self.terms.sentences:
            out["terms"] = asdict(self.terms)
        if self.memory_error:
            out["memory_error"] = self.memory_error
        return out

    def as_dict(self) -> dict[str, Any]:
        failed_files = {path for path, _ in self.failures}
        by_file: dict[str, list[Variant]] = {}
        for v in self.variants:
            by_file.setdefault(v.source, []).append(v)
        skipped_files = {
            f for f, vs in by_file.items() if all(v.skipped for v in vs)
        } - failed_files
        ok_files = set(by_file) - skipped_files - failed_files
        return {
            "files": {
                "ok": len(ok_files),
                "skipped": len(skipped_files),
                "failed": len(failed_files),
            },
            "variants": {
                "written": sum(v.written for v in self.variants),
                "unchanged": sum(not v.written and not v.skipped for v in self.variants),
                "skipped": sum(v.skipped for v in self.variants),
                "failed": self.failed_variants,
            },
            "segments": {
                "translated": self.segments_translated,
                "from_memory": self.segments_from_memory,
                "human_edits_kept": self.human_segments,
            },
            "copied": self.copied,
            "memory": self.memory,
            "model_calls": self.model_calls,
            "seconds": round(self.seconds, 3),
            "failures": [{"path": p, "reason": r} for p, r in self.failures],
            "missing_pairs": [f"{a}-{b}" for a, b in sorted(self.missing_pairs)],
            "written": [v.path for v in self.variants if v.written],
            "qa_errors": {v.path: v.qa_errors for v in self.variants if v.qa_errors},
            "warnings": [str(n) for n in self.warnings],
            "notices": [str(n) for n in self.notices],
            **self._extras(),
        }


class SourceBytes:
    """Each source's bytes, read once per run: the freshness pre-pass reads a
    source to hash it and keeps the bytes for the plan and the write (a source
    whose variants are all fresh is dropped at once).  Past BUDGET bytes kept,
    a source is read again when planned: memory stays bounded on any corpus."""

    BUDGET = 256 << 20

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.kept: dict[str, bytes] = {}
        self.size = 0

    def digest(self, path: str) -> str:
        """The SHA-256 of the source's bytes (read now, kept within the budget)."""
        from .textio import read_bytes

        data = read_bytes(path, self.max_bytes)
        if self.size + len(data) <= self.BUDGET:
            self.kept[path] = data
            self.size += len(data)
        return hashlib.sha256(data).hexdigest()

    def peek(self, path: str) -> bytes | None:
        return self.kept.get(path)

    def take(self, path: str) -> bytes | None:
        data = self.kept.pop(path, None)
        if data is not None:
            self.size -= len(data)
        return data


Job = tuple[str, str]  # (source file, the PATH it was found under)
Pair = tuple[str, str, str]  # (source language, target language, glossary rules' digest)
Destinations = dict[str, list[tuple[Target, Path]]]  # source file -> (locale, variant path)


def translation_key_field(article: Article) -> str:
    """The name the key is written under: Hugo's ``translationKey`` when the
    source sets one (Hugo links the pages sharing it), else ``translation_key``.

    Hugo gives a page without the field a key of its own from its path, so a
    variant must not set ``translationKey`` unless its source does: the pages
    would no longer be linked as translations.
    """
    value = article.front_matter.get("translationKey")
    return "translationKey" if isinstance(value, str) and value.strip() else "translation_key"


def translation_key(article: Article, source: str) -> str:
    for key in ("translationKey", "translation_key"):
        value = article.front_matter.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return PurePath(source).with_suffix("").as_posix()


def _unknown_words(
    engine: Engine, item: _Item, translated: list[str], findings: list[qa.Finding], run: Run
) -> list[str]:
    """The words the engine marked as unknown in this variant (Apertium's ``*``,
    ``#`` and ``@``), each block's as a notice and a QA warning; all of them."""
    if "unknown-words" in run.options.skip_checks:
        return []
    found: list[str] = []
    for owner, unit in item.plan.units:
        if unit is None:
            continue
        pieces = translated[unit.first : unit.first + len(unit.sentences)]
        words = list(dict.fromkeys(w for p in pieces for w in engine.unknown_words(p)))
        if not words:
            continue
        line = owner.line if owner is not None else 1
        message = qa.unknown_words_message(words)
        run.report.notices.append(Notice(message, item.article.path, line))
        findings.append(qa.Finding(unit.first, line, "unknown-words", qa.WARNING, message))
        found.extend(w for w in words if w not in found)
    return found


def _options_key(engine: Engine, options: LocalizeOptions) -> str:
    """The variant's ``options``: the decoding options (none for the pseudo
    engine), the glossary's digest (a changed glossary rewrites it),
    ``dateline=off`` under ``--no-dateline`` and ``date=…`` under ``--date``."""
    parts = [key] if (key := engine.options_key()) else []
    if options.glossary is not None:
        parts.append(f"glossary={options.glossary.digest}")
    if not options.dateline:
        parts.append(DATELINE_OFF)
    if options.date is not None:
        parts.append(f"date={options.date.iso}")  # --date: a review save keeps it
    return " ".join(parts)


def is_fresh(
    dest: Path,
    digest: str,
    identity_of: Callable[[str], str | None],
    options: str,
    date: ArticleDate | None,
    human_since: Callable[[str], float] = lambda _source: 0.0,
) -> bool:
    """The variant at *dest* was made from these bytes with this engine and these
    options, is as the tool wrote it, and no person's translation for its
    language pair reached the memory after it was written.  *identity_of* gives
    the engine's identity for a source language (the variant's own
    ``source_lang`` when the bytes match), or None; *human_since* the time of
    the newest human translation from a source language into its target."""
    if not dest.is_file():
        return False
    try:
        meta = read_metadata(dest)
    except (OSError, ValueError, UnicodeDecodeError, yaml.YAMLError):
        return False
    if meta.get("source_sha256") != digest:
        return False
    if str(meta.get("engine")) != identity_of(str(meta.get("source_lang") or "")):
        return False
    if str(meta.get("options") or "") != options:
        return False
    if date is not None and str(meta.get("date")) != date.iso:
        return False
    if human_since(str(meta.get("source_lang") or "")) > dest.stat().st_mtime:
        return False  # imported or harvested translations may belong in it
    return variant_edited(dest) is not True  # an edited variant has edits to take in


def _human_since(human: dict[tuple[str, str], float], target: Target) -> Callable[[str], float]:
    """The time of the newest human translation from a source language into
    *target*'s locale."""
    return lambda source: human.get((source, target.tag.lower()), 0.0)


def engine_identity(engine: Engine, source: str, target: str) -> str:
    """What a variant records as its engine: the engine's identity for the pair,
    or ``identity`` when the source is already in the target's language (the
    text is copied, no model is asked)."""
    return COPY if source == target else engine.identity(source, target)


def _identity_of(
    engine: Engine, source_code: str | None, target: Target
) -> Callable[[str], str | None]:
    def identity(recorded_source: str) -> str | None:
        try:
            return engine_identity(engine, source_code or recorded_source, target.argos)
        except UsageError:
            return None  # the pair is gone: not fresh

    return identity


# -- phase 1 ---------------------------------------------------------------------------


def check_options(options: LocalizeOptions) -> DecodeOptions:
    """Refuse unknown formats, layouts and executors; the decode options to use."""
    if options.fmt not in FORMATS:
        raise UsageError(f"unknown format {options.fmt!r}; choose md, html or json")
    if options.layout not in LAYOUTS:
        raise UsageError(f"unknown layout {options.layout!r}; choose filename or dir")
    if options.jobs < 1:
        raise UsageError("--jobs must be at least 1")
    if options.executor not in EXECUTORS:
        raise UsageError(f"unknown executor {options.executor!r}")
    if options.scheduler and options.executor != "dask":
        raise UsageError("--scheduler goes with --executor dask")
    qa.check_ids(options.skip_checks)
    decode = options.decode
    if options.jobs > 1 and options.executor == "inline":
        cores = os.cpu_count() or 1
        decode = replace(
            decode,
            inter_threads=max(decode.inter_threads, options.jobs),
            intra_threads=decode.intra_threads or max(1, cores // options.jobs),
        )
    return decode


# -- phase 2 ---------------------------------------------------------------------------


def _check_out(
    out: str | None, paths: list[str] | tuple[str, ...], files: list[str], layout: str
) -> None:
    if out is None:
        return
    if os.path.islink(out) and not os.path.exists(out):
        raise UsageError(f"--out {out} is a broken symbolic link")
    if layout == "dir":
        # Per-language content dirs (content/en -> content/fr): --out may hold
        # the inputs; each destination is checked to lie outside them instead.
        paths, files = [], []
    for path in paths:
        if os.path.isdir(path) and is_inside(out, path):
            raise UsageError(
                f"--out {out} is inside the input directory {path}; choose a directory outside it"
            )
    for file in files:
        if is_inside(file, out):
            raise UsageError(
                f"--out {out} contains the input {file}; choose a directory outside the inputs"
            )
    probe = Path(out)
    while not probe.exists() and probe != probe.parent:
        probe = probe.parent
    if probe.exists() and not os.access(probe, os.W_OK):
        raise UsageError(f"--out {out} is not writable")


def plan_destinations(
    paths: list[str] | tuple[str, ...], options: LocalizeOptions, report: LocalizeReport
) -> tuple[list[Job], Destinations]:
    """The sources to localize (variants found among the inputs are set aside)
    and each one's variant paths."""
    found = discover(paths)
    report.notices.extend(Notice(n) for n in found.notices)
    jobs: list[Job] = []
    for file, root in zip(found.files, found.roots, strict=True):
        if options.only is not None and os.path.realpath(file) not in options.only:
            continue
        if is_variant(file):
            report.skipped.append(file)
        else:
            jobs.append((file, root))
    _check_out(options.out, paths, [f for f, _ in jobs], options.layout)
    input_dirs = [p for p in paths if os.path.isdir(p)]

    planned: dict[str, str] = {}
    targets_of: Destinations = {}
    for file, root in jobs:
        for target in options.targets:
            dest = variant_path(file, root, options.out, target.tag, options.layout, options.fmt)
            if options.out is not None and not is_inside(str(dest.parent), options.out):
                raise UsageError(f"{file}: its variant would be written outside --out")
            if options.layout == "dir" and options.out is not None:
                inside = next((d for d in input_dirs if is_inside(str(dest), d)), None)
                if inside is not None:
                    raise UsageError(
                        f"{file}: its {target.tag} variant would be written into the input "
                        f"directory {inside} ({dest}); give the source language's directory "
                        "as input and the directory above it as --out"
                    )
            key = os.path.normcase(os.path.abspath(dest)).casefold()
            if key in planned:
                raise UsageError(f"{planned[key]} and {file} would both write {dest}")
            planned[key] = file
            targets_of.setdefault(file, []).append((target, dest))
    return jobs, targets_of


# -- phase 3 ---------------------------------------------------------------------------


def freshness_prepass(
    jobs: list[Job],
    targets_of: Destinations,
    engine: Engine,
    options: LocalizeOptions,
    report: LocalizeReport,
    progress: Progress,
    human: dict[tuple[str, str], float] | None = None,
    sources: SourceBytes | None = None,
) -> list[Job]:
    """The jobs that need work.  A source whose every variant is fresh is read
    no more than its hash needs (its variants record its hash and language);
    the others' bytes are kept in *sources* for the plan."""
    if options.force:
        return list(jobs)
    human = human or {}
    pending: list[Job] = []
    for file, root in jobs:
        try:
            digest = sources.digest(file) if sources is not None else file_sha256(file)
        except (OSError, InputError):
            pending.append((file, root))  # reading it again will report why
            continue
        fresh = [
            is_fresh(
                dest,
                digest,
                _identity_of(engine, options.source_code, target),
                _options_key(engine, options),
                options.date,
                _human_since(human, target),
            )
            for target, dest in targets_of[file]
        ]
        if all(fresh):
            if sources is not None:
                sources.take(file)
            for target, dest in targets_of[file]:
                report.variants.append(Variant(file, target.tag, str(dest), False, skipped=True))
                progress.variant(str(dest), "skipped")
        else:
            pending.append((file, root))
    return pending


# -- phase 4 ---------------------------------------------------------------------------


LOADED_BUDGET = 64 << 20  # characters of source text kept parsed between phases


def check_pairs(
    pending: list[Job],
    engine: Engine,
    options: LocalizeOptions,
    report: LocalizeReport,
    counts: dict[str, int] | None = None,
    sources: SourceBytes | None = None,
) -> tuple[dict[str, str], dict[str, Article]]:
    """Each pending source's language (``--from``, else detected), after
    checking that every language pair is installed (exit 2 naming each missing one).

    Every source is read and parsed here once; the articles are returned (up
    to LOADED_BUDGET characters of them, the others' bytes stay in *sources*)
    so that the plan does not read or parse them again.  A source that cannot
    be read is a failure of that file only.  *counts*, when given, receives
    each source's rough number of segments (the measure of the run's work,
    for progress; settled when the source is planned).
    """
    source_code = options.source_code
    languages: dict[str, str] = {}
    loaded: dict[str, Article] = {}
    kept = 0
    if source_code is not None:  # no model, no run: refused before any source is read
        _missing_pairs({source_code}, engine, options, report)
    for file, _root in pending:
        try:
            article = options.read_article(file, sources.peek(file) if sources else None)
        except NotAnArticle as exc:
            report.notices.append(Notice(f"skipped: {exc.reason}", file))
            continue
        except InputError as exc:
            report.failures.append((file, str(exc)))
            continue
        languages[file] = source_code or article.language
        if counts is not None:
            counts[file] = _segments_about(article)
        if kept + len(article.source) <= LOADED_BUDGET:
            loaded[file] = article
            kept += len(article.source)
            if sources is not None:
                sources.take(file)  # parsed: its bytes are not needed again
    if source_code is None:
        _missing_pairs(set(languages.values()), engine, options, report)
    return languages, loaded


_SENTENCE_ENDS = re.compile(r"[.!?。！？؟](?:\s|$)")


def _segments_about(article: Article) -> int:
    """About how many segments *article* will have (its text blocks'
    sentence ends): cheap, for progress."""
    return sum(
        max(1, len(_SENTENCE_ENDS.findall(block.text)))
        for block in article.blocks
        if block.kind != "code" and not block.is_chrome and block.text.strip()
    ) + (1 if article.front_matter.get("title") else 0)


def _missing_pairs(
    sources: set[str], engine: Engine, options: LocalizeOptions, report: LocalizeReport
) -> None:
    """Every (source, target) pair the engine lacks: exit 2 naming each, or with
    ``--skip-missing-pairs`` their list in the report, the run going on."""
    missing: list[str] = []
    for lang in sorted(sources):
        for target in options.targets:
            if lang == target.argos:
                continue  # copied, not translated
            try:
                engine.check_pair(lang, target.argos)
            except UsageError as exc:
                report.missing_pairs.add((lang, target.argos))
                if str(exc) not in missing:
                    missing.append(str(exc))
    if missing and not options.skip_missing_pairs:
        raise UsageError(
            "\n".join(missing)
            + "\n(--skip-missing-pairs translates every pair there is a model for)"
        )
    report.warnings.extend(warning(f"skipped: {line}") for line in missing)


# -- phase 5 ---------------------------------------------------------------------------


@dataclass
class Run:
    """What every chunk of one run shares."""

    options: LocalizeOptions
    targets_of: Destinations
    memory: SegmentMemory
    executor: Executor
    report: LocalizeReport
    progress: Progress
    loaded: dict[str, Article] = field(default_factory=dict)
    human: dict[tuple[str, str], float] = field(default_factory=dict)  # newest per pair
    counts: dict[str, int] = field(default_factory=dict)  # segments per source (progress)
    project: Project | None = None  # where the articles' human translations belong
    memory_file: Path | None = None  # the memory's path (copies of edited files go beside it)
    sources: SourceBytes | None = None  # the sources' bytes the pre-pass read (read once)

    def settled(self, file: str, dest: Path, state: str) -> None:
        """A variant that needs no translation (skipped or failed): its segments
        count as handled, so that progress in segments stays true."""
        self.progress.segments(self.counts.get(file, 0))
        if state == "failed":
            self.failed(dest)
        else:
            self.progress.variant(str(dest), state)

    @property
    def root(self) -> Path | None:
        """The project's folder (its own catalogs of the tool's labels are there)."""
        return self.project.root if self.project is not None else None

    def failed(self, dest: Path) -> None:
        """A variant that failed: counted, so that the summary's total agrees
        with the progress line's."""
        self.report.failed_variants += 1
        self.progress.variant(str(dest), "failed")

    @property
    def engine(self) -> Engine:
        return self.memory.engine


@dataclass
class _Item:
    article: Article
    target: Target
    dest: Path
    plan: Plan
    date: ArticleDate | None
    digest: str
    key: str
    people: Answers  # people's translations of this article and locale, by segment
    planned: str | None  # the bytes at dest when planned (compare and swap), None: no file
    looked_up: float  # when people's translations were read from the memory
    terms: TermRules | None = None  # the glossary's rules for its language pair

    @property
    def pair(self) -> tuple[str, str, str]:
        """What its machine drafts share: source, target language, glossary rules."""
        return (self.plan.source_lang, self.plan.target, self.terms.digest if self.terms else "")


_HELD = threading.local()  # the run locks this thread holds (a save inside a run's lock)


@contextmanager
def run_lock(
    out: str | None, paths: list[str] | tuple[str, ...], wait: float = 0.0
) -> Iterator[None]:
    """One run per output: taken before any input is read, so that a second run
    on the same output is refused at once (or after *wait* seconds).  A thread
    that holds it already goes on (``translator review`` saves under it)."""
    path = _lock_path(out, paths)
    held: set[str] = _HELD.__dict__.setdefault("paths", set())
    if str(path) in held:
        yield
        return
    if path.is_symlink():
        raise UsageError(f"the lock {path} is a symbolic link; remove it")
    lock = FileLock(str(path), timeout=wait)
    try:
        lock.acquire()
    except Timeout:
        raise LockedError(
            f"another translator localize is writing to {out or 'these files'} "
            f"(lock {lock.lock_file}, held by a run or a review save); wait for it to finish or stop it"
        ) from None
    held.add(str(path))
    try:
        yield
    finally:
        held.discard(str(path))
        lock.release()


def run_chunks(files: list[str], run: Run) -> None:
    """Localize *files* chunk by chunk.  Temporary files a killed run left beside
    the destinations are removed first."""
    folders = {dest.parent for dests in run.targets_of.values() for _t, dest in dests}
    removed = remove_stale_temporaries(folders)
    if removed:
        run.report.notices.append(
            Notice(
                f"removed {len(removed)} temporary file(s) left by an interrupted run, "
                f"e.g. {removed[0]}"
            )
        )
    size = run.options.batch_files
    for i in range(0, len(files), size):
        _run_chunk(files[i : i + size], run)


def _plan_items(files: list[str], run: Run) -> list[_Item]:
    """Read the chunk's sources and plan each variant that is not fresh."""
    options, report = run.options, run.report
    items: list[_Item] = []
    for file in files:
        try:
            article = run.loaded.pop(file, None) or options.read_article(
                file, run.sources.take(file) if run.sources is not None else None
            )
        except NotAnArticle as exc:
            report.notices.append(Notice(f"skipped: {exc.reason}", file))
            for _target, dest in run.targets_of[file]:
                run.settled(file, dest, "skipped")
            continue
        except InputError as exc:
            report.failures.append((file, str(exc)))
            for _target, dest in run.targets_of[file]:
                run.settled(file, dest, "failed")
            continue
        date = article_date(article, options.date)
        if date is None:
            report.warnings.append(warning("no date found; its variants have no date fields", file))
        for target, dest in run.targets_of[file]:
            item = _plan_item(article, target, dest, date, run)
            if item is not None:
                items.append(item)
    return items


def _plan_item(
    article: Article, target: Target, dest: Path, date: ArticleDate | None, run: Run
) -> _Item | None:
    """One variant's plan, or None when it is fresh or cannot be made (reported);
    what a person left at its path is taken in first."""
    options, report, file = run.options, run.report, article.path
    src = options.source_code or article.language
    digest = article.sha256  # the bytes read, not the file as it is now
    identity_of = _identity_of(run.engine, src, target)
    if not options.force and is_fresh(
        dest,
        digest,
        identity_of,
        _options_key(run.engine, options),
        options.date,
        _human_since(run.human, target),
    ):
        report.variants.append(Variant(file, target.tag, str(dest), False, skipped=True))
        run.settled(file, dest, "skipped")
        return None
    if (src, target.argos) in report.missing_pairs:
        report.failures.append((file, f"{dest}: no model for {src} → {target.tag}"))
        run.settled(file, dest, "failed")
        return None
    plan = plan_translation(article, target.argos, src)
    estimate = run.counts.get(file, 0)
    actual = sum(1 for s in plan.segments if s.strip())
    if estimate > actual:  # the rough count was long: the difference counts as handled
        run.progress.segments(estimate - actual)
    elif actual > estimate and file in run.counts:
        run.progress.more(actual - estimate)
    context = article_context(article, run.project or find_project([file]))
    planned = bytes_sha256(dest)
    if not take_what_a_person_left(plan, dest, planned, target, context, run):
        run.settled(file, dest, "failed")
        return None
    looked_up = time.time()
    people = answers_for(plan, run.memory.store, target.tag, context)
    key = translation_key(article, os.path.relpath(file))
    terms = _terms(run, src, target)
    return _Item(article, target, dest, plan, date, digest, key, people, planned, looked_up, terms)


def _terms(run: Run, source: str, target: Target) -> TermRules | None:
    glossary = run.options.glossary
    return glossary.rules(source, target) if glossary is not None else None


def _translate_pairs(
    items: list[_Item], run: Run
) -> tuple[dict[Pair, dict[str, str]], dict[Pair, str]]:
    """One engine pass per language pair (and glossary) over the chunk's
    distinct unknown segments.

    Returns the answers (by normalised segment) per pair, and the pairs that failed.
    """
    by_pair: dict[Pair, list[str]] = {}
    terms_of: dict[Pair, TermRules | None] = {}
    for item in items:
        # what people translated for this article and locale needs no machine draft
        wanted = [s for i, s in enumerate(item.plan.segments) if i not in item.people.by_index]
        by_pair.setdefault(item.pair, []).extend(wanted)
        terms_of[item.pair] = item.terms
    answers: dict[Pair, dict[str, str]] = {}
    failed: dict[Pair, str] = {}
    outcome = TermOutcome()
    for pair, segments in by_pair.items():
        src, tgt, _glossary = pair
        if src == tgt:  # a source already in the target's language is copied
            answers[pair] = copies(segments)  # people's edits come first, per item
            run.progress.segments(sum(1 for s in segments if s.strip()))
            run.report.copied += sum(1 for i in items if i.plan.source_lang == src == i.plan.target)
            continue
        terms = terms_of[pair]
        known, missing = run.memory.lookup(segments, src, tgt, terms)
        # what the memory answered (and repeats) is handled now; the rest per batch
        run.progress.segments(sum(1 for s in segments if s.strip()) - len(missing))
        try:
            total = len({normalise(s) for s in segments if s.strip()})
            _translate_missing(missing, total, src, tgt, terms, run, known, outcome)
        except ClusterError:
            raise  # no pair can be translated any more: the run ends, resumable
        except (TranslatorError, RuntimeError, ValueError, OSError) as exc:
            failed[pair] = f"translation failed: {exc}"
        answers[pair] = known
    notices = run.report.notices
    notices.extend(Notice(n) for n in run.engine.notes if Notice(n) not in notices)
    notice = outcome.notice()
    if notice:
        run.report.warnings.append(warning(notice))
    run.report.terms.add(outcome)
    return answers, failed


def _translate_missing(
    missing: list[str],
    total: int,
    src: str,
    tgt: str,
    terms: TermRules | None,
    run: Run,
    known: dict[str, str],
    outcome: TermOutcome,
) -> None:
    """The model's drafts of *missing* into *known* (and the memory), batch by
    batch, with the glossary's terms masked and written back; a sentence whose
    term placeholder the model lost is translated again without the mask
    (:class:`translator.glossary.TermPass`)."""
    terms_pass = TermPass(missing, terms)
    # sized from the whole chunk (a resumed run cuts its remaining batches the same way)
    ceiling = max(run.options.batch_segments, run.engine.segments_per_call)
    size = batch_size(total, run.executor.slots(), ceiling)
    if run.engine.segments_per_call and run.executor.slots() <= 1:
        # an engine whose output does not hang on its batches, one process a
        # call: as few calls as it takes
        texts, step = terms_pass.texts, run.engine.segments_per_call
        batches = [(src, tgt, texts[i : i + step]) for i in range(0, len(texts), step)]
    else:
        batches = [(src, tgt, b) for b in split_batches(terms_pass.texts, size)]
    try:
        for index, out in run.executor.run(batches):
            pairs = [
                pair
                for text, translated in zip(batches[index][2], out, strict=True)
                for pair in terms_pass.settle(text, translated)
            ]
            known.update(pairs)
            run.memory.remember(pairs, src, tgt, terms)
            run.progress.segments(len(pairs))
        again = [(src, tgt, b) for b in split_batches(terms_pass.retry, size)]
        for index, out in run.executor.run(again):
            better = [
                (segment, translated)
                for segment, translated in zip(again[index][2], out, strict=True)
                if terms_pass.second(segment, translated)
            ]
            known.update(better)
            run.memory.remember(better, src, tgt, terms, count=False)
    finally:
        outcome.add(terms_pass.outcome)


def _run_chunk(files: list[str], run: Run) -> None:
    items = _plan_items(files, run)
    answers, failed = _translate_pairs(items, run)
    report = run.report
    for item in items:
        pair = item.pair
        if pair in failed:
            report.failures.append((item.article.path, failed[pair]))
            run.failed(item.dest)
            continue
        try:
            variant = write_item(item, answers[pair], run)
        except ChangedOnDisk as exc:
            report.failures.append((item.article.path, str(exc)))
            run.failed(item.dest)
            continue
        except InputError as exc:
            report.failures.append((item.article.path, str(exc)))
            run.failed(item.dest)
            continue
        report.variants.append(variant)
        run.progress.variant(variant.path, "written" if variant.written else "unchanged")


# -- phase 6 ---------------------------------------------------------------------------


def write_item(item: _Item, known: dict[str, str], run: Run) -> Variant:
    """Assemble, check and write one variant from the chunk's answers."""
    engine = run.engine
    people = item.people.by_index
    translated = [
        people[i] if i in people else known[normalise(s)] if s.strip() else ""
        for i, s in enumerate(item.plan.segments)
    ]
    identity = engine_identity(engine, item.plan.source_lang, item.target.argos)
    tr = complete_translation(item.plan, translated, identity)
    for event in tr.events:
        run.report.notices.append(
            Notice(f"protected span {event.action}: {event.span}", item.article.path, event.line)
        )
    skip = run.options.skip_checks
    if identity != COPY and engine.writes_target_language(tr.source_lang, tr.target):
        # a rule-based engine's drafts; people's text passed this check at entry
        skip = skip | {"wrong-language"}
    findings = qa.check_pairs(
        translation_pairs(tr),
        tr.source_lang,
        tr.target,
        pseudo=engine.name == "pseudo" and identity != COPY,
        skip=skip,
        terms=item.terms,
    )
    unknown = _unknown_words(engine, item, translated, findings, run)
    pub = published_line(item.target, tr.source_lang, item.date, run.root)
    pub.shown = run.options.dateline
    meta = VariantMeta(
        title=title_text(tr),
        date=item.date,
        date_display=pub.date_display if item.date else None,
        lang=item.target.tag,
        dir=item.target.direction,
        source_lang=tr.source_lang,
        source=os.path.relpath(item.article.path),
        source_sha256=item.digest,
        translation_key=item.key,
        key_field=translation_key_field(item.article),
        engine=identity,
        options=_options_key(engine, run.options) or None,
        qa=qa.summary(findings),
        review=item.people.counts(item.plan),
        author=item.article.meta.get("author") if item.article.format != "markdown" else None,
        unknown_words=", ".join(unknown) or None,
        glossary_files=glossary_files(run.options.glossary, item.dest),
    )
    written = write_variant(
        item.dest, run.options.fmt, tr, meta, pub, root=run.options.out, expect=item.planned
    )
    newest_human = _human_since(run.human, item.target)(tr.source_lang)
    if not written and newest_human > item.dest.stat().st_mtime:
        os.utime(item.dest)  # checked against the newest human translations: fresh now
    if item.people.previous:
        run.report.notices.append(
            Notice(
                f"{len(item.people.previous)} sentence(s) a person translated before their "
                "source changed get machine drafts; the previous translations stay in the "
                "memory for review (translator export offers them)",
                str(item.dest),
            )
        )
    if item.people.inconsistent & {normalise(s) for s in item.plan.segments}:
        run.report.warnings.append(
            warning(
                "sentences translated differently by people in other articles "
                "(inconsistent); this article's own translations are used",
                str(item.dest),
            )
        )
    store = run.memory.store
    if store is not None and store.newest_human(tr.source_lang, item.target.tag) > item.looked_up:
        # a person's translation arrived (an import, a save) after this variant's
        # were read: dated back, so that the next run does not take it for fresh
        os.utime(item.dest, (item.looked_up, item.looked_up))
    errors = int(meta.qa["errors"]) if meta.qa else 0
    return Variant(item.article.path, item.target.tag, str(item.dest), written, qa_errors=errors)


def localize(
    paths: list[str] | tuple[str, ...],
    options: LocalizeOptions,
    progress: Progress | None = None,
) -> LocalizeReport:
    """Localize every source under *paths* into every locale of *options* (see the
    module's docstring for the phases)."""
    started = time.perf_counter()
    progress = progress or Progress()
    decode = check_options(options)
    engine = get_engine(options.engine, decode)
    report = LocalizeReport()
    jobs, targets_of = plan_destinations(paths, options, report)  # no file is read yet
    project = find_project(paths)
    qa.enforced(project)  # its settings' checks are known ones, before any work
    if options.use_cache:
        path = memory_path(options.cache, paths)
        notice = None if options.cache else legacy_notice(path)
        if notice:
            report.notices.append(Notice(notice))
        options = replace(options, cache=str(path))
    with run_lock(options.out, paths, options.lock_wait):
        return _localize(
            jobs, targets_of, options, progress, engine, decode, report, started, project
        )


def _localize(
    jobs: list[Job],
    targets_of: Destinations,
    options: LocalizeOptions,
    progress: Progress,
    engine: Engine,
    decode: DecodeOptions,
    report: LocalizeReport,
    started: float,
    project: Project,
) -> LocalizeReport:
    human: dict[tuple[str, str], float] = {}
    if options.use_cache and options.cache and Path(options.cache).is_file():
        with Memory(options.cache) as existing:  # read only: none is created yet
            human = existing.human_updated()
    progress.start(sum(len(targets_of[f]) for f, _ in jobs))
    sources = SourceBytes(options.read.max_bytes)
    pending = freshness_prepass(jobs, targets_of, engine, options, report, progress, human, sources)
    counts: dict[str, int] = {}
    languages, loaded = check_pairs(pending, engine, options, report, counts, sources)
    executor, store = _start(engine, decode, options, languages, report)
    report.memory = str(store.path) if store is not None else None
    if counts:
        progress.work(sum(counts.get(f, 0) * len(targets_of[f]) for f in languages))

    for target in options.targets:
        if Labels.for_locale(target.locale, project.root if project else None).fallback:
            report.warnings.append(warning(missing_catalog(target.tag, target.locale)))
    memory = SegmentMemory(engine, store)
    run = Run(
        options,
        targets_of,
        memory,
        executor,
        report,
        progress,
        loaded,
        human,
        counts,
        project,
        store.path if store is not None else None,
        sources,
    )
    try:
        run_chunks([file for file, _ in pending if file in languages], run)
    finally:
        executor.close()
        if store is not None:
            store.close()
        report.segments_translated = memory.translated
        report.segments_from_memory = memory.from_memory
        if memory.error is not None:
            report.memory_error = memory.error
            report.warnings.append(
                warning(
                    f"{memory.error}; the variants were written, but these translations were "
                    "not saved for later runs"
                )
            )
        report.model_calls = executor.calls
        report.workers = dict(executor.workers)
        report.seconds = time.perf_counter() - started
    return report


def _start(
    engine: Engine,
    decode: DecodeOptions,
    options: LocalizeOptions,
    languages: dict[str, str],
    report: LocalizeReport,
) -> tuple[Executor, Memory | None]:
    """The executor, its workers holding the packages of the pairs to translate
    (or refused), then the memory: opened (created) only once nothing can be
    refused any more."""
    executor = make_executor(
        options.executor,
        engine,
        options.engine,
        decode,
        options.jobs,
        options.scheduler,
        cluster_timeout=options.cluster_timeout,
        show_cluster_logs=options.show_cluster_logs,
    )
    try:
        pairs = {(lang, t.argos) for lang in languages.values() for t in options.targets}
        executor.prepare(
            engine, {(a, b) for a, b in pairs if a != b and (a, b) not in report.missing_pairs}
        )
        store = Memory(options.cache) if options.use_cache else None
    except BaseException:
        executor.close()
        raise
    return executor, store


def _lock_path(out: str | None, paths: list[str] | tuple[str, ...]) -> Path:
    """The run's lock, in the cache directory: one per output directory (or, without
    --out, per set of inputs), so that the output directory holds only variants."""
    targets = [out] if out is not None else list(paths)
    digest = hashlib.sha256(
        "\0".join(sorted(os.path.realpath(p) for p in targets)).encode()
    ).hexdigest()[:16]
    folder = user_cache_dir() / "locks"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        if not os.access(folder, os.W_OK):
            raise PermissionError(folder)
    except OSError:
        # an unwritable cache directory (--no-cache runs need no memory there)
        folder = Path(tempfile.gettempdir()) / f"translator-locks-{os.getuid()}"
        folder.mkdir(mode=0o700, exist_ok=True)
    return folder / f"{digest}.lock"
