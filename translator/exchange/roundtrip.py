"""Work for people, in the formats their tools read: export and import.

``translator export`` writes one file per article and locale (XLIFF 2.1 or
1.2, or PO, through :mod:`.formats`) holding every
segment's source, its current target (a person's if the memory has one, else
the newest machine draft), a stable id, its state, the source line and the QA
findings.  ``translator import`` reads edited files back: each unit's id and
source must still match the article, protected spans must have survived and
the QA checks must find no error; accepted targets become human translations
in the memory, all of a file's at once or none (one transaction).

The model here is :class:`~.model.ExchangeFile`; each format's module reads
and writes it and nothing else does.
"""

from __future__ import annotations

import glob
import hashlib
import json
import os
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import codec, qa
from ..article import Article
from ..discover import discover
from ..errors import InputError, TranslatorError, UsageError
from ..fsutil import bytes_sha256, keep_copy, write_atomic
from ..glossary import Glossary, TermRules
from ..locales import Target, parse_locale
from ..memory import (
    BLOCK,
    SEGMENT,
    HumanEntry,
    HumanRow,
    Memory,
    MemoryEntry,
    normalise,
    place_scope,
)
from ..people import Answers, answers_for, article_context
from ..pipeline import ReadOptions, load_article
from ..project import ENVIRONMENT as MEMORY_VARIABLE
from ..project import Project, find_project, memory_path
from ..translation import Plan, plan_translation
from ..variants import is_variant
from . import formats
from .model import ExchangeFile, ExchangeUnit, fill_spans, remask

XLIFF_VERSIONS = ("2.1", "1.2")
# the note of a sentence whose paragraph a person translated whole (with its first sentence)
PARAGRAPH_NOTE = (
    "translated with the paragraph's first sentence: a person translated the whole paragraph as one"
)


def unit_ids(segments: list[str]) -> list[str]:
    """Stable ids from the segments themselves (a repeat gets ``-2``, ``-3``…).

    >>> ids = unit_ids(["A.", "B.", "A."])
    >>> ids[2] == ids[0] + "-2", ids[0] != ids[1], len(ids[0])
    (True, True, 13)
    """
    seen: Counter[str] = Counter()
    ids = []
    for segment in segments:
        digest = hashlib.sha256(normalise(segment).encode("utf-8")).hexdigest()
        base = "s" + digest[:12]
        seen[base] += 1
        ids.append(base if seen[base] == 1 else f"{base}-{seen[base]}")
    return ids


def place_of(unit_id: str) -> int:
    """The place of a unit's sentence among its occurrences (``sX-2``: 2).

    >>> place_of("s0123456789ab"), place_of("s0123456789ab-3")
    (1, 3)
    """
    _base, _, place = unit_id.partition("-")
    return int(place) if place.isdigit() else 1


def _segment_rows(plan: Plan) -> list[tuple[str, int, dict[int, str], int]]:
    """(segment, source line, its spans, its index) for every non-blank segment of *plan*."""
    rows = []
    for owner, unit in plan.units:
        if unit is None:
            continue
        for index in range(unit.first, unit.first + len(unit.sentences)):
            sentence = plan.segments[index]
            if not sentence.strip():
                continue
            spans = {n: unit.masked.spans[n] for n in codec.numbers(sentence)}
            rows.append((sentence, owner.line if owner is not None else 1, spans, index))
    return rows


def build_file(
    plan: Plan,
    target: Target,
    source_path: str,
    memory: Memory | None,
    people: Answers | None = None,
    terms: TermRules | None = None,
) -> ExchangeFile:
    """The exchange file of one article and locale: each segment's target is
    *people*'s translation for this article and locale, else the newest
    machine draft in *memory*; each unit notes the glossary's *terms* it holds."""
    rows = _segment_rows(plan)
    drafts = memory.drafts([r[0] for r in rows], plan.source_lang, plan.target) if memory else {}
    people = people or Answers()
    out = ExchangeFile(source_path, plan.source_lang, target.tag)
    for unit_id, (segment, line, spans, index) in zip(
        unit_ids([r[0] for r in rows]), rows, strict=True
    ):
        key = normalise(segment)
        unit = ExchangeUnit(unit_id, segment, None, "initial", line, spans)
        human = (people.by_index[index], people.rows[index]) if index in people.by_index else None
        pseudo = _target(unit, human, people.previous.get(index), drafts.get(key))
        if human is not None and key in people.inconsistent:
            unit.notes.append("inconsistent: other articles translate this sentence differently")
        if terms:
            unit.notes += [f"term: {rule.describe()}" for _a, _b, rule in terms.find(segment)]
        if unit.target is not None:
            for finding in qa.check_pair(
                0, line, unit.filled(segment), unit.filled(unit.target),
                plan.source_lang, plan.target, pseudo=pseudo, terms=terms,
            ):  # fmt: skip
                unit.notes.append(f"QA {finding.severity}: {finding.check}: {finding.message}")
        out.units.append(unit)
    return out


def _target(
    unit: ExchangeUnit,
    human: tuple[str, HumanRow] | None,
    previous: HumanRow | None,
    draft: MemoryEntry | None,
) -> bool:
    """Give *unit* its target and state, with a note saying whose it is: a
    person's, a person's for the source as it was (to review), else the newest
    machine draft.  Whether the target is pseudo-engine text."""
    if human is not None and human[1].scope == BLOCK and not human[0]:
        # a paragraph a person translated whole answers its first sentence
        unit.notes.append(PARAGRAPH_NOTE)
        return False
    if human is not None:
        text, row = human
        unit.target, unit.state = text, row.state
        whole = " of the whole paragraph (its sentences merged or split)"
        unit.notes.append("human translation" + (whole if row.scope == BLOCK else ""))
        return False
    if previous is not None and _same_spans(previous.target, unit.source):
        unit.target, unit.previous_source = previous.target, previous.source
        unit.notes.append(
            f"needs review: a person's translation of the source as it was before it "
            f"changed ({previous.source!r})"
            + (f"; machine draft: {draft.target!r}" if draft is not None else "")
        )
        return False
    if draft is not None:
        unit.target = draft.target
        unit.notes.append(f"machine translation ({draft.model})")
        return draft.model == "pseudo"
    return False


def _same_spans(target: str, segment: str) -> bool:
    """An old translation can stand for *segment* only with its protected spans."""
    return sorted(codec.numbers(target)) == sorted(codec.numbers(segment))


@dataclass
class ExportOptions:
    targets: list[Target]
    out: str
    fmt: str = "xliff"
    xliff_version: str = "2.1"
    source: str | None = None  # source language code; None: detected
    read: ReadOptions = field(default_factory=ReadOptions)
    cache: str | None = None
    force: bool = False  # replace exchange files changed since export wrote them (a copy is kept)
    glossary: Glossary | None = None  # each unit notes its terms; QA checks them


@dataclass
class ExportReport:
    written: list[str] = field(default_factory=list)
    failures: list[tuple[str, str]] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    units: int = 0
    with_target: int = 0

    @property
    def ok(self) -> bool:
        return not self.failures

    def as_dict(self) -> dict[str, Any]:
        return {
            "written": self.written,
            "units": self.units,
            "with_target": self.with_target,
            "failures": [{"path": p, "reason": r} for p, r in self.failures],
            "notices": self.notices,
        }


EXPORTS = "exports.json"  # beside the memory: what export last wrote, by file


class Written:
    """What export last wrote to each exchange file (their SHA-256), kept beside
    the memory, so that a file a translator changed since is never overwritten."""

    def __init__(self, memory: Path) -> None:
        self.path = memory.parent / EXPORTS
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            data = {}
        self.hashes: dict[str, str] = data if isinstance(data, dict) else {}

    def _key(self, dest: Path) -> str:
        """*dest* relative to the folder of the record (the project's, where the
        memory is): a project moved or copied elsewhere keeps its record."""
        return os.path.relpath(os.path.realpath(dest), os.path.realpath(self.path.parent))

    def changed(self, dest: Path) -> bool:
        """A file is there that export did not write as it is now."""
        current = bytes_sha256(dest)
        if current is None:
            return False
        recorded = self.hashes.get(self._key(dest), self.hashes.get(os.path.realpath(dest)))
        return recorded != current  # an absolute key: written by an earlier version

    def record(self, dest: Path) -> None:
        digest = bytes_sha256(dest)
        if digest is not None:
            self.hashes.pop(os.path.realpath(dest), None)
            self.hashes[self._key(dest)] = digest

    def save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(self.path, json.dumps(self.hashes, indent=1, sort_keys=True) + "\n")


def export_path(out: str, source: str, root: str, tag: str, fmt: str) -> Path:
    """``OUT/<the source's path in its project>.<tag>.<xlf|po>``: in a project
    (a translator.toml, a .translator/ folder or a git root above it), one
    article has one path whether it is exported alone or with its folder;
    elsewhere its path under *root*, the folder it was found under."""
    project = find_project([source])
    real = os.path.realpath(source)
    if project.marked and Path(real).is_relative_to(project.root):
        relative = Path(os.path.relpath(real, project.root))
    else:
        relative = Path(os.path.relpath(source, root) if os.path.isdir(root) else Path(source).name)
    return Path(out) / relative.parent / f"{relative.name}.{tag}.{formats.FORMATS[fmt].extension}"


def export(paths: list[str] | tuple[str, ...], options: ExportOptions) -> ExportReport:
    """Write an exchange file per article under *paths* and locale of *options*.

    Sources already in a target's language are skipped (with a notice); two
    sources that would write one file are refused before any is written
    (exit 2); a file changed since export last wrote it (a translator's work)
    is not overwritten unless ``force`` (a copy is kept)."""
    if options.xliff_version not in XLIFF_VERSIONS:
        raise UsageError(f"unknown XLIFF version {options.xliff_version!r}; choose 2.1 or 1.2")
    writer = formats.by_name(options.fmt, options.xliff_version)
    report = ExportReport()
    sources = _sources(paths, options, report)
    cache = memory_path(options.cache, paths)
    memory = Memory(cache) if cache.exists() else None  # export creates no memory
    project = find_project(paths)
    written = Written(cache)
    try:
        for file, root in sources:
            try:
                article = load_article(file, options.read)
            except InputError as exc:
                report.failures.append((file, str(exc)))
                continue
            src = parse_locale(options.source).argos if options.source else article.language
            context = article_context(article, project)
            for target in options.targets:
                if src == target.argos:
                    report.notices.append(
                        f"{file}: already in {target.tag} (nothing to translate); not exported"
                    )
                    continue
                plan = plan_translation(article, target.argos, src)
                people = answers_for(plan, memory, target.tag, context)
                terms = options.glossary.rules(src, target) if options.glossary else None
                exchange = build_file(plan, target, os.path.relpath(file), memory, people, terms)
                dest = export_path(options.out, file, root, target.tag, options.fmt)
                if _write(dest, writer.write(exchange), file, written, cache, options, report):
                    report.units += len(exchange.units)
                    report.with_target += sum(u.target is not None for u in exchange.units)
    finally:
        if memory is not None:
            memory.close()
        if report.written:
            try:
                written.save()
            except (OSError, InputError) as exc:
                report.notices.append(f"cannot record what was exported ({exc})")
    return report


def _sources(
    paths: list[str] | tuple[str, ...], options: ExportOptions, report: ExportReport
) -> list[tuple[str, str]]:
    """The articles under *paths* (variants left out); two that would write one
    exchange file are refused before any is written."""
    found = discover(paths)
    report.notices.extend(found.notices)
    sources = [
        (file, root)
        for file, root in zip(found.files, found.roots, strict=True)
        if not is_variant(file)
    ]
    planned: dict[str, str] = {}
    for file, root in sources:
        for target in options.targets:
            dest = export_path(options.out, file, root, target.tag, options.fmt)
            key = os.path.normcase(os.path.abspath(dest)).casefold()
            if key in planned:
                raise UsageError(
                    f"{planned[key]} and {file} would both be exported to {dest}; "
                    "export them separately or from their directory"
                )
            planned[key] = file
    return sources


def _write(
    dest: Path,
    text: str,
    file: str,
    written: Written,
    cache: Path,
    options: ExportOptions,
    report: ExportReport,
) -> bool:
    """Write one exchange file, unless a translator changed it since export
    wrote it (then only with ``force``, keeping a copy); whether it was written."""
    if written.changed(dest):
        if not options.force:
            report.failures.append(
                (
                    file,
                    f"{dest}: changed since export wrote it (a translator's work?); left as "
                    "it is: translator import it first, or export with --force to replace it "
                    "(a copy is kept)",
                )
            )
            return False
        copy = _keep_copy(dest, cache)
        report.notices.append(f"{dest}: replaced (--force); a copy is in {copy}")
    try:
        write_atomic(dest, text, root=options.out)
    except (OSError, InputError) as exc:
        report.failures.append((file, f"{dest}: cannot write: {exc}"))
        return False
    written.record(dest)
    report.written.append(str(dest))
    return True


def _keep_copy(dest: Path, memory: Path) -> Path:
    return keep_copy(dest, memory.parent / "exports-replaced")


# -- import ----------------------------------------------------------------------


@dataclass
class FileImport:
    path: str
    imported: int = 0
    stale: list[str] = field(default_factory=list)  # unit ids whose source changed
    rejected: list[str] = field(default_factory=list)  # "id: why"
    skipped: int = 0  # units with no target, or not translated yet
    refused: int = 0  # good units not taken because another unit of the file was rejected
    enforce: frozenset[str] | None = None  # the article's project's enforced checks, once read

    def as_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "imported": self.imported,
            "stale": self.stale,
            "rejected": self.rejected,
            "skipped": self.skipped,
            "refused": self.refused,
        }


@dataclass
class ImportReport:
    files: list[FileImport] = field(default_factory=list)
    failures: list[tuple[str, str]] = field(default_factory=list)
    memory: str = ""  # the memory file the translations went to

    @property
    def ok(self) -> bool:
        return not self.failures

    def as_dict(self) -> dict[str, Any]:
        return {
            "files": [f.as_dict() for f in self.files],
            "imported": sum(f.imported for f in self.files),
            "memory": self.memory,
            "failures": [{"path": p, "reason": r} for p, r in self.failures],
        }


def read_exchange(path: str, max_bytes: int) -> ExchangeFile:
    """An exported file read back (XLIFF 1.2/2.1 or PO, by its name)."""
    return formats.for_file(path).read(path, max_bytes)


def _enforced(result: FileImport, plan: Plan) -> frozenset[str]:
    """The checks the article's project enforces (read once per file)."""
    if result.enforce is None:
        result.enforce = find_project([plan.article.path]).enforce
    return result.enforce


def accepted(
    unit: ExchangeUnit,
    expected: tuple[str, dict[int, str]],
    result: FileImport,
    plan: Plan,
    masked: bool,
) -> HumanEntry | None:
    """*unit*'s target as a person's translation of its segment, or None (why
    in *result*: skipped, stale or rejected by the entry check)."""
    segment, spans = expected
    if (
        unit.target is None
        or not unit.target.strip()
        or unit.state not in ("translated", "reviewed")
    ):
        result.skipped += 1
        return None
    source = unit.source if masked else remask(unit.source, spans)
    if source is None or normalise(source) != normalise(segment):
        result.stale.append(unit.id)
        return None
    target = unit.target if masked else remask(unit.target, spans)
    if target is None or sorted(codec.numbers(target)) != sorted(codec.numbers(segment)):
        result.rejected.append(f"{unit.id}: a protected span was lost, altered or added")
        return None
    source_text = fill_spans(segment, spans)
    target_text = fill_spans(target, spans)
    problem = qa.entry_problem(
        source_text,
        target_text,
        plan.source_lang,
        plan.target,
        enforce=_enforced(result, plan),
    )
    if problem is not None:
        result.rejected.append(f"{unit.id}: {problem}")
        return None
    scope = place_scope(place_of(unit.id))  # a repeated sentence: each place its own
    return HumanEntry(normalise(segment), target, unit.state, result.path, scope)


EXCHANGE_SUFFIXES = (".xlf", ".xliff", ".po")


def exchange_files(paths: list[str] | tuple[str, ...]) -> tuple[list[str], list[tuple[str, str]]]:
    """The exchange files *paths* name: files as given, the XLIFF and PO files
    in folders (recursively, sorted), and glob patterns (``x/**/*.xlf``)
    expanded; with a line for each path that names none."""
    files: list[str] = []
    missing: list[tuple[str, str]] = []
    for path in paths:
        if os.path.isdir(path):
            found = sorted(
                str(p) for p in Path(path).rglob("*") if p.suffix.lower() in EXCHANGE_SUFFIXES
            )
            if not found:
                missing.append((path, f"{path}: no XLIFF or PO file in this folder"))
            files += found
        elif not os.path.exists(path) and any(c in path for c in "*?["):
            found = sorted(glob.glob(path, recursive=True))
            if not found:
                missing.append((path, f"{path}: no file matches this pattern"))
            files += found
        else:
            files.append(path)
    return list(dict.fromkeys(files)), missing


def import_files(
    paths: list[str] | tuple[str, ...],
    *,
    cache: str | None = None,
    read: ReadOptions | None = None,
) -> ImportReport:
    """Read edited exchange files back into the memory (see the module's
    docstring); folders and glob patterns name the files they hold."""
    read = read or ReadOptions()
    report = ImportReport()
    paths, report.failures = exchange_files(paths)
    articles: dict[str, Article] = {}  # one article's files for several locales read it once
    named = _articles_named(paths, read)
    project = None if cache or os.environ.get(MEMORY_VARIABLE) else _import_project(named)
    if project is not None:
        qa.enforced(project)  # its settings' checks are known ones, before any work
    memory_file = project.memory if project is not None else memory_path(cache, paths)
    report.memory = str(memory_file)
    with Memory(memory_file) as memory:
        for path in paths:
            if project is not None and not _in_project(named.get(path), project):
                report.failures.append((path, _elsewhere(path, named.get(path), project)))
                continue
            try:
                result = _import_one(path, memory, read, articles)
            except TranslatorError as exc:
                report.failures.append((path, str(exc)))
                continue
            report.files.append(result)
            if result.rejected:
                report.failures.append(
                    (
                        path,
                        f"{path}: {len(result.rejected)} unit(s) rejected; nothing taken from "
                        "this file (a file is taken whole or not at all): fix them and import "
                        "it again",
                    )
                )
    return report


def _articles_named(paths: list[str] | tuple[str, ...], read: ReadOptions) -> dict[str, str]:
    """The article each exchange file names (as written in it), when it reads."""
    named: dict[str, str] = {}
    for path in paths:
        try:
            named[path] = read_exchange(path, read.max_bytes).source_path
        except TranslatorError:
            continue  # reported when the file is imported
    return named


def _import_project(named: dict[str, str]) -> Project:
    """The project an import goes to: the working directory's when an article
    the files name is in it, else that of the first article they name that is
    there; never the folder the exchange files happen to be in (a download
    folder)."""
    here = find_project([os.getcwd()])
    present = [source for source in named.values() if os.path.isfile(source)]
    if not present or any(_in_project(source, here) for source in present):
        return here
    return find_project(present[:1])


def _in_project(source: str | None, project: Project) -> bool:
    if source is None or not os.path.isfile(source):
        return True  # a file that does not read, or names no article here, says so itself
    return find_project([source]).root == project.root


def _elsewhere(path: str, source: str | None, project: Project) -> str:
    return (
        f"{path}: its article {source} belongs to another project than "
        f"{os.path.relpath(project.root)} (memory {os.path.relpath(project.memory)}); "
        "import it from there, or with --cache"
    )


def expected_units(plan: Plan) -> dict[str, tuple[str, dict[int, str]]]:
    """Each unit id of *plan* with its segment (placeholders) and spans."""
    rows = _segment_rows(plan)
    return {
        unit_id: (segment, spans)
        for unit_id, (segment, _line, spans, _index) in zip(
            unit_ids([r[0] for r in rows]), rows, strict=True
        )
    }


def as_paragraph(entry: HumanEntry, blocks: dict[str, str]) -> HumanEntry:
    """The first sentence of a paragraph a person translated whole stands for it."""
    if entry.scope == SEGMENT and entry.source in blocks:
        return HumanEntry(blocks[entry.source], entry.target, entry.state, entry.note, BLOCK)
    return entry


def whole_paragraphs(plan: Plan, memory: Memory, locale: str, context: str) -> dict[str, str]:
    """The first sentence (normalised) of each paragraph this article's
    translation answers whole, with the paragraph's own source."""
    people = answers_for(plan, memory, locale, context)
    out: dict[str, str] = {}
    for _owner, unit in plan.units:
        if unit is None or unit.first not in people.rows:
            continue
        row = people.rows[unit.first]
        if row.scope == BLOCK and people.by_index.get(unit.first):
            out[normalise(plan.segments[unit.first])] = row.source
    return out


def _import_one(
    path: str, memory: Memory, read: ReadOptions, articles: dict[str, Article]
) -> FileImport:
    exchange = read_exchange(path, read.max_bytes)
    try:
        target = parse_locale(exchange.target_lang)
    except UsageError:
        raise InputError(path, f"unknown target language {exchange.target_lang!r}") from None
    try:
        # what CAT tools write (en-US) is the article's language (en)
        source_lang = parse_locale(exchange.source_lang).argos
    except UsageError:
        raise InputError(path, f"unknown source language {exchange.source_lang!r}") from None
    if not os.path.isfile(exchange.source_path):
        raise InputError(path, f"its article {exchange.source_path} is not there")
    key = os.path.realpath(exchange.source_path)
    if key not in articles:
        articles[key] = load_article(exchange.source_path, read)
    article = articles[key]
    plan = plan_translation(article, target.argos, source_lang)
    expected = expected_units(plan)
    context = article_context(article, find_project([exchange.source_path]))
    blocks = whole_paragraphs(plan, memory, target.tag, context)
    result = FileImport(path)
    entries = []
    seen: set[str] = set()
    for unit in exchange.units:
        if unit.id in seen:
            result.rejected.append(f"{unit.id}: the unit appears more than once in the file")
            continue
        seen.add(unit.id)
        if unit.id not in expected:
            result.stale.append(unit.id)
            continue
        entry = accepted(unit, expected[unit.id], result, plan, exchange.masked)
        if entry is not None:
            entries.append(as_paragraph(entry, blocks))
    if result.rejected:
        # a file is taken whole or not at all: one rejected unit keeps it all out
        result.refused = len(entries)
        return result
    if entries:
        try:
            memory.put_human(
                entries, plan.source_lang, plan.target, locale=target.tag, article=context
            )
        except Exception as exc:  # noqa: BLE001 - sqlite3.Error of any kind: nothing stored
            raise InputError(path, f"cannot store in the translation memory: {exc}") from None
    result.imported = len(entries)
    return result
