"""Linear time and bounded memory on hostile input shapes: a doubling test.

Each shape is built at three sizes (1x, 2x, 4x; 4x is the size named below,
all within the 5 MiB input limit) and put through the whole command a user
runs, in a fresh process::

    translator localize FILE --to fr --engine pseudo --no-cache --out DIR

The script prints the wall time and the peak memory of each call.  It fails
when doubling a shape's size more than ``max_doubling_ratio`` times its time
(work that grows faster than the input), when a call needs more memory than
``max_peak_rss_mb``, when a call ends otherwise than expected (Markdown
nested past the reader's limit is refused in one line; every other shape is
translated), or when the largest cases take more
than ``max_ratio_to_ordinary`` times as long as an ordinary article of about
5 MiB (many paragraphs of running text) measured in the same run.  The limits
live in ``benchmarks/pathological_baseline.json``.

    python benchmarks/pathological.py [--shape NAME ...] [--scale F] [--json]

``--scale 0.25`` runs every shape at a quarter of its sizes (a quick look;
the ratio to the ordinary article is then not checked).
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from gate import gate

ROOT = Path(__file__).resolve().parents[1]
BASELINE = Path(__file__).with_name("pathological_baseline.json")
LIMIT_BYTES = 5 * 1024 * 1024

_WORDS = (
    "the council said on thursday that a new budget for schools roads and "
    "housing would be put to a vote next month after talks with residents "
    "who asked for more money for the library and the old bridge"
).split()


def _letters(n: int) -> str:
    rng = random.Random(n)
    return "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(n))


def _sentence(rng: random.Random, words: int) -> str:
    text = " ".join(rng.choice(_WORDS) for _ in range(words))
    return text[0].upper() + text[1:] + "."


def long_line(n: int) -> tuple[str, str]:
    """One line of *n* letters with no space (a URL-less, word-less blob)."""
    return "txt", f"A long line\n\n{_letters(n)}\n"


def nested_div(n: int) -> tuple[str, str]:
    """*n* nested ``<div>`` elements around one paragraph."""
    inner = "<p>The council met on Thursday to vote on the budget.</p>"
    return "html", (
        "<html><head><title>Nested</title></head><body><h1>Nested</h1>"
        + "<div>" * n
        + inner
        + "</div>" * n
        + "</body></html>"
    )


def unclosed_divs(n: int) -> tuple[str, str]:
    """*n* paragraphs, each in a ``<div>`` never closed (broken CMS output,
    nested past lxml's 256 levels): every paragraph must be read."""
    body = "".join(f"<div><p>Paragraph {i} of the council report is here.</p>" for i in range(n))
    return "html", f"<html><body><h1>Unclosed</h1><article>{body}</article></body></html>"


def many_spans(n: int) -> tuple[str, str]:
    """One ``<p>`` of *n* ``<span>word</span>`` (a page that wraps every word)."""
    words = " ".join(f"<span>{_WORDS[i % len(_WORDS)]}</span>" for i in range(n))
    return "html", f"<html><body><h1>Spans</h1><article><p>{words}</p></article></body></html>"


def many_p(n: int) -> tuple[str, str]:
    """*n* short ``<p>`` elements."""
    body = "".join(f"<p>Item {i} of the list is here.</p>" for i in range(n))
    return "html", f"<html><body><h1>Many paragraphs</h1>{body}</body></html>"


def many_paragraphs(n: int) -> tuple[str, str]:
    """*n* one-line paragraphs of plain text."""
    rng = random.Random(n)
    lines = [_sentence(rng, 6) for _ in range(n)]
    return "txt", "Many paragraphs\n\n" + "\n\n".join(lines) + "\n"


def emphasis_openers(n: int) -> tuple[str, str]:
    """One Markdown paragraph of *n* characters of ``word **word`` with no closing marker."""
    unit = "council **budget "
    return "md", "# Openers\n\n" + unit * (n // len(unit)) + "\n"


def link_openers(n: int) -> tuple[str, str]:
    """One Markdown paragraph of *n* characters of ``[word](`` never closed."""
    unit = "see [the report]("
    return "md", "# Links\n\n" + unit * (n // len(unit)) + "\n"


def abbreviations(n: int) -> tuple[str, str]:
    """One sentence of *n* characters of "Mr. Smith" (full stops that end no sentence)."""
    unit = "Mr. Smith and "
    return "txt", "Abbreviations\n\n" + unit * (n // len(unit)) + "done.\n"


def addresses(n: int) -> tuple[str, str]:
    """One paragraph of *n* characters of URLs and e-mail addresses among words."""
    unit = "write to desk@example.org or see https://example.org/a_b?x=1 today, "
    return "txt", "Addresses\n\nThe council " + unit * (n // len(unit)) + "thanks.\n"


def deep_quotes(n: int) -> tuple[str, str]:
    """Markdown block quotes nested *n* deep, then an ordinary paragraph."""
    return "md", (
        "# Deep quotes\n\n"
        + ">" * n
        + " The innermost quote is here.\n\n"
        + "The closing paragraph must survive the nesting.\n"
    )


def deep_list(n: int) -> tuple[str, str]:
    """A Markdown list nested *n* levels deep, then an ordinary paragraph."""
    lines = [("  " * level) + f"- level {level} of the list" for level in range(n)]
    return "md", (
        "# Deep list\n\n"
        + "\n".join(lines)
        + "\n\nThe closing paragraph must survive the nesting.\n"
    )


def ordinary(n: int) -> tuple[str, str]:
    """An ordinary article: paragraphs of several sentences, *n* bytes in all."""
    rng = random.Random(7)
    parts = ["# An ordinary long article", ""]
    size = 0
    while size < n:
        paragraph = " ".join(_sentence(rng, rng.randint(8, 20)) for _ in range(4))
        parts += [paragraph, ""]
        size += len(paragraph) + 2
    return "md", "\n".join(parts)


# name: (builder, size at 4x, the exit status expected)
SHAPES: dict[str, tuple[Callable[[int], tuple[str, str]], int, int]] = {
    "long-line": (long_line, 1_000_000, 0),
    "nested-div": (nested_div, 10_000, 0),
    "many-p": (many_p, 100_000, 0),
    "unclosed-divs": (unclosed_divs, 40_000, 0),
    "many-spans": (many_spans, 200_000, 0),
    "many-paragraphs": (many_paragraphs, 50_000, 0),
    "emphasis-openers": (emphasis_openers, 1_000_000, 0),
    "link-openers": (link_openers, 1_000_000, 0),
    "abbreviations": (abbreviations, 1_000_000, 0),
    "addresses": (addresses, 1_000_000, 0),
    # Deeper than the Markdown reader's nesting limit: refused in one line (exit 1).
    "deep-quotes": (deep_quotes, 20_000, 1),
    "deep-list": (deep_list, 1_000, 1),
}
ORDINARY_BYTES = LIMIT_BYTES - 64 * 1024
# The largest cases compared with the ordinary article.
COMPARED = ("long-line", "many-p")


def translator_command() -> list[str]:
    script = Path(sys.executable).with_name("translator")
    return [str(script)] if script.is_file() else [sys.executable, "-m", "translator"]


def run_case(source: Path, out: Path) -> dict[str, object]:
    """One CLI call: its wall time, peak memory (MB) and exit status."""
    argv = translator_command() + [
        "localize",
        str(source),
        "--to",
        "fr",
        "--engine",
        "pseudo",
        "--no-cache",
        "--out",
        str(out),
    ]
    started = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    assert proc.stderr is not None
    stderr = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.perf_counter() - started
    lines = stderr.decode("utf-8", "replace").strip().splitlines()
    return {
        "seconds": round(seconds, 3),
        "peak_rss_mb": round(usage.ru_maxrss / 1024, 1),
        "exit": proc.returncode,
        "last_line": lines[-1] if lines else "",
    }


def measure(
    name: str, build: Callable[[int], tuple[str, str]], size: int, work: Path
) -> dict[str, object]:
    ext, text = build(size)
    data = text.encode("utf-8")
    if len(data) > LIMIT_BYTES:
        raise SystemExit(f"{name} at {size} is {len(data)} bytes, over the 5 MiB input limit")
    source = work / f"{name}-{size}.{ext}"
    source.write_bytes(data)
    row = run_case(source, work / f"out-{name}-{size}")
    row.update({"shape": name, "size": size, "bytes": len(data)})
    return row


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--shape", action="append", choices=sorted(SHAPES), help="only these shapes"
    )
    parser.add_argument("--scale", type=float, default=1.0, help="multiply every size (default 1)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    names = args.shape or list(SHAPES)
    rows: list[dict[str, object]] = []
    figures: dict[str, object] = {}
    worst_ratio = 0.0
    worst_rss = 0.0
    failures = 0
    with tempfile.TemporaryDirectory(prefix="pathological-") as tmp:
        work = Path(tmp)
        full = args.scale == 1.0 and not args.shape
        if full:
            row = measure("ordinary", ordinary, ORDINARY_BYTES, work)
            rows.append(row)
            figures["ordinary_seconds"] = row["seconds"]
            print(
                f"ordinary article {row['bytes']:>9} bytes  {row['seconds']:8.2f} s  {row['peak_rss_mb']:7.1f} MB"
            )
        for name in names:
            build, top, expected = SHAPES[name]
            sizes = [max(1, int(top * args.scale) // k) for k in (4, 2, 1)]
            times = []
            for size in sizes:
                row = measure(name, build, size, work)
                rows.append(row)
                times.append(float(row["seconds"]))  # type: ignore[arg-type]
                worst_rss = max(worst_rss, float(row["peak_rss_mb"]))  # type: ignore[arg-type]
                failures += row["exit"] != expected
                print(
                    f"{name:17} {size:>9} {row['bytes']:>9} bytes  {row['seconds']:8.2f} s  "
                    f"{row['peak_rss_mb']:7.1f} MB  exit {row['exit']}"
                )
                if row["exit"] != 0:
                    print(f"  {row['last_line'][:150]}")
            ratios = [times[1] / times[0], times[2] / times[1]]
            print(f"{'':17} doubling ratios {ratios[0]:.2f}, {ratios[1]:.2f}")
            worst_ratio = max(worst_ratio, *ratios)
            figures[f"{name}_seconds"] = times[-1]
            if full and name in COMPARED:
                figures[f"{name}_to_ordinary"] = round(
                    times[-1] / float(figures["ordinary_seconds"]), 3
                )  # type: ignore[arg-type]
    figures["max_doubling_ratio"] = round(worst_ratio, 3)
    figures["max_peak_rss_mb"] = worst_rss
    figures["unexpected_exits"] = failures
    if full:
        figures["max_ratio_to_ordinary"] = max(float(figures[f"{n}_to_ordinary"]) for n in COMPARED)  # type: ignore[arg-type]
    return gate(figures, BASELINE, as_json=args.json, extra={"runs": rows})


if __name__ == "__main__":
    sys.exit(main())
