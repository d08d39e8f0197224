"""A whole run through Apertium against one flat ``apertium eng-spa`` pass.

Forty English Markdown articles (sentences of the evaluation data beside the
project where it is there, else of the samples; each article holds a link
and a code span) are localized to es with ``--engine apertium --from en``, as
one ``translator localize`` call, the way a user runs it.  In the same run:

* one flat ``apertium eng-spa`` pass over the same text (the articles' bodies
  as one file): what the engine itself costs;
* the same localize call with the pseudo engine (no engine at all).

Each is timed ``--rounds`` times (default 3) and its fastest round counts (the
machine is shared).  Printed: the seconds of each, the ratios to the flat
pass, the share of link destinations and code spans the Spanish variants
keep byte for byte, and the engine's marks left in them (none may be).

The limits live in ``benchmarks/apertium_baseline.json``.

    python benchmarks/apertium.py [--rounds N] [--json]
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from gate import gate

ROOT = Path(__file__).resolve().parents[1]
BASELINE = Path(__file__).with_name("apertium_baseline.json")
SENTENCES = ROOT.parent / "shared" / "eval" / "langdetect" / "data" / "lingua-testdata"
ARTICLES = 40
PER_ARTICLE = 12


def english_sentences() -> list[str]:
    path = SENTENCES / "sentences" / "en.txt"
    pool: list[str] = []
    if path.is_file():
        for line in path.read_text(encoding="utf-8").split("\n"):
            line = line.strip()
            if 40 <= len(line) <= 200 and line[-1] in ".!?" and "`" not in line:
                pool.append(line)
    if len(pool) < ARTICLES * PER_ARTICLE:  # without the evaluation data: the samples
        text = (ROOT / "samples" / "scraped-ticker.txt").read_text(encoding="utf-8")
        base = [s.strip() for s in re.split(r"(?<=[.!?])\s+", text) if len(s.strip()) > 40]
        pool += [f"In district {i}, {base[i % len(base)]}" for i in range(ARTICLES * PER_ARTICLE)]
    return pool[: ARTICLES * PER_ARTICLE]


def make_corpus(folder: Path) -> tuple[list[str], list[str]]:
    """The articles, and the link destinations and code spans they hold."""
    folder.mkdir(parents=True)
    pool = english_sentences()
    links, spans = [], []
    for n in range(ARTICLES):
        own = pool[n * PER_ARTICLE : (n + 1) * PER_ARTICLE]
        link, span = f"https://example.org/reports/r{n}.pdf", f"`check-{n} --all`"
        links.append(link)
        spans.append(span)
        paragraphs = [" ".join(own[i : i + 3]) for i in range(0, len(own), 3)]
        paragraphs.append(f"Read [the report]({link}) and run {span} before the meeting.")
        text = f"# Report {n}\n\n" + "\n\n".join(paragraphs) + "\n"
        (folder / f"a{n:02d}.md").write_text(text, encoding="utf-8")
    return links, spans


def _timed(command: list[str], rounds: int, cwd: Path, **kwargs: object) -> float:
    best = float("inf")
    for _ in range(rounds):
        for stale in cwd.glob("out-*"):
            shutil.rmtree(stale)
        start = time.perf_counter()
        done = subprocess.run(command, cwd=cwd, capture_output=True, **kwargs)  # type: ignore[call-overload]
        best = min(best, time.perf_counter() - start)
        if done.returncode not in (0,):
            sys.exit(f"{' '.join(command[:4])}… failed: {done.stderr[-1500:]!r}")
    return best


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if shutil.which("apertium") is None:
        print(
            "apertium is not installed: apt-get install apertium apertium-eng-spa", file=sys.stderr
        )
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        (work / ".translator").mkdir()
        links, spans = make_corpus(work / "corpus")
        flat = work / "all.txt"
        flat.write_text(
            "\n\n".join(p.read_text(encoding="utf-8") for p in sorted((work / "corpus").iterdir())),
            encoding="utf-8",
        )
        cli = [sys.executable, "-m", "translator", "localize", "corpus", "--to", "es", "--from",
               "en", "--no-cache", "-q"]  # fmt: skip
        apertium_s = _timed(
            [*cli, "--engine", "apertium", "--out", "out-apertium"], args.rounds, work
        )
        variants = {
            p.name: p.read_text(encoding="utf-8") for p in (work / "out-apertium").iterdir()
        }
        pseudo_s = _timed([*cli, "--engine", "pseudo", "--out", "out-pseudo"], args.rounds, work)
        with flat.open("rb") as stdin:
            data = stdin.read()
        flat_s = _timed(["apertium", "eng-spa"], args.rounds, work, input=data)
    text = "\n".join(variants.values())
    bodies = "\n".join(v.split("\n---\n", 1)[1] for v in variants.values())
    figures = {
        "articles": len(variants),
        "words": len(data.split()),
        "apertium_cli_seconds": round(apertium_s, 3),
        "flat_apertium_seconds": round(flat_s, 3),
        "pseudo_cli_seconds": round(pseudo_s, 3),
        "ratio_to_flat_pass": round(apertium_s / flat_s, 2),
        "pseudo_ratio_to_flat_pass": round(pseudo_s / flat_s, 2),
        "links_kept": round(sum(f"]({u})" in text for u in links) / len(links), 4),
        "code_spans_kept": round(sum(s in text for s in spans) / len(spans), 4),
        "marks_left": len(re.findall(r"(?<![\w*#@`])[*#@][^\W\d_]", bodies)),
    }
    return gate(figures, BASELINE, as_json=args.json)


if __name__ == "__main__":
    sys.exit(main())
