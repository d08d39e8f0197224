"""Source segments next to their translations, as QA and the preview compare them.

Two kinds of alignment:

* :func:`translation_pairs`: a fresh :class:`~translator.translation.Translation`
  (``localize``, on-the-fly ``preview``), block by block;
* :func:`align`: a source article next to a variant file read back with
  :func:`translator.variants.read_variant` (``qa``, ``preview SOURCE VARIANT``).
"""

from __future__ import annotations

from dataclasses import dataclass

from .article import Article
from .translation import TranslatedBlock, Translation
from .variants import ReadVariant, inline_plain, plain_text


def translation_pairs(tr: Translation) -> list[tuple[int, str, str]]:
    """(line, source, target) of a fresh translation, block by block (code skipped).

    A Markdown front-matter title comes first, on line 1.
    """
    article = tr.article
    pairs: list[tuple[int, str, str]] = []
    title = article.front_matter.get("title") if article.format == "markdown" else None
    if isinstance(title, str) and tr.front_matter_title is not None:
        pairs.append((1, title, tr.front_matter_title))
    for tb in tr.blocks:
        if tb.block.kind == "code":
            continue
        source = tb.block.markup if article.format == "html" and tb.block.markup else tb.block.text
        pairs.append((tb.block.line, source, tb.text))
    return pairs


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
    # Markdown source and variant: their bodies, for the structure check.
    source_body: str = ""
    variant_body: str = ""
    unknown_words: str = ""  # the variant's record of words its engine did not know

    @property
    def pairs(self) -> list[tuple[int, str, str]]:
        """(source line, source text, variant text) for the QA checks; code is
        copied, never translated, and not checked."""
        return [(line, s, t) for line, kind, s, t in self.rows if kind != "code"]


def align(article: Article, read_back: ReadVariant) -> Alignment:
    """Pair the source's blocks with the variant's, in order."""
    meta = read_back.meta
    same_markup = read_back.fmt == "md" and article.format == "markdown"
    sources = source_texts(article, plain=not same_markup)
    rows = []
    for (line, kind, text), (_vkind, vtext, _vline) in zip(sources, read_back.blocks, strict=False):
        if read_back.fmt == "md" and not same_markup and kind != "code":
            # escapes and markup off, as the source is plain
            vtext = inline_plain(vtext, "markdown")
        rows.append((line, kind, text, vtext))
    return Alignment(
        rows=rows,
        source_lang=str(meta.get("source_lang") or article.language),
        target_lang=str(meta.get("lang") or ""),
        pseudo=str(meta.get("engine") or "") == "pseudo",
        same_markup=same_markup,
        source_blocks=len(sources),
        variant_blocks=len(read_back.blocks),
        source_body=article.body if same_markup else "",
        variant_body=read_back.body if same_markup else "",
        unknown_words=str(meta.get("unknown_words") or ""),
    )
