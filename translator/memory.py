"""Translation memory: SQLite, shared by runs and processes.

A machine translation's key is the normalised source segment (NFC, white
space folded), the source and target languages, the model identity and
version, and the decoding options; the value is the translation.  Machine
drafts are shared by every article and by the locales one model serves (fr
and fr-CA).

A person's translation belongs to a locale (``fr-ca`` is not ``fr``) and to
an article (``article``: its translation key or its path in the project; empty
for entries that came without one, such as a TMX memory), and covers one
segment or a whole block (``scope``: a paragraph whose sentences a person
merged or split).  :mod:`translator.people` decides which of them answers a
segment of a given article.  WAL mode and a busy timeout let two processes
share the file.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sqlite3
import time
import unicodedata
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from filelock import FileLock, Timeout

from .engines import Engine
from .errors import UsageError
from .project import memory_path

if TYPE_CHECKING:
    from .glossary import TermRules

SCHEMA = """
CREATE TABLE IF NOT EXISTS memory (
    key TEXT PRIMARY KEY,
    source TEXT NOT NULL,
    target TEXT NOT NULL,
    source_lang TEXT NOT NULL,
    target_lang TEXT NOT NULL,
    model TEXT NOT NULL,
    options TEXT NOT NULL,
    created REAL NOT NULL,
    origin TEXT NOT NULL DEFAULT 'machine',
    state TEXT NOT NULL DEFAULT 'draft',
    note TEXT NOT NULL DEFAULT '',
    locale TEXT NOT NULL DEFAULT '',
    article TEXT NOT NULL DEFAULT '',
    scope TEXT NOT NULL DEFAULT 'segment'
)
"""
# A person's translation replaced by another person's (a later edit or import
# of the same segment, locale and article) is kept here, never lost.
PREVIOUS_SCHEMA = """
CREATE TABLE IF NOT EXISTS previous (
    key TEXT NOT NULL,
    source TEXT NOT NULL,
    target TEXT NOT NULL,
    source_lang TEXT NOT NULL,
    target_lang TEXT NOT NULL,
    locale TEXT NOT NULL,
    article TEXT NOT NULL,
    scope TEXT NOT NULL,
    state TEXT NOT NULL,
    note TEXT NOT NULL,
    created REAL NOT NULL,
    replaced REAL NOT NULL
)
"""
# Columns added after the first release: (name, declaration), added on open.
_ADDED_COLUMNS = [
    ("origin", "TEXT NOT NULL DEFAULT 'machine'"),  # machine or human
    ("state", "TEXT NOT NULL DEFAULT 'draft'"),  # draft (machine), translated, reviewed
    ("note", "TEXT NOT NULL DEFAULT ''"),  # where a human translation came from
    ("locale", "TEXT NOT NULL DEFAULT ''"),  # a human translation's locale tag, lowercase
    ("article", "TEXT NOT NULL DEFAULT ''"),  # the article a human translation was made in
    ("scope", "TEXT NOT NULL DEFAULT 'segment'"),  # segment, or block (a whole paragraph)
]
SEGMENT = "segment"
# A machine draft's note: the words its engine did not know (Apertium's marks).
UNKNOWN_NOTE = "unknown: "
BLOCK = "block"
HUMAN = "human"
MACHINE = "machine"


def place_scope(place: int) -> str:
    """The scope of a person's translation of a sentence's *place*-th occurrence
    in its article: the first is plain SEGMENT (it answers the sentence's other
    places too, unless they have their own), a later one ``segment#N``.

    >>> place_scope(1), place_scope(3)
    ('segment', 'segment#3')
    """
    return SEGMENT if place <= 1 else f"{SEGMENT}#{place}"


def is_scope(scope: str) -> bool:
    """*scope* is one the memory keeps: a block, a sentence, or a sentence's place."""
    if scope in (SEGMENT, BLOCK):
        return True
    head, _, place = scope.partition("#")
    return head == SEGMENT and place.isdigit() and int(place) > 1


def normalise(segment: str) -> str:
    return " ".join(unicodedata.normalize("NFC", segment).split())


def memory_key(segment: str, source: str, target: str, model: str, options: str) -> str:
    payload = json.dumps([normalise(segment), source, target, model, options], ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def human_key(
    segment: str, source: str, locale: str, article: str = "", scope: str = "segment"
) -> str:
    """A person's translation: one per segment (or block), locale and article,
    whatever the model.  An entry without an article and of one segment has the
    key earlier versions gave it (their locale was the target language)."""
    context = article if scope == SEGMENT else f"{article}\0{scope}"
    return memory_key(segment, source, locale, HUMAN, context)


@dataclass(frozen=True)
class HumanEntry:
    """A translation by a person, for :meth:`Memory.put_human`."""

    source: str  # the segment as the tool segments it (placeholders for protected spans)
    target: str
    state: str = "translated"  # or "reviewed"
    note: str = ""  # where it came from: a variant, an imported file
    # or BLOCK: *source* is a whole block's sentences, joined; or place_scope(N):
    # the sentence's Nth occurrence in its article
    scope: str = SEGMENT


@dataclass(frozen=True)
class HumanRow:
    """A person's translation as stored, with what it belongs to."""

    source: str
    target: str
    locale: str
    article: str
    scope: str
    state: str
    created: float
    note: str


@dataclass(frozen=True)
class MemoryEntry:
    source: str
    target: str
    source_lang: str
    target_lang: str
    model: str
    created: float
    origin: str
    state: str
    note: str
    options: str = ""
    locale: str = ""  # a person's translation: its locale tag (lowercase)
    article: str = ""  # and the article it was made in
    scope: str = SEGMENT


@dataclass
class MemoryStats:
    path: str
    entries: int
    size_bytes: int
    models: dict[str, int]
    human: int = 0
    machine: int = 0
    exists: bool = True

    def as_dict(self) -> dict[str, object]:
        return {
            "path": self.path,
            "exists": self.exists,
            "entries": self.entries,
            "human": self.human,
            "machine": self.machine,
            "size_bytes": self.size_bytes,
            "models": self.models,
        }


class Memory:
    """The SQLite file: the one owner of the translation memory's format."""

    SETUP_TRIES = 50

    def __init__(self, path: str | os.PathLike[str] | None = None) -> None:
        self.path = Path(path) if path else memory_path(None)
        if self.path.is_symlink():
            raise UsageError(
                f"translation memory {self.path} is a symbolic link; give the file's real path"
            )
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # Two runs creating the memory at once: set it up under a lock, and
            # retry the switch to WAL, which SQLite refuses at once when busy.
            with FileLock(str(self.path) + ".lock", timeout=60):
                self.db = sqlite3.connect(self.path, timeout=30.0)
                self.db.execute("PRAGMA busy_timeout=30000")
                self._check_is_memory()
                self.unwritable = self._setup()
                self.writable = self.unwritable is None
                self.has_table = self.writable or self._table_exists()
        except sqlite3.DatabaseError as exc:
            raise UsageError(broken_message(self.path, exc)) from None
        except (OSError, Timeout) as exc:
            raise UsageError(f"translation memory {self.path} cannot be opened: {exc}") from None

    def _check_is_memory(self) -> None:
        tables = {row[0] for row in self.db.execute("SELECT name FROM sqlite_master")}
        if tables and "memory" not in tables:
            raise sqlite3.DatabaseError("an SQLite database, but not a translation memory")

    def _table_exists(self) -> bool:
        query = "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'memory'"
        return self.db.execute(query).fetchone() is not None

    def _setup(self) -> str | None:
        """WAL mode and the table; why the file cannot be written, or None."""
        for attempt in range(self.SETUP_TRIES):
            try:
                self.db.execute("PRAGMA journal_mode=WAL")
                self.db.execute(SCHEMA)
                self.db.execute(PREVIOUS_SCHEMA)
                present = {row[1] for row in self.db.execute("PRAGMA table_info(memory)")}
                for name, declaration in _ADDED_COLUMNS:
                    if name not in present:
                        self.db.execute(f"ALTER TABLE memory ADD COLUMN {name} {declaration}")
                self.db.execute(
                    "CREATE INDEX IF NOT EXISTS memory_source"
                    " ON memory (source, source_lang, target_lang)"
                )
                self.db.execute(
                    "CREATE INDEX IF NOT EXISTS memory_people"
                    " ON memory (origin, source_lang, locale, created)"
                )
                self.db.execute(
                    "CREATE INDEX IF NOT EXISTS memory_article ON memory (article, locale)"
                )
                # people's translations stored before locales were kept: their
                # locale is the target language they were stored under
                self.db.execute(
                    "UPDATE memory SET locale = lower(target_lang)"
                    " WHERE origin = 'human' AND locale = ''"
                )
                self.db.commit()
                return None
            except sqlite3.OperationalError as exc:
                text = str(exc)
                if "locked" in text or "busy" in text:
                    time.sleep(0.05 * (attempt + 1))
                    continue
                if "readonly" in text or "read-only" in text or "disk" in text:
                    return text  # readable, not writable: runs go on without saving
                raise
        raise sqlite3.OperationalError("database is locked (gave up setting it up)")

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Memory:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def get_many(self, keys: Sequence[str]) -> dict[str, str]:
        return {key: target for key, (target, _note) in self.get_notes(keys).items()}

    def get_notes(self, keys: Sequence[str]) -> dict[str, tuple[str, str]]:
        """(target, note) of each key the memory holds."""
        found: dict[str, tuple[str, str]] = {}
        if not self.has_table:  # a new memory on a full or read-only disk
            return found
        unique = list(dict.fromkeys(keys))
        for i in range(0, len(unique), 500):
            chunk = unique[i : i + 500]
            marks = ",".join("?" * len(chunk))
            for key, target, note in self.db.execute(
                f"SELECT key, target, note FROM memory WHERE key IN ({marks})", chunk
            ):
                found[key] = (target, note)
        return found

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Writes inside it (``commit=False``) are all kept, or none."""
        with self.db:
            yield

    def put_many(self, rows: Sequence[tuple[str, ...]], *, commit: bool = True) -> None:
        """Machine translations: rows of (key, source, target, source_lang,
        target_lang, model, options[, note])."""
        now = time.time()
        with self.db if commit else contextlib.nullcontext():
            self.db.executemany(
                "INSERT OR REPLACE INTO memory (key, source, target, source_lang, target_lang,"
                " model, options, note, created, origin, state)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'machine', 'draft')",
                [(*row[:7], row[7] if len(row) > 7 else "", now) for row in rows],
            )

    def put_human(
        self,
        entries: Sequence[HumanEntry],
        source_lang: str,
        target_lang: str,
        *,
        locale: str | None = None,
        article: str = "",
        commit: bool = True,
    ) -> int:
        """Store people's translations in one transaction (all or none); the count stored.

        *locale* is the full locale tag (default: the target language), *article*
        the article they were made in (empty: none in particular).  A human
        translation replaces an earlier one of the same segment, locale and
        article only; other articles' and locales' stay, and machine
        translations stay, but are not used while it exists.
        """
        now = time.time()
        tag = (locale or target_lang).lower()
        rows = [
            (
                human_key(e.source, source_lang, tag, article, e.scope),
                normalise(e.source),
                e.target,
                source_lang,
                target_lang,
                HUMAN,
                "",
                now,
                HUMAN,
                e.state,
                e.note,
                tag,
                article,
                e.scope,
            )
            for e in entries
        ]
        with self.db if commit else contextlib.nullcontext():
            # the text a person's translation replaces is kept (table previous)
            self.db.executemany(
                "INSERT INTO previous SELECT key, source, target, source_lang, target_lang,"
                " locale, article, scope, state, note, created, ? FROM memory"
                " WHERE key = ? AND origin = 'human' AND target != ?",
                [(now, row[0], row[2]) for row in rows],
            )
            self.db.executemany(
                "INSERT OR REPLACE INTO memory (key, source, target, source_lang, target_lang,"
                " model, options, created, origin, state, note, locale, article, scope)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                rows,
            )
        return len(rows)

    def article_rows(self, source_lang: str, locale: str, article: str) -> list[HumanRow]:
        """Every translation people made in one article and locale, oldest first."""
        if not self.has_table:
            return []
        query = (
            "SELECT source, target, locale, article, scope, state, created, note FROM memory"
            " WHERE origin = 'human' AND source_lang = ? AND locale = ? AND article = ?"
            " ORDER BY created"
        )
        return [HumanRow(*row) for row in self.db.execute(query, (source_lang, locale, article))]

    def previous(self) -> list[tuple[str, str, str, str, float]]:
        """People's translations replaced by later ones: (source, target, locale,
        article, when replaced), oldest first."""
        if not self.has_table or not self._has("previous"):
            return []
        query = "SELECT source, target, locale, article, replaced FROM previous ORDER BY replaced"
        return [tuple(row) for row in self.db.execute(query)]

    def _has(self, table: str) -> bool:
        query = "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?"
        return self.db.execute(query, (table,)).fetchone() is not None

    def human_rows(self, sources: Sequence[str], source_lang: str, locale: str) -> list[HumanRow]:
        """People's translations of *sources* (normalised) from *source_lang* for
        *locale*, every article's, oldest first."""
        if not self.has_table:
            return []
        unique = list(dict.fromkeys(normalise(s) for s in sources if s.strip()))
        query = (
            "SELECT source, target, locale, article, scope, state, created, note FROM memory"
            " WHERE origin = 'human' AND source_lang = ? AND locale = ? AND source IN ({})"
            " ORDER BY created, article"
        )
        rows: list[HumanRow] = []
        for i in range(0, len(unique), 500):
            chunk = unique[i : i + 500]
            marks = ",".join("?" * len(chunk))
            for row in self.db.execute(query.format(marks), [source_lang, locale.lower(), *chunk]):
                rows.append(HumanRow(*row))
        return rows

    def drafts(
        self, segments: Sequence[str], source_lang: str, target_lang: str
    ) -> dict[str, MemoryEntry]:
        """Each segment's newest machine draft, whatever its model, by normalised
        segment (people's translations: :mod:`translator.people`)."""
        found: dict[str, MemoryEntry] = {}
        if not self.has_table:
            return found
        unique = list(dict.fromkeys(normalise(s) for s in segments if s.strip()))
        query = (
            "SELECT source, target, source_lang, target_lang, model, created, origin, state, note"
            " FROM memory WHERE source_lang = ? AND target_lang = ? AND origin = 'machine'"
            " AND source IN ({}) ORDER BY created"
        )
        for i in range(0, len(unique), 500):
            chunk = unique[i : i + 500]
            marks = ",".join("?" * len(chunk))
            for row in self.db.execute(query.format(marks), [source_lang, target_lang, *chunk]):
                found[row[0]] = MemoryEntry(*row)  # the last one wins: the newest
        return found

    def human_updated(self) -> dict[tuple[str, str], float]:
        """The time of the newest human translation per (source language, locale)."""
        if not self.has_table:
            return {}
        query = (
            "SELECT source_lang, locale, MAX(created) FROM memory WHERE model = ?"
            " GROUP BY source_lang, locale"
        )
        return {(s, t): float(when) for s, t, when in self.db.execute(query, (HUMAN,))}

    def newest_human(self, source_lang: str, locale: str) -> float:
        """When the newest human translation from *source_lang* into *locale* was stored."""
        if not self.has_table:
            return 0.0
        row = self.db.execute(
            "SELECT MAX(created) FROM memory WHERE origin = 'human' AND source_lang = ?"
            " AND locale = ?",
            (source_lang, locale.lower()),
        ).fetchone()
        return float(row[0] or 0.0)

    def entries(self) -> Iterator[MemoryEntry]:
        """Every entry, in a stable order (for export)."""
        if not self.has_table:
            return
        query = (
            "SELECT source, target, source_lang, target_lang, model, created, origin, state, note,"
            " options, locale, article, scope FROM memory"
            " ORDER BY source_lang, target_lang, source, origin, model, locale, article, scope"
        )
        for row in self.db.execute(query):
            yield MemoryEntry(*row)

    def stats(self) -> MemoryStats:
        if not self.has_table:
            return MemoryStats(str(self.path), 0, self.path.stat().st_size, {})
        entries = self.db.execute("SELECT COUNT(*) FROM memory").fetchone()[0]
        models = dict(
            self.db.execute(
                "SELECT model, COUNT(*) FROM memory WHERE model != ? GROUP BY model ORDER BY model",
                (HUMAN,),
            )
        )
        human = self.db.execute("SELECT COUNT(*) FROM memory WHERE model = ?", (HUMAN,)).fetchone()[
            0
        ]
        size = sum(
            p.stat().st_size for p in self.path.parent.glob(self.path.name + "*") if p.is_file()
        )
        return MemoryStats(str(self.path), entries, size, models, human, entries - human)

    def clear(self) -> int:
        if not self.has_table:
            return 0
        try:
            with self.db:
                removed = self.db.execute("DELETE FROM memory").rowcount
                if self._has("previous"):
                    self.db.execute("DELETE FROM previous")
            self.db.execute("VACUUM")
        except sqlite3.OperationalError as exc:  # read-only, disk full
            raise UsageError(f"translation memory {self.path} cannot be cleared: {exc}") from None
        return removed


def memory_stats(path: str | os.PathLike[str] | None = None) -> MemoryStats:
    """``translator cache stats``: a memory that does not exist is not created."""
    target = Path(path) if path else memory_path(None)
    if not target.exists() and not target.is_symlink():
        return MemoryStats(str(target), 0, 0, {}, exists=False)
    with Memory(target) as memory:
        return memory.stats()


def broken_message(path: Path, exc: BaseException) -> str:
    return (
        f"translation memory {path} is broken ({exc}); run with --no-cache, move the file "
        f"aside, or run 'translator cache clear --cache {path}' to set it aside and start anew"
    )


def set_aside(path: Path) -> Path:
    """Move a broken memory (and its WAL files) aside; its new name."""
    stamp = time.strftime("%Y%m%d-%H%M%S")
    moved = path.with_name(f"{path.name}.broken-{stamp}")
    os.replace(path, moved)
    for suffix in ("-wal", "-shm"):
        extra = path.with_name(path.name + suffix)
        if extra.exists():
            os.replace(extra, moved.with_name(moved.name + suffix))
    return moved


class SegmentMemory:
    """The translation memory as one run sees it: lookups, what to remember, counters.

    It sits between a run and its engine's model: :meth:`lookup` answers the
    segments the memory knows (counted in ``from_memory``) and lists the rest;
    :meth:`remember` stores what the model translated (counted in
    ``translated``).  Without a store (``--no-cache``) every segment is new.
    """

    def __init__(self, engine: Engine, store: Memory | None) -> None:
        self.engine = engine
        self.store = store
        self.translated = 0  # segments sent to the model
        self.from_memory = 0  # segments answered without a model call
        self.error: str | None = None  # why the memory stopped taking new entries
        if store is not None and store.unwritable is not None:
            self.error = f"cannot save to the translation memory {store.path}: {store.unwritable}"

    def _options(self, segment: str, terms: TermRules | None) -> str:
        """The options a draft of *segment* is keyed by: the engine's, and what
        the glossary asks of the segment (a changed term makes its drafts unknown)."""
        base = self.engine.options.key()
        fingerprint = terms.fingerprint(segment) if terms else ""
        return f"{base} terms={fingerprint}" if fingerprint else base

    def _key(self, segment: str, source: str, target: str, terms: TermRules | None = None) -> str:
        model = self.engine.identity(source, target)
        return memory_key(segment, source, target, model, self._options(segment, terms))

    def lookup(
        self,
        segments: Sequence[str],
        source: str,
        target: str,
        terms: TermRules | None = None,
    ) -> tuple[dict[str, str], list[str]]:
        """(answers by normalised segment, the normalised segments still to translate).

        Every non-blank segment the memory answers counts once in ``from_memory``,
        repeats included.
        """
        wanted = list(dict.fromkeys(normalise(s) for s in segments if s.strip()))
        answers: dict[str, str] = {}
        if self.store is not None and wanted:
            # this model's own drafts (people's translations are answered per
            # article and locale before: translator.people)
            keys = {s: self._key(s, source, target, terms) for s in wanted}
            known = self.store.get_notes(list(keys.values()))
            answers = {s: known[k][0] for s, k in keys.items() if k in known}
            for answer, note in known.values():
                if note.startswith(UNKNOWN_NOTE):  # what the engine did not know then
                    self.engine.note_unknown(answer, note[len(UNKNOWN_NOTE) :].split(", "))
        missing = [s for s in wanted if s not in answers]
        self.from_memory += sum(1 for s in segments if s.strip()) - len(missing)
        return answers, missing

    def peek(
        self,
        segments: Sequence[str],
        source: str,
        target: str,
        terms: TermRules | None = None,
    ) -> dict[str, str]:
        """What the memory's machine drafts answer for *segments*, by normalised
        segment, without counting anything."""
        counted = self.from_memory
        answers, _missing = self.lookup(segments, source, target, terms)
        self.from_memory = counted
        return answers

    def keep_human(
        self,
        entries: Sequence[HumanEntry],
        source: str,
        target: str,
        *,
        locale: str,
        article: str,
    ) -> str | None:
        """Store people's translations of one article and locale; why they could
        not be stored, or None."""
        if self.store is None:
            return "no translation memory (--no-cache)"
        if self.error is not None:
            return self.error
        try:
            self.store.put_human(entries, source, target, locale=locale, article=article)
        except sqlite3.Error as exc:
            return str(exc)
        return None

    def remember(
        self,
        pairs: Sequence[tuple[str, str]],
        source: str,
        target: str,
        terms: TermRules | None = None,
        *,
        count: bool = True,
    ) -> None:
        """Store the model's translations of (normalised segment, translation)
        pairs (*count*: they are new model work, not a second try of some)."""
        if count:
            self.translated += len(pairs)
        if self.store is None or not pairs or self.error is not None:
            return
        model = self.engine.identity(source, target)
        try:
            self._put(pairs, source, target, model, terms)
        except sqlite3.Error as exc:  # read-only, disk full: the run goes on without it
            self.error = f"cannot save to the translation memory {self.store.path}: {exc}"

    def _put(
        self,
        pairs: Sequence[tuple[str, str]],
        source: str,
        target: str,
        model: str,
        terms: TermRules | None,
    ) -> None:
        assert self.store is not None
        rows = []
        for s, t in pairs:
            options = self._options(s, terms)
            unknown = self.engine.unknown_words(t)
            rows.append(
                (
                    memory_key(s, source, target, model, options),
                    s,
                    t,
                    source,
                    target,
                    model,
                    options,
                    UNKNOWN_NOTE + ", ".join(unknown) if unknown else "",
                )
            )
        self.store.put_many(rows)


@dataclass
class Cleared:
    """``translator cache clear``: entries removed, or the broken file set aside."""

    path: Path
    removed: int
    set_aside: Path | None = None

    def as_dict(self) -> dict[str, object]:
        return {
            "path": str(self.path),
            "removed": self.removed,
            "set_aside": str(self.set_aside) if self.set_aside else None,
        }


def clear_memory(path: str | os.PathLike[str] | None = None) -> Cleared:
    """Empty the memory; a broken one (or a file that is not a memory) is moved
    aside, never overwritten, and a new empty memory takes its place."""
    target = Path(path) if path else memory_path(None)
    if not target.exists() and not target.is_symlink():
        return Cleared(target, 0)  # nothing to clear; none is created
    moved = None
    try:
        memory = Memory(target)
    except UsageError:
        if not target.is_file() or target.is_symlink():
            raise
        moved = set_aside(target)
        memory = Memory(target)
    with memory:
        return Cleared(memory.path, memory.clear(), moved)
