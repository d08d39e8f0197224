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


class CachedEngine(Engine):
    """An engine behind the translation memory: identical segments are
    translated once per run and never again while the memory keeps them."""

    def __init__(self, inner: Engine, memory: Memory | None) -> None:
        super().__init__(inner.options)
        self.inner = inner
        self.memory = memory
        self.name = inner.name
        self.translated = 0  # segments sent to the model
        self.from_memory = 0  # segments answered without a model call

    def check_pair(self, source: str, target: str) -> None:
        self.inner.check_pair(source, target)

    def identity(self, source: str, target: str) -> str:
        return self.inner.identity(source, target)

    def lookup(
        self, segments: Sequence[str], source: str, target: str
    ) -> tuple[dict[str, str], list[str]]:
        """(answers by normalised segment, the normalised segments still to translate)."""
        model = self.identity(source, target)
        options = self.inner.options.key()
        wanted = list(dict.fromkeys(normalise(s) for s in segments if s.strip()))
        keys = {s: memory_key(s, source, target, model, options) for s in wanted}
        known = self.memory.get_many(list(keys.values())) if self.memory else {}
        answers = {s: known[k] for s, k in keys.items() if k in known}
        return answers, [s for s in wanted if s not in answers]

    def remember(self, pairs: Sequence[tuple[str, str]], source: str, target: str) -> None:
        if self.memory is None or not pairs:
            return
        model = self.identity(source, target)
        options = self.inner.options.key()
        self.memory.put_many(
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

    def translate(self, segments: Sequence[str], source: str, target: str) -> list[str]:
        answers, missing = self.lookup(segments, source, target)
        if missing:
            out = self.inner.translate(missing, source, target)
            self.calls = self.inner.calls
            self.notes = self.inner.notes
            answers.update(zip(missing, out, strict=True))
            self.remember(list(zip(missing, out, strict=True)), source, target)
        self.translated += len(missing)
        counted = [s for s in segments if s.strip()]
        self.from_memory += len(counted) - len(missing)
        return [answers[normalise(s)] if s.strip() else "" for s in segments]
