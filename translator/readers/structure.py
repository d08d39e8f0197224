"""The structural HTML reader: a page's content container, minus its chrome elements.

The content container is the first ``<article>``, else ``<main>`` or
``[role=main]``, else ``<body>``.  Scripts, styles, navigation, asides,
footers, forms and ad/share/related containers are dropped; those that held
text are reported as chrome blocks.  Beautiful Soup parses the page (with
source lines).  This reader reads the pages where the main-text reader
(:mod:`.maintext`) finds no article of its own, and :func:`prepare` is what
the ``translate`` writer rewrites in place.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass

from bs4 import BeautifulSoup, Tag

from ..article import Article, Block, BlockKind
from .maintext import FIGURE_IMAGE

_INVISIBLE = ["script", "style", "noscript", "template", "iframe", "svg", "object", "embed"]
_STRUCTURAL_CHROME = ["nav", "aside", "footer", "form", "button", "dialog", "menu"]
_PAGE_CHROME = ["header"]  # dropped when outside the article container
_ROLE_CHROME = {"navigation", "banner", "complementary", "contentinfo", "search", "dialog"}
_AD_WORD = re.compile(
    r"(?:^|[\s_-])(ad|ads|adv|advert|advertisement|banner|sponsor|sponsored|promo|share|sharing|"
    r"social|related|newsletter|subscribe|cookie|cookies|popup|outbrain|taboola|breadcrumbs?|"
    r"comments?|widget|sidebar|ticker)(?:$|[\s_-])",
    re.IGNORECASE,
)
_BLOCK_TAGS = [
    "h1", "h2", "h3", "h4", "h5", "h6", "p", "li", "blockquote", "pre",
    "figcaption", "dt", "dd", "td", "th", "caption", "div", "section",
]  # fmt: skip
_BLOCK_SET = frozenset(_BLOCK_TAGS)


def _text(el: Tag) -> str:
    return " ".join(el.get_text().split())


def _is_ad_container(el: Tag) -> bool:
    if not isinstance(el, Tag) or el.attrs is None:
        return False
    if el.get("role") in _ROLE_CHROME:
        return True
    names = " ".join(el.get_attribute_list("class") or []) + " " + str(el.get("id") or "")
    return bool(_AD_WORD.search(names))


def _meta(soup: BeautifulSoup) -> dict[str, str]:
    meta: dict[str, str] = {}
    html_tag = soup.find("html")
    if isinstance(html_tag, Tag) and html_tag.get("lang"):
        meta["lang"] = str(html_tag["lang"])
    title = soup.find("title")
    if isinstance(title, Tag) and _text(title):
        meta["title"] = _text(title)
    for tag in soup.find_all("meta"):
        key = tag.get("property") or tag.get("name")
        value = tag.get("content")
        if key and value and key in {"article:published_time", "og:title", "date", "description"}:
            meta.setdefault(str(key), str(value))
    return meta


def _container(soup: BeautifulSoup) -> Tag:
    for finder in (
        lambda: soup.find("article"),
        lambda: soup.find("main"),
        lambda: soup.find(True, attrs={"role": "main"}),
        lambda: soup.find("body"),
    ):
        found = finder()
        if isinstance(found, Tag):
            return found
    return soup


@dataclass
class Page:
    """A parsed page with its chrome removed from the content container."""

    soup: BeautifulSoup
    root: Tag
    meta: dict[str, str]
    dropped: list[Block]
    leaves: list[tuple[Tag, BlockKind]]


def prepare(source: str) -> Page:
    """Parse *source*, drop chrome inside the content container, list its leaf blocks."""
    soup = BeautifulSoup(source, "html.parser")
    meta = _meta(soup)
    root = _container(soup)
    time_tag = root.find("time", attrs={"datetime": True}) or soup.find(
        "time", attrs={"datetime": True}
    )
    if isinstance(time_tag, Tag):
        meta["time"] = str(time_tag["datetime"])
    for tag in soup.find_all(_INVISIBLE):
        tag.decompose()
    dropped: list[Block] = []
    # Whatever lies outside the container is never read; chrome inside it is reported.
    _drop_where(
        root, dropped, lambda el: f"html-{el.name}" if el.name in _STRUCTURAL_CHROME else None
    )
    if root.name == "body":
        _drop_where(
            root, dropped, lambda el: f"html-{el.name}" if el.name in _PAGE_CHROME else None
        )
    _drop_where(root, dropped, lambda el: "html-ad-container" if _is_ad_container(el) else None)
    return Page(soup, root, meta, dropped, _leaves(root))


def _drop_where(root: Tag, dropped: list[Block], reason: Callable[[Tag], str | None]) -> None:
    """Drop the outermost elements *reason* names, reporting their text.

    One walk down the tree; an element inside a dropped one is skipped
    (asking bs4 whether an element was decomposed searches its subtree,
    which is quadratic on deep nesting).
    """
    gone: set[int] = set()
    chosen: list[Tag] = []
    for el in root.descendants:
        if not isinstance(el, Tag):
            continue
        if id(el.parent) in gone:
            gone.add(id(el))
            continue
        why = reason(el)
        if why:
            gone.add(id(el))
            chosen.append(el)
            text = " ".join(el.get_text(" ").split())
            if text:
                line = el.sourceline or 1
                dropped.append(Block("paragraph", text, line, line, chrome=why))
    for el in chosen:
        el.decompose()


def _leaves(root: Tag) -> list[tuple[Tag, BlockKind]]:
    """The leaf block elements under *root* with their kinds.

    One pass down and one pass up the tree (linear time however deep it is):
    which elements hold a block element, and which lie in <pre> or <blockquote>.
    """
    tags = [el for el in root.descendants if isinstance(el, Tag)]
    holds_block: set[int] = set()
    for el in reversed(tags):
        if (el.name in _BLOCK_SET or id(el) in holds_block) and el.parent is not None:
            holds_block.add(id(el.parent))
    inside: dict[int, tuple[bool, bool]] = {
        id(root): (root.name == "pre", root.name == "blockquote")
    }
    for el in tags:
        in_pre, in_quote = inside[id(el.parent)]
        inside[id(el)] = (in_pre or el.name == "pre", in_quote or el.name == "blockquote")
    leaves: list[tuple[Tag, BlockKind]] = []
    have_title = False
    for el in tags:
        if el.name not in _BLOCK_SET or inside[id(el.parent)][0]:
            continue  # not a block, or inside <pre>: part of that code block
        if el.name != "pre" and id(el) in holds_block:
            continue  # not a leaf block: its children are visited on their own
        text = el.get_text() if el.name == "pre" else _text(el)
        if not text.strip():
            continue
        kind = _kind(el, have_title, inside[id(el)][1])
        have_title = have_title or kind == "title"
        leaves.append((el, kind))
    return leaves


def _kind(el: Tag, have_title: bool, in_quote: bool) -> BlockKind:
    if el.name == "pre":
        return "code"
    if el.name == "h1" and not have_title:
        return "title"
    if el.name == "li":
        return "list"
    return "quote" if in_quote else "paragraph"


def parse(path: str, source: str) -> Article:
    """Read *source* with the structural reader."""
    page = prepare(source)
    blocks = list(page.dropped)
    for el, kind in page.leaves:
        text = el.get_text() if kind == "code" else _text(el)
        line = el.sourceline or 1
        end = line + str(el).count("\n")
        markup = "" if kind == "code" else " ".join(el.decode_contents().split())
        image = el.parent.find("img") if el.name == "figcaption" and el.parent else None
        if isinstance(image, Tag) and image.get("src"):
            src, alt = html.escape(str(image["src"])), html.escape(str(image.get("alt") or ""))
            markup = f'<img {FIGURE_IMAGE} src="{src}" alt="{alt}"> {markup}'
        prefix = el.name
        if el.name in ("td", "th") and not any(
            isinstance(sib, Tag) and sib.name in ("td", "th") for sib in el.previous_siblings
        ):
            prefix = "tr>" + el.name  # the first cell of its row
        blocks.append(Block(kind, text, line, end, prefix=prefix, markup=markup))
    blocks.sort(key=lambda b: b.line)
    return Article(path=path, format="html", blocks=blocks, meta=page.meta)
