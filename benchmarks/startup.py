"""How fast the command line answers: whole CLI calls in fresh processes.

Runs ``translator --help`` and ``translator detect samples/scraped-ticker.txt``
as a user does (the installed ``translator`` script, a new process each
time), several times each, and reports the median wall time against the
ceilings in ``benchmarks/startup_baseline.json``.  It also prints the five
slowest imports of ``translator.cli`` (``python -X importtime``, cumulative),
so a regression points at its cause.

    python benchmarks/startup.py [--runs N] [--json]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from gate import gate, precompile

ROOT = Path(__file__).resolve().parents[1]
BASELINE = Path(__file__).with_name("startup_baseline.json")


def translator_command() -> list[str]:
    """The installed script beside this interpreter, else ``python -m translator``."""
    script = Path(sys.executable).with_name("translator")
    if script.is_file():
        return [str(script)]
    found = shutil.which("translator")
    return [found] if found else [sys.executable, "-m", "translator"]


def median_seconds(argv: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(argv, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def slowest_imports(module: str, count: int = 5) -> list[tuple[str, float]]:
    """The *count* imports with the largest cumulative time, in milliseconds."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", f"import {module}"],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
    )
    rows = []
    for line in done.stderr.splitlines():
        parts = line.split("|")
        if len(parts) == 3 and parts[1].strip().isdigit():
            rows.append((parts[2].strip(), int(parts[1]) / 1000))
    return sorted(rows, key=lambda r: -r[1])[:count]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    precompile()
    command = translator_command()
    sample = str(ROOT / "samples" / "scraped-ticker.txt")
    median_seconds([*command, "--help"], 1)  # warm the file cache and bytecode
    figures = {
        "help_seconds": round(median_seconds([*command, "--help"], args.runs), 3),
        "detect_one_file_seconds": round(
            median_seconds([*command, "detect", sample], args.runs), 3
        ),
    }
    imports = slowest_imports("translator.cli")
    if not args.json:
        print(f"median of {args.runs} runs of {' '.join(command)}")
        print("slowest imports of translator.cli (cumulative ms):")
        for name, ms in imports:
            print(f"  {ms:8.1f}  {name}")
    return gate(
        figures,
        BASELINE,
        as_json=args.json,
        extra={"slowest_imports_ms": dict(imports)},
        width=26,
    )


if __name__ == "__main__":
    sys.exit(main())
