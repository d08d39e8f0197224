"""What a long run reports as it goes.

The library calls a :class:`Progress`; the CLI passes one that draws a bar or
prints plain lines.  Kept apart from :mod:`translator.localize` so that the
CLI can define its own without importing the translation stack.
"""

from __future__ import annotations

import time
from collections import deque


class Progress:
    """Progress callbacks of a run; every method does nothing by default."""

    def start(self, variants: int) -> None:
        """The number of variants this run will produce or skip."""

    def work(self, segments: int) -> None:
        """The segments this run will handle, once its sources are read (the
        real measure of the work; not called when it is not known)."""

    def segments(self, done: int) -> None:
        """*done* more segments are handled: translated, found in the memory,
        or part of a variant that was skipped or failed."""

    def more(self, segments: int) -> None:
        """The run has *segments* more to handle than ``work`` said (a
        source's rough count was short; settled when it is planned)."""

    def variant(self, path: str, state: str) -> None:
        """One variant is done: written, unchanged, skipped or failed."""


class RateEstimator:
    """Time left from the rate over a moving window (the last *window* seconds),
    so that a slow start or a burst of answers from the memory does not
    mislead it for the rest of the run.

    >>> eta = RateEstimator(window=10.0)
    >>> eta.add(0, now=0.0); eta.add(50, now=5.0)
    >>> eta.remaining(150, now=5.0)
    10.0
    """

    def __init__(self, window: float = 30.0) -> None:
        self.window = window
        self.samples: deque[tuple[float, int]] = deque()
        self.done = 0

    def add(self, done: int, now: float | None = None) -> None:
        """*done* more units finished (at *now*, monotonic seconds)."""
        now = time.monotonic() if now is None else now
        self.done += done
        self.samples.append((now, self.done))
        while len(self.samples) > 2 and now - self.samples[1][0] >= self.window:
            self.samples.popleft()

    def remaining(self, total: int, now: float | None = None) -> float | None:
        """Seconds until *total* at the recent rate; None before a rate is known."""
        now = time.monotonic() if now is None else now
        if len(self.samples) < 2:
            return None
        start_time, start_done = self.samples[0]
        elapsed = now - start_time
        if elapsed <= 0 or self.done <= start_done:
            return None
        rate = (self.done - start_done) / elapsed
        return max(0.0, (total - self.done) / rate)
