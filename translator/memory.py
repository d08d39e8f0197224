"""Translation memory: SQLite, shared by runs and processes.

The key is the normalised source segment (NFC, white space folded), the
source and target languages, the model identity and version, and the
decoding options; the value is the translation.  WAL mode and a busy timeout
let two processes share the file.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import time
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from .engines import Engine
from .errors import UsageError

SCHEMA = """
CREATE TABLE IF NOT EXISTS memory (
    key TEXT PRIMARY KEY,
    source TEXT NOT NULL,
    target TEXT NOT NULL,
    source_lang TEXT NOT NULL,
    target_lang TEXT NOT NULL,
    model TEXT NOT NULL,
    options TEXT NOT NULL,
    created REAL NOT NULL
)
"""


def default_path() -> Path:
    """``$XDG_CACHE_HOME/translator/memory.sqlite3`` (``~/.cache`` without it)."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "translator" / "memory.sqlite3"


def normalise(segment: str) -> str:
    return " ".join(unicodedata.normalize("NFC", segment).split())


def memory_key(segment: str, source: str, target: str, model: str, options: str) -> str:
    payload = json.dumps([normalise(segment), source, target, model, options], ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


@dataclass
class MemoryStats:
    path: str
    entries: int
    size_bytes: int
    models: dict[str, int]

    def as_dict(self) -> dict[str, object]:
        return {
            "path": self.path,
            "entries": self.entries,
            "size_bytes": self.size_bytes,
            "models": self.models,
        }


class Memory:
    def __init__(self, path: str | os.PathLike[str] | None = None) -> None:
        self.path = Path(path) if path else default_path()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.db = sqlite3.connect(self.path, timeout=30.0)
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA busy_timeout=30000")
            self.db.execute(SCHEMA)
            self.db.commit()
        except (sqlite3.Error, OSError) as exc:
            raise UsageError(f"translation memory {self.path} cannot be opened: {exc}") from None

    def close(self) -> None:
        self.db.close()

    def get_many(self, keys: Sequence[str]) -> dict[str, str]:
        found: dict[str, str] = {}
        unique = list(dict.fromkeys(keys))
        for i in range(0, len(unique), 500):
            chunk = unique[i : i + 500]
            marks = ",".join("?" * len(chunk))
            for key, target in self.db.execute(
                f"SELECT key, target FROM memory WHERE key IN ({marks})", chunk
            ):
                found[key] = target
        return found

    def put_many(self, rows: Sequence[tuple[str, str, str, str, str, str, str]]) -> None:
        """Rows of (key, source, target, source_lang, target_lang, model, options)."""
        now = time.time()
        with self.db:
            self.db.executemany(
                "INSERT OR REPLACE INTO memory VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [(*row, now) for row in rows],
            )

    def stats(self) -> MemoryStats:
        entries = self.db.execute("SELECT COUNT(*) FROM memory").fetchone()[0]
        models = dict(
            self.db.execute("SELECT model, COUNT(*) FROM memory GROUP BY model ORDER BY model")
        )
        size = sum(
            p.stat().st_size for p in self.path.parent.glob(self.path.name + "*") if p.is_file()
        )
        return MemoryStats(str(self.path), entries, size, models)

    def clear(self) -> int:
        with self.db:
            removed = self.db.execute("DELETE FROM memory").rowcount
        self.db.execute("VACUUM")
        return removed


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

    def _key(self, segment: str, source: str, target: str) -> str:
        model = self.engine.identity(source, target)
        return memory_key(segment, source, target, model, self.engine.options.key())

    def lookup(
        self, segments: Sequence[str], source: str, target: str
    ) -> tuple[dict[str, str], list[str]]:
        """(answers by normalised segment, the normalised segments still to translate).

        Every non-blank segment the memory answers counts once in ``from_memory``,
        repeats included.
        """
        wanted = list(dict.fromkeys(normalise(s) for s in segments if s.strip()))
        keys = {s: self._key(s, source, target) for s in wanted}
        known = self.store.get_many(list(keys.values())) if self.store else {}
        answers = {s: known[k] for s, k in keys.items() if k in known}
        missing = [s for s in wanted if s not in answers]
        self.from_memory += sum(1 for s in segments if s.strip()) - len(missing)
        return answers, missing

    def remember(self, pairs: Sequence[tuple[str, str]], source: str, target: str) -> None:
        """Store the model's translations of (normalised segment, translation) pairs."""
        self.translated += len(pairs)
        if self.store is None or not pairs:
            return
        model = self.engine.identity(source, target)
        options = self.engine.options.key()
        self.store.put_many(
            [
                (
                    memory_key(s, source, target, model, options),
                    s,
                    t,
                    source,
                    target,
                    model,
                    options,
                )
                for s, t in pairs
            ]
        )
