"""Glossary terms through a real CTranslate2 model: how often a term's
placeholder survives the model, and how often the fallback is needed.

Whole ``translator localize`` calls (fresh processes) over 30 articles made
of English sentences (the evaluation data's, where it is beside the project,
and the samples'), each paragraph quoting a named person,
with a glossary of those names (kept as written) and house terms (forced), once with the pseudo
engine (placeholders always survive: the reference) and once with the test
Argos model built from numpy weights (``tests/fixtures/argos_fixture.py``),
whose output is nonsense: it shows the worst case, where the model keeps
no placeholder.  For each run: sentences with a term, the share whose every
term placeholder came back exactly once, the share translated again without
the mask, the share kept masked with the term put back at the end, and
whether every do-not-translate name is in the variants byte for byte.

At scale (``--scale``, also part of a full run): 40 short articles localized
with the pseudo engine and no memory, as whole ``translator localize`` calls,
with no glossary, then with glossaries of 25,000 and 100,000 terms (words of
their own, a few of them in the text): the seconds and the peak memory of
each call, and their ratios to the call without a glossary.

Limits in ``benchmarks/glossary_baseline.json``.

    python benchmarks/glossary.py [--scale | --no-scale] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
BASELINE = Path(__file__).with_name("glossary_baseline.json")

NAMES = ("Hana Kowalski", "Obi Nwosu", "Stone", "Ines Duarte")
GLOSSARY = (
    "en,fr,status,note\n"
    + "".join(f"{name},,dnt,a name\n" for name in NAMES)
    + "city council,conseil municipal,,\nlibrary,médiathèque,,house term\n"
    + "ferry,bac,,\nmarket,marché,,\n"
)
ARTICLES = 30


def corpus(folder: Path) -> None:
    """ARTICLES articles of four paragraphs, each quoting one of NAMES."""
    from corpus import EVAL  # beside this file

    from translator.segment import split_sentences

    pool: list[str] = []
    english = EVAL / "en.txt"  # the evaluation data beside the project, when there
    if english.is_file():
        pool += english.read_text(encoding="utf-8").splitlines()
    for name in ("council-budget.html", "scraped-ticker.txt", "arabic-market.txt"):
        text = (ROOT / "samples" / name).read_text(encoding="utf-8")
        pool += split_sentences(
            " ".join(line for line in text.splitlines() if not line.lstrip().startswith("<"))
        )
    pool = [s.strip() for s in pool if 40 <= len(s.strip()) <= 200 and s.strip()[-1] in ".!?"]
    pool = list(dict.fromkeys(pool))
    folder.mkdir(parents=True)
    k = 0
    for n in range(ARTICLES):
        paragraphs = []
        for j in range(4):
            sentence = pool[k % len(pool)]
            k += 1
            name = NAMES[(n + j) % len(NAMES)]
            meeting = n * 4 + j + 1  # every paragraph its own sentence, with or without the data
            paragraphs.append(
                f"At meeting {meeting}, {name} told the city council that "
                f"{sentence[0].lower()}{sentence[1:]}"
            )
        title = f"{NAMES[n % len(NAMES)]} visits the library"
        (folder / f"article-{n:02d}.txt").write_text(
            "\n\n".join([title, *paragraphs]) + "\n", encoding="utf-8"
        )


def translator() -> list[str]:
    script = Path(sys.executable).with_name("translator")
    return [str(script)] if script.is_file() else [sys.executable, "-m", "translator"]


def _run(work: Path, engine: str, env: dict[str, str]) -> dict[str, float | bool | int]:
    out = work / f"build-{engine}"
    report = work / f"{engine}.json"
    subprocess.run(
        translator() + ["localize", "articles/", "--to", "fr", "--from", "en", "--engine", engine,
                        "--out", str(out), "--glossary", "g.csv", "--report", str(report), "-q"],
        cwd=work, env=env, check=False, capture_output=True,
    )  # fmt: skip
    data = json.loads(report.read_text(encoding="utf-8"))
    terms = data.get("terms", {"sentences": 0, "survived": 0, "fallback": 0, "appended": 0})
    text = "".join(p.read_text(encoding="utf-8") for p in sorted(out.glob("*.md")))
    sources = "".join(p.read_text(encoding="utf-8") for p in sorted((work / "articles").iterdir()))
    names_kept = all(text.count(n) >= sources.count(n) > 0 for n in NAMES)
    total = terms["sentences"] or 1
    return {
        "sentences": terms["sentences"],
        "survived": terms["survived"],
        "fallback": terms["fallback"],
        "appended": terms["appended"],
        "survived_share": terms["survived"] / total,
        "fallback_share": terms["fallback"] / total,
        "appended_share": terms["appended"] / total,
        "names_kept": names_kept,
    }


def measure(engines: tuple[str, ...] = ("argos",)) -> dict[str, float | bool | int]:
    """The figures of each engine's run, prefixed by the engine's name for
    all but the first; Argos needs the test en→fr model installed in
    ``ARGOS_PACKAGES_DIR``."""
    figures: dict[str, float | bool | int] = {}
    with tempfile.TemporaryDirectory(prefix="glossary-bench-") as tmp:
        work = Path(tmp)
        corpus(work / "articles")
        (work / ".translator").mkdir()
        (work / "g.csv").write_text(GLOSSARY, encoding="utf-8")
        env = {k: v for k, v in os.environ.items() if k != "TRANSLATOR_MEMORY"}
        for i, engine in enumerate(engines):
            prefix = "" if i == 0 else f"{engine}_"
            figures.update({prefix + k: v for k, v in _run(work, engine, env).items()})
    return figures


SCALE_ARTICLES = 40


def _scale_glossary(path: Path, terms: int) -> None:
    """*terms* rows: invented two-word terms with their French, and the names."""
    lines = ["en,fr"]
    lines += [f"survey{n:06d} report,rapport enquête{n:06d}" for n in range(terms)]
    lines += ["city council,conseil municipal", "library,médiathèque"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _timed_call(work: Path, args: list[str], env: dict[str, str]) -> tuple[float, int]:
    """Seconds and peak memory (KiB) of one translator call, in a process of its own."""
    probe = (
        "import resource, subprocess, sys, time\n"
        "t = time.perf_counter()\n"
        "done = subprocess.run(sys.argv[1:], capture_output=True)\n"
        "t = time.perf_counter() - t\n"
        "if done.returncode: sys.exit(done.stderr.decode()[-800:])\n"
        "print(t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe, *translator(), *args],
        cwd=work, env=env, capture_output=True, text=True, check=True,
    )  # fmt: skip
    seconds, peak = out.stdout.split()
    return float(seconds), int(peak)


def scale(rounds: int = 3) -> dict[str, float | bool | int]:
    """The 40-article case with no glossary, 25,000 and 100,000 terms."""
    figures: dict[str, float | bool | int] = {}
    with tempfile.TemporaryDirectory(prefix="glossary-scale-") as tmp:
        work = Path(tmp)
        (work / "articles").mkdir()
        for n in range(SCALE_ARTICLES):
            paragraphs = [
                f"The city council met on day {n * 4 + j} and the survey{(n * 97 + j) % 1000:06d} "
                f"report named the library as its first task."
                for j in range(4)
            ]
            (work / "articles" / f"a{n:02d}.txt").write_text(
                "\n\n".join([f"Notes of meeting {n}", *paragraphs]) + "\n", encoding="utf-8"
            )
        env = {k: v for k, v in os.environ.items() if k != "TRANSLATOR_MEMORY"}
        base = ["localize", "articles/", "--to", "fr", "--from", "en", "--engine", "pseudo",
                "--no-cache", "-q", "--force"]  # fmt: skip
        runs = {"none": base}
        for terms in (25_000, 100_000):
            _scale_glossary(work / f"g{terms}.csv", terms)
            runs[str(terms)] = [*base, "--glossary", f"g{terms}.csv"]
        best: dict[str, tuple[float, int]] = {}
        for _ in range(rounds):  # interleaved: the machine's load touches each alike
            for name, args in runs.items():
                seconds, peak = _timed_call(work, [*args, "--out", f"out-{name}"], env)
                old = best.get(name)
                best[name] = (
                    min(seconds, old[0]) if old else seconds,
                    max(peak, old[1] if old else 0),
                )
        plain_s, plain_kib = best["none"]
        figures["scale_no_glossary_seconds"] = round(plain_s, 3)
        figures["scale_no_glossary_mib"] = round(plain_kib / 1024, 1)
        for terms in ("25000", "100000"):
            seconds, peak = best[terms]
            figures[f"scale_{terms}_terms_seconds"] = round(seconds, 3)
            figures[f"scale_{terms}_terms_mib"] = round(peak / 1024, 1)
            figures[f"scale_{terms}_within_2x_plus_2s"] = seconds <= 2 * plain_s + 2
            figures[f"scale_{terms}_memory_ratio"] = round(peak / plain_kib, 2)
    return figures


def main() -> int:
    sys.path.insert(0, str(Path(__file__).parent))
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", action="store_true")
    which = parser.add_mutually_exclusive_group()
    which.add_argument("--scale", action="store_true", help="only the glossaries at scale")
    which.add_argument("--no-scale", action="store_true", help="leave the scale rows out")
    args = parser.parse_args()
    from gate import gate  # noqa: E402 - beside this file

    if args.scale:
        return gate(scale(), BASELINE, as_json=args.json)
    home = Path(tempfile.mkdtemp(prefix="glossary-bench-home-"))
    os.environ["ARGOS_PACKAGES_DIR"] = str(home / "packages")
    for var in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME"):
        os.environ[var] = str(home / var.lower())
    from tests.fixtures.argos_fixture import build_package
    from translator import packages

    packages.install_archive(build_package(home / "en_fr.argosmodel", "en", "fr"))
    figures = measure(("pseudo", "argos"))
    if not args.no_scale:
        figures.update(scale())
    return gate(figures, BASELINE, as_json=args.json)


if __name__ == "__main__":
    sys.exit(main())
