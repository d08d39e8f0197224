"""Accuracy gate for chrome-aware language detection.

Reads the evaluation data beside the project (``../shared/eval/langdetect/``,
or ``--data DIR``) and reports:

* article-language accuracy on the 30 scraped pages, as whole pages and cut
  down to chrome + headline ("short"), next to plain whole-page langdetect;
* chrome-line precision and recall on those pages, detected and with each
  page's language given (``--from``), and the langdetect calls per page of
  each; the same without the label lists (what the language rules catch);
* per-block accuracy on labelled sentences, sampled evenly across each file;
* pages per second through the full read + analyse path.

The floors live in ``benchmarks/detect_accuracy_baseline.json``; the script
exits 1 when a figure falls below its floor.

    python benchmarks/detect_accuracy.py [--data DIR] [--per-language N] [--json]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from unittest import mock

from gate import data_digest, gate

from translator import chrome, langid
from translator.detect import analyze
from translator.readers import text as text_reader

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = ROOT.parent / "shared" / "eval" / "langdetect"
BASELINE = Path(__file__).with_name("detect_accuracy_baseline.json")
NON_LATIN = {"ar", "fa", "ur", "he", "hi", "ko", "ru", "uk", "zh", "ja"}
MOJIBAKE_TR = set("ýþð")


def is_clean(lang: str, line: str) -> bool:
    """Skip the label noise the data's README describes."""
    if not line.strip():
        return False
    if lang == "tr" and MOJIBAKE_TR & set(line):
        return False
    if lang in NON_LATIN and langid.script(line) == "LATIN":
        return False
    return True


def evaluate_pages(data: Path, *, given: bool = False) -> dict[str, float | int]:
    """Article language and chrome lines of the 30 pages; *given*: each page
    read with its labelled language given, as ``--from`` gives it (the
    figures then also count the langdetect calls the foreign-line rule makes)."""
    pages = data / "pages"
    labels = json.loads((pages / "labels.json").read_text(encoding="utf-8"))
    right = right_short = right_whole = 0
    tp = fp = fn = 0
    calls = foreign = 0
    real_detect = langid.detect

    def counted(text: str, trials: int = langid.FULL_TRIALS) -> list[tuple[str, float]]:
        nonlocal calls
        calls += 1
        return real_detect(text, trials)

    started = time.perf_counter()
    for _key, label in sorted(labels.items()):
        path = pages / label["file"]
        source = path.read_text(encoding="utf-8")
        with mock.patch.object(langid, "detect", counted):
            language = label["article_lang"] if given else None
            article = analyze(text_reader.parse(str(path), source), language)
        right += article.language == label["article_lang"]
        predicted = set()
        for block in article.blocks:
            if block.is_chrome:
                predicted.update(range(block.line, block.end_line + 1))
            foreign += block.chrome == chrome.FOREIGN
        gold = set(label["chrome_lines"])
        tp += len(predicted & gold)
        fp += len(predicted - gold)
        fn += len(gold - predicted)
    elapsed = time.perf_counter() - started
    n = len(labels)
    chrome_figures = {
        "chrome_precision": tp / (tp + fp) if tp + fp else 1.0,
        "chrome_recall": tp / (tp + fn) if tp + fn else 1.0,
        "langdetect_calls_per_page": round(calls / n, 2),
        "foreign_line_rule_lines": foreign,  # the lines the short-foreign-line rule dropped
    }
    if given:
        return chrome_figures
    for _key, label in sorted(labels.items()):
        path = pages / label["file"]
        lines = path.read_text(encoding="utf-8").split("\n")
        short = "\n".join(lines[: label["headline_line"]])
        right_short += (
            analyze(text_reader.parse(str(path), short)).language == label["article_lang"]
        )
        right_whole += langid.best(" ".join(lines))[0] == label["article_lang"]
    return {
        "pages": n,
        "article_accuracy": right / n,
        "article_accuracy_short": right_short / n,
        "whole_page_langdetect_accuracy": right_whole / n,
        **chrome_figures,
        "pages_per_second": n / elapsed,
    }


def evaluate_sentences(data: Path, per_language: int) -> dict[str, float | int]:
    folder = data / "data" / "lingua-testdata" / "sentences"
    total = right = 0
    per_lang: dict[str, float] = {}
    started = time.perf_counter()
    for path in sorted(folder.glob("*.txt")):
        lang = path.stem
        lines = [ln for ln in path.read_text(encoding="utf-8").split("\n") if is_clean(lang, ln)]
        step = max(1, len(lines) // per_language)
        sample = lines[::step][:per_language]
        hits = sum(langid.best(s)[0] == lang for s in sample)
        per_lang[lang] = hits / len(sample)
        total += len(sample)
        right += hits
    elapsed = time.perf_counter() - started
    return {
        "sentences": total,
        "block_accuracy": right / total,
        "sentences_per_second": total / elapsed,
        "worst_language": min(per_lang, key=lambda k: per_lang[k]),
        "worst_language_accuracy": min(per_lang.values()),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--per-language", type=int, default=200)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    if not (args.data / "pages" / "labels.json").is_file():
        print(f"evaluation data not found under {args.data} (use --data DIR)", file=sys.stderr)
        return 2
    langid.best("warm up the detector profiles")
    figures = {**evaluate_pages(args.data), **evaluate_sentences(args.data, args.per_language)}
    # Ablation: how much of the chrome recall the label lists carry.
    full = chrome.rules()
    bare = chrome._Rules(
        {}, {k: frozenset() for k in full.categories}, full.patterns, full.prefixes
    )
    with mock.patch.object(chrome, "rules", lambda: bare):
        ablation = evaluate_pages(args.data)
        given_bare = evaluate_pages(args.data, given=True)
    figures["chrome_recall_without_label_lists"] = ablation["chrome_recall"]
    figures["chrome_precision_without_label_lists"] = ablation["chrome_precision"]
    figures["foreign_line_rule_lines_without_label_lists"] = ablation["foreign_line_rule_lines"]
    # --from: no article vote; langdetect only on the short lines that
    # disagree with the given language (what the foreign-line rule still
    # catches shows where the label lists are off).
    for name, value in evaluate_pages(args.data, given=True).items():
        figures[f"from_{name}"] = value
    for name, value in given_bare.items():
        figures[f"from_{name}_without_label_lists"] = value
    return gate(
        figures,
        BASELINE,
        as_json=args.json,
        data_sha256=data_digest(args.data),
        width=50,
    )


if __name__ == "__main__":
    sys.exit(main())
