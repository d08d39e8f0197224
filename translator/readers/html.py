"""HTML articles: the main content only.

Two readers, one page:

* the main-text reader (:mod:`.maintext`, trafilatura over an lxml tree)
  finds the article on a real page, among menus, teasers, banners, comments
  and footers, and reports what it left out;
* the structural reader (:mod:`.structure`, Beautiful Soup) takes the page's
  ``<article>``/``<main>``/``<body>`` less its chrome elements.  It reads the
  pages where trafilatura finds no article of its own (small or hand-written
  pages).
"""

from __future__ import annotations

import re
from html import escape as html_escape
from typing import TYPE_CHECKING

from ..article import Article, Block
from . import maintext

if TYPE_CHECKING:
    from lxml.html import HtmlElement

_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")


def _lxml_tree(source: str) -> HtmlElement | None:
    """The page as lxml reads it, or None when lxml cannot read all of it: a
    page nested deeper than its parser's limit (256 elements, common in
    broken CMS output with unclosed ``<div>``) would lose the text below."""
    import lxml.html
    from lxml.etree import ElementDefaultClassLookup, ParserError

    parser = lxml.html.HTMLParser(
        remove_comments=True, remove_pis=True, collect_ids=False, default_doctype=False
    )
    # lxml.html picks each element's class in Python (a form's, an input's:
    # classes nothing here uses), at every element a walk touches; one class
    # for every element is picked in C, for trafilatura's walks and ours.
    parser.set_element_class_lookup(
        ElementDefaultClassLookup(
            element=lxml.html.HtmlElement,
            comment=lxml.html.HtmlComment,
            pi=lxml.html.HtmlProcessingInstruction,
            entity=lxml.html.HtmlEntity,
        )
    )
    try:
        tree = lxml.html.document_fromstring(_XML_DECLARATION.sub("", source, count=1), parser)
    except (ParserError, ValueError):
        return None
    if any("depth" in entry.message.lower() for entry in parser.error_log):
        return None  # cut short: the structural reader reads it in full
    return tree


def _lxml_meta(tree: HtmlElement) -> dict[str, str]:
    meta: dict[str, str] = {}
    lang = tree.get("lang")
    if lang:
        meta["lang"] = lang
    title = tree.find(".//title")
    if title is not None and maintext.clean_text(title.text_content()):
        meta["title"] = maintext.clean_text(title.text_content())
    for tag in tree.iter("meta"):
        key = tag.get("property") or tag.get("name")
        value = tag.get("content")
        if key and value and key in {"article:published_time", "og:title", "description"}:
            meta.setdefault(key, value)
    return meta


def _title_block(tree: HtmlElement, title: str, blocks: list[Block]) -> list[Block]:
    """*blocks* with the page's title first, as a ``title`` block: the ``<h1>``
    among the first blocks that says it, else a block of its own placed at the
    line of the ``<h1>`` or ``<title>`` holding it."""
    for index, block in enumerate(blocks[:3]):
        if block.prefix == "h1" and (block.text == title or index == 0 and block.text in title):
            block.kind = "title"
            return blocks
    line = next(
        (
            int(el.sourceline)
            for name in ("h1", "title")
            for el in tree.iter(name)
            if el.sourceline and title in maintext.clean_text(el.text_content())
        ),
        1,
    )
    markup = html_escape(title, quote=False)
    return [Block("title", title, line, line, prefix="h1", markup=markup), *blocks]


def parse(path: str, source: str) -> Article:
    """Read a page with the main-text reader, else with the structural one."""
    tree = _lxml_tree(source)
    main = maintext.extract(tree) if tree is not None else None
    if tree is None or main is None:
        from . import structure

        return structure.parse(path, source)
    meta = _lxml_meta(tree)
    if main.date and "article:published_time" not in meta:
        meta["date"] = main.date
    blocks = _title_block(tree, main.title, main.blocks) if main.title else main.blocks
    blocks = _merge(blocks, main.dropped)
    return Article(path=path, format="html", blocks=blocks, meta=meta, extracted=True)


def _merge(content: list[Block], dropped: list[Block]) -> list[Block]:
    """Chrome blocks placed by line among the content, whose own order stays."""
    out: list[Block] = []
    rest = sorted(dropped, key=lambda b: b.line)
    at = 0
    for block in content:
        while at < len(rest) and rest[at].line < block.line:
            out.append(rest[at])
            at += 1
        out.append(block)
    return out + rest[at:]
