"""Where the model work runs: in this process, or in worker processes.

An executor takes batches of segments for one language pair and yields
``(batch index, translations)`` as batches finish, so that the caller can
store each result in the translation memory as it arrives.

* ``inline``: the engine in this process; CTranslate2 runs ``jobs`` batches
  at once with one model copy (``inter_threads``).
* ``processes``: ``jobs`` worker processes (spawn start method: CTranslate2 is
  not fork-safe), each loading its models once.
"""

from __future__ import annotations

import concurrent.futures as cf
import multiprocessing
import signal
from collections.abc import Iterator, Sequence
from dataclasses import replace
from typing import Any

from .engines import DecodeOptions, Engine, get_engine

Batch = tuple[str, str, list[str]]  # source, target, segments
_WORKER_ENGINES: dict[tuple[str, DecodeOptions], Engine] = {}


def split_batches(segments: Sequence[str], size: int) -> list[list[str]]:
    return [list(segments[i : i + size]) for i in range(0, len(segments), size)]


class InlineExecutor:
    kind = "inline"

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def run(self, batches: Sequence[Batch]) -> Iterator[tuple[int, list[str]]]:
        for index, (source, target, segments) in enumerate(batches):
            yield index, self.engine.translate(segments, source, target)

    @property
    def calls(self) -> int:
        return self.engine.calls

    def close(self) -> None:
        return None


def _init_worker() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent stops the run


def _translate_in_worker(
    engine_name: str, options: DecodeOptions, batch: Batch
) -> tuple[list[str], int]:
    key = (engine_name, options)
    if key not in _WORKER_ENGINES:
        _WORKER_ENGINES[key] = get_engine(engine_name, options)
    engine = _WORKER_ENGINES[key]
    before = engine.calls
    out = engine.translate(batch[2], batch[0], batch[1])
    return out, engine.calls - before


class ProcessExecutor:
    kind = "processes"

    def __init__(self, engine_name: str, options: DecodeOptions, jobs: int) -> None:
        self.engine_name = engine_name
        self.options = options
        self.pool = cf.ProcessPoolExecutor(
            max_workers=jobs,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_init_worker,
        )
        self.calls = 0

    def run(self, batches: Sequence[Batch]) -> Iterator[tuple[int, list[str]]]:
        futures: dict[Any, int] = {
            self.pool.submit(_translate_in_worker, self.engine_name, self.options, batch): index
            for index, batch in enumerate(batches)
        }
        try:
            for future in cf.as_completed(futures):
                out, calls = future.result()
                self.calls += calls
                yield futures[future], out
        except BaseException:
            for future in futures:
                future.cancel()
            raise

    def close(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)


def make_executor(
    kind: str, engine: Engine, engine_name: str, options: DecodeOptions, jobs: int
) -> Any:
    """``inline`` (the default) or ``processes``; *jobs* spreads the model work."""
    if kind == "processes" and jobs > 1 and engine_name != "pseudo":
        threads = max(1, (multiprocessing.cpu_count() or 1) // jobs)
        worker_options = replace(
            options, inter_threads=1, intra_threads=options.intra_threads or threads
        )
        return ProcessExecutor(engine_name, worker_options, jobs)
    return InlineExecutor(engine)
