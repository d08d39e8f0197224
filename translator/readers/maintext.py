"""The main content of a real web page, found with trafilatura.

trafilatura (``bare_extraction``) scores the page's containers and gives the
article's main text as a small XML tree (``head``, ``p``, ``list``/``item``,
``quote``, ``code``, ``table``/``row``/``cell``, with ``hi`` for emphasis,
``ref`` for links and ``lb`` for line breaks), with the title and the
publication date (htmldate) from the page's metadata.  This module turns that
tree into :class:`~translator.article.Block` objects whose ``markup`` is plain
HTML again (``<strong>``, ``<em>``, ``<a href>``, ``<br>``), so variants and
the preview keep links and emphasis, and reports every text-bearing element of
the page left out as a chrome block, with the reason its place in the page
gives and its source line.

What trafilatura is not asked to do: decide chrome inside the text it keeps.
The project's own rules (:mod:`translator.chrome`, the language rules of
:mod:`translator.detect`, the page-tail rules in :func:`tail_chrome`) run on
its blocks afterwards.
"""

from __future__ import annotations

import copy
import html
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from lxml import etree
from lxml.html import HtmlElement

from ..article import Block, BlockKind

# Text shorter than this after extraction means trafilatura found no article
# of its own and fell back to the page's whole text: the structural reader
# (container + chrome elements) reads such pages better.
MIN_MAIN_CHARS = 250

_INVISIBLE_CHARS = re.compile("[\u00ad\u200b\u2060\ufeff]")
_HI_TAGS = {
    "#b": "strong",
    "#i": "em",
    "#u": "u",
    "#t": "code",
    "#sub": "sub",
    "#sup": "sup",
}
_LEAF_TAGS = frozenset(
    "p li h1 h2 h3 h4 h5 h6 td th dt dd figcaption caption blockquote pre div section "
    "span a label button summary nav header footer aside form ul ol".split()
)
_BLOCK_HOLDERS = frozenset(
    "p li h1 h2 h3 h4 h5 h6 td th dt dd figcaption caption blockquote pre div section "
    "ul ol dl table article main header footer nav aside form".split()
)
_STRUCTURAL = {"nav", "aside", "footer", "header", "form", "menu", "dialog", "button"}
_ROLES = {"navigation", "banner", "complementary", "contentinfo", "search", "dialog"}
_INVISIBLE = {"script", "style", "noscript", "template", "svg", "head", "title", "iframe"}
_CHROME_WORD = re.compile(
    r"(?:^|[\s_-])(ad|ads|adv|advert|advertisement|banner|sponsor|sponsored|promo|share|sharing|"
    r"social|related|newsletter|subscribe|cookie|cookies|consent|popup|modal|outbrain|taboola|"
    r"breadcrumbs?|comments?|widget|sidebar|ticker|teaser|recommend\w*|footer|header|menu|nav)"
    r"(?:$|[\s_-])",
    re.IGNORECASE,
)


def _visible(text: str) -> str:
    """*text* less soft hyphens and zero-width marks (a regex only when one is there)."""
    return _INVISIBLE_CHARS.sub("", text) if not text.isascii() else text


def clean_text(text: str) -> str:
    """One line of text: soft hyphens and zero-width marks gone, white space collapsed.

    >>> clean_text("Ge\\u00adsetz  über\\n den Markt")
    'Gesetz über den Markt'
    """
    return " ".join(_visible(text).split())


@dataclass
class MainText:
    """What the extractor kept: blocks, title, date, and what it left out."""

    blocks: list[Block]
    title: str | None = None
    date: str | None = None
    dropped: list[Block] = field(default_factory=list)


def _line(el: etree._Element, fallback: int) -> int:
    if el.sourceline:
        return int(el.sourceline)
    for sub in el.iter():
        if sub.sourceline:
            return int(sub.sourceline)
    return fallback


class _Inline:
    """Plain text and HTML markup of one block of trafilatura's tree, built together."""

    def __init__(self) -> None:
        self.text: list[str] = []
        self.markup: list[str] = []

    def add_text(self, value: str | None) -> None:
        if value:
            value = _visible(value)
            self.text.append(value)
            self.markup.append(html.escape(value, quote=False))

    def walk(self, el: etree._Element, *, skip: frozenset[str] = frozenset()) -> None:
        self.add_text(el.text)
        for child in el:
            tag = child.tag if isinstance(child.tag, str) else ""
            if tag in skip:
                pass
            elif tag == "lb":
                self.text.append("\n")
                self.markup.append("<br>")
            elif tag == "hi":
                name = _HI_TAGS.get(str(child.get("rend", "")), "")
                self._wrap(child, name)
            elif tag == "ref":
                target = child.get("target")
                attrs = f' href="{html.escape(target)}"' if target else ""
                self._wrap(child, "a", attrs)
            elif tag in {"del"}:
                self._wrap(child, "del")
            elif tag == "graphic":
                pass
            else:
                self.walk(child, skip=skip)
            self.add_text(child.tail)

    def _wrap(self, el: etree._Element, name: str, attrs: str = "") -> None:
        if name:
            self.markup.append(f"<{name}{attrs}>")
        self.walk(el)
        if name:
            self.markup.append(f"</{name}>")

    def result(self) -> tuple[str, str]:
        text = clean_text("".join(self.text))
        markup = " ".join("".join(self.markup).split())
        return text, markup


_Found = tuple[etree._Element, BlockKind, str, str, str]
# The prefix of a table's first cell in a row: "tr>td" (the others: "td", "th").
ROW_START = "tr>"


def _inline(el: etree._Element) -> tuple[str, str]:
    """An element's (text, markup), inline tags kept."""
    inline = _Inline()
    inline.walk(el)
    return inline.result()


def _blocks(body: etree._Element) -> Iterator[_Found]:
    """(element, kind, prefix, text, markup) for each block of trafilatura's body."""
    for el in body:
        tag = el.tag if isinstance(el.tag, str) else ""
        if tag == "head":
            yield el, "paragraph", str(el.get("rend") or "h2"), *_inline(el)
        elif tag == "list":
            yield from _items(el)
        elif tag == "quote":
            yield from _quote(el)
        elif tag == "code":
            text = _visible("".join(el.itertext())).strip("\n")
            yield el, "code", "pre", text, ""
        elif tag == "table":
            yield from _cells(el)
        elif tag in {"div", "section"}:
            yield from _blocks(el)
        elif tag not in {"graphic", "lb"}:  # p, and anything else with text
            yield el, "paragraph", "p", *_inline(el)


def _quote(el: etree._Element) -> Iterator[_Found]:
    """A quote of paragraphs gives each as a quote block; else the quote is one."""
    parts = [c for c in el if c.tag in {"p", "list", "head"}]
    if parts and not (el.text or "").strip():
        for sub in _blocks(el):
            yield sub[0], "quote", "blockquote", sub[3], sub[4]
    else:
        yield el, "quote", "blockquote", *_inline(el)


def _cells(table: etree._Element) -> Iterator[_Found]:
    """A table's innermost cells, one block each; the first cell of each row
    is marked ``tr>`` (a writer rebuilds the rows from it)."""
    for cell in table.iter("cell"):
        if any(sub.tag == "cell" for sub in cell.iterdescendants()):
            continue
        prefix = "th" if cell.get("role") == "head" else "td"
        previous = cell.getprevious()
        if previous is None or previous.tag != "cell":
            prefix = ROW_START + prefix
        yield cell, "paragraph", prefix, *_inline(cell)


def _items(lst: etree._Element) -> Iterator[tuple[etree._Element, BlockKind, str, str, str]]:
    for item in lst:
        if item.tag != "item":
            continue
        inline = _Inline()
        inline.walk(item, skip=frozenset({"list"}))
        yield item, "list", "li", *inline.result()
        for nested in item.iter("list"):
            if nested is not item:
                yield from _items(nested)
                break


def _own_reason(node: etree._Element) -> str | None:
    tag = node.tag if isinstance(node.tag, str) else ""
    if tag in _STRUCTURAL:
        return f"html-{tag}"
    if node.get("role") in _ROLES:
        return f"html-{node.get('role')}"
    names = f"{node.get('class') or ''} {node.get('id') or ''}"
    if names.strip() and _CHROME_WORD.search(names):
        return "html-ad-container"
    return None


def _reason(el: etree._Element, known: dict[etree._Element, str]) -> str:
    """Why an element the extractor left out is chrome: its nearest chrome element.

    *known* holds the answers for elements already asked about (their
    ancestors are shared), so that a page of thousands of left-out leaves is
    not walked up thousands of times.
    """
    chain: list[etree._Element] = []
    node: etree._Element | None = el
    reason = "html-boilerplate"
    while node is not None:
        if node in known:
            reason = known[node]
            break
        chain.append(node)
        node = node.getparent()
    for node in reversed(chain):  # from the outermost down: an inner reason wins
        reason = _own_reason(node) or reason
        known[node] = reason
    return known[el]


def _source_leaves(tree: HtmlElement) -> list[tuple[etree._Element, str]]:
    """The page's text-bearing leaf elements in document order, with their text."""
    body = tree.find(".//body")
    root = body if body is not None else tree
    elements = [el for el in root.iter() if isinstance(el.tag, str)]
    holds: set[int] = set()
    for el in reversed(elements):
        parent = el.getparent()
        if parent is not None and (el.tag in _BLOCK_HOLDERS or id(el) in holds):
            holds.add(id(parent))
    skip: set[int] = set()
    leaves: list[tuple[etree._Element, str]] = []
    for el in elements:
        parent = el.getparent()
        if parent is not None and id(parent) in skip:
            skip.add(id(el))
            continue
        if el.tag not in _LEAF_TAGS or id(el) in holds:
            continue
        skip.add(id(el))  # its descendants are part of it
        text = clean_text(el.text_content())
        if text:
            leaves.append((el, text))
    return leaves


# The inline tags kept from a page (links, emphasis, code, line breaks): what
# a reader sees; variants.safe_inline_html keeps the same ones.
# How a figure's image stands in its caption's markup: the one image the
# variants keep (an <img> anywhere else in a page's text is dropped).
FIGURE_IMAGE = "data-figure"
INLINE_TAGS = frozenset(
    {"a", "em", "strong", "b", "i", "u", "code", "sub", "sup", "br", "del", "mark", "s"}
)


def source_markup(el: etree._Element) -> str:
    """*el*'s inner HTML with only inline tags a user sees (links, emphasis, code).

    >>> from lxml.html import fragment_fromstring as frag
    >>> source_markup(frag('<p>See <a href="/x" onclick="y()">the <b>plan</b></a><span>.</span></p>'))
    'See <a href="/x">the <b>plan</b></a>.'
    """
    out: list[str] = []

    def walk(node: etree._Element) -> None:
        if node.text:
            out.append(html.escape(_visible(node.text), quote=False))
        for child in node:
            tag = child.tag if isinstance(child.tag, str) else ""
            if tag == "br":
                out.append("<br>")
            elif tag in INLINE_TAGS:
                href = child.get("href") if tag == "a" else None
                attrs = f' href="{html.escape(href)}"' if href else ""
                out.append(f"<{tag}{attrs}>")
                walk(child)
                out.append(f"</{tag}>")
            elif tag and tag not in _INVISIBLE:
                walk(child)
            if child.tail:
                out.append(html.escape(_visible(child.tail), quote=False))

    figure = el.getparent() if el.tag == "figcaption" else None
    image = next(figure.iter("img"), None) if figure is not None else None
    if image is not None and image.get("src"):
        # a figure's caption carries its image: the variants keep it
        alt = html.escape(image.get("alt") or "")
        out.append(f'<img {FIGURE_IMAGE} src="{html.escape(image.get("src") or "")}" alt="{alt}"> ')
    walk(el)
    return " ".join("".join(out).split())


def _container(elements: list[etree._Element]) -> etree._Element | None:
    """The ``<article>`` (else ``<main>``) holding most of *elements*, if any."""
    for name in ("article", "main"):
        counts: dict[int, tuple[etree._Element, int]] = {}
        for el in elements:
            for anc in el.iterancestors(name):
                node, n = counts.get(id(anc), (anc, 0))
                counts[id(anc)] = (node, n + 1)
                break
        if counts:
            node, n = max(counts.values(), key=lambda pair: pair[1])
            if n * 2 > len(elements):
                return node
    return None


_SENTENCE_END = re.compile(r"[.!?…:;)\"'“”»]\s*$")


def _is_article_text(el: etree._Element, text: str, container: etree._Element) -> bool:
    """A leaf inside the article's container that reads as article text.

    At least eight words ending like a sentence, or a subtitle heading, not
    mostly link text, and in no chrome element below the container.
    """
    words = len(text.split())
    heading = el.tag in {"h2", "h3"}
    if heading and words < 4 or not heading and (words < 8 or not _SENTENCE_END.search(text)):
        return False
    linked = sum(len(clean_text(a.text_content())) for a in el.iter("a"))
    if linked * 2 > len(text):
        return False
    node: etree._Element | None = el
    while node is not None and node is not container:
        tag = node.tag if isinstance(node.tag, str) else ""
        names = f"{node.get('class') or ''} {node.get('id') or ''}"
        if tag in _STRUCTURAL - {"header"} or node.get("role") in _ROLES:
            return False
        if names.strip() and _CHROME_WORD.search(names.replace("header", "")):
            return False
        node = node.getparent()
    return node is container


class _KeptText:
    """Whether a page element's text is part of what the extractor kept, in
    time linear in the page (a substring search per element is quadratic on a
    page of thousands of paragraphs).

    An element's text is kept when it is a kept block's text, or when its
    words appear in that order in the kept text: every run of ``N`` words of
    it (the whole of it when shorter) is a run of the kept words.

    >>> kept = _KeptText(["The bridge reopens on Thursday after repairs.", "Boats run."])
    >>> "reopens on Thursday" in kept, "The bridge reopens on Thursday" in kept, "Home" in kept
    (True, True, False)
    """

    N = 4

    def __init__(self, texts: Iterable[str]) -> None:
        self.exact = {clean_text(t) for t in texts}
        words = " ".join(self.exact).split()
        self.runs: set[tuple[str, ...]] = set()
        for size in range(1, self.N + 1):
            self.runs.update(zip(*(words[i:] for i in range(size)), strict=False))

    def __contains__(self, text: object) -> bool:
        if not isinstance(text, str):
            return False
        if text in self.exact:
            return True
        words = text.split()
        if len(words) <= self.N:
            return tuple(words) in self.runs
        return all(
            tuple(words[i : i + self.N]) in self.runs for i in range(len(words) - self.N + 1)
        )


def _reconcile(tree: HtmlElement, blocks: list[Block]) -> tuple[list[Block], list[Block]]:
    """Kept blocks tied to the page, article text the extractor missed, and what it left out.

    A kept block whose text is one leaf element of the page takes that
    element's source line and its inline markup (links included).  A leaf
    inside the article's container (the ``<article>`` or ``<main>`` holding
    most kept blocks) that reads as article text is kept too: a lead
    paragraph in the article's ``<header>``, a subtitle.  Every other leaf
    whose text the kept blocks do not hold is reported as chrome.
    """
    leaves = _source_leaves(tree)
    position = {id(el): index for index, (el, _) in enumerate(leaves)}
    by_text: dict[str, etree._Element] = {}
    for el, text in leaves:
        by_text.setdefault(text, el)
    matched: list[etree._Element] = []
    placed: list[tuple[int, Block]] = []
    at = -1
    for block in blocks:
        el = by_text.get(block.text)
        if el is not None:
            matched.append(el)
            at = position[id(el)]
            block.line = block.end_line = _line(el, block.line)
            if block.kind != "code":
                block.markup = source_markup(el)  # the same text, with the page's links
        placed.append((at, block))
    kept = _KeptText(b.text for b in blocks)
    container = _container(matched) if matched else None
    dropped: list[Block] = []
    reasons: dict[etree._Element, str] = {}
    for index, (el, text) in enumerate(leaves):
        if text in kept:
            continue
        line = _line(el, 1)
        if container is not None and _is_article_text(el, text, container):
            kind: BlockKind = "paragraph"
            prefix = el.tag if el.tag in {"h2", "h3"} else "p"
            rescued = Block(kind, text, line, line, prefix=prefix, markup=source_markup(el))
            placed.append((index, rescued))
            continue
        dropped.append(Block("paragraph", text, line, line, chrome=_reason(el, reasons)))
    placed.sort(key=lambda pair: pair[0])  # stable: the extractor's order among equals
    return [b for _, b in placed], dropped


_TITLE_SPLIT = re.compile(r"\s+[|–—·»:-]\s+")


def page_title(tree: HtmlElement) -> str | None:
    """The article's title: Open Graph's, else the one ``<h1>``, else ``<title>`` up to the site name.

    >>> from lxml.html import document_fromstring as parse
    >>> page_title(parse("<title>Budget approved | Riverside Gazette</title><p>x"))
    'Budget approved'
    """
    for name in ("og:title", "twitter:title"):
        for meta in tree.iterfind(f'.//meta[@property="{name}"]'):
            if clean_text(meta.get("content") or ""):
                return clean_text(meta.get("content") or "")
    headings = [clean_text(h.text_content()) for h in tree.iter("h1")]
    headings = [h for h in headings if h]
    if len(headings) == 1:
        return headings[0]
    title = tree.find(".//title")
    if title is None or not clean_text(title.text_content()):
        return headings[0] if headings else None
    return _TITLE_SPLIT.split(clean_text(title.text_content()))[0]


def page_date(tree: HtmlElement) -> str | None:
    """The publication date in the page's markup, by htmldate, ISO, or None.

    Open Graph and other ``<meta>``, JSON-LD ``datePublished``, ``<time>``,
    the canonical URL.  htmldate's extensive search of the visible text is
    not used: on the 106 labelled pages it dated 13 more pages, 8 of them
    1 January of a copyright year, and cost three times the markup search.
    The article's own first lines are read for a date line afterwards
    (:func:`translator.dates.article_date`), as for every format.
    """
    from htmldate import find_date

    try:
        found: str | None = find_date(tree, extensive_search=False, original_date=True)
    except ValueError:
        return None
    return found


# trafilatura's extraction takes time quadratic in the inline elements of one
# block (a paragraph of 25,000 <span>: over a minute); the copy it reads has
# a crowded block's inline elements unwrapped (their text stays).  The page's
# own tree keeps them: links and emphasis are tied back from it.
MAX_INLINE_CHILDREN = 200
_UNWRAPPED = (
    "span", "font", "a", "em", "strong", "b", "i", "u", "small", "big", "mark", "abbr",
    "cite", "q", "s", "strike", "sub", "sup", "ins", "del", "var", "kbd", "samp", "bdi",
    "bdo", "data", "time", "label", "code", "tt",
)  # fmt: skip
_UNWRAPPED_SET = frozenset(_UNWRAPPED)


def _flatten_crowded(tree: etree._Element) -> None:
    """Unwrap the inline elements of every element holding more than
    ``MAX_INLINE_CHILDREN`` of them (one pass over the tree)."""
    crowded = [
        el
        for el in tree.iter()
        if len(el) > MAX_INLINE_CHILDREN
        and sum(1 for child in el if child.tag in _UNWRAPPED_SET) > MAX_INLINE_CHILDREN
    ]
    for el in crowded:
        etree.strip_tags(el, *_UNWRAPPED)
        # libxml2 keeps the unwrapped runs as separate text nodes (which is
        # what costs the time); written back, each run is one node again
        for node in (el, *el):
            if node is el:
                text = el.text
                el.text = None
                el.text = text
            else:
                tail = node.tail
                node.tail = None
                node.tail = tail


def extract(tree: HtmlElement) -> MainText | None:
    """The main text of *tree* (an lxml HTML tree), or None.

    trafilatura reads a copy; *tree* itself loses its scripts and styles.
    None means trafilatura found no article of its own (nothing, or under
    ``MIN_MAIN_CHARS`` characters of text).
    """
    import trafilatura

    work = copy.deepcopy(tree)
    _flatten_crowded(work)
    doc = trafilatura.bare_extraction(
        work,
        include_comments=False,
        include_tables=True,
        # Inline markup comes from the page itself (_reconcile): trafilatura's
        # own link handling loses text, and its formatting costs time.
        include_formatting=False,
        include_links=False,
        include_images=False,
        with_metadata=False,  # the title and date are read below, for a third of the time
        deduplicate=False,
    )
    body = getattr(doc, "body", None)  # a Document (a dict only when asked for one)
    if body is None:
        return None
    blocks: list[Block] = []
    line = 1
    for el, kind, prefix, text, markup in _blocks(body):
        if not text.strip():
            continue
        line = _line(el, line)
        blocks.append(Block(kind, text, line, line, prefix=prefix, markup=markup))
    if sum(len(b.text) for b in blocks) < MIN_MAIN_CHARS:
        return None
    main = MainText(blocks, title=page_title(tree), date=page_date(tree))
    etree.strip_elements(tree, *_INVISIBLE, with_tail=False)
    main.blocks, main.dropped = _reconcile(tree, blocks)
    return main
