"""Where the model work runs: in this process, or in worker processes.

An executor takes batches of segments for one language pair and yields
``(batch index, translations)`` as batches finish, so that the caller can
store each result in the translation memory as it arrives.

* ``inline``: the engine in this process; CTranslate2 runs ``jobs`` batches
  at once with one model copy (``inter_threads``).
* ``processes``: ``jobs`` worker processes (spawn start method: CTranslate2 is
  not fork-safe), each loading its models once.
* ``dask``: tasks on a Dask distributed cluster (:class:`DaskExecutor`).

All three follow the :class:`Executor` protocol.  An executor says how many
batches it runs at once (:meth:`Executor.slots`; for Dask, the threads the
scheduler counts on its workers), and :func:`batch_size` cuts a chunk's
segments so that every one of them has work.  Before a Dask run, the Argos
packages the run uses are checked on every worker and shipped from the client
to the workers that lack them (:meth:`DaskExecutor.prepare`); a worker with
another version is refused, and each task checks its worker's packages again.
"""

from __future__ import annotations

import asyncio
import concurrent.futures as cf
import contextlib
import ctypes
import ctypes.util
import logging
import multiprocessing
import os
import queue
import signal
import time
from collections.abc import Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any, Protocol

from .engines import GROUP, DecodeOptions, Engine, content_mark, get_engine, model_batches
from .errors import ClusterError, UsageError

Batch = tuple[str, str, list[str]]  # source, target, segments
EXECUTORS = ("inline", "processes", "dask")
TASKS_PER_SLOT = 4  # batches per slot in a chunk: the slots stay busy to the chunk's end
MIN_BATCH = GROUP  # segments: a task is at least one model batch


def batch_size(segments: int, slots: int, ceiling: int) -> int:
    """Segments per batch for a chunk of *segments* on *slots* slots: enough
    batches for every slot to get TASKS_PER_SLOT of them, never more than
    *ceiling* (``LocalizeOptions.batch_segments``, which bounds memory) nor fewer
    than MIN_BATCH.
    One slot takes the ceiling.

    >>> batch_size(440, 1, 256), batch_size(440, 2, 256), batch_size(40, 4, 256)
    (256, 64, 64)
    """
    if slots <= 1:
        return ceiling
    return max(MIN_BATCH, min(ceiling, -(-segments // (slots * TASKS_PER_SLOT))))


class WorkerPackageError(RuntimeError):
    """A worker lacks a package the run uses (*missing*), or holds another one."""

    def __init__(self, message: str, missing: bool = False) -> None:
        super().__init__(message, missing)
        self.message = message
        self.missing = missing

    def __str__(self) -> str:
        return self.message


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

    def slots(self) -> int:
        """How many batches run at once."""
        ...

    def prepare(self, engine: Engine, pairs: set[tuple[str, str]]) -> None:
        """Make sure every worker can translate *pairs* (raises UsageError)."""
        ...

    def close(self) -> None:
        """Release workers and clusters; the executor is not used again."""
        ...


_WORKER_ENGINES: dict[tuple[str, DecodeOptions], Engine] = {}


def split_batches(segments: Sequence[str], size: int) -> list[list[str]]:
    """Tasks of about *size* segments (at most twice that), each made of whole
    model batches (:func:`translator.engines.model_batches`), cut where the
    content of a model batch's last segment says so.

    The model therefore sees the same batches, and gives the same output,
    whatever the task size (the number of workers) and whatever was removed
    as whole tasks (those a resumed run finds in the translation memory).

    >>> split_batches(["bb", "a", "ccc"], 100)
    [['a', 'bb', 'ccc']]
    """
    every = max(1, -(-size // GROUP))  # model batches per task, on average
    tasks: list[list[str]] = []
    current: list[str] = []
    for batch in model_batches(segments):
        current.extend(segments[i] for i in batch)
        last = segments[batch[-1]]
        if content_mark(last, b"task") % every == 0 or len(current) >= 2 * size:
            tasks.append(current)
            current = []
    if current:
        tasks.append(current)
    return tasks


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

    def slots(self) -> int:
        return 1  # one batch at a time (CTranslate2 spreads it over inter_threads)

    def prepare(self, engine: Engine, pairs: set[tuple[str, str]]) -> None:
        return None

    def close(self) -> None:
        return None


def _init_worker() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent stops the run


APERTIUM_IDENTITY = "apertium "


def _worker_apertium(pairs: list[tuple[str, str]]) -> list[str]:
    """On a worker: the identity of each Apertium pair there, or why it is missing."""
    from .engines.apertium import ApertiumEngine

    engine = ApertiumEngine()
    found = []
    for source, target in pairs:
        try:
            found.append(engine.identity(source, target))
        except UsageError as exc:
            found.append(f"missing: {exc}")
    return found


def refuse_apertium_workers(here: dict[tuple[str, str], str], states: dict[str, list[str]]) -> None:
    """One line (UsageError) for the first worker whose Apertium pair is missing
    or another version than this machine's.

    >>> refuse_apertium_workers({("en", "es"): "apertium eng-spa 1"}, {"w1": ["apertium eng-spa 1"]})
    >>> refuse_apertium_workers({("en", "es"): "apertium eng-spa 1"}, {"w2": ["missing: no pair"]})
    Traceback (most recent call last):
    translator.errors.UsageError: Dask worker w2 cannot translate en→es with Apertium (no pair); install Debian's package there: the tool ships Argos packages to workers, never Debian's
    """
    for worker, found in sorted(states.items()):
        for (source, target), identity, state in zip(here, here.values(), found, strict=True):
            if state == identity:
                continue
            why = state.split(": ", 1)[1] if state.startswith("missing") else f"it has {state}"
            raise UsageError(
                f"Dask worker {worker} cannot translate {source}→{target} with Apertium ({why}); "
                "install Debian's package there: the tool ships Argos packages to workers, "
                "never Debian's"
            )


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


_VERIFIED: set[Any] = set()  # the packages this worker process has checked


def _check_packages(expected: tuple[Any, ...], where: str) -> None:
    """Raise WorkerPackageError unless this worker holds every package in *expected*."""
    from .packages import state_here

    for want in expected:
        if want in _VERIFIED:
            continue
        state = state_here(want)
        if state != "ok":
            raise WorkerPackageError(
                f"worker {where}: {state} for {want.from_code}→{want.to_code}, and this run "
                f"uses {want}",
                missing=state == "missing",
            )
        _VERIFIED.add(want)


def _dask_task(
    engine_name: str, options: DecodeOptions, batch: Batch, expected: tuple[Any, ...] = ()
) -> tuple[list[str], int, str]:
    from distributed import get_worker

    where = get_worker().address
    _check_packages(expected, where)
    restore_malloc_thresholds()
    out, calls = _translate_in_worker(engine_name, options, batch)
    return out, calls, where


def _worker_state(expected: tuple[Any, ...]) -> list[str]:
    """On a worker: the state of each package of *expected* (``ok``, ``missing``…)."""
    from .packages import state_here

    return [state_here(want) for want in expected]


def _worker_install(want: Any, archive: bytes) -> str:
    """On a worker: install a package shipped by the client."""
    from .packages import install_shipped

    return install_shipped(want, archive)


class ProcessExecutor:
    kind = "processes"

    def __init__(self, engine_name: str, options: DecodeOptions, jobs: int) -> None:
        self.engine_name = engine_name
        self.options = options
        self.jobs = jobs
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

    def slots(self) -> int:
        return self.jobs

    def prepare(self, engine: Engine, pairs: set[tuple[str, str]]) -> None:
        return None  # the workers read this machine's packages

    def close(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)


# Loggers whose lines a Dask run keeps off the terminal unless asked for.
_CLUSTER_LOGGERS = ("distributed", "tornado", "asyncio")
# Future states that will still change: waiting, or lost with a dead worker.
_UNSETTLED = ("pending", "lost")


def quiet_cluster_logs() -> dict[str, int]:
    """Silence Dask's loggers (and tornado's and asyncio's, which it drives);
    returns their former levels, to put back with :func:`restore_log_levels`.

    Dask's configuration gives some child loggers levels of their own
    (``distributed.client``: warning), so every one of them is set.
    """
    names = {
        name
        for name in [*_CLUSTER_LOGGERS, *logging.Logger.manager.loggerDict]
        if name.split(".")[0] in _CLUSTER_LOGGERS
    }
    levels = {}
    for name in sorted(names):
        logger = logging.getLogger(name)
        levels[name] = logger.level
        logger.setLevel(logging.CRITICAL + 1)
    return levels


def restore_log_levels(levels: dict[str, int]) -> None:
    for name, level in levels.items():
        logging.getLogger(name).setLevel(level)


def check_scheduler(address: str, timeout: float) -> None:
    """Refuse *address* unless a Dask scheduler answers there within *timeout*.

    Dask's own connect waits without limit for the handshake of a listener
    that accepts and stays silent, and reads any other server's bytes as a
    frame length; this asks for the server's identity under one deadline.
    """
    from distributed.comm import connect
    from distributed.comm.addressing import parse_address, parse_host_port
    from distributed.comm.registry import backends

    try:
        scheme, location = parse_address(address)
        if scheme not in backends:
            raise ValueError(f"unknown scheme {scheme}://")
        if scheme in ("tcp", "tls"):
            parse_host_port(location)
    except ValueError as exc:
        raise UsageError(
            f"--scheduler {address} is not a scheduler address ({exc}); give tcp://HOST:PORT"
        ) from None

    async def identity() -> Any:
        comm = await connect(address, timeout=timeout)
        try:
            await comm.write({"op": "identity", "reply": True})
            return await comm.read()
        finally:
            comm.abort()

    async def within_deadline() -> Any:
        return await asyncio.wait_for(identity(), timeout)

    try:
        reply = asyncio.run(within_deadline())
    except TimeoutError:
        raise UsageError(
            f"no Dask scheduler answered at {address} within {timeout:g} s (--dask-timeout)"
        ) from None
    except OSError as exc:  # refused, reset, closed
        reason = str(exc) or type(exc).__name__
        raise UsageError(f"no Dask scheduler at {address}: {reason}") from None
    except Exception:  # noqa: BLE001 - another protocol's bytes read as Dask frames
        raise UsageError(
            f"{address} is not a Dask scheduler: what answers there speaks another protocol"
        ) from None
    kind = reply.get("type") if isinstance(reply, dict) else None
    if kind != "Scheduler":
        what = f"a Dask {kind}" if isinstance(kind, str) else "something else"
        raise UsageError(f"{address} is not a Dask scheduler but {what}")


class DaskExecutor:
    """Batches as tasks on a Dask distributed cluster: a ``LocalCluster`` of
    *jobs* worker processes, or the scheduler at *address*.  Workers only
    translate; a task that fails is retried, then reported.

    Faults are bounded by *timeout* seconds: an address where no scheduler
    answers is refused (:class:`UsageError`); a scheduler that goes away, or
    a cluster left without workers, ends the run (:class:`ClusterError`)
    with every finished batch already handed back.  Dask's own log lines are
    kept off the terminal unless *show_logs*.
    """

    kind = "dask"
    RETRIES = 2
    POLL_SECONDS = 1.0

    def __init__(
        self,
        engine_name: str,
        options: DecodeOptions,
        jobs: int,
        address: str | None,
        *,
        timeout: float = 60.0,
        show_logs: bool = False,
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
        self.address = address or "(local cluster)"
        self.timeout = timeout
        self.cluster: Any = None
        self._log_levels = {} if show_logs else quiet_cluster_logs()
        # A nanny sets its workers' variables (OMP_NUM_THREADS=1,
        # MALLOC_TRIM_THRESHOLD_, PYTHONHASHSEED, ...) in this process's
        # environment before spawning them and leaves them there; the
        # environment is put back on close.
        self._environ = dict(os.environ)
        try:
            if address:
                check_scheduler(address, timeout)
                self.client = Client(address, timeout=timeout)
            else:
                self.cluster = LocalCluster(
                    n_workers=jobs,
                    threads_per_worker=1,
                    processes=True,
                    host="127.0.0.1",
                    dashboard_address=None,
                )
                self.client = Client(self.cluster, timeout=timeout)
        except (OSError, TimeoutError) as exc:
            self._restore()
            raise UsageError(f"cannot reach the Dask scheduler {self.address}: {exc}") from None
        except BaseException:
            self._restore()
            raise
        self.calls = 0
        self.workers: dict[str, dict[str, int]] = {}
        self.expected: dict[tuple[str, str], tuple[Any, ...]] = {}  # packages per pair
        self.sources: dict[Any, Path] = {}  # each package's directory on this machine
        self.shipped: dict[str, list[str]] = {}  # package identity -> workers it was sent to

    def slots(self) -> int:
        """The threads the scheduler counts on its workers now (at least 1)."""
        try:
            threads = self.client.nthreads()
        except (OSError, TimeoutError):
            return 1
        return max(1, sum(threads.values()))

    def prepare(self, engine: Engine, pairs: set[tuple[str, str]]) -> None:
        """Check that every worker holds the packages of *pairs* as this machine
        has them (by digest), and ship them to the workers that lack them.  A
        worker with another version is refused in one line (UsageError)."""
        self._check_apertium(engine, pairs)
        route = getattr(engine, "route", None)
        if route is None:
            return  # the pseudo engine needs no package
        from .packages import shipped

        for pair in sorted(pairs):
            infos = route(*pair)
            if not infos:
                continue
            wanted = tuple(shipped(info) for info in infos)
            self.sources.update({w: info.path for w, info in zip(wanted, infos, strict=True)})
            self.expected[pair] = wanted
            self._ship(wanted)

    def _check_apertium(self, engine: Engine, pairs: set[tuple[str, str]]) -> None:
        """Every worker must hold the Apertium pairs the run uses, as this machine
        has them: Debian's packages are installed there, never shipped."""
        here = {
            pair: identity
            for pair in sorted(pairs)
            if pair[0] != pair[1]
            and (identity := engine.identity(*pair)).startswith(APERTIUM_IDENTITY)
        }
        if here:
            states: dict[str, list[str]] = self.client.run(_worker_apertium, list(here))
            refuse_apertium_workers(here, states)

    def _ship(self, wanted: tuple[Any, ...]) -> None:
        from .packages import pack

        if not wanted:
            return
        states: dict[str, list[str]] = self.client.run(_worker_state, wanted)
        for worker, found in sorted(states.items()):
            for want, state in zip(wanted, found, strict=True):
                if state.startswith("different"):
                    raise UsageError(
                        f"Dask worker {worker} has {state.split(': ', 1)[1]} for "
                        f"{want.from_code}→{want.to_code}, but this run uses {want}: install "
                        "the same package there, or empty its package directory so that the "
                        "run ships this one"
                    )
        for i, want in enumerate(wanted):
            missing = sorted(w for w, found in states.items() if found[i] == "missing")
            if not missing:
                continue
            results = self.client.run(
                _worker_install, want, pack(self.sources[want]), workers=missing
            )
            for worker, result in sorted(results.items()):
                if result not in ("installed", "ok"):
                    raise UsageError(f"Dask worker {worker}: {want} was not installed ({result})")
            self.shipped.setdefault(want.identity, []).extend(missing)

    def _submit(self, batch: Batch) -> Any:
        return self.client.submit(
            _dask_task,
            self.engine_name,
            self.options,
            batch,
            self.expected.get((batch[0], batch[1]), ()),
            pure=False,
            retries=self.RETRIES,
        )

    def run(self, batches: Sequence[Batch]) -> Iterator[tuple[int, list[str]]]:
        try:
            futures = {self._submit(batch): index for index, batch in enumerate(batches)}
        except Exception:  # noqa: BLE001 - any refusal of a closed client
            if self.client.status == "running":
                raise
            raise ClusterError(self._lost(f"the client is {self.client.status}")) from None
        finished: queue.Queue[Any] = queue.Queue()
        for submitted in futures:
            submitted.add_done_callback(finished.put)
        reshipped: set[int] = set()  # batches sent again after shipping to a new worker
        remaining = len(futures)
        # A result held by a worker that died is "lost" and computed again; its
        # callback has fired already, so those futures are looked at on each poll.
        recomputed: set[Any] = set()
        last_progress = time.monotonic()
        try:
            while remaining:
                try:
                    future = finished.get(timeout=self.POLL_SECONDS)
                except queue.Empty:
                    settled = [f for f in recomputed if f.status not in _UNSETTLED]
                    if not settled:
                        self._check_cluster(time.monotonic() - last_progress)
                        continue
                    future = settled[0]
                    recomputed.discard(future)
                if future.status in _UNSETTLED:
                    recomputed.add(future)
                    continue
                try:
                    # bounded: a finished result on a worker that died meanwhile
                    # is fetched only once it has been computed again
                    out, calls, worker = future.result(timeout=self.timeout)
                except TimeoutError:
                    recomputed.add(future)
                    self._check_cluster(time.monotonic() - last_progress)
                    continue
                except WorkerPackageError as exc:
                    index = futures[future]
                    if not exc.missing or index in reshipped:
                        raise  # another version there: its language pair fails
                    # a worker that joined after the packages were shipped
                    batch = batches[index]
                    self._ship(self.expected.get((batch[0], batch[1]), ()))
                    reshipped.add(index)
                    again = self._submit(batch)
                    futures[again] = index
                    again.add_done_callback(finished.put)
                    continue
                except Exception:
                    if future.status == "error":
                        raise  # the task's own error: its language pair fails
                    raise ClusterError(self._lost(f"a batch was {future.status}")) from None
                remaining -= 1
                last_progress = time.monotonic()
                self.calls += calls
                seen = self.workers.setdefault(worker, {"batches": 0, "segments": 0})
                seen["batches"] += 1
                seen["segments"] += len(out)
                yield futures[future], out
        except BaseException:
            if self.client.status == "running":
                with contextlib.suppress(OSError, TimeoutError):  # the scheduler went away
                    self.client.cancel(list(futures))
            raise

    def _lost(self, what: str) -> str:
        return (
            f"the Dask cluster at {self.address} stopped answering ({what}); finished "
            "batches are in the translation memory: run the same command again to resume"
        )

    def _check_cluster(self, idle: float) -> None:
        """Raise :class:`ClusterError` when the scheduler or every worker is gone."""
        status = self.client.status
        if status in ("closing", "closed", "failed"):
            raise ClusterError(self._lost(f"the scheduler connection is {status}"))
        if status != "running":
            if idle > self.timeout:
                raise ClusterError(self._lost(f"no scheduler for {self.timeout:g} s"))
            return
        if idle <= self.timeout:
            return
        scheduler: Any = self.client.scheduler
        try:
            cores = self.client.sync(scheduler.ncores, callback_timeout=self.timeout)
        except (OSError, TimeoutError) as exc:
            raise ClusterError(self._lost(f"the scheduler did not answer: {exc}")) from None
        if not cores:
            raise ClusterError(self._lost(f"no workers for {self.timeout:g} s"))

    def close(self) -> None:
        try:
            with contextlib.suppress(OSError, TimeoutError):  # a scheduler already gone
                self.client.close(timeout=min(self.timeout, 10.0))
            if self.cluster is not None:
                self.cluster.close()
        finally:
            self._restore()

    def _restore(self) -> None:
        """Put back the environment (a nanny's changes) and the log levels."""
        for name in set(os.environ) - set(self._environ):
            del os.environ[name]
        for name, value in self._environ.items():
            if os.environ.get(name) != value:
                os.environ[name] = value
        restore_log_levels(self._log_levels)


def make_executor(
    kind: str,
    engine: Engine,
    engine_name: str,
    options: DecodeOptions,
    jobs: int,
    address: str | None = None,
    *,
    cluster_timeout: float = 60.0,
    show_cluster_logs: bool = False,
) -> Executor:
    """``inline`` (the default), ``processes`` or ``dask``; *jobs* spreads the model work."""
    if kind == "dask":
        return DaskExecutor(
            engine_name,
            options,
            jobs,
            address,
            timeout=cluster_timeout,
            show_logs=show_cluster_logs,
        )
    if kind == "processes" and jobs > 1 and engine_name != "pseudo":
        threads = max(1, (multiprocessing.cpu_count() or 1) // jobs)
        worker_options = replace(
            options, inter_threads=1, intra_threads=options.intra_threads or threads
        )
        return ProcessExecutor(engine_name, worker_options, jobs)
    return InlineExecutor(engine)
