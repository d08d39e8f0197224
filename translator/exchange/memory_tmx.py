"""The translation memory to and from TMX: ``translator cache export --format
tmx FILE`` and ``translator cache import FILE`` (the file format itself is
:mod:`.tmx`'s).

Export writes every entry with its origin, state and model as properties,
and a person's translation with its article, scope and locale (the target's
``xml:lang``).  Import takes a file back, or one from a CAT tool (plain
segments: their URLs, e-mail addresses, inline code and format placeholders
are protected as the tool protects them), as human translations unless
``--origin machine``, in one transaction; a person's text passes the checks
machine text gets, or stays out; an invalid language tag skips its unit.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .. import qa
from ..errors import UsageError
from ..fsutil import write_atomic
from ..locales import parse_locale
from ..memory import (
    HUMAN,
    MACHINE,
    SEGMENT,
    HumanEntry,
    Memory,
    MemoryEntry,
    is_scope,
    memory_key,
    normalise,
)
from ..project import find_project
from ..protect import mask
from . import tmx
from .model import ExchangeUnit, remask

ORIGINS = (HUMAN, MACHINE)
BATCH = 2000  # units read between two writes of one import's transaction
SHOWN_SKIPPED = 100  # reasons kept for skipped units; the rest are counted


@dataclass
class TmxExport:
    path: str
    units: int

    def as_dict(self) -> dict[str, Any]:
        return {"path": self.path, "units": self.units}


def _unit(entry: MemoryEntry) -> ExchangeUnit:
    props = {
        tmx.CREATED: repr(entry.created),
        "origin": entry.origin,
        "state": entry.state,
        "model": entry.model,
        "options": entry.options,
        "note": entry.note,
        "article": entry.article,
        "scope": entry.scope if entry.scope != SEGMENT else "",
    }
    unit = ExchangeUnit("", entry.source, entry.target, entry.state, 0, props=props)
    unit.source_lang = entry.source_lang
    human = entry.origin == HUMAN and entry.locale
    unit.target_lang = entry.locale if human else entry.target_lang
    return unit


def export_tmx(path: str, cache: str | None = None) -> TmxExport:
    """Write every entry of the memory at *cache* to the TMX file *path*."""
    with Memory(cache) as memory:
        units = [_unit(entry) for entry in memory.entries()]
    write_atomic(path, tmx.write(units))
    return TmxExport(path, len(units))


@dataclass
class TmxImport:
    path: str
    imported: int = 0
    skipped: list[str] = field(default_factory=list)  # why, for the first SHOWN_SKIPPED
    skipped_count: int = 0
    enforce: frozenset[str] = frozenset()  # the QA checks the project enforces

    def skip(self, why: str) -> None:
        self.skipped_count += 1
        if len(self.skipped) < SHOWN_SKIPPED:
            self.skipped.append(why)

    def as_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "imported": self.imported,
            "skipped": self.skipped_count,
            "skipped_reasons": self.skipped,
        }


def _language(code: str) -> tuple[str, str] | None:
    """``fr-CA`` → (``fr``, ``fr-ca``): the engine's language code and the
    locale; None for a tag that is no language (``../../etc``)."""
    try:
        target = parse_locale(code)
    except UsageError:
        return None
    return target.argos, target.tag.lower()


def import_tmx(path: str, cache: str | None = None, origin: str | None = None) -> TmxImport:
    """Read the TMX file *path* into the memory at *cache*, in one transaction.

    Each unit is a human translation, or a machine one, as *origin* says; by
    default as its own ``x-translator-origin`` property says, else human.
    """
    if origin is not None and origin not in ORIGINS:
        raise UsageError(f"--origin is human or machine, not {origin!r}")
    result = TmxImport(path)
    result.enforce = find_project().enforce  # the working directory's project
    memory = Memory(cache)
    human: dict[tuple[str, str, str, str], list[HumanEntry]] = {}
    machine: list[tuple[str, str, str, str, str, str, str]] = []

    def flush() -> None:
        """Write what was read so far (inside the one transaction)."""
        for (src, tgt, locale, article), entries in human.items():
            memory.put_human(entries, src, tgt, locale=locale, article=article, commit=False)
            result.imported += len(entries)
        memory.put_many(machine, commit=False)
        result.imported += len(machine)
        human.clear()
        machine.clear()

    try:
        with memory.transaction():  # every unit or none; written in batches as read
            for number, unit in enumerate(tmx.iter_units(path), start=1):
                _take(unit, number, path, origin, result, human, machine)
                if number % BATCH == 0:
                    flush()
            flush()
    except BaseException:
        result.imported = 0
        raise
    finally:
        memory.close()
    return result


def _take(
    unit: ExchangeUnit,
    number: int,
    path: str,
    origin: str | None,
    result: TmxImport,
    human: dict[tuple[str, str, str, str], list[HumanEntry]],
    machine: list[tuple[str, str, str, str, str, str, str]],
) -> None:
    where = f"unit {unit.id.removeprefix('tu')}"
    if unit.target is None:
        result.skip(f"{where}: fewer than two languages")
        return
    source, target = unit.source, unit.target
    if not unit.masked:
        masked = mask(source, "text")
        remasked = remask(target, dict(enumerate(masked.spans)))
        if remasked is None:
            result.skip(f"{where}: a protected span of the source is not in the target")
            return
        source, target = masked.text, remasked
    languages = _language(unit.source_lang), _language(unit.target_lang)
    if languages[0] is None or languages[1] is None:
        bad = unit.source_lang if languages[0] is None else unit.target_lang
        result.skip(f"{where}: {bad!r} is not a language tag")
        return
    (src, _source_tag), (tgt, locale) = languages[0], languages[1]
    if (origin or unit.props.get("origin", HUMAN)) != MACHINE:
        # a person's text passes the checks machine text gets, or stays out
        problem = qa.entry_problem(source, target, src, tgt, enforce=result.enforce)
        if problem is not None:
            result.skip(f"{where}: {problem}")
            return
        state = unit.props.get("state", "translated")
        state = state if state in ("translated", "reviewed") else "translated"
        scope = unit.props.get("scope") or SEGMENT
        scope = scope if is_scope(scope) else SEGMENT
        human.setdefault((src, tgt, locale, unit.props.get("article", "")), []).append(
            HumanEntry(normalise(source), target, state, unit.props.get("note", path), scope)
        )
    else:
        model = unit.props.get("model", "tmx")
        options = unit.props.get("options", "")
        key = memory_key(source, src, tgt, model, options)
        machine.append((key, normalise(source), target, src, tgt, model, options))
