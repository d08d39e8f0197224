"""How ``translator coverage`` scales: 5,000 articles x 5 locales.

Generates a corpus in a temporary directory (each article with a 4 KB body;
variants written directly with the metadata ``localize`` writes: 5% stale,
5% missing), then runs the coverage check in a fresh process at 1,000 and at
5,000 articles and reports the time and the peak memory of each.  Memory must
stay flat in the number of articles: only the variants' front matter is read.

    python benchmarks/coverage_scale.py [--articles 5000] [--json]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from gate import gate

ROOT = Path(__file__).resolve().parents[1]
BASELINE = Path(__file__).with_name("coverage_scale_baseline.json")
LOCALES = ["fr", "ar", "de", "ja", "pt-BR"]
BODY = ("The council met again to discuss the harbour, the ferries and the budget. " * 55).strip()

CHILD = r"""
import json, resource, sys, time
from translator.coverage import coverage
from translator.locales import parse_locales
started = time.perf_counter()
report = coverage([sys.argv[1]], parse_locales(sys.argv[3]), variants=sys.argv[2], catalogs=None)
data = report.as_dict()
elapsed = time.perf_counter() - started
print(json.dumps({"seconds": elapsed, "max_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "cells": data["summary"]["cells"], "ok": data["summary"]["ok_cells"]}))
"""


def generate(root: Path, articles: int) -> tuple[Path, Path]:
    src, out = root / "src", root / "variants"
    src.mkdir(parents=True)
    out.mkdir()
    for i in range(articles):
        source = src / f"article-{i:05d}.md"
        data = f"---\ntitle: Article {i}\ndate: 2025-01-01\n---\n\n# Article {i}\n\n{BODY} {i}\n".encode()
        source.write_bytes(data)
        digest = hashlib.sha256(data).hexdigest()
        for j, tag in enumerate(LOCALES):
            kind = (i * 7 + j) % 20
            if kind == 0:
                continue  # missing
            recorded = "0" * 64 if kind == 1 else digest  # stale
            (out / f"article-{i:05d}.{tag}.md").write_text(
                f"---\ntitle: Article {i}\nlang: {tag}\nsource_sha256: {recorded}\nengine: pseudo\n---\n\n{BODY}\n",
                encoding="utf-8",
            )
    return src, out


def measure(src: Path, out: Path) -> dict:
    result = subprocess.run(
        [sys.executable, "-c", CHILD, str(src), str(out), ",".join(LOCALES)],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    return json.loads(result.stdout)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=5000)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    figures: dict = {}
    with tempfile.TemporaryDirectory() as tmp:
        for n in (args.articles // 5, args.articles):
            started = time.perf_counter()
            src, out = generate(Path(tmp) / str(n), n)
            figures[f"generate_{n}_seconds"] = round(time.perf_counter() - started, 2)
            run = measure(src, out)
            figures[f"coverage_{n}_seconds"] = round(run["seconds"], 2)
            figures[f"coverage_{n}_max_rss_mb"] = round(run["max_rss_mb"], 1)
            figures[f"coverage_{n}_ok_cells"] = f"{run['ok']}/{run['cells']}"
    small, large = args.articles // 5, args.articles
    figures["rss_growth_mb"] = round(
        figures[f"coverage_{large}_max_rss_mb"] - figures[f"coverage_{small}_max_rss_mb"], 1
    )
    return gate(figures, BASELINE, as_json=args.json, width=34)


if __name__ == "__main__":
    sys.exit(main())
