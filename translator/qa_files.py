"""``translator qa SOURCE VARIANT``: align a source with an existing variant, check it."""

from __future__ import annotations

from dataclasses import dataclass, field

from .model import Article
from .pipeline import ReadOptions, load_article
from .qa import ERROR, Finding, check_pairs
from .translation import TranslatedBlock
from .variants import ReadVariant, inline_plain, plain_text, read_variant


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


@dataclass
class Alignment:
    """A source's blocks next to a variant's, as the QA checks compare them."""

    rows: list[tuple[int, str, str, str]]  # (source line, kind, source text, variant text)
    source_lang: str
    target_lang: str
    pseudo: bool
    same_markup: bool  # both Markdown: inline markup compared as written
    source_blocks: int
    variant_blocks: int


def align(article: Article, read_back: ReadVariant) -> Alignment:
    meta = read_back.meta
    same_markup = read_back.fmt == "md" and article.format == "markdown"
    sources = source_texts(article, plain=not same_markup)
    rows = []
    for (line, kind, text), (_vkind, vtext, _vline) in zip(sources, read_back.blocks, strict=False):
        if read_back.fmt == "md" and not same_markup and kind != "code":
            vtext = inline_plain(
                vtext, "markdown"
            )  # escapes and markup off, as the source is plain
        rows.append((line, kind, text, vtext))
    return Alignment(
        rows=rows,
        source_lang=str(meta.get("source_lang") or article.language),
        target_lang=str(meta.get("lang") or ""),
        pseudo=str(meta.get("engine") or "") == "pseudo",
        same_markup=same_markup,
        source_blocks=len(sources),
        variant_blocks=len(read_back.blocks),
    )


def check_alignment(al: Alignment) -> list[Finding]:
    pairs = [(line, s, t) for line, _kind, s, t in al.rows]
    findings = check_pairs(
        pairs, al.source_lang, al.target_lang, pseudo=al.pseudo, markup=al.same_markup
    )
    if al.source_blocks != al.variant_blocks:
        line = al.rows[-1][0] if al.rows else 0
        findings.append(
            Finding(
                len(al.rows),
                line,
                "segment-count",
                ERROR,
                f"the source has {al.source_blocks} blocks, the variant {al.variant_blocks}",
            )
        )
    return findings


def qa_files(source: str, variant: str, read: ReadOptions | None = None) -> QAReport:
    article = load_article(source, read)
    al = align(article, read_variant(variant))
    report = QAReport(source, variant, al.source_lang, al.target_lang, al.pseudo)
    report.findings = check_alignment(al)
    return report
