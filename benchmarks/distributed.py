"""The batch through Dask distributed against the local executor.

Same corpus as ``benchmarks/batch.py`` (300 articles, 3,300 segments, 2
locales, the Argos-architecture benchmark packages, greedy decoding), run
three ways, each with a fresh translation memory:

* the local executor with one CTranslate2 worker (the reference);
* Dask with 1 worker process (a ``LocalCluster`` on loopback);
* Dask with 2 worker processes.

It reports throughput, the overhead of Dask over the local executor at one
worker (floor: at most 15%), checks that the three runs wrote identical
files, and estimates from the measured per-segment cost how long 100,000
articles would take on 10 workers of 8 cores (assuming throughput grows
linearly with cores, which is optimistic).  Last it times one 300-segment
call in a fresh plain process and in a nanny-started worker, before and after the
worker resets glibc's malloc thresholds (see ``restore_malloc_thresholds``).

    python benchmarks/distributed.py [--articles 300] [--json]
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HERE = Path(__file__).resolve().parent
# This file is named like the Dask package it measures: keep its folder off
# the import path (worker processes inherit it), and load the shared corpus
# helpers by file.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE]
sys.path.insert(0, str(ROOT))
BASELINE = HERE / "distributed_baseline.json"
_spec = importlib.util.spec_from_file_location("bench_corpus", HERE / "corpus.py")
assert _spec is not None and _spec.loader is not None
_corpus = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_corpus)
install_benchmark_packages, make_corpus = _corpus.install_benchmark_packages, _corpus.make_corpus
private_home, sentences = _corpus.private_home, _corpus.sentences
_gate_spec = importlib.util.spec_from_file_location("bench_gate", HERE / "gate.py")
assert _gate_spec is not None and _gate_spec.loader is not None
_gate = importlib.util.module_from_spec(_gate_spec)
_gate_spec.loader.exec_module(_gate)
gate = _gate.gate

WORK = private_home("DIST_BENCH_WORK", "dist-bench-")

from translator import localize as loc  # noqa: E402
from translator.engines import DecodeOptions  # noqa: E402
from translator.locales import parse_locales  # noqa: E402


def one_call(segments: list[str], retune: bool) -> float:
    """Seconds for one translate call of *segments* (after a warm-up), in
    whatever process runs this; *retune* first resets glibc's thresholds."""
    import time

    from translator.engines import get_engine
    from translator.executors import restore_malloc_thresholds

    if retune:
        restore_malloc_thresholds()
    engine = get_engine("argos", DecodeOptions(beam=1, intra_threads=os.cpu_count() or 1))
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
            n_workers=1,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
        ) as cluster,
        Client(cluster) as client,
    ):
        as_started = client.submit(one_call, segments, False, pure=False).result()
        reset = client.submit(one_call, segments, True, pure=False).result()
    return {
        "one_call_plain_process_seconds": round(here, 2),
        "one_call_worker_as_started_seconds": round(as_started, 2),
        "one_call_worker_after_reset_seconds": round(reset, 2),
    }


def run(corpus: Path, name: str, **kw) -> loc.LocalizeReport:
    options = loc.LocalizeOptions(
        targets=parse_locales("fr,de"), out=str(WORK / name), engine="argos", source="en",
        decode=DecodeOptions(beam=1), cache=str(WORK / f"{name}.sqlite3"), **kw,
    )  # fmt: skip
    return loc.localize([str(corpus)], options)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=300)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    pool = sentences()
    install_benchmark_packages(WORK, pool)
    corpus = make_corpus(WORK / f"corpus-{args.articles}", args.articles, pool)

    local = run(corpus, "local", jobs=1)
    dask1 = run(corpus, "dask1", jobs=1, executor="dask")
    dask2 = run(corpus, "dask2", jobs=2, executor="dask")
    probe = malloc_probe(pool[:300])
    segments = local.segments_translated + local.segments_from_memory
    files = [
        {p.name: p.read_bytes() for p in (WORK / n).iterdir()} for n in ("local", "dask1", "dask2")
    ]
    per_segment = local.seconds / max(local.segments_translated, 1)
    cores_here = os.cpu_count() or 1
    per_article_segments = segments / args.articles
    estimate_hours = 100_000 * per_article_segments * per_segment * cores_here / (10 * 8) / 3600
    figures = {
        "articles": args.articles,
        "segments": segments,
        "local_1_worker_seconds": round(local.seconds, 2),
        "dask_1_worker_seconds": round(dask1.seconds, 2),
        "dask_2_workers_seconds": round(dask2.seconds, 2),
        "local_segments_per_second": round(segments / local.seconds, 1),
        "dask_1_segments_per_second": round(segments / dask1.seconds, 1),
        "dask_2_segments_per_second": round(segments / dask2.seconds, 1),
        "dask_overhead_at_1_worker": round(dask1.seconds / local.seconds - 1, 3),
        "identical_outputs": files[0] == files[1] == files[2],
        "estimate_100k_articles_10x8_cores_hours": round(estimate_hours, 2),
        **probe,
    }
    return gate(figures, BASELINE, as_json=args.json, width=40)


if __name__ == "__main__":
    sys.exit(main())
