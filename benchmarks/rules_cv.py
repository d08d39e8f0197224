"""Leave-one-site-out cross-validation of the rules added to trafilatura.

The reader adds rules of its own to trafilatura's extraction: teaser,
caption and newsletter lines dropped (``translator/data/chrome_prefixes.txt``)
and lead paragraphs of the article's own ``<header>`` kept
(``maintext._is_article_text``).  Rules tuned on the 106 labelled pages
score lower on pages they never saw, so each is judged on held-out sites:

1. every subset of the rules is run over all the pages (in this process,
   the rules switched off one by one);
2. for each site in turn, the subset with the best F1 on the *other* sites
   is chosen (ties: the one with fewer rules on), and scored on the held-out
   site alone;
3. the held-out counts of all folds are summed: precision, recall and F1 of
   the rules as chosen without seeing the page they are scored on, next to
   trafilatura's on the same pages.

A site is a URL's host (``www.`` dropped); most sites have one page.
"""

from __future__ import annotations

import contextlib
import itertools
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

RULES = ("teaser", "caption", "newsletter", "header-lead")


@contextlib.contextmanager
def rules_off(off: tuple[str, ...]) -> Iterator[None]:
    """The reader with the rules in *off* switched off, for the duration."""
    from translator import chrome
    from translator.readers import maintext

    rules = chrome.rules()  # cached: the one set every call reads
    saved_prefixes, saved_lead = rules.prefixes, maintext._is_article_text
    prefixes = tuple((p, reason) for p, reason in rules.prefixes if reason not in off)
    try:
        object.__setattr__(rules, "prefixes", prefixes)  # a frozen dataclass
        if "header-lead" in off:
            maintext._is_article_text = lambda *_args: False
        yield
    finally:
        object.__setattr__(rules, "prefixes", saved_prefixes)
        maintext._is_article_text = saved_lead


def counts(text: str | None, entry: dict) -> tuple[int, int, int, int]:
    """(tp, fp, tn, fn) of one page's extracted text."""
    flat = " ".join((text or "").split())
    tp = sum(" ".join(s.split()) in flat for s in entry["with"])
    fp = sum(" ".join(s.split()) in flat for s in entry["without"])
    return tp, fp, len(entry["without"]) - fp, len(entry["with"]) - tp


def figures(total: tuple[int, int, int, int]) -> dict[str, float]:
    tp, fp, _tn, fn = total
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4)}


def _sum(rows: list[tuple[int, int, int, int]]) -> tuple[int, int, int, int]:
    return tuple(sum(r[i] for r in rows) for i in range(4))  # type: ignore[return-value]


def site_of(url: str, entry: dict) -> str:
    return urlparse(url).netloc.removeprefix("www.") or entry["file"]


def extract_all(pages: Path, labels: dict) -> dict[tuple[str, ...], dict[str, str | None]]:
    """Each page's text under every subset of rules switched off."""
    from translator.pipeline import extract_paths
    from translator.textio import ReadOptions

    files = sorted(str(pages / entry["file"]) for entry in labels.values())
    out: dict[tuple[str, ...], dict[str, str | None]] = {}
    for size in range(len(RULES) + 1):
        for off in itertools.combinations(RULES, size):
            with rules_off(off):
                report = extract_paths(files, ReadOptions())
            out[off] = {
                Path(r.path).name: (r.plain() if r.article is not None else None)
                for r in report.results
            }
    return out


def cross_validate(
    pages: Path, labels: dict, trafilatura: dict[str, str | None]
) -> tuple[dict[str, object], list[str]]:
    """The held-out figures and one line per fold."""
    texts = extract_all(pages, labels)
    by_site: dict[str, list[dict]] = {}
    for url, entry in labels.items():
        by_site.setdefault(site_of(url, entry), []).append(entry)
    per_site = {
        off: {
            site: _sum([counts(t[e["file"]], e) for e in entries])
            for site, entries in by_site.items()
        }
        for off, t in texts.items()
    }
    held_out: list[tuple[int, int, int, int]] = []
    theirs: list[tuple[int, int, int, int]] = []
    kept = dict.fromkeys(RULES, 0)
    lines = []
    for site, entries in sorted(by_site.items()):

        def training_f1(off: tuple[str, ...], held: str = site) -> tuple[float, int]:
            rows = [c for s, c in per_site[off].items() if s != held]
            return figures(_sum(rows))["f1"], len(off)  # ties: fewer rules on

        best = max(texts, key=training_f1)
        for rule in RULES:
            kept[rule] += rule not in best
        mine = per_site[best][site]
        other = _sum([counts(trafilatura.get(e["file"]), e) for e in entries])
        held_out.append(mine)
        theirs.append(other)
        off_text = ",".join(best) or "none"
        lines.append(
            f"{site[:38]:38s} pages {len(entries)}  rules off: {off_text:24s} "
            f"held-out tp/fp {mine[0]}/{mine[1]}  trafilatura tp/fp {other[0]}/{other[1]}"
        )
    ours, base = figures(_sum(held_out)), figures(_sum(theirs))
    result: dict[str, object] = {
        "cv_folds": len(by_site),
        "cv_precision": ours["precision"],
        "cv_recall": ours["recall"],
        "cv_f1": ours["f1"],
        "cv_trafilatura_precision": base["precision"],
        "cv_precision_minus_trafilatura": round(ours["precision"] - base["precision"], 4),
    }
    for rule, count in kept.items():
        result[f"cv_folds_keeping_{rule}"] = count
    return result, lines
