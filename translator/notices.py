"""Notices and warnings a run reports beside its failures, as records.

A :class:`Notice` names the file (and line) it is about apart from its
message, so that a front end can fold the same message about many files into
one line (:func:`grouped`) without reading paths back out of text.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

NOTICE, WARNING = "notice", "warning"


@dataclass(frozen=True)
class Notice:
    message: str
    path: str = ""
    line: int | None = None
    kind: str = NOTICE

    @property
    def where(self) -> str:
        if self.path and self.line is not None:
            return f"{self.path}:{self.line}"
        return self.path

    def __str__(self) -> str:
        return f"{self.where}: {self.message}" if self.where else self.message

    def as_dict(self) -> dict[str, object]:
        return {"path": self.path, "line": self.line, "message": self.message, "kind": self.kind}


def warning(message: str, path: str = "", line: int | None = None) -> Notice:
    return Notice(message, path, line, WARNING)


def grouped(notices: Iterable[Notice], shown: int = 2) -> list[str]:
    """One line per distinct message: alone as it is, or, when several files
    have it, with their count and the first of them; in order of first sight.

    >>> grouped([Notice("no date", "a.md"), Notice("no date", "b.md"),
    ...          Notice("no date", "c.md"), Notice("skipped: x")])
    ['no date (3 files: a.md, b.md, …; --report lists them)', 'skipped: x']
    """
    by_message: dict[str, list[Notice]] = {}
    for notice in notices:
        same = by_message.setdefault(notice.message, [])
        if all(n.path != notice.path for n in same):  # one per file, whatever the locales
            same.append(notice)
    out: list[str] = []
    for message, same in by_message.items():
        paths = [n.path for n in same if n.path]
        if len(same) == 1 or len(paths) < len(same):
            out.extend(str(n) for n in same)
            continue
        first = ", ".join(paths[:shown]) + (", …" if len(paths) > shown else "")
        out.append(f"{message} ({len(paths)} files: {first}; --report lists them)")
    return out
