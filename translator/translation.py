"""From an analysed article to translated blocks.

Each non-chrome block is masked (protected spans become placeholders), split
into sentences, and every sentence of the article goes to the engine in one
call, so that the engine can batch them all.  Code blocks are never
translated.  A Markdown front-matter ``title`` is translated with the blocks.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field

from .engines import Engine
from .model import Article, Block
from .protect import Masked, mask, unmask
from .segment import sentence_spans

NO_SPACE_LANGUAGES = {"zh", "ja", "zt"}


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
class _Unit:
    masked: Masked
    line: int
    html: bool
    sentences: list[str]
    first: int = 0  # index of its first sentence in the engine call


def _unit(text: str, fmt: str, line: int, lang: str) -> _Unit:
    masked = mask(text, "html" if fmt == "html" else "markdown" if fmt == "markdown" else "text")
    plain = html.unescape(masked.text) if fmt == "html" else masked.text
    plain = " ".join(plain.split())
    sentences = [plain[a:b] for a, b in sentence_spans(plain, lang)]
    return _Unit(masked, line, fmt == "html", sentences)


def translate_article(
    article: Article,
    engine: Engine,
    target: str,
    *,
    source: str | None = None,
) -> Translation:
    """Translate *article* into *target* (the engine's language code)."""
    src = source or article.language
    result = Translation(article, src, target, engine.identity(src, target))
    units: list[tuple[Block | None, _Unit | None]] = []
    title = article.front_matter.get("title") if article.format == "markdown" else None
    if isinstance(title, str) and title.strip():
        units.append((None, _unit(title, "text", 1, src)))
    for block in article.content_blocks:
        if block.kind == "code":
            units.append((block, None))
            continue
        raw = block.markup if article.format == "html" and block.markup else block.text
        units.append((block, _unit(raw, article.format, block.line, src)))

    segments: list[str] = []
    for _block, unit in units:
        if unit is not None:
            unit.first = len(segments)
            segments.extend(unit.sentences)
    translated = engine.translate(segments, src, target) if segments else []
    result.segments = sum(1 for s in segments if s.strip())
    result.notes.extend(engine.notes)
    joiner = "" if target.split("-")[0] in NO_SPACE_LANGUAGES else " "

    for owner, unit in units:
        if unit is None:
            assert owner is not None
            result.blocks.append(TranslatedBlock(owner, owner.text))
            continue
        pieces = translated[unit.first : unit.first + len(unit.sentences)]
        joined = joiner.join(p.strip() for p in pieces if p.strip())
        if unit.html:
            joined = html.escape(joined, quote=False)
        text, events = unmask(joined, unit.masked)
        result.events.extend(SegmentEvent(unit.line, e.action, e.span) for e in events)
        if owner is None:
            result.front_matter_title = text
        else:
            result.blocks.append(TranslatedBlock(owner, text))
    return result
