"""Reading article files into :class:`~translator.article.Article` objects.

One module per format: :mod:`.text`, :mod:`.markdown` and :mod:`.html`.
"""

from __future__ import annotations

import hashlib
import os

from ..article import Article, Format
from ..errors import NotAnArticle
from ..textio import DEFAULT_MAX_BYTES, clean_controls, decode, read_bytes

EXTENSIONS: dict[str, Format] = {
    ".txt": "text",
    ".md": "markdown",
    ".markdown": "markdown",
    ".html": "html",
    ".htm": "html",
}


def format_for(path: str) -> Format:
    """The format of *path* by its extension; anything unknown is plain text."""
    return EXTENSIONS.get(os.path.splitext(path)[1].lower(), "text")


def parse(path: str, source: str, fmt: Format) -> Article:
    # Each parser's library loads on first use: reading text needs neither
    # markdown-it nor Beautiful Soup.
    source = clean_controls(source)
    if fmt == "markdown":
        from . import markdown

        article = markdown.parse(path, source)
    elif fmt == "html":
        from . import html

        article = html.parse(path, source)
    else:
        from . import text

        article = text.parse(path, source)
    article.source = source
    return article


PREVIEW_MARK = b'<meta name="generator" content="translator preview">'


def read(
    path: str,
    *,
    encoding: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    data: bytes | None = None,
) -> Article:
    """Read and parse one article file (no language analysis yet); *data*: its
    bytes, when the caller read them already (the file is not opened again).
    A preview page the tool wrote is :class:`NotAnArticle`."""
    if data is None:
        data = read_bytes(path, max_bytes)
    fmt = format_for(path)
    if fmt == "html" and PREVIEW_MARK in data[:4096]:
        raise NotAnArticle(path, "a preview page written by translator preview, not an article")
    source = decode(data, path, encoding, html=fmt == "html")
    article = parse(path, source, fmt)
    article.sha256 = hashlib.sha256(data).hexdigest()  # the very bytes translated
    crlf = data.count(b"\r\n")
    if crlf and crlf * 2 >= data.count(b"\n"):
        article.newline = "\r\n"
    return article
