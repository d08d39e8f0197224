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
from dataclasses import dataclass, field
from pathlib import Path, PurePath

from . import qa
from .dates import ArticleDate, article_date
from .discover import discover
from .engines import DecodeOptions, Engine, get_engine
from .errors import InputError, UsageError
from .fsutil import write_atomic
from .labels import Labels
from .locales import Target, parse_locale
from .model import Article
from .pipeline import ReadOptions, load_article
from .translation import Translation, translate_article
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


@dataclass
class Variant:
    source: str
    locale: str
    path: str
    written: bool


@dataclass
class LocalizeReport:
    variants: list[Variant] = field(default_factory=list)
    failures: list[tuple[str, str]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


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


def localize(paths: list[str] | tuple[str, ...], options: LocalizeOptions) -> LocalizeReport:
    if options.fmt not in FORMATS:
        raise UsageError(f"unknown format {options.fmt!r}; choose md, html or json")
    if options.layout not in LAYOUTS:
        raise UsageError(f"unknown layout {options.layout!r}; choose filename or dir")
    engine = get_engine(options.engine, options.decode)
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

    if source_code is not None:
        for target in options.targets:
            engine.check_pair(source_code, target.argos)
    articles: list[Article] = []
    for file, _root in jobs:
        try:
            articles.append(load_article(file, options.read))
        except InputError as exc:
            report.failures.append((file, str(exc)))
    missing: list[str] = []
    for article in articles:
        for target in options.targets:
            try:
                engine.check_pair(source_code or article.language, target.argos)
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
    for article in articles:
        try:
            _localize_one(article, targets_of[article.path], engine, options, source_code, report)
        except InputError as exc:
            report.failures.append((article.path, str(exc)))
    return report


def _localize_one(
    article: Article,
    targets: list[tuple[Target, Path]],
    engine: Engine,
    options: LocalizeOptions,
    source_code: str | None,
    report: LocalizeReport,
) -> None:
    src = source_code or article.language
    date = article_date(article, options.date)
    if date is None:
        report.warnings.append(f"{article.path}: no date found; its variants have no date fields")
    raw = Path(article.path).read_bytes()
    digest = hashlib.sha256(raw).hexdigest()
    source_rel = os.path.relpath(article.path)
    key = translation_key(article, source_rel)
    for target, dest in targets:
        tr = translate_article(article, engine, target.argos, source=src)
        for event in tr.events:
            report.notices.append(
                f"{article.path}:{event.line}: protected span {event.action}: {event.span}"
            )
        pub = published_line(target, src, date)
        findings = translation_findings(tr, pseudo=engine.name == "pseudo")
        meta = VariantMeta(
            title=title_text(tr),
            date=date,
            date_display=pub.date_display if date else None,
            lang=target.tag,
            dir=target.direction,
            source_lang=src,
            source=source_rel,
            source_sha256=digest,
            translation_key=key,
            engine=tr.engine,
            qa=qa.summary(findings),
        )
        text = render_variant(options.fmt, tr, meta, pub)
        written = write_atomic(dest, text)
        report.variants.append(Variant(article.path, target.tag, str(dest), written))
