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

Limits in ``benchmarks/glossary_baseline.json``.

    python benchmarks/glossary.py [--json]
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


def main() -> int:
    sys.path.insert(0, str(Path(__file__).parent))
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    home = Path(tempfile.mkdtemp(prefix="glossary-bench-home-"))
    os.environ["ARGOS_PACKAGES_DIR"] = str(home / "packages")
    for var in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME"):
        os.environ[var] = str(home / var.lower())
    from tests.fixtures.argos_fixture import build_package
    from translator import packages

    packages.install_archive(build_package(home / "en_fr.argosmodel", "en", "fr"))
    figures = measure(("pseudo", "argos"))
    from gate import gate  # noqa: E402 - beside this file

    return gate(figures, BASELINE, as_json=args.json)


if __name__ == "__main__":
    sys.exit(main())
