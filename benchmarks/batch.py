"""Batch localization at scale, with the Argos-architecture benchmark package.

Generates 300 articles (11 segments each, 3,300 segments) and localizes them
into 2 locales (en→fr and en→de packages built from numpy weights, 6+6
layers, d_model 512, 32k vocabulary, int8, greedy decoding), then reports:

* throughput of ``localize`` (one process, all cores through CTranslate2's
  ``inter_threads``) against a per-file sequential baseline with the same
  engine (each article translated on its own, no memory);
* the same on 60 articles with 2 worker processes each holding its models,
  the other way to use the cores;
* the time left that progress shows, predicted at 25, 50 and 75 % of the
  segments against the time the run then really took (the same estimator as
  the CLI's: the rate over the last half minute);
* the rerun over the unchanged corpus: zero model calls, and how much faster;
* peak RSS of a run over 150 and over 300 articles (each in a fresh process);
* Ctrl-C: SIGINT to the process group at about 50%, then a rerun with the
  same options; the final outputs must equal the uninterrupted run's byte for
  byte (batches are content-defined, so the resumed run hands the model the
  very batches it did not finish).

Floors in ``benchmarks/batch_baseline.json``; exits 1 below them.

    python benchmarks/batch.py [--articles 300] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))
BASELINE = Path(__file__).with_name("batch_baseline.json")

from corpus import install_benchmark_packages, make_corpus, private_home, sentences  # noqa: E402
from gate import gate  # noqa: E402

# Worker processes (spawn) import this module again: they find the same directory.
WORK = private_home("BATCH_BENCH_WORK", "batch-bench-")

from translator import localize as loc  # noqa: E402
from translator.engines import DecodeOptions, get_engine  # noqa: E402
from translator.locales import parse_locales  # noqa: E402
from translator.pipeline import load_article  # noqa: E402
from translator.translation import translate_article  # noqa: E402

RSS_CHILD = r"""
import json, resource, sys
from translator import localize as loc
from translator.engines import DecodeOptions
from translator.locales import parse_locales
opts = loc.LocalizeOptions(targets=parse_locales("fr,de"), out=sys.argv[2], engine="argos", source="en",
                           decode=DecodeOptions(beam=1), jobs=int(sys.argv[3]), cache=sys.argv[4])
report = loc.localize([sys.argv[1]], opts)
print(json.dumps({"max_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "calls": report.model_calls, "seconds": report.seconds}))
"""


class EtaRecorder(loc.Progress):
    """The time left the CLI would show (the same estimator), recorded as the run goes."""

    def __init__(self) -> None:
        from translator.progress import RateEstimator

        self.rate = RateEstimator()
        self.total = 0
        self.done = 0
        self.seen: list[tuple[float, int, float | None]] = []  # (time, done, predicted)

    def work(self, segments: int) -> None:
        self.total = segments
        self.rate.add(0)

    def segments(self, done: int) -> None:
        self.done += done
        self.rate.add(done)
        now = time.monotonic()
        self.seen.append((now, self.done, self.rate.remaining(self.total, now)))

    def figures(self, ended: float) -> dict:
        """Predicted vs actual time left at 25, 50 and 75 % of the segments."""
        out: dict = {}
        worst = 1.0
        for percent in (25, 50, 75):
            when, _done, predicted = next(
                row for row in self.seen if row[1] >= self.total * percent / 100
            )
            actual = ended - when
            out[f"eta_{percent}_predicted_seconds"] = round(predicted or 0.0, 1)
            out[f"eta_{percent}_actual_seconds"] = round(actual, 1)
            if predicted and actual > 0:
                worst = max(worst, predicted / actual, actual / predicted)
            else:
                worst = float("inf")
        out["eta_worst_factor"] = round(worst, 2)
        return out


def options(out: Path, cache: Path, **kw) -> loc.LocalizeOptions:
    return loc.LocalizeOptions(
        targets=parse_locales("fr,de"), out=str(out), engine="argos", source="en",
        decode=DecodeOptions(beam=1), cache=str(cache), **kw,
    )  # fmt: skip


def per_file_baseline(corpus: Path) -> tuple[float, int]:
    engine = get_engine("argos", DecodeOptions(beam=1))
    started = time.perf_counter()
    segments = 0
    for path in sorted(corpus.iterdir()):
        article = load_article(str(path))
        for target in ("fr", "de"):
            tr = translate_article(article, engine, target, source="en")
            segments += tr.segments
    return time.perf_counter() - started, segments


def rss_run(corpus: Path, out: Path, jobs: int) -> dict:
    result = subprocess.run(
        [sys.executable, "-c", RSS_CHILD, str(corpus), str(out), str(jobs), str(out) + ".sqlite3"],
        capture_output=True, text=True, check=True, cwd=ROOT, env=os.environ,
    )  # fmt: skip
    return json.loads(result.stdout.strip().splitlines()[-1])


def interrupted_run(corpus: Path, out: Path, total: int) -> tuple[int, int, str]:
    args = [sys.executable, "-m", "translator", "localize", str(corpus), "--to", "fr,de", "--from", "en",
            "--beam", "1", "--out", str(out), "--cache", str(out) + ".sqlite3", "--quiet"]  # fmt: skip
    proc = subprocess.Popen(
        args, cwd=ROOT, env=os.environ, start_new_session=True, stderr=subprocess.PIPE, text=True
    )
    while proc.poll() is None:
        if out.is_dir() and len(list(out.glob("*.md"))) >= total // 2:
            os.killpg(proc.pid, signal.SIGINT)
            break
        time.sleep(0.05)
    code = proc.wait()
    at_stop = len(list(out.glob("*.md")))
    rerun = subprocess.run(args, cwd=ROOT, env=os.environ, capture_output=True, text=True)
    return code, at_stop, rerun.stderr + f" rc={rerun.returncode}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=300)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    n = args.articles
    pool = sentences()
    install_benchmark_packages(WORK, pool)
    corpus = make_corpus(WORK / "corpus", n, pool)
    half = make_corpus(WORK / "corpus-half", n // 2, pool)
    figures: dict = {"articles": n, "locales": 2}

    cores = os.cpu_count() or 1
    recorder = EtaRecorder()
    first = loc.localize(
        [str(corpus)], options(WORK / "out", WORK / "tm.sqlite3", jobs=cores), recorder
    )
    figures.update(recorder.figures(time.monotonic()))
    figures["segments"] = first.segments_translated + first.segments_from_memory
    figures["batch_seconds"] = round(first.seconds, 2)
    figures["batch_segments_per_second"] = round(figures["segments"] / first.seconds, 1)
    base_seconds, base_segments = per_file_baseline(corpus)
    figures["per_file_seconds"] = round(base_seconds, 2)
    figures["per_file_segments_per_second"] = round(base_segments / base_seconds, 1)
    figures["speedup_vs_per_file"] = round(base_seconds / first.seconds, 2)

    small = make_corpus(WORK / "corpus-60", min(60, n), pool)
    inline = loc.localize([str(small)], options(WORK / "o-inline", WORK / "i.sqlite3", jobs=cores))
    procs = loc.localize(
        [str(small)],
        options(WORK / "o-procs", WORK / "p.sqlite3", jobs=cores, executor="processes"),
    )
    figures["inline_60_seconds"] = round(inline.seconds, 2)
    figures["processes_60_seconds"] = round(procs.seconds, 2)

    rerun = loc.localize([str(corpus)], options(WORK / "out", WORK / "tm.sqlite3", jobs=cores))
    figures["rerun_seconds"] = round(rerun.seconds, 3)
    figures["rerun_model_calls"] = rerun.model_calls
    figures["rerun_speedup"] = round(first.seconds / rerun.seconds, 1)

    rss_half = rss_run(half, WORK / "rss-half", cores)
    rss_full = rss_run(corpus, WORK / "rss-full", cores)
    figures["max_rss_mb_half"] = round(rss_half["max_rss_mb"], 1)
    figures["max_rss_mb_full"] = round(rss_full["max_rss_mb"], 1)
    figures["rss_growth_ratio"] = round(rss_full["max_rss_mb"] / rss_half["max_rss_mb"], 3)

    code, at_stop, rerun_log = interrupted_run(corpus, WORK / "out-sigint", 2 * n)
    reference = {p.name: p.read_bytes() for p in (WORK / "out").iterdir()}
    resumed = {
        p.name: p.read_bytes()
        for p in (WORK / "out-sigint").iterdir()
        if not p.name.endswith("sqlite3")
    }
    figures["sigint_exit_code"] = code
    figures["sigint_files_at_stop"] = at_stop
    figures["sigint_resumed_identical"] = resumed == reference

    return gate(figures, BASELINE, as_json=args.json, width=34)


if __name__ == "__main__":
    sys.exit(main())
