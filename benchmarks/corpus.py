"""Generated article corpora for the batch benchmarks (no side effects on import)."""

from __future__ import annotations

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
