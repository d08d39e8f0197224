"""What a long run reports as it goes.

The library calls a :class:`Progress`; the CLI passes one that draws a bar or
prints plain lines.  Kept apart from :mod:`translator.localize` so that the
CLI can define its own without importing the translation stack.
"""

from __future__ import annotations


class Progress:
    """Progress callbacks of a run; every method does nothing by default."""

    def start(self, variants: int) -> None:
        """The number of variants this run will produce or skip."""

    def segments(self, done: int) -> None:
        """*done* more segments came back from the engine."""

    def variant(self, path: str, state: str) -> None:
        """One variant is done: written, unchanged, skipped or failed."""
