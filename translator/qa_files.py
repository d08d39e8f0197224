"""``translator qa SOURCE VARIANT``: align a source with an existing variant, check it."""

from __future__ import annotations

from dataclasses import dataclass, field

from .model import Article
from .pipeline import ReadOptions, load_article
from .qa import ERROR, Finding, check_pairs
from .translation import TranslatedBlock
from .variants import plain_text, read_variant


@dataclass
class QAReport:
    source: str
    variant: str
    source_lang: str
    target_lang: str
    pseudo: bool
    findings: list[Finding] = field(default_factory=list)

    @property
    def errors(self) -> int:
        return sum(f.severity == ERROR for f in self.findings)


def source_texts(article: Article, plain: bool) -> list[tuple[int, str, str]]:
    """(line, kind, text) of the source's translatable blocks, as a variant holds them."""
    out: list[tuple[int, str, str]] = []
    for block in article.content_blocks:
        text = (
            block.markup if article.format == "html" and block.markup and not plain else block.text
        )
        if plain and article.format == "markdown":
            text = plain_text(TranslatedBlock(block, block.text), "markdown")
        out.append((block.line, block.kind, text))
    return out


def qa_files(source: str, variant: str, read: ReadOptions | None = None) -> QAReport:
    article = load_article(source, read)
    read_back = read_variant(variant)
    meta = read_back.meta
    target_lang = str(meta.get("lang") or "")
    source_lang = str(meta.get("source_lang") or article.language)
    pseudo = str(meta.get("engine") or "") == "pseudo"
    same_markup = read_back.fmt == "md" and article.format == "markdown"
    sources = source_texts(article, plain=not same_markup)
    report = QAReport(source, variant, source_lang, target_lang, pseudo)
    pairs = []
    for (line, _kind, text), (_vkind, vtext, _vline) in zip(
        sources, read_back.blocks, strict=False
    ):
        pairs.append((line, text, vtext))
    report.findings = check_pairs(
        pairs, source_lang, target_lang, pseudo=pseudo, markup=same_markup
    )
    if len(sources) != len(read_back.blocks):
        report.findings.append(
            Finding(
                min(len(sources), len(read_back.blocks)),
                sources[len(read_back.blocks)][0] if len(sources) > len(read_back.blocks) else 0,
                "segment-count",
                ERROR,
                f"the source has {len(sources)} blocks, the variant {len(read_back.blocks)}",
            )
        )
    return report
