"""Where the model work runs: in this process, or in worker processes.

An executor takes batches of segments for one language pair and yields
``(batch index, translations)`` as batches finish, so that the caller can
store each result in the translation memory as it arrives.

* ``inline``: the engine in this process; CTranslate2 runs ``jobs`` batches
  at once with one model copy (``inter_threads``).
* ``processes``: ``jobs`` worker processes (spawn start method: CTranslate2 is
  not fork-safe), each loading its models once.
* ``dask``: tasks on a Dask distributed cluster (:class:`DaskExecutor`).

All three follow the :class:`Executor` protocol.
"""

from __future__ import annotations

import concurrent.futures as cf
import ctypes
import ctypes.util
import hashlib
import multiprocessing
import os
import signal
from collections.abc import Iterator, Sequence
from dataclasses import replace
from typing import Any, Protocol

from .engines import DecodeOptions, Engine, get_engine
from .errors import UsageError

Batch = tuple[str, str, list[str]]  # source, target, segments
EXECUTORS = ("inline", "processes", "dask")


class Executor(Protocol):
    """Runs batches of segments through a model, wherever the model lives."""

    kind: str
    workers: dict[str, dict[str, int]]  # per worker: batches and segments (Dask only)

    def run(self, batches: Sequence[Batch]) -> Iterator[tuple[int, list[str]]]:
        """Translate *batches*; yield (batch index, translations) as each finishes."""
        ...

    @property
    def calls(self) -> int:
        """Model calls made so far (segments sent to a model)."""
        ...

    def close(self) -> None:
        """Release workers and clusters; the executor is not used again."""
        ...


_WORKER_ENGINES: dict[tuple[str, DecodeOptions], Engine] = {}


def split_batches(segments: Sequence[str], size: int) -> list[list[str]]:
    """Length-sorted batches whose boundaries depend on content, not position.

    A batch ends after a segment whose hash says so (about one in *size*), or
    at twice *size*.  Removing whole batches (those a resumed run finds in the
    translation memory) leaves the others exactly as they were, so the model
    sees the same batches, and gives the same output, as in an uninterrupted
    run.

    >>> split_batches(["bb", "a", "ccc"], 100)
    [['a', 'bb', 'ccc']]
    """
    batches: list[list[str]] = []
    current: list[str] = []
    for segment in sorted(segments, key=lambda s: (len(s), s)):
        current.append(segment)
        mark = int.from_bytes(
            hashlib.blake2b(segment.encode("utf-8"), digest_size=4).digest(), "big"
        )
        if mark % size == 0 or len(current) >= 2 * size:
            batches.append(current)
            current = []
    if current:
        batches.append(current)
    return batches


class InlineExecutor:
    kind = "inline"

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.workers: dict[str, dict[str, int]] = {}

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


# glibc's mallopt parameters (malloc.h)
_M_TRIM_THRESHOLD = -1
_M_MMAP_THRESHOLD = -3
_malloc_retuned = False


def restore_malloc_thresholds() -> bool:
    """Undo a fixed ``MALLOC_TRIM_THRESHOLD_`` in this process (once).

    Dask's nanny starts workers with ``MALLOC_TRIM_THRESHOLD_=65536``.  Any
    fixed threshold turns off glibc's adaptive mmap threshold, so every buffer
    over 128 KiB that CTranslate2 allocates while decoding is mapped and
    unmapped afresh: a 1.7x slowdown on the benchmark packages.  The ceilings
    glibc's adaptive scheme reaches on 64-bit systems (mmap at 32 MiB, trim at
    twice that) give the speed back.  Returns whether anything was changed.
    """
    global _malloc_retuned
    if _malloc_retuned or "MALLOC_TRIM_THRESHOLD_" not in os.environ:
        return False
    _malloc_retuned = True
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c"))
        mallopt = libc.mallopt
    except (OSError, AttributeError, TypeError):  # not glibc
        return False
    return bool(mallopt(_M_MMAP_THRESHOLD, 32 << 20) and mallopt(_M_TRIM_THRESHOLD, 64 << 20))


def _dask_task(
    engine_name: str, options: DecodeOptions, batch: Batch
) -> tuple[list[str], int, str]:
    from distributed import get_worker

    restore_malloc_thresholds()
    out, calls = _translate_in_worker(engine_name, options, batch)
    return out, calls, get_worker().address


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
        self.workers: dict[str, dict[str, int]] = {}

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


class DaskExecutor:
    """Batches as tasks on a Dask distributed cluster: a ``LocalCluster`` of
    *jobs* worker processes, or the scheduler at *address*.  Workers only
    translate; a task that fails is retried, then reported."""

    kind = "dask"
    RETRIES = 2

    def __init__(
        self, engine_name: str, options: DecodeOptions, jobs: int, address: str | None
    ) -> None:
        try:
            from distributed import Client, LocalCluster
        except ImportError:
            raise UsageError(
                "--executor dask needs Dask distributed: pip install 'translator[dask]'"
            ) from None
        self.engine_name = engine_name
        if address is None and options.intra_threads == 0:
            # a LocalCluster shares this machine's cores among its workers
            options = replace(options, intra_threads=max(1, (os.cpu_count() or 1) // jobs))
        self.options = options
        self.cluster: Any = None
        # A nanny sets its workers' variables (OMP_NUM_THREADS=1,
        # MALLOC_TRIM_THRESHOLD_, PYTHONHASHSEED, ...) in this process's
        # environment before spawning them and leaves them there; the
        # environment is put back on close.
        self._environ = dict(os.environ)
        try:
            if address:
                self.client = Client(address, timeout=30)
            else:
                self.cluster = LocalCluster(
                    n_workers=jobs,
                    threads_per_worker=1,
                    processes=True,
                    host="127.0.0.1",
                    dashboard_address=None,
                )
                self.client = Client(self.cluster)
        except (OSError, TimeoutError) as exc:
            self._restore_environ()
            raise UsageError(
                f"cannot reach the Dask scheduler {address or '(local)'}: {exc}"
            ) from None
        self.calls = 0
        self.workers: dict[str, dict[str, int]] = {}

    def run(self, batches: Sequence[Batch]) -> Iterator[tuple[int, list[str]]]:
        from distributed import as_completed

        futures = {
            self.client.submit(
                _dask_task, self.engine_name, self.options, batch, pure=False, retries=self.RETRIES
            ): index
            for index, batch in enumerate(batches)
        }
        try:
            for future in as_completed(futures):
                out, calls, worker = future.result()
                self.calls += calls
                seen = self.workers.setdefault(worker, {"batches": 0, "segments": 0})
                seen["batches"] += 1
                seen["segments"] += len(out)
                yield futures[future], out
        except BaseException:
            self.client.cancel(list(futures))
            raise

    def close(self) -> None:
        self.client.close()
        if self.cluster is not None:
            self.cluster.close()
            self._restore_environ()

    def _restore_environ(self) -> None:
        for name in set(os.environ) - set(self._environ):
            del os.environ[name]
        for name, value in self._environ.items():
            if os.environ.get(name) != value:
                os.environ[name] = value


def make_executor(
    kind: str,
    engine: Engine,
    engine_name: str,
    options: DecodeOptions,
    jobs: int,
    address: str | None = None,
) -> Executor:
    """``inline`` (the default), ``processes`` or ``dask``; *jobs* spreads the model work."""
    if kind == "dask":
        return DaskExecutor(engine_name, options, jobs, address)
    if kind == "processes" and jobs > 1 and engine_name != "pseudo":
        threads = max(1, (multiprocessing.cpu_count() or 1) // jobs)
        worker_options = replace(
            options, inter_threads=1, intra_threads=options.intra_threads or threads
        )
        return ProcessExecutor(engine_name, worker_options, jobs)
    return InlineExecutor(engine)
