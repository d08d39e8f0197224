"""The data the pipeline passes between its stages.

Reading gives an :class:`Article` made of :class:`Block` objects; chrome
detection and language detection fill in each block's ``chrome``,
``language`` and ``confidence``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

Format = Literal["text", "markdown", "html"]
BlockKind = Literal["title", "paragraph", "list", "quote", "code"]

UNDETERMINED = "und"


@dataclass
class Block:
    """One unit of an article: a title, paragraph, list item, quote or code block.

    ``text`` is the block's own text without its block marker (``## ``,
    ``- ``, ``> ``); in Markdown it keeps its inline markup.  ``prefix``
    holds the marker so that a writer can put the block back together.
    """

    kind: BlockKind
    text: str
    line: int
    end_line: int
    prefix: str = ""
    language: str = UNDETERMINED
    confidence: float = 0.0
    chrome: str | None = None  # the reason, when this block is page chrome
    markup: str = ""  # HTML: the element's inner HTML, inline tags included
    # Markdown: where the block's own text stands in the article's source, as
    # character offsets [start, end); a writer replaces exactly that span and
    # keeps every other byte.  -1 where the reader gives no span.
    start: int = -1
    end: int = -1
    # Markdown: what starts each further line of the block's text (a quote's
    # "> ", a list item's or admonition's indent); None where the block holds
    # one line only (a heading, a table cell, a title), so a line break in a
    # kept span is written as a space there.
    continuation: str | None = None

    @property
    def is_chrome(self) -> bool:
        return self.chrome is not None


@dataclass
class ChromeLine:
    line: int
    text: str
    reason: str


@dataclass
class Article:
    """A source article: its format, blocks, front matter and language."""

    path: str
    format: Format
    blocks: list[Block]
    front_matter: dict[str, Any] = field(default_factory=dict)
    front_matter_raw: str = ""
    front_matter_format: str = "yaml"  # Markdown: yaml (---), toml (+++) or json ({...})
    meta: dict[str, str] = field(default_factory=dict)
    language: str = UNDETERMINED
    confidence: float = 0.0
    notes: list[str] = field(default_factory=list)
    source: str = ""  # the decoded text, line endings normalised
    header_lines: int = 0  # Markdown: lines taken by the front matter block
    newline: str = "\n"  # the source's line ending, given back to what is written
    sha256: str = ""  # of the bytes this article was read from (freshness)
    # The main text was found by the extractor among a real page's chrome: the
    # short-foreign-line rule, made for scraped text, stays off (on 106
    # labelled pages it dropped five kept lines and no chrome).
    extracted: bool = False
    # Markdown: the normalised labels of the link reference definitions, so
    # that a shortcut or collapsed reference link keeps its label.
    references: frozenset[str] = frozenset()

    def with_newlines(self, text: str) -> str:
        """*text* (written with ``\\n``) in the source's line endings."""
        return text.replace("\n", self.newline) if self.newline != "\n" else text

    @property
    def body(self) -> str:
        """Markdown: the source after its front matter."""
        return "\n".join(self.source.split("\n")[self.header_lines :])

    @property
    def content_blocks(self) -> list[Block]:
        return [b for b in self.blocks if not b.is_chrome]

    @property
    def chrome(self) -> list[ChromeLine]:
        return [ChromeLine(b.line, b.text, b.chrome) for b in self.blocks if b.chrome]

    @property
    def title(self) -> str | None:
        for block in self.blocks:
            if block.kind == "title" and not block.is_chrome:
                return block.text
        fm_title = self.front_matter.get("title")
        if isinstance(fm_title, str) and fm_title.strip():
            return fm_title.strip()
        return None
