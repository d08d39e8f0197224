"""``translator preview``: source and translation side by side in one safe HTML page.

The page is self-contained (no external asset, no script), every piece of
article and model text goes through Jinja2's autoescaping, and a
Content-Security-Policy forbids everything but inline styles.
"""

from __future__ import annotations

import os
import webbrowser
from dataclasses import dataclass, field
from pathlib import Path

from .alignment import align, translation_pairs
from .article import Article, ChromeLine
from .dates import ArticleDate, article_date
from .engines import DecodeOptions, get_engine
from .errors import UsageError
from .fsutil import write_atomic
from .glossary import Glossary, recorded_glossary
from .locales import Target, language_name, parse_locale
from .memory import Memory, normalise
from .people import answers_for, article_context
from .pipeline import ReadOptions, load_article
from .project import find_project, memory_path
from .qa import ERROR, Finding, check_alignment, check_ids, check_pairs
from .translation import plan_translation, translate_article
from .variants import inline_plain, plain_text, read_variant, templates


@dataclass
class Side:
    code: str
    name: str
    dir: str
    date: str | None = None


@dataclass
class Row:
    kind: str
    line: int
    source: str
    target: str
    findings: list[Finding] = field(default_factory=list)
    origin: str = ""  # human, machine or mixed (from the memory); empty when unknown
    state: str = ""  # the people's translations' state: translated, reviewed

    @property
    def errors(self) -> int:
        return sum(f.severity == ERROR for f in self.findings)


@dataclass
class PreviewPage:
    file: str
    source: Side
    target: Side
    engine: str
    rows: list[Row]
    chrome: list[ChromeLine]

    @property
    def errors(self) -> int:
        return sum(r.errors for r in self.rows)

    @property
    def warnings(self) -> int:
        return sum(len(r.findings) - r.errors for r in self.rows)


def _side(code: str, date_value: ArticleDate | None) -> Side:
    target = parse_locale(code)
    name = language_name(target.locale.language, target.locale)
    date = date_value.display(target.locale) if date_value is not None else None
    return Side(target.tag, name, target.direction, date)


def build_preview(
    source: str,
    variant: str | None = None,
    *,
    to: str | None = None,
    source_lang: str | None = None,
    engine: str = "argos",
    read: ReadOptions | None = None,
    decode: DecodeOptions | None = None,
    skip: frozenset[str] = frozenset(),
    cache: str | None = None,
    glossary: Glossary | None = None,
) -> PreviewPage:
    """Align *source* with *variant*, or translate it into *to* on the fly; QA
    findings (all checks but those in *skip*) are attached to their rows."""
    check_ids(skip)
    if variant is None and to is None:
        raise UsageError("give a VARIANT to compare with, or --to LANG to translate on the fly")
    target_code = parse_locale(to).tag if to else None
    src_code = parse_locale(source_lang).argos if source_lang else None
    article = load_article(source, read)
    date = article_date(article)
    if variant is not None:
        rows, findings, src, lang, engine_name = _against_variant(
            article, variant, target_code, skip, cache, glossary
        )
    else:
        assert target_code is not None
        rows, findings, src, engine_name = _on_the_fly(
            article, target_code, src_code, engine, decode, skip, glossary
        )
        lang = target_code
    for f in findings:
        if 0 <= f.segment < len(rows):
            rows[f.segment].findings.append(f)
    return PreviewPage(
        file=source,
        source=_side(src, date),
        target=_side(lang, date),
        engine=engine_name,
        rows=rows,
        chrome=article.chrome,
    )


def _against_variant(
    article: Article,
    variant: str,
    target_code: str | None,
    skip: frozenset[str],
    cache: str | None,
    glossary: Glossary | None = None,
) -> tuple[list[Row], list[Finding], str, str, str]:
    """Rows of a source next to an existing variant: (rows, findings, source
    language, target language, engine)."""
    rv = read_variant(variant)
    al = align(article, rv)
    if al.target_lang and target_code and parse_locale(al.target_lang).tag != target_code:
        raise UsageError(
            f"--to {target_code} has no effect: {variant} is in {al.target_lang} (its lang "
            "field); leave --to out, or preview without VARIANT to translate on the fly"
        )
    lang = al.target_lang or target_code or ""
    if not lang:
        raise UsageError(f"{variant}: no lang in its metadata; give --to")
    al.target_lang = lang
    if glossary is None:  # the terms it was localized with (a warning comes with qa)
        glossary, _warning = recorded_glossary(variant, rv.meta)
    findings = check_alignment(al, skip, glossary)
    rows: list[Row] = []
    for line, kind, s, t in al.rows:
        if kind != "code" and al.same_markup:
            s, t = inline_plain(s, "markdown"), inline_plain(t, "markdown")
        rows.append(Row(kind, line, s, t))
    _mark_origins(rows, article, al.source_lang, parse_locale(lang), cache)
    return rows, findings, al.source_lang, lang, str(rv.meta.get("engine") or "unknown")


def _on_the_fly(
    article: Article,
    target_code: str,
    src_code: str | None,
    engine: str,
    decode: DecodeOptions | None,
    skip: frozenset[str],
    glossary: Glossary | None = None,
) -> tuple[list[Row], list[Finding], str, str]:
    """Rows of a source translated now: (rows, findings, source language, engine)."""
    translator = get_engine(engine, decode)
    target = parse_locale(target_code)
    src = src_code or article.language
    translator.check_pair(src, target.argos)
    terms = glossary.rules(src, target) if glossary is not None else None
    tr = translate_article(article, translator, target.argos, source=src, terms=terms)
    findings = check_pairs(
        translation_pairs(tr),
        tr.source_lang,
        tr.target,
        pseudo=translator.name == "pseudo",
        skip=skip,
        terms=terms,
    )
    rows: list[Row] = []
    if tr.front_matter_title is not None:
        title = article.front_matter["title"]
        rows.append(Row("title", 1, str(title), tr.front_matter_title))
    for tb in tr.blocks:
        if tb.block.kind == "code":
            continue
        source_text = inline_plain(tb.block.markup or tb.block.text, article.format)
        rows.append(Row(tb.block.kind, tb.block.line, source_text, plain_text(tb, article.format)))
    return rows, findings, src, tr.engine


def _mark_origins(
    rows: list[Row], article: Article, source: str, target: Target, cache: str | None
) -> None:
    """Mark each row human, machine or mixed from what the memory holds for its
    segments in this article and locale (a memory that does not exist marks
    nothing)."""
    path = memory_path(cache, [article.path])
    if not path.is_file():
        return
    plan = plan_translation(article, target.argos, source)
    with Memory(path) as memory:
        context = article_context(article, find_project([article.path]))
        people = answers_for(plan, memory, target.tag, context)
        drafts = memory.drafts(plan.segments, plan.source_lang, plan.target)
    units = [u for owner, u in plan.units if owner is not None and u is not None]
    for row, unit in zip((r for r in rows if r.kind != "code"), units, strict=False):
        indexes = range(unit.first, unit.first + len(unit.sentences))
        origins: set[str] = set()
        states: set[str] = set()
        for i in indexes:
            if i in people.rows:
                origins.add("human")
                states.add(people.rows[i].state)
            elif normalise(plan.segments[i]) in drafts:
                origins.add("machine")
        if any(i in people.previous for i in indexes):
            states.add("needs review: a person translated its old source")
        if origins:
            row.origin = origins.pop() if len(origins) == 1 else "mixed"
        row.state = ", ".join(sorted(states))


def render_preview(page: PreviewPage) -> str:
    return templates().get_template("preview.html").render(p=page)


def default_output(source: str, code: str) -> str:
    """Where a preview goes without ``-o``: ``.translator/preview/`` in the
    source's project, never among the articles (the next run would take it for one)."""
    from .project import STATE, find_project

    folder = find_project([source]).root / STATE / "preview"
    return os.path.relpath(folder / f"{Path(source).stem}.{code}.preview.html")


def write_preview(page: PreviewPage, output: str, *, open_browser: bool = False) -> Path:
    path = Path(output)
    write_atomic(path, render_preview(page))
    if open_browser:
        webbrowser.open(path.resolve().as_uri())
    return path
