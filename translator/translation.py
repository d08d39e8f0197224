"""From an analysed article to translated blocks.

Each non-chrome block is masked (protected spans become placeholders), split
into sentences, and every sentence of the article goes to the engine in one
call, so that the engine can batch them all.  Code blocks are never
translated.  A Markdown front-matter ``title`` is translated with the blocks.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .article import Article, Block
from .engines import Engine
from .locales import joins_without_spaces
from .protect import Masked, has_words, is_template_only, mask, unmask
from .segment import sentence_spans

if TYPE_CHECKING:
    from .glossary import TermRules


# What an engine's text must not bring into a Markdown block written in place:
# a line break (a new block) or a table's cell separator, and a block marker
# at its start (a list item, heading, quote or thematic break of its own).
_MD_TEXT_BREAKS = re.compile(r"[\r\n\x85\u2028\u2029]+|(?<!\\)\|")
_MD_BLOCK_START = re.compile(r"^(\s*(?:\d{1,9})?)([-+*>#=]|(?<=\d)[.)])(?=\s|$|[-=#])")


@dataclass(frozen=True)
class SegmentEvent:
    """Something that happened to a block on its way through the engine."""

    line: int
    action: str  # "restored" / "removed" (a protected span), for QA
    span: str


@dataclass
class TranslatedBlock:
    block: Block
    text: str  # in the block's own markup: Markdown inline, HTML inner HTML, or plain


@dataclass
class Translation:
    article: Article
    source_lang: str
    target: str
    engine: str
    blocks: list[TranslatedBlock] = field(default_factory=list)
    front_matter_title: str | None = None
    # The other front-matter values people read (description, summary…), translated.
    front_matter_fields: dict[str, str] = field(default_factory=dict)
    events: list[SegmentEvent] = field(default_factory=list)
    segments: int = 0
    notes: list[str] = field(default_factory=list)

    @property
    def title(self) -> str | None:
        for tb in self.blocks:
            if tb.block.kind == "title":
                return tb.text
        return self.front_matter_title


@dataclass
class Unit:
    """One block (or a front-matter title) on its way to the engine: its masked
    text, and its sentences, which are the engine's segments from ``first`` on."""

    masked: Masked
    line: int
    html: bool
    sentences: list[str]
    first: int = 0  # index of its first sentence in the engine call
    field: str = "title"  # a front-matter value's unit (no block): its key


def _unit(
    text: str, fmt: str, line: int, lang: str, references: frozenset[str] = frozenset()
) -> Unit:
    masked = mask(
        text, "html" if fmt == "html" else "markdown" if fmt == "markdown" else "text", references
    )
    plain = html.unescape(masked.text) if fmt == "html" else masked.text
    plain = " ".join(plain.split())
    sentences = [plain[a:b] for a, b in sentence_spans(plain, lang)]
    return Unit(masked, line, fmt == "html", sentences)


# The front-matter fields people read, translated in a variant (the title
# first); every other key is kept with its value as written.
READABLE_FIELDS = ("title", "description", "summary", "linkTitle")


def readable_fields(article: Article) -> dict[str, str]:
    """The Markdown article's readable front-matter values that hold text."""
    if article.format != "markdown":
        return {}
    fields = {}
    for key in READABLE_FIELDS:
        value = article.front_matter.get(key)
        if isinstance(value, str) and value.strip():
            fields[key] = value
    return fields


@dataclass
class Plan:
    """An article's translation up to the engine call: the segments to translate."""

    article: Article
    source_lang: str
    target: str
    units: list[tuple[Block | None, Unit | None]]
    segments: list[str]


def plan_translation(article: Article, target: str, source: str | None = None) -> Plan:
    """Mask, split and list the segments of *article* (no engine involved)."""
    src = source or article.language
    units: list[tuple[Block | None, Unit | None]] = []
    for key, value in readable_fields(article).items():
        field_unit = _unit(value, "text", 1, src)
        field_unit.field = key
        units.append((None, field_unit))
    for block in article.content_blocks:
        if block.kind == "code" or is_template_only(block.text):
            units.append((block, None))  # given back as it is: nothing to translate
            continue
        raw = block.markup if article.format == "html" and block.markup else block.text
        unit: Unit | None = _unit(raw, article.format, block.line, src, article.references)
        if article.format == "markdown" and unit and not has_words(unit.masked.text):
            unit = None  # only markup (a lone code span, an attribute list): kept
        units.append((block, unit))
    segments: list[str] = []
    for _block, unit in units:
        if unit is not None:
            unit.first = len(segments)
            segments.extend(unit.sentences)
    return Plan(article, src, target, units, segments)


def complete_translation(plan: Plan, translated: list[str], engine_identity: str) -> Translation:
    """Put the engine's output (one string per segment) back into blocks."""
    if len(translated) != len(plan.segments):
        raise ValueError(f"{len(plan.segments)} segments but {len(translated)} translations")
    result = Translation(plan.article, plan.source_lang, plan.target, engine_identity)
    result.segments = sum(1 for s in plan.segments if s.strip())
    joiner = "" if joins_without_spaces(plan.target) else " "
    for owner, unit in plan.units:
        if unit is None:
            assert owner is not None
            result.blocks.append(TranslatedBlock(owner, owner.text))
            continue
        pieces = translated[unit.first : unit.first + len(unit.sentences)]
        joined = joiner.join(p.strip() for p in pieces if p.strip())
        if unit.html:
            joined = html.escape(joined, quote=False)
        markdown = owner is not None and plan.article.format == "markdown"
        if markdown:
            joined = _MD_TEXT_BREAKS.sub(lambda m: " " if m.group(0).isspace() else "\\|", joined)
        text, events = unmask(joined, unit.masked)
        if markdown:
            text = _MD_BLOCK_START.sub(r"\1\\\2", text, count=1)
        result.events.extend(SegmentEvent(unit.line, e.action, e.span) for e in events)
        if owner is None and unit.field == "title":
            result.front_matter_title = text
        elif owner is None:
            result.front_matter_fields[unit.field] = text
        else:
            result.blocks.append(TranslatedBlock(owner, text))
    return result


def translate_article(
    article: Article,
    engine: Engine,
    target: str,
    *,
    source: str | None = None,
    terms: TermRules | None = None,
) -> Translation:
    """Translate *article* into *target* (the engine's language code), with the
    glossary's *terms* masked and written back (:mod:`translator.glossary`)."""
    from .glossary import translate_with_terms

    plan = plan_translation(article, target, source)
    translated: list[str] = []
    notice = None
    if plan.segments:
        translated, outcome = translate_with_terms(
            lambda texts: engine.translate(texts, plan.source_lang, target), plan.segments, terms
        )
        notice = outcome.notice()
    result = complete_translation(plan, translated, engine.identity(plan.source_lang, target))
    result.notes.extend(engine.notes)
    if notice:
        result.notes.append(notice)
    return result
