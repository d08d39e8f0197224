"""Writing a translation back in the article's own format.

* text: one block a line, the source's blank lines between blocks kept;
* Markdown: the source with each translated block's text in place of its
  span, every other byte (markers, code, HTML, link definitions, shortcodes)
  as written; in the front matter only ``title`` changes;
* HTML: the source page with its content container translated in place, the
  chrome, scripts and event-handler attributes removed, ``lang``/``dir`` set.
"""

from __future__ import annotations

import re
from typing import Any

from .frontmatter import with_values
from .readers.maintext import clean_text
from .translation import TranslatedBlock, Translation
from .urls import is_dangerous


def render_text(tr: Translation) -> str:
    lines = tr.article.source.split("\n")
    out: list[str] = []
    prev_end = 0
    for tb in tr.blocks:
        gap = lines[prev_end : tb.block.line - 1] if prev_end else []
        if out and any(not ln.strip() for ln in gap):
            out.append("")
        out.append(tb.block.prefix + tb.text)
        prev_end = tb.block.end_line
    return "\n".join(out) + "\n"


def render_markdown(
    tr: Translation, front_matter: list[str] | None = None, lead: str | None = None
) -> str:
    """The translated Markdown: the source with each block's text replaced where
    it stands (its span), every other byte as the source wrote it.

    *front_matter* (its lines, delimiters included) replaces the source's, or
    is put at the top of a source without one; *lead* becomes the body's first
    paragraph.
    """
    article = tr.article
    source = article.source
    lines = source.split("\n")
    head = lines[: article.header_lines]
    if front_matter is not None:
        head = front_matter
    elif head:
        values = dict(tr.front_matter_fields)
        if tr.front_matter_title is not None:
            values["title"] = tr.front_matter_title
        head = with_values(article.front_matter_format, head, values, article)
    body_start = sum(len(line) + 1 for line in lines[: article.header_lines])
    body = _spliced(tr, source, body_start)
    top = "\n".join(head)
    if lead is not None:
        body = lead + "\n\n" + body.lstrip("\n")
        return top + "\n\n" + body if head else body
    if head and not article.header_lines:
        return top + "\n\n" + body  # the tool's front matter over a source without one
    return top + "\n" + body if head else body


def _continued(text: str, continuation: str | None) -> str:
    """*text* with each line break (a kept span's) followed by what starts a
    further line of its block, or a space where the block has one line."""
    if "\n" not in text:
        return text
    return _BREAK.sub(" " if continuation is None else "\n" + continuation, text)


_BREAK = re.compile(r"[ \t]*\n[ \t]*")


def _spliced(tr: Translation, source: str, body_start: int) -> str:
    """The source from *body_start* on, each translated block's span replaced."""
    spans = sorted(
        (tb for tb in tr.blocks if tb.block.kind != "code" and tb.block.start >= body_start),
        key=lambda tb: tb.block.start,
    )
    out: list[str] = []
    pos = body_start
    for tb in spans:
        if tb.block.start < pos:
            continue  # overlapping spans cannot come from one parse; keep the first
        out.append(source[pos : tb.block.start])
        out.append(_continued(tb.text, tb.block.continuation))
        pos = tb.block.end
    out.append(source[pos:])
    return "".join(out)


def _defuse(root: Any) -> None:
    for tag in root.find_all(True):
        for attr in list(tag.attrs):
            value = tag.attrs[attr]
            if attr.lower().startswith("on"):
                del tag.attrs[attr]
            elif (
                attr.lower() in {"href", "src", "action", "formaction", "xlink:href"}
                and isinstance(value, str)
                and is_dangerous(value)
            ):
                del tag.attrs[attr]


def render_html(tr: Translation, lang: str, direction: str) -> str:
    from bs4 import BeautifulSoup, Tag  # only an HTML source needs it (startup stays light)

    """The source page with its article's blocks translated in place and its chrome gone.

    The page's leaf elements (:func:`structure.prepare`) are matched with the
    article's blocks by their text, in order, whichever reader found them.
    """
    from .readers import structure  # only an HTML source needs it (startup stays light)

    page = structure.prepare(tr.article.source)
    translated: dict[str, list[TranslatedBlock]] = {}
    for tb in tr.blocks:
        translated.setdefault(clean_text(tb.block.text), []).append(tb)
    chrome = {clean_text(b.text) for b in tr.article.blocks if b.is_chrome}
    for el, kind in page.leaves:
        key = clean_text(el.get_text())
        waiting = translated.get(key)
        if waiting:
            tb = waiting.pop(0)
            if kind != "code":
                el.clear()
                fragment = BeautifulSoup(tb.text, "html.parser")
                for child in list(fragment.contents):
                    el.append(child.extract())
        elif key in chrome:
            el.decompose()  # leaves never hold one another
    soup, root = page.soup, page.root
    html_tag = soup.find("html")
    body = soup.find("body")
    if not isinstance(html_tag, Tag) or not isinstance(body, Tag):
        shell = BeautifulSoup(
            '<!DOCTYPE html>\n<html><head><meta charset="utf-8"></head><body></body></html>\n',
            "html.parser",
        )
        html_tag, body = shell.find("html"), shell.find("body")
        assert isinstance(html_tag, Tag) and isinstance(body, Tag)
        body.append(root.extract() if root is not soup else root)
        soup = shell
    elif root is not body:
        root = root.extract()
        body.clear()
        body.append(root)
    _defuse(soup)
    html_tag["lang"] = lang
    html_tag["dir"] = direction
    title = tr.title
    if title is not None and isinstance(soup.title, Tag):
        soup.title.string = BeautifulSoup(title, "html.parser").get_text()
    return str(soup)


def render(tr: Translation, lang: str, direction: str = "ltr") -> str:
    if tr.article.format == "markdown":
        return render_markdown(tr)
    if tr.article.format == "html":
        return render_html(tr, lang, direction)
    return render_text(tr)
