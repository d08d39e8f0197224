"""Scaling on Dask distributed: 1, 2 and 4 workers against the local executor.

Whole ``translator localize`` calls (fresh processes, what a user runs) over a
generated corpus (ARTICLES articles of 11 sentences, en→fr, the
Argos-architecture benchmark package: 6+6 layers, d_model 512, int8, greedy
decoding), each with a fresh translation memory:

* the local executor with 1, 2 and 4 CTranslate2 threads
  (``--jobs N --intra-threads 1``);
* Dask with 1, 2 and 4 workers of one thread each: a real ``dask scheduler``
  and ``dask worker`` processes, each in its own process group and with a
  package directory of its own that starts empty (the client ships the
  package to every worker; ``--intra-threads 1``).

It prints each run's time and throughput, the speed-up of N workers over 1
and the efficiency (speed-up / N), Dask against the local executor with the
same number of threads, whether every worker ran tasks, and whether all runs
wrote identical files.  Last it times one 300-segment call in a fresh plain
process and in a nanny-started worker, before and after the worker resets
glibc's malloc thresholds (see ``restore_malloc_thresholds``).  Where the
machine has fewer cores than workers, the
figure's name says so (``..._on_2_cores``): those workers share cores, and
no speed-up is to be expected from them.

Limits in ``benchmarks/distributed_baseline.json``.

    python benchmarks/distributed.py [--articles 120] [--json]
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HERE = Path(__file__).resolve().parent
# This file is named like the Dask package it measures: keep its folder off
# the import path (worker processes inherit it), and load the shared helpers by file.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE]
sys.path.insert(0, str(ROOT))
BASELINE = HERE / "distributed_baseline.json"


def _load(name: str):
    spec = importlib.util.spec_from_file_location(f"bench_{name}", HERE / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_corpus = _load("corpus")
gate = _load("gate").gate
WORK = _corpus.private_home("DIST_BENCH_WORK", "dist-bench-")
CORES = os.cpu_count() or 1


def translator() -> list[str]:
    script = Path(sys.executable).with_name("translator")
    return [str(script)] if script.is_file() else [sys.executable, "-m", "translator"]


def localize(corpus: Path, name: str, *extra: str) -> tuple[float, dict]:
    """(seconds, the --report) of one ``translator localize`` call."""
    report = WORK / f"{name}.json"
    argv = translator() + [
        "localize", str(corpus), "--to", "fr", "--from", "en", "--out", str(WORK / name),
        "--cache", str(WORK / f"{name}.sqlite3"), "--beam", "1", "--intra-threads", "1",
        "--report", str(report), "-q", *extra,
    ]  # fmt: skip
    started = time.perf_counter()
    done = subprocess.run(argv, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{name}: translator localize failed:\n{done.stderr}")
    return seconds, json.loads(report.read_text(encoding="utf-8"))


class Cluster:
    """A ``dask scheduler`` and *workers* ``dask worker`` processes (one thread,
    no nanny), each in its own process group, each worker with its own,
    empty, package directory."""

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self.folder = WORK / f"cluster-{workers}"
        self.processes: list[subprocess.Popen] = []

    def _start(self, argv: list[str], home: Path) -> None:
        env = dict(os.environ)
        env["ARGOS_PACKAGES_DIR"] = str(home / "packages")
        for var in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME"):
            env[var] = str(home / var.lower())
        (home / "packages").mkdir(parents=True, exist_ok=True)
        self.processes.append(
            subprocess.Popen(
                [sys.executable, "-m", *argv],
                env=env,
                start_new_session=True,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )  # fmt: skip
        )

    def __enter__(self) -> str:
        file = self.folder / "scheduler.json"
        self.folder.mkdir(parents=True, exist_ok=True)
        self._start(
            ["distributed.cli.dask_scheduler", "--host", "127.0.0.1", "--port", "0",
             "--no-dashboard", "--scheduler-file", str(file)],
            self.folder / "scheduler",
        )  # fmt: skip
        for _ in range(600):
            if file.is_file():
                break
            time.sleep(0.1)
        address = json.loads(file.read_text(encoding="utf-8"))["address"]
        for n in range(self.workers):
            self._start(
                ["distributed.cli.dask_worker", address, "--nthreads", "1", "--no-nanny",
                 "--no-dashboard", "--host", "127.0.0.1"],
                self.folder / f"worker-{n}",
            )  # fmt: skip
        from distributed import Client

        with Client(address, timeout=60) as client:
            client.wait_for_workers(self.workers, timeout=120)
        return address

    def __exit__(self, *_exc: object) -> None:
        for proc in self.processes:
            proc.kill()
            proc.wait()


def one_call(segments: list[str], retune: bool) -> float:
    """Seconds for one translate call of *segments* (after a warm-up), in
    whatever process runs this; *retune* first resets glibc's thresholds."""
    from translator.engines import DecodeOptions, get_engine
    from translator.executors import restore_malloc_thresholds

    if retune:
        restore_malloc_thresholds()
    engine = get_engine("argos", DecodeOptions(beam=1, intra_threads=CORES))
    engine.translate(segments[:2], "en", "fr")
    start = time.perf_counter()
    engine.translate(segments, "en", "fr")
    return time.perf_counter() - start


def malloc_probe(segments: list[str]) -> dict[str, float]:
    """The same call in a fresh plain process and in one nanny-started Dask
    worker, before and after the worker resets its malloc thresholds."""
    import concurrent.futures as cf
    import multiprocessing

    from distributed import Client, LocalCluster

    with cf.ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        here = pool.submit(one_call, segments, False).result()
    with (
        LocalCluster(
            n_workers=1, threads_per_worker=1, processes=True, host="127.0.0.1",
            dashboard_address=None,
        ) as cluster,
        Client(cluster) as client,
    ):  # fmt: skip
        as_started = client.submit(one_call, segments, False, pure=False).result()
        reset = client.submit(one_call, segments, True, pure=False).result()
    return {
        "one_call_plain_process_seconds": round(here, 2),
        "one_call_worker_as_started_seconds": round(as_started, 2),
        "one_call_worker_after_reset_seconds": round(reset, 2),
    }


def _files(name: str) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((WORK / name).iterdir())}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=120)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    pool = _corpus.sentences()
    _corpus.install_benchmark_packages(WORK, pool)
    corpus = WORK / f"corpus-{args.articles}"
    if not corpus.is_dir():
        _corpus.make_corpus(corpus, args.articles, pool)

    figures: dict[str, object] = {"articles": args.articles, "cores": CORES}
    seconds: dict[str, float] = {}
    every_worker_ran = True
    for n in (1, 2, 4):
        seconds[f"local_{n}"], report = localize(corpus, f"local-{n}", "--jobs", str(n))
        segments = report["segments"]["translated"]
        with Cluster(n) as address:
            seconds[f"dask_{n}"], report = localize(
                corpus, f"dask-{n}", "--executor", "dask", "--scheduler", address
            )
        ran = [w["batches"] for w in report.get("workers", {}).values()]
        every_worker_ran &= len(ran) == n and min(ran) > 0
        figures[f"dask_{n}_workers_batches"] = "/".join(map(str, sorted(ran)))
    figures["segments"] = segments
    for kind in ("local", "dask"):
        for n in (1, 2, 4):
            figures[f"{kind}_{n}_seconds"] = round(seconds[f"{kind}_{n}"], 2)
            figures[f"{kind}_{n}_segments_per_second"] = round(segments / seconds[f"{kind}_{n}"], 1)
    for n in (2, 4):
        note = f"_on_{CORES}_cores" if n > CORES else ""
        speedup = seconds["dask_1"] / seconds[f"dask_{n}"]
        figures[f"dask_{n}_over_1_speedup{note}"] = round(speedup, 3)
        figures[f"dask_{n}_efficiency{note}"] = round(speedup / n, 3)
        figures[f"local_{n}_over_1_speedup{note}"] = round(
            seconds["local_1"] / seconds[f"local_{n}"], 3
        )
    for n in (1, 2, 4):
        figures[f"dask_{n}_over_local_{n}_time"] = round(
            seconds[f"dask_{n}"] / seconds[f"local_{n}"], 3
        )
    reference = _files("local-1")
    figures["identical_outputs"] = all(
        _files(f"{kind}-{n}") == reference for kind in ("local", "dask") for n in (1, 2, 4)
    )
    figures["every_worker_ran_tasks"] = every_worker_ran
    figures.update(malloc_probe(pool[:300]))
    return gate(figures, BASELINE, as_json=args.json, width=40)


if __name__ == "__main__":
    sys.exit(main())
