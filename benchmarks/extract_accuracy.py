"""Main-text extraction on real web pages: this project next to trafilatura.

Reads the labelled pages beside the project (``../shared/eval/webpages/``,
or ``--data DIR``): ``evaldata.json`` maps each page to snippets of its main
text (``with``, which must be kept) and of its chrome (``without``, which
must be dropped).  A ``with`` snippet found in the extracted text (white
space collapsed) is a true positive, else a false negative; a ``without``
snippet found is a false positive, else a true negative.

Three systems are scored in the same run, each as one whole process over all
the pages, the way a user runs it:

* ``translator extract DIR --format json`` (read, charset, main text, chrome
  rules, language detection), scoring each page's ``text``, with its default
  ``--jobs`` (one worker process per core) and again with ``--jobs 1`` (one
  process, the figures ``..._one_job``), which must extract the same text;
* trafilatura's ``extract()`` with its defaults, in a fresh Python process;
* all the page's text (lxml's ``text_content`` of ``<body>``), no extraction.

Printed: precision, recall, F1, accuracy, pages per second and pages refused
for each, the ratio of this project's pages per second to trafilatura's (with
the default ``--jobs`` and with one), and the CPU seconds (user and system) of
each run.
The two timed systems run ``--rounds`` times (default 3) in turn, and each
one's fastest round counts: the machine is shared, and the fastest round is
the one least disturbed by others.
Then the rules this project adds to trafilatura are cross-validated leave
one site out (``benchmarks/rules_cv.py``): per fold, the rules chosen on the
other sites and their held-out counts next to trafilatura's are printed
(``--folds``), and the held-out precision, recall and F1 of all folds.

The floors live in ``benchmarks/extract_accuracy_baseline.json``; the script
exits 1 when a figure misses its limit.

    python benchmarks/extract_accuracy.py [--data DIR] [--json] [--show-misses] [--folds]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from gate import data_digest, gate, precompile
from rules_cv import cross_validate

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = ROOT.parent / "shared" / "eval" / "webpages"
BASELINE = Path(__file__).with_name("extract_accuracy_baseline.json")

# Each baseline system runs in a fresh process and prints one JSON object:
# page file name -> extracted text (or null when it gave nothing).
_TRAFILATURA = """
import json, sys, pathlib, trafilatura
out = {}
for path in sorted(pathlib.Path(sys.argv[1]).glob("*.htm*")):
    out[path.name] = trafilatura.extract(path.read_bytes())
json.dump(out, sys.stdout)
"""
_ALL_TEXT = """
import json, sys, pathlib, lxml.html
out = {}
for path in sorted(pathlib.Path(sys.argv[1]).glob("*.htm*")):
    tree = lxml.html.document_fromstring(path.read_bytes())
    for bad in tree.xpath("//script|//style|//noscript"):
        bad.drop_tree()
    body = tree.find("body")
    out[path.name] = (body if body is not None else tree).text_content()
json.dump(out, sys.stdout)
"""


def collapse(text: str) -> str:
    return " ".join(text.split())


def score(texts: dict[str, str | None], labels: dict[str, dict]) -> dict[str, float]:
    tp = fp = tn = fn = 0
    for entry in labels.values():
        text = collapse(texts.get(entry["file"]) or "")
        for snippet in entry["with"]:
            if collapse(snippet) in text:
                tp += 1
            else:
                fn += 1
        for snippet in entry["without"]:
            if collapse(snippet) in text:
                fp += 1
            else:
                tn += 1
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "f1": round(f1, 4),
        "accuracy": round((tp + tn) / (tp + tn + fp + fn), 4),
    }


def _cpu_of_children() -> float:
    """CPU seconds (user and system) of the child processes that ended so far."""
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def run_translator(
    pages: Path, jobs: int | None = None
) -> tuple[dict[str, str | None], int, float, float]:
    """(texts by file name, pages refused, seconds, CPU seconds) of one
    ``translator extract`` call (*jobs*: its ``--jobs``; None: its default)."""
    more = ["--jobs", str(jobs)] if jobs else []
    cpu = _cpu_of_children()
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "translator", "extract", str(pages), "--format", "json", *more],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    seconds = time.perf_counter() - start
    cpu = _cpu_of_children() - cpu
    if proc.returncode not in (0, 1) or not proc.stdout.strip():
        sys.exit(f"translator extract failed (exit {proc.returncode}):\n{proc.stderr[-2000:]}")
    texts: dict[str, str | None] = {}
    refused = 0
    for item in json.loads(proc.stdout):
        name = Path(item["path"]).name
        if "error" in item:
            refused += 1
            print(f"refused: {item['error']}", file=sys.stderr)
            texts[name] = None
        else:
            texts[name] = item["text"]
    return texts, refused, seconds, cpu


def run_script(script: str, pages: Path) -> tuple[dict[str, str | None], float, float]:
    """(texts by file name, seconds, CPU seconds) of one baseline script."""
    with tempfile.NamedTemporaryFile("w", suffix=".py", delete=False) as fh:
        fh.write(script)
    cpu = _cpu_of_children()
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, fh.name, str(pages)], capture_output=True, text=True, check=False
    )
    seconds = time.perf_counter() - start
    cpu = _cpu_of_children() - cpu
    Path(fh.name).unlink()
    if proc.returncode != 0:
        sys.exit(f"baseline script failed:\n{proc.stderr[-2000:]}")
    return json.loads(proc.stdout), seconds, cpu


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument(
        "--show-misses", action="store_true", help="list each page's missed snippets"
    )
    parser.add_argument("--rounds", type=int, default=3, help="timed rounds of each system")
    parser.add_argument("--folds", action="store_true", help="print every fold of the rules' CV")
    args = parser.parse_args()
    precompile()
    labels = json.loads((args.data / "evaldata.json").read_text(encoding="utf-8"))
    pages = args.data / "pages"
    n = len(labels)

    ours_times: list[tuple[float, float]] = []
    one_job_times: list[tuple[float, float]] = []
    theirs_times: list[tuple[float, float]] = []
    for _ in range(max(1, args.rounds)):  # in turn, so all meet the same load
        ours, refused, seconds, cpu = run_translator(pages)
        ours_times.append((seconds, cpu))
        one_job, _, seconds, cpu = run_translator(pages, jobs=1)
        one_job_times.append((seconds, cpu))
        theirs, seconds, cpu = run_script(_TRAFILATURA, pages)
        theirs_times.append((seconds, cpu))
    if one_job != ours:
        sys.exit("translator extract --jobs 1 extracted other text than with its default --jobs")
    (ours_s, ours_cpu), (theirs_s, theirs_cpu) = min(ours_times), min(theirs_times)
    one_job_s, one_job_cpu = min(one_job_times)
    everything, _, _ = run_script(_ALL_TEXT, pages)

    figures: dict[str, object] = {"pages": n}
    for name, value in score(ours, labels).items():
        figures[name] = value
    figures["pages_per_second"] = round(n / ours_s, 2)
    figures["pages_refused"] = refused
    for name, value in score(theirs, labels).items():
        figures[f"trafilatura_{name}"] = value
    figures["trafilatura_pages_per_second"] = round(n / theirs_s, 2)
    for name, value in score(everything, labels).items():
        figures[f"all_text_{name}"] = value
    figures["f1_minus_trafilatura"] = round(
        float(figures["f1"]) - float(figures["trafilatura_f1"]),
        4,  # type: ignore[arg-type]
    )
    figures["speed_ratio_to_trafilatura"] = round(theirs_s / ours_s, 3)
    figures["jobs"] = os.cpu_count() or 1  # the default --jobs
    figures["speed_ratio_one_job_to_trafilatura"] = round(theirs_s / one_job_s, 3)
    figures["cpu_seconds"] = round(ours_cpu, 2)
    figures["cpu_seconds_one_job"] = round(one_job_cpu, 2)
    figures["trafilatura_cpu_seconds"] = round(theirs_cpu, 2)
    sys.path.insert(0, str(ROOT))
    cv, fold_lines = cross_validate(pages, labels, theirs)
    figures.update(cv)
    if args.folds and not args.json:
        print("leave-one-site-out folds of the added rules:")
        for line in fold_lines:
            print("  " + line)
        print()

    if args.show_misses:
        for entry in labels.values():
            text = collapse(ours.get(entry["file"]) or "")
            lost = [s for s in entry["with"] if collapse(s) not in text]
            kept = [s for s in entry["without"] if collapse(s) in text]
            if lost or kept:
                print(f"{entry['file']}: lost {lost!r} kept {kept!r}", file=sys.stderr)

    if not args.json:
        print(f"{'system':28s} {'precision':>9s} {'recall':>7s} {'F1':>6s} {'pages/s':>8s}")
        for label, prefix, speed in (
            ("translator extract", "", figures["pages_per_second"]),
            ("trafilatura extract()", "trafilatura_", figures["trafilatura_pages_per_second"]),
            ("all text, no extraction", "all_text_", "-"),
        ):
            print(
                f"{label:28s} {figures[prefix + 'precision']:>9} {figures[prefix + 'recall']:>7} "
                f"{figures[prefix + 'f1']:>6} {speed:>8}"
            )
        print()
    return gate(figures, BASELINE, as_json=args.json, data_sha256=data_digest(args.data), width=30)


if __name__ == "__main__":
    sys.exit(main())
