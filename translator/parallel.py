"""Reading many files at once: one function over a list, in worker processes.

``translator extract`` and ``translator detect`` read each page on its own
(parse, main text, language), which is CPU work one core does at a time.
:func:`map_ordered` runs such a function over the files in ``jobs`` worker
processes and yields the results in the files' order, so that a report reads
the same whatever the number of workers; one job, or one file, runs in this
process with no worker at all.

Workers are forked where the system can (they start with the modules and
langdetect's profiles this process loaded, in milliseconds), else spawned.
They ignore Ctrl-C: this process stops them, and the interrupt ends the run
as it would a run in one process.
"""

from __future__ import annotations

import gc
import multiprocessing
import signal
from collections.abc import Callable, Iterator, Sequence
from typing import TypeVar

from .errors import UsageError

T = TypeVar("T")
R = TypeVar("R")

# Below this many files per worker, starting workers costs more than it saves.
MIN_FILES_PER_JOB = 2


def workers_for(jobs: int, count: int) -> int:
    """Worker processes for *count* files with ``--jobs`` *jobs* (1: none).

    >>> workers_for(2, 106), workers_for(8, 5), workers_for(2, 1), workers_for(1, 50)
    (2, 2, 1, 1)
    """
    if jobs < 1:
        raise UsageError("--jobs must be at least 1")
    return max(1, min(jobs, count // MIN_FILES_PER_JOB))


def _quiet_worker() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent stops the run


def map_ordered(
    function: Callable[[T], R],
    items: Sequence[T],
    jobs: int,
    *,
    warm: Callable[[], object] | None = None,
) -> Iterator[R]:
    """``function(item)`` for each of *items*, in order, on up to *jobs* workers.

    *function* must be a module-level function and its results picklable.
    *warm* runs here first when workers are forked, so that what it loads
    (a model, a profile) is loaded once and shared, not once per worker.
    """
    workers = workers_for(jobs, len(items))
    if workers == 1:
        for item in items:
            yield function(item)
        return
    methods = multiprocessing.get_all_start_methods()
    forked = "fork" in methods
    context = multiprocessing.get_context("fork" if forked else "spawn")
    if forked:
        if warm is not None:
            warm()
        gc.freeze()  # what is loaded stays shared: the collector leaves it alone
    pool = context.Pool(workers, initializer=_quiet_worker)
    try:
        yield from pool.imap(function, items, chunksize=1)
        pool.close()
    except BaseException:
        pool.terminate()
        raise
    finally:
        pool.join()
        if forked:
            gc.unfreeze()
