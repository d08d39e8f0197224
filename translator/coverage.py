"""``translator coverage``: is every article's variant there, fresh and clean?

For each source article and required locale the variant is looked up with
the layouts of ``localize`` and gets a status:

* ``ok``: it exists and its ``source_sha256`` matches the source now;
* ``stale``: the source changed since (the hashes differ);
* ``missing``: no variant;
* ``invalid``: the variant is unreadable or its metadata is broken;
* ``qa``: fresh, but its ``qa`` summary counts errors;
* ``edited``: a person changed it since ``localize`` wrote it (its content
  hash no longer matches), or a person wrote it (no metadata of the tool's);
  ``localize`` takes the edits into the memory.

A variant whose ``review`` field counts *inconsistent* sentences (their human
translations differ between articles) is reported, not failed.  Every
threshold that fails (``--min``, ``--min-reviewed``) is named with its figures,
in the text, and as a failing JUnit test case.

The variants' metadata is read (:func:`translator.variants.read_metadata`:
the front matter, the HTML head, or the JSON object), and each variant's
bytes are hashed once for the edit check; sources are hashed in chunks.
"""

from __future__ import annotations

import json
import os
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from .catalogs import CatalogStats, check_catalog, find_catalogs
from .discover import discover
from .errors import InputError, UsageError
from .fsutil import file_sha256
from .locales import Target
from .textio import ReadOptions
from .variants import (
    COPY,
    EDITED_FIX,
    LAYOUTS,
    candidates,
    is_variant,
    read_metadata,
    variant_edited,
    written_by_tool,
)

if TYPE_CHECKING:
    from .glossary import Glossary

STATUSES = ("ok", "stale", "missing", "invalid", "qa", "edited")
FIXES = {
    "edited": "edited by hand since localize wrote it: " + EDITED_FIX,
    "person": "a translation written by a person, not yet taken in: run translator localize "
    "to take it in as theirs (its text is kept; where its blocks do not line up with the "
    "source's, localize leaves it as it is and says why)",
    "stale": "the source changed since it was translated: run translator localize again",
    "missing": "no variant: run translator localize",
    "invalid": "fix or delete the variant, then run translator localize",
    "qa": "the variant has QA errors: run translator qa on it and fix them",
}


@dataclass
class Cell:
    status: str
    variant: str | None = None
    reason: str = ""
    segments: int = 0  # the variant's segments, as its review field says
    human: int = 0  # of which people translated or reviewed
    inconsistent: int = 0  # sentences whose human translations differ between articles
    needs_review: int = 0  # sentences a person translated before their source changed

    def as_dict(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "variant": self.variant,
            "reason": self.reason,
            "segments": self.segments,
            "human": self.human,
            "inconsistent": self.inconsistent,
            "needs_review": self.needs_review,
        }


@dataclass
class Row:
    path: str
    cells: dict[str, Cell] = field(default_factory=dict)


@dataclass
class CoverageReport:
    locales: list[str]
    minimum: float
    min_reviewed: float = 0.0
    articles: list[Row] = field(default_factory=list)
    catalogs: list[CatalogStats] = field(default_factory=list)

    def counts(self, tag: str) -> dict[str, int]:
        counts = dict.fromkeys(STATUSES, 0)
        for row in self.articles:
            counts[row.cells[tag].status] += 1
        return counts

    def reviewed(self, tag: str | None = None) -> float:
        """Percent of the variants' segments that people translated or reviewed."""
        tags = [tag] if tag else self.locales
        cells = [row.cells[t] for row in self.articles for t in tags]
        total = sum(c.segments for c in cells)
        return round(100.0 * sum(c.human for c in cells) / total, 2) if total else 0.0

    def percent(self, tag: str | None = None) -> float:
        tags = [tag] if tag else self.locales
        cells = [row.cells[t] for row in self.articles for t in tags]
        if not cells:
            return 100.0
        return round(100.0 * sum(c.status == "ok" for c in cells) / len(cells), 2)

    def gates(self) -> list[tuple[str, str, str | None]]:
        """Every threshold per locale: (name, what was measured, why it failed or None)."""
        out: list[tuple[str, str, str | None]] = []
        for tag in self.locales:
            have = self.percent(tag)
            shown = f"{tag}: coverage {have:.1f}% (--min {self.minimum:g})"
            failed = f"{tag}: coverage {have:.1f}% < --min {self.minimum:g}"
            out.append((f"{tag} coverage", shown, failed if have < self.minimum else None))
            if self.min_reviewed > 0:
                have = self.reviewed(tag)
                shown = f"{tag}: reviewed {have:.1f}% (--min-reviewed {self.min_reviewed:g})"
                failed = f"{tag}: reviewed {have:.1f}% < --min-reviewed {self.min_reviewed:g}"
                out.append((f"{tag} reviewed", shown, failed if have < self.min_reviewed else None))
        return out

    @property
    def failed_gates(self) -> list[str]:
        return [why for _name, _shown, why in self.gates() if why is not None]

    @property
    def passed(self) -> bool:
        return not self.failed_gates and all(c.complete for c in self.catalogs)

    def inconsistent(self, tag: str | None = None) -> int:
        tags = [tag] if tag else self.locales
        return sum(row.cells[t].inconsistent for row in self.articles for t in tags)

    def needs_review(self, tag: str | None = None) -> int:
        tags = [tag] if tag else self.locales
        return sum(row.cells[t].needs_review for row in self.articles for t in tags)

    def as_dict(self) -> dict[str, Any]:
        locales = {}
        for tag in self.locales:
            locales[tag] = {
                **self.counts(tag),
                "percent": self.percent(tag),
                "reviewed_percent": self.reviewed(tag),
                "inconsistent": self.inconsistent(tag),
                "needs_review": self.needs_review(tag),
            }
        cells = len(self.articles) * len(self.locales)
        return {
            "summary": {
                "passed": self.passed,
                "min_percent": self.minimum,
                "articles": len(self.articles),
                "cells": cells,
                "ok_cells": sum(locales[t]["ok"] for t in self.locales),
                "percent": self.percent(),
                "min_reviewed_percent": self.min_reviewed,
                "reviewed_percent": self.reviewed(),
                "catalogs": len(self.catalogs),
                "catalogs_complete": sum(c.complete for c in self.catalogs),
                "failed": self.failed_gates,
            },
            "locales": locales,
            "articles": [
                {"path": r.path, "cells": {t: c.as_dict() for t, c in r.cells.items()}}
                for r in self.articles
            ],
            "catalogs": [c.as_dict() for c in self.catalogs],
        }


def _counted(cell: Cell, counts: tuple[int, int, int, int]) -> Cell:
    """*cell* with its variant's review counts: every variant's segments count
    towards the reviewed share, whatever its status."""
    cell.segments, cell.human, cell.inconsistent, cell.needs_review = counts
    return cell


def _review_counts(meta: dict[str, Any]) -> tuple[int, int, int, int] | None:
    """(segments, human, inconsistent, needs review) from a variant's review
    field; zeros for a copy of a source already in the locale's language (no
    one reviews it: it is left out of both sides); None when it is not counts."""
    review = meta.get("review")
    if str(meta.get("engine") or "") == COPY or not isinstance(review, dict):
        return 0, 0, 0, 0
    try:
        segments, human = int(review.get("segments", 0)), int(review.get("human", 0))
        return (
            segments,
            min(human, segments),
            int(review.get("inconsistent", 0)),
            int(review.get("needs_review", 0)),
        )
    except (TypeError, ValueError):
        return None


def _cell(source_sha: str, candidates: list[Path]) -> Cell:
    for path in candidates:
        if not path.is_file():
            continue
        shown = os.path.relpath(path)
        try:
            meta = read_metadata(path)
        except (OSError, ValueError, UnicodeDecodeError, yaml.YAMLError) as exc:
            reason = str(exc).split("\n")[0] or type(exc).__name__
            return Cell("invalid", shown, f"unreadable metadata: {reason}")
        recorded = meta.get("source_sha256")
        if not written_by_tool(path):
            return Cell("edited", shown, FIXES["person"])
        if not isinstance(recorded, str) or not re.fullmatch(r"[0-9a-f]{64}", recorded):
            return Cell("invalid", shown, "no valid source_sha256 in its metadata")
        counts = _review_counts(meta)
        if counts is None:
            return Cell("invalid", shown, "its review field is not counts")
        if variant_edited(path):
            return _counted(Cell("edited", shown, FIXES["edited"]), counts)
        if recorded != source_sha:
            return _counted(Cell("stale", shown, FIXES["stale"]), counts)
        qa = meta.get("qa")
        if isinstance(qa, dict) and int(qa.get("errors", 0) or 0) > 0:
            reason = f"{qa.get('errors')} QA errors: {FIXES['qa']}"
            return _counted(Cell("qa", shown, reason), counts)
        return _counted(Cell("ok", shown), counts)
    return Cell("missing", None, FIXES["missing"])


def locate(file: str, root: str, sha: str, variants: str | None, tag: str, layout: str) -> Cell:
    """The cell of one article and locale; a missing variant that is there in
    the other layout says so."""
    cell = _cell(sha, candidates(file, root, variants, tag, layout))
    if cell.status != "missing":
        return cell
    other = "dir" if layout == "filename" else "filename"
    there = next((p for p in candidates(file, root, variants, tag, other) if p.is_file()), None)
    if there is not None:
        cell.reason = (
            f"none in the {layout} layout, but {os.path.relpath(there)} is there: "
            f"run coverage with --layout {other}"
        )
    return cell


def _rechecked(
    source: str, cell: Cell, read: ReadOptions | None, glossary: Glossary | None = None
) -> Cell:
    from .qa import check_variant

    assert cell.variant is not None
    try:
        checked = check_variant(source, cell.variant, read, glossary=glossary)
    except InputError as exc:
        return Cell("invalid", cell.variant, f"cannot be checked: {exc}")
    if checked.errors:
        first = next(f for f in checked.findings if f.severity == "error")
        reason = (
            f"{checked.errors} QA errors (first: line {first.line}, {first.check}): {FIXES['qa']}"
        )
        fresh = Cell("qa", cell.variant, reason, cell.segments, cell.human)
    else:
        fresh = Cell("ok", cell.variant, "", cell.segments, cell.human)
    fresh.inconsistent, fresh.needs_review = cell.inconsistent, cell.needs_review
    return fresh


def coverage(
    sources: list[str] | tuple[str, ...],
    targets: list[Target],
    *,
    variants: str | None = None,
    layout: str = "filename",
    catalogs: str | None = None,
    minimum: float = 100.0,
    min_reviewed: float = 0.0,
    rerun_qa: bool = False,
    read: ReadOptions | None = None,
    glossary: Glossary | None = None,
) -> CoverageReport:
    """The coverage of *sources* in *targets*; with *rerun_qa* the QA checks run
    again on every fresh variant's body, as ``translator qa`` runs them, instead
    of trusting the ``qa`` counts it recorded when written."""
    if layout not in LAYOUTS:
        raise UsageError(f"unknown layout {layout!r}; choose filename or dir")
    if variants is not None and not os.path.isdir(variants):
        raise UsageError(f"--variants {variants}: no such directory")
    if catalogs is not None and not os.path.isdir(catalogs):
        raise UsageError(f"--catalogs {catalogs}: no such directory")
    if not 0 <= minimum <= 100:
        raise UsageError("--min is a percentage between 0 and 100")
    if not 0 <= min_reviewed <= 100:
        raise UsageError("--min-reviewed is a percentage between 0 and 100")
    found = discover(sources)
    report = CoverageReport([t.tag for t in targets], minimum, min_reviewed)
    for file, root in zip(found.files, found.roots, strict=True):
        if is_variant(file):
            continue
        sha = file_sha256(file)
        row = Row(file)
        for target in targets:
            cell = locate(file, root, sha, variants, target.tag, layout)
            if rerun_qa and cell.status in ("ok", "qa") and cell.variant is not None:
                cell = _rechecked(file, cell, read, glossary)
            row.cells[target.tag] = cell
        report.articles.append(row)
    if catalogs is None and os.path.isdir("locales"):
        catalogs = "locales"
    if catalogs is not None:
        for path in find_catalogs(Path(catalogs)):
            report.catalogs.append(check_catalog(path, os.path.relpath(path)))
    return report


def to_text(report: CoverageReport) -> str:
    out = [
        f"{'locale':10s} {'ok':>6s} {'stale':>6s} {'missing':>8s} {'invalid':>8s} {'qa':>5s} "
        f"{'edited':>7s} {'coverage':>9s}"
    ]
    for tag in report.locales:
        n = report.counts(tag)
        out.append(
            f"{tag:10s} {n['ok']:6d} {n['stale']:6d} {n['missing']:8d} {n['invalid']:8d} {n['qa']:5d} "
            f"{n['edited']:7d} {report.percent(tag):8.1f}%  reviewed {report.reviewed(tag):.1f}%"
        )
    out.append(f"{'all':10s} {'':>45s} {report.percent():8.1f}%  (minimum {report.minimum:g}%)")
    out += _review_lines(report)
    if report.catalogs:
        out += ["", "catalogs"]
        for c in report.catalogs:
            state = "ok" if c.complete else "incomplete" if not c.errors else "invalid"
            out.append(
                f"  {c.path}  {c.locale}: {c.translated} translated, {c.fuzzy} fuzzy, "
                f"{c.untranslated} untranslated, {c.obsolete} obsolete  [{state}]"
            )
    fixes = _fixes(report)
    if fixes:
        out += ["", "to fix:", *fixes]
    out.append("")
    failed = report.failed_gates
    if any(not c.complete for c in report.catalogs):
        failed.append("catalogs incomplete")
    out.append("PASSED" if report.passed else "FAILED: " + "; ".join(failed))
    return "\n".join(out) + "\n"


def _review_lines(report: CoverageReport) -> list[str]:
    out = []
    for tag in report.locales:
        if report.inconsistent(tag):
            out.append(
                f"{tag}: {report.inconsistent(tag)} sentence(s) in its variants translated "
                "differently by people in other articles (inconsistent; translator export "
                "shows them)"
            )
        if report.needs_review(tag):
            out.append(
                f"{tag}: {report.needs_review(tag)} sentence(s) a person translated before "
                "their source changed: machine drafts stand in (needs review; translator "
                "export offers the previous translations)"
            )
    return out


def _fixes(report: CoverageReport) -> list[str]:
    fixes = [
        f"  {row.path} [{tag}] {cell.status}: {cell.reason}"
        for row in report.articles
        for tag, cell in row.cells.items()
        if cell.status != "ok"
    ]
    for c in report.catalogs:
        fixes.extend(f"  {e}" for e in c.errors)
        if not c.errors and (c.fuzzy or c.untranslated):
            fixes.append(f"  {c.path}: {c.fuzzy} fuzzy and {c.untranslated} untranslated messages")
    return fixes


def to_json(report: CoverageReport) -> str:
    return json.dumps(report.as_dict(), ensure_ascii=False, indent=2) + "\n"


def to_junit(report: CoverageReport) -> str:
    suites = ET.Element("testsuites", name="translator coverage")
    articles = ET.SubElement(suites, "testsuite", name="articles")
    failures = 0
    # a variant that is not ok fails its test case when its locale misses --min;
    # under a lower --min it is reported as skipped, so that the counts of
    # failures and the exit code always agree
    failing = {t for t in report.locales if report.percent(t) < report.minimum}
    for row in report.articles:
        for tag, cell in row.cells.items():
            case = ET.SubElement(articles, "testcase", classname=row.path, name=tag)
            if cell.status != "ok":
                text = f"{row.path} [{tag}] {cell.status}: {cell.reason}"
                if tag in failing:
                    failures += 1
                    kind = "failure"
                else:
                    kind = "skipped"
                element = ET.SubElement(
                    case, kind, message=f"{cell.status}: {cell.reason}", type=cell.status
                )
                element.text = text
    articles.set("tests", str(len(report.articles) * len(report.locales)))
    articles.set("failures", str(failures))
    catalog_suite = ET.SubElement(suites, "testsuite", name="catalogs")
    cat_failures = 0
    for c in report.catalogs:
        case = ET.SubElement(catalog_suite, "testcase", classname="catalogs", name=c.path)
        if not c.complete:
            cat_failures += 1
            reason = "; ".join(c.errors) or f"{c.fuzzy} fuzzy, {c.untranslated} untranslated"
            failure = ET.SubElement(case, "failure", message=reason, type="catalog")
            failure.text = reason
    catalog_suite.set("tests", str(len(report.catalogs)))
    catalog_suite.set("failures", str(cat_failures))
    gate_suite = ET.SubElement(suites, "testsuite", name="thresholds")
    gates = report.gates()
    for name, shown, why in gates:
        case = ET.SubElement(gate_suite, "testcase", classname="thresholds", name=name)
        ET.SubElement(case, "system-out").text = shown
        if why is not None:
            failure = ET.SubElement(case, "failure", message=why, type="threshold")
            failure.text = why
    gate_failures = sum(why is not None for _n, _s, why in gates)
    gate_suite.set("tests", str(len(gates)))
    gate_suite.set("failures", str(gate_failures))
    tests = len(report.articles) * len(report.locales) + len(report.catalogs) + len(gates)
    suites.set("tests", str(tests))
    suites.set("failures", str(failures + cat_failures + gate_failures))
    ET.indent(suites)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n"
    )


RENDERERS = {"text": to_text, "json": to_json, "junit": to_junit}
