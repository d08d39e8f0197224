"""``translator localize``: one publishable variant per article and locale.

Everything that can be refused is refused before the first file is written:
unknown locales, a bad ``--date``, an output directory inside the inputs
(or holding them), two inputs that would write the same variant, a
read-only output directory, a missing language pair.  Then each article is
translated once per locale and written atomically; a file that fails is
reported and the others go on.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePath
from typing import Any

import yaml
from filelock import FileLock, Timeout

from . import qa
from .dates import ArticleDate, article_date
from .discover import discover
from .engines import DecodeOptions, Engine, get_engine
from .errors import InputError, TranslatorError, UsageError
from .executors import make_executor, split_batches
from .fsutil import file_sha256, write_atomic
from .labels import Labels
from .locales import Target, parse_locale
from .memory import CachedEngine, Memory, default_path, normalise
from .model import Article
from .pipeline import ReadOptions, load_article
from .translation import Plan, Translation, complete_translation, plan_translation
from .variants import FORMATS, VariantMeta, published_line, render_variant, title_text

LAYOUTS = ("filename", "dir")


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
    force: bool = False
    cache: str | None = None  # the memory file; None: the default one
    use_cache: bool = True
    batch_files: int = 64  # articles handled together (memory stays flat)
    batch_segments: int = 256  # segments per engine task


@dataclass
class Variant:
    source: str
    locale: str
    path: str
    written: bool
    skipped: bool = False


@dataclass
class LocalizeReport:
    variants: list[Variant] = field(default_factory=list)
    failures: list[tuple[str, str]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # sources that are variants themselves
    segments_translated: int = 0
    segments_from_memory: int = 0
    model_calls: int = 0
    seconds: float = 0.0
    workers: dict[str, dict[str, int]] = field(default_factory=dict)

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
            },
            "segments": {
                "translated": self.segments_translated,
                "from_memory": self.segments_from_memory,
            },
            "model_calls": self.model_calls,
            "seconds": round(self.seconds, 3),
            "failures": [{"path": p, "reason": r} for p, r in self.failures],
            **({"workers": self.workers} if self.workers else {}),
        }


class Progress:
    """What a run reports as it goes; the CLI shows it, the library only calls it."""

    def start(self, variants: int) -> None:
        """The number of variants this run will produce or skip."""

    def segments(self, done: int) -> None:
        """*done* more segments came back from the engine."""

    def variant(self, path: str, state: str) -> None:
        """One variant is done: written, unchanged, skipped or failed."""


def is_variant(path: str) -> bool:
    """``post.fr.md`` or ``post.pt-BR.html`` is a variant, not a source."""
    suffix = PurePath(PurePath(path).stem).suffix
    if len(suffix) < 3:
        return False
    try:
        parse_locale(suffix[1:])
    except UsageError:
        return False
    return True


def variant_path(source: str, root: str, out: str | None, tag: str, layout: str, ext: str) -> Path:
    """Where the *tag* variant of *source* goes (Hugo's two conventions)."""
    src = Path(source)
    if out is None:
        base, rel = src.parent, Path()
    else:
        base = Path(out)
        rel = (
            src.parent.relative_to(root)
            if Path(root) != src.parent and src.is_relative_to(root)
            else Path()
        )
    if layout == "dir":
        return base / tag / rel / f"{src.stem}.{ext}"
    return base / rel / f"{src.stem}.{tag}.{ext}"


def _inside(child: str, parent: str) -> bool:
    c, p = os.path.realpath(child), os.path.realpath(parent)
    return c == p or c.startswith(p.rstrip(os.sep) + os.sep)


def _check_out(out: str | None, paths: list[str] | tuple[str, ...], files: list[str]) -> None:
    if out is None:
        return
    for path in paths:
        if os.path.isdir(path) and _inside(out, path):
            raise UsageError(
                f"--out {out} is inside the input directory {path}; choose a directory outside it"
            )
    for file in files:
        if _inside(file, out):
            raise UsageError(
                f"--out {out} contains the input {file}; choose a directory outside the inputs"
            )
    probe = Path(out)
    while not probe.exists() and probe != probe.parent:
        probe = probe.parent
    if probe.exists() and not os.access(probe, os.W_OK):
        raise UsageError(f"--out {out} is not writable")


def translation_key(article: Article, source: str) -> str:
    for key in ("translation_key", "translationKey"):
        value = article.front_matter.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return PurePath(source).with_suffix("").as_posix()


def translation_findings(tr: Translation, *, pseudo: bool) -> list[qa.Finding]:
    """QA findings of a fresh translation, block by block (code blocks skipped)."""
    article = tr.article
    pairs: list[tuple[int, str, str]] = []
    title = article.front_matter.get("title") if article.format == "markdown" else None
    if isinstance(title, str) and tr.front_matter_title is not None:
        pairs.append((1, title, tr.front_matter_title))
    for tb in tr.blocks:
        if tb.block.kind == "code":
            continue
        source = tb.block.markup if article.format == "html" and tb.block.markup else tb.block.text
        pairs.append((tb.block.line, source, tb.text))
    return qa.check_pairs(pairs, tr.source_lang, tr.target, pseudo=pseudo)


def _options_key(engine: Engine) -> str:
    return "" if engine.name == "pseudo" else engine.options.key()


def is_fresh(
    dest: Path,
    digest: str,
    identity_of: Callable[[str], str | None],
    options: str,
    date: ArticleDate | None,
) -> bool:
    """The variant at *dest* was made from these bytes with this engine and these
    options.  *identity_of* gives the engine's identity for a source language
    (the variant's own ``source_lang`` when the bytes match), or None."""
    from .coverage import read_metadata

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
    return True


def _identity_of(
    engine: Engine, source_code: str | None, target: Target
) -> Callable[[str], str | None]:
    def identity(recorded_source: str) -> str | None:
        try:
            return engine.identity(source_code or recorded_source, target.argos)
        except UsageError:
            return None  # the pair is gone: not fresh

    return identity


def localize(
    paths: list[str] | tuple[str, ...],
    options: LocalizeOptions,
    progress: Progress | None = None,
) -> LocalizeReport:
    started = time.perf_counter()
    progress = progress or Progress()
    if options.fmt not in FORMATS:
        raise UsageError(f"unknown format {options.fmt!r}; choose md, html or json")
    if options.layout not in LAYOUTS:
        raise UsageError(f"unknown layout {options.layout!r}; choose filename or dir")
    if options.jobs < 1:
        raise UsageError("--jobs must be at least 1")
    decode = options.decode
    if options.executor not in ("inline", "processes", "dask"):
        raise UsageError(f"unknown executor {options.executor!r}")
    if options.jobs > 1 and options.executor == "inline":
        cores = os.cpu_count() or 1
        decode = replace(
            decode,
            inter_threads=max(decode.inter_threads, options.jobs),
            intra_threads=decode.intra_threads or max(1, cores // options.jobs),
        )
    inner = get_engine(options.engine, decode)
    source_code = parse_locale(options.source).argos if options.source else None
    found = discover(paths)
    report = LocalizeReport(notices=list(found.notices))
    jobs: list[tuple[str, str]] = []
    for file, root in zip(found.files, found.roots, strict=True):
        if is_variant(file):
            report.skipped.append(file)
        else:
            jobs.append((file, root))
    _check_out(options.out, paths, [f for f, _ in jobs])

    planned: dict[str, str] = {}
    targets_of: dict[str, list[tuple[Target, Path]]] = {}
    for file, root in jobs:
        for target in options.targets:
            dest = variant_path(file, root, options.out, target.tag, options.layout, options.fmt)
            if options.out is not None and not _inside(str(dest.parent), options.out):
                raise UsageError(f"{file}: its variant would be written outside --out")
            key = os.path.normcase(os.path.abspath(dest)).casefold()
            if key in planned:
                raise UsageError(f"{planned[key]} and {file} would both write {dest}")
            planned[key] = file
            targets_of.setdefault(file, []).append((target, dest))

    # Files whose every variant is fresh need no reading at all (the variants
    # record the source's hash and language).
    progress.start(sum(len(targets_of[f]) for f, _ in jobs))
    pending = list(jobs)
    if not options.force:
        pending = []
        for file, root in jobs:
            try:
                digest = file_sha256(file)
            except OSError:
                pending.append((file, root))  # reading it again will report why
                continue
            fresh = [
                is_fresh(
                    dest,
                    digest,
                    _identity_of(inner, source_code, target),
                    _options_key(inner),
                    options.date,
                )
                for target, dest in targets_of[file]
            ]
            if all(fresh):
                for target, dest in targets_of[file]:
                    report.variants.append(
                        Variant(file, target.tag, str(dest), False, skipped=True)
                    )
                    progress.variant(str(dest), "skipped")
            else:
                pending.append((file, root))

    # Every language pair is checked before the first file is written.
    languages: dict[str, str] = {}
    loaded: dict[str, Article] = {}  # the first chunk's articles, not read twice
    if source_code is not None:
        for target in options.targets:
            inner.check_pair(source_code, target.argos)
        languages = {file: source_code for file, _ in pending}
    else:
        for index, (file, _root) in enumerate(pending):
            try:
                article = load_article(file, options.read)
            except InputError as exc:
                report.failures.append((file, str(exc)))
                continue
            languages[file] = article.language
            if index < options.batch_files:
                loaded[file] = article
    missing: list[str] = []
    for lang in sorted(set(languages.values())):
        for target in options.targets:
            try:
                inner.check_pair(lang, target.argos)
            except UsageError as exc:
                if str(exc) not in missing:
                    missing.append(str(exc))
    if missing:
        raise UsageError("\n".join(missing))

    for target in options.targets:
        if Labels.for_locale(target.locale).fallback:
            report.warnings.append(
                f"no catalog for {target.tag} in locales/: labels stay in English"
            )
    memory = Memory(options.cache) if options.use_cache else None
    engine = CachedEngine(inner, memory)
    executor = make_executor(
        options.executor, inner, options.engine, decode, options.jobs, options.scheduler
    )
    lock = FileLock(str(_lock_path(options.out, paths)), timeout=0)
    try:
        try:
            lock.acquire()
        except Timeout:
            raise UsageError(
                f"another translator localize is writing to {options.out or 'these files'} "
                f"(lock {lock.lock_file}); wait for it to finish or stop it"
            ) from None
        todo = [file for file, _ in pending if file in languages]
        for i in range(0, len(todo), options.batch_files):
            _run_chunk(
                todo[i : i + options.batch_files],
                loaded,
                targets_of,
                engine,
                executor,
                options,
                report,
                progress,
            )
    finally:
        executor.close()
        if lock.is_locked:
            lock.release()
        if memory is not None:
            memory.close()
        report.segments_translated = engine.translated
        report.segments_from_memory = engine.from_memory
        report.model_calls = executor.calls
        report.workers = dict(getattr(executor, "workers", {}))
        report.seconds = time.perf_counter() - started
    return report


@dataclass
class _Item:
    article: Article
    target: Target
    dest: Path
    plan: Plan
    date: ArticleDate | None
    digest: str
    key: str


def _run_chunk(
    files: list[str],
    loaded: dict[str, Article],
    targets_of: dict[str, list[tuple[Target, Path]]],
    engine: CachedEngine,
    executor: Any,
    options: LocalizeOptions,
    report: LocalizeReport,
    progress: Progress,
) -> None:
    source_code = parse_locale(options.source).argos if options.source else None
    items: list[_Item] = []
    for file in files:
        try:
            article = loaded.pop(file, None) or load_article(file, options.read)
        except InputError as exc:
            report.failures.append((file, str(exc)))
            for _target, dest in targets_of[file]:
                progress.variant(str(dest), "failed")
            continue
        src = source_code or article.language
        date = article_date(article, options.date)
        if date is None:
            report.warnings.append(f"{file}: no date found; its variants have no date fields")
        digest = file_sha256(file)
        key = translation_key(article, os.path.relpath(file))
        for target, dest in targets_of[file]:
            identity_of = _identity_of(engine.inner, src, target)
            if not options.force and is_fresh(
                dest, digest, identity_of, _options_key(engine.inner), options.date
            ):
                report.variants.append(Variant(file, target.tag, str(dest), False, skipped=True))
                progress.variant(str(dest), "skipped")
                continue
            plan = plan_translation(article, target.argos, src)
            items.append(_Item(article, target, dest, plan, date, digest, key))

    # One engine pass per language pair over the chunk's distinct, unknown segments.
    answers: dict[tuple[str, str], dict[str, str]] = {}
    by_pair: dict[tuple[str, str], list[str]] = {}
    for item in items:
        by_pair.setdefault((item.plan.source_lang, item.plan.target), []).extend(item.plan.segments)
    failed_pairs: dict[tuple[str, str], str] = {}
    for (src, tgt), segments in by_pair.items():
        known, missing = engine.lookup(segments, src, tgt)
        engine.from_memory += sum(1 for s in segments if s.strip()) - len(missing)
        batches = [(src, tgt, b) for b in split_batches(missing, options.batch_segments)]
        try:
            for index, out in executor.run(batches):
                batch = batches[index][2]
                known.update(zip(batch, out, strict=True))
                engine.remember(list(zip(batch, out, strict=True)), src, tgt)
                engine.translated += len(batch)
                progress.segments(len(batch))
        except (TranslatorError, RuntimeError, ValueError, OSError) as exc:
            failed_pairs[(src, tgt)] = f"translation failed: {exc}"
        answers[(src, tgt)] = known
    report.notices.extend(n for n in engine.inner.notes if n not in report.notices)

    for item in items:
        pair = (item.plan.source_lang, item.plan.target)
        if pair in failed_pairs:
            report.failures.append((item.article.path, failed_pairs[pair]))
            progress.variant(str(item.dest), "failed")
            continue
        try:
            variant = _write_variant(item, answers[pair], engine, options, report)
        except InputError as exc:
            report.failures.append((item.article.path, str(exc)))
            progress.variant(str(item.dest), "failed")
            continue
        report.variants.append(variant)
        progress.variant(variant.path, "written" if variant.written else "unchanged")


def _write_variant(
    item: _Item,
    known: dict[str, str],
    engine: CachedEngine,
    options: LocalizeOptions,
    report: LocalizeReport,
) -> Variant:
    translated = [known[normalise(s)] if s.strip() else "" for s in item.plan.segments]
    identity = engine.identity(item.plan.source_lang, item.target.argos)
    tr = complete_translation(item.plan, translated, identity)
    for event in tr.events:
        report.notices.append(
            f"{item.article.path}:{event.line}: protected span {event.action}: {event.span}"
        )
    findings = translation_findings(tr, pseudo=engine.name == "pseudo")
    pub = published_line(item.target, tr.source_lang, item.date)
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
        engine=identity,
        options=_options_key(engine.inner) or None,
        qa=qa.summary(findings),
    )
    text = render_variant(options.fmt, tr, meta, pub)
    if options.fmt != "json":
        text = item.article.with_newlines(text)
    written = write_atomic(item.dest, text)
    return Variant(item.article.path, item.target.tag, str(item.dest), written)


def _lock_path(out: str | None, paths: list[str] | tuple[str, ...]) -> Path:
    """The run's lock, in the cache directory: one per output directory (or, without
    --out, per set of inputs), so that the output directory holds only variants."""
    targets = [out] if out is not None else list(paths)
    digest = hashlib.sha256(
        "\0".join(sorted(os.path.realpath(p) for p in targets)).encode()
    ).hexdigest()[:16]
    folder = default_path().parent / "locks"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"{digest}.lock"
