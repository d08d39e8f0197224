"""Sentence splitting measured on labelled text.

Takes the one-sentence-a-line files of the evaluation data beside the project
(``../shared/eval/langdetect/data/lingua-testdata/sentences/``), joins runs
of consecutive lines into paragraphs (with a space, or none for Chinese and
Japanese), splits them again with ``translator.segment`` and scores the
recovered boundaries.  Lines that already hold more than one sentence by our
splitter's own account are left out, so a score below 1 is a boundary lost
or invented by joining.

    python benchmarks/segment_accuracy.py [--data DIR] [--per-language N] [--json]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from gate import data_digest, gate  # noqa: E402

from translator.segment import sentence_spans, split_sentences  # noqa: E402

DEFAULT_DATA = ROOT.parent / "shared" / "eval" / "langdetect"
BASELINE = Path(__file__).with_name("segment_accuracy_baseline.json")
NO_SPACE = {"zh", "ja"}
RUN = 4  # sentences per paragraph


def score(lang: str, lines: list[str], per_language: int) -> tuple[int, int, int]:
    lines = [
        ln.strip() for ln in lines if ln.strip() and len(split_sentences(ln.strip(), lang)) == 1
    ]
    step = max(1, len(lines) // per_language)
    lines = lines[::step][:per_language]
    joiner = "" if lang in NO_SPACE else " "
    tp = fp = fn = 0
    for i in range(0, len(lines) - RUN + 1, RUN):
        group = lines[i : i + RUN]
        text = joiner.join(group)
        gold, pos = set(), 0
        for sentence in group[:-1]:
            pos += len(sentence)
            gold.add(pos)
            pos += len(joiner)
        found = {b for _a, b in sentence_spans(text, lang)[:-1]}
        tp += len(found & gold)
        fp += len(found - gold)
        fn += len(gold - found)
    return tp, fp, fn


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--per-language", type=int, default=400)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    folder = args.data / "data" / "lingua-testdata" / "sentences"
    if not folder.is_dir():
        print(f"evaluation data not found under {args.data} (use --data DIR)", file=sys.stderr)
        return 2
    per_lang = {}
    totals = [0, 0, 0]
    for path in sorted(folder.glob("*.txt")):
        tp, fp, fn = score(
            path.stem, path.read_text(encoding="utf-8").split("\n"), args.per_language
        )
        per_lang[path.stem] = {
            "precision": round(tp / (tp + fp), 3) if tp + fp else 1.0,
            "recall": round(tp / (tp + fn), 3) if tp + fn else 1.0,
        }
        totals = [totals[0] + tp, totals[1] + fp, totals[2] + fn]
    tp, fp, fn = totals
    figures = {
        "boundaries": tp + fn,
        "precision": round(tp / (tp + fp), 4),
        "recall": round(tp / (tp + fn), 4),
        "worst_recall_language": min(per_lang, key=lambda k: per_lang[k]["recall"]),
        "worst_recall": min(v["recall"] for v in per_lang.values()),
    }
    if not args.json:
        for lang, values in per_lang.items():
            print(f"{lang}  precision {values['precision']:.3f}  recall {values['recall']:.3f}")
    return gate(
        figures,
        BASELINE,
        as_json=args.json,
        data_sha256=data_digest(folder, "*.txt"),
        extra={"languages": per_lang},
        width=24,
    )


if __name__ == "__main__":
    sys.exit(main())
