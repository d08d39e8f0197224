"""Generated article corpora and packages for the batch benchmarks (no side effects on import)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from translator.segment import split_sentences

ROOT = Path(__file__).resolve().parents[1]
EVAL = ROOT.parent / "shared" / "eval" / "langdetect" / "data" / "lingua-testdata" / "sentences"


def sentences() -> list[str]:
    pool: list[str] = []
    if EVAL.is_dir():
        for lang in ("en", "fr", "de", "es", "it", "nl", "pt"):
            for line in (EVAL / f"{lang}.txt").read_text(encoding="utf-8").split("\n"):
                line = line.strip()
                if 30 <= len(line) <= 200 and len(split_sentences(line)) == 1 and line[-1] in ".!?":
                    pool.append(line)
    if len(pool) < 3300:  # without the evaluation data: varied sentences from the samples
        base = []
        for path in sorted((ROOT / "samples").iterdir()):
            base += [
                s
                for s in split_sentences(path.read_text(encoding="utf-8").replace("\n", " "))
                if len(s) > 30
            ]
        pool += [
            f"In district {i}, {base[i % len(base)][0].lower()}{base[i % len(base)][1:]}"
            for i in range(3300)
        ]
    return list(dict.fromkeys(pool))


def make_corpus(folder: Path, count: int, pool: list[str]) -> Path:
    folder.mkdir(parents=True)
    k = 0
    for n in range(count):
        title = pool[k].rstrip(".!?")
        paragraphs = [" ".join(pool[k + 1 + 2 * j : k + 3 + 2 * j]) for j in range(5)]
        k += 11
        (folder / f"article-{n:04d}.txt").write_text(
            "\n".join([title, *paragraphs]) + "\n", encoding="utf-8"
        )
    return folder


def private_home(variable: str, prefix: str) -> Path:
    """A work directory shared with spawned workers (through *variable*), and
    Argos's and the cache's directories inside it.  Call before importing
    argostranslate."""
    work = Path(os.environ.setdefault(variable, tempfile.mkdtemp(prefix=prefix)))
    os.environ["ARGOS_PACKAGES_DIR"] = str(work / "packages")
    for var in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME"):
        os.environ[var] = str(work / var.lower())
    return work


def install_benchmark_packages(work: Path, pool: list[str]) -> None:
    """en→fr and en→de Argos-architecture packages (6+6 layers, d_model 512,
    32k vocabulary, int8), built from numpy weights and installed."""
    from tests.fixtures.argos_fixture import build_package
    from translator import packages

    if (work / "packages").is_dir():
        return
    for to_code, seed in (("fr", 3), ("de", 4)):
        archive = build_package(
            work / f"en_{to_code}.argosmodel", "en", to_code, corpus=pool[:4000], vocab_size=8000,
            pad_vocab_to=32000, quantization="int8", layers=6, d_model=512, heads=8, ffn=2048,
            target_length=24, confident=True, seed=seed,
        )  # fmt: skip
        packages.install_archive(archive)
