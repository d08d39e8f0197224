"""Writing a translation back in the article's own format.

* text: one block a line, the source's blank lines between blocks kept;
* Markdown: the source's lines, each translated block in place of its lines,
  chrome lines dropped, every other line (code, HTML, rules) byte-identical;
  in the front matter only ``title`` changes;
* HTML: the source page with its content container translated in place, the
  chrome, scripts and event-handler attributes removed, ``lang``/``dir`` set.
"""

from __future__ import annotations

from bs4 import BeautifulSoup, Tag

from .frontmatter import with_title
from .readers import structure
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
    """The translated Markdown; *front_matter* (its lines, delimiters included)
    replaces the source's when given, and *lead* becomes the body's first paragraph."""
    article = tr.article
    lines = article.source.split("\n")
    head = lines[: article.header_lines]
    if front_matter is not None and head:
        head = front_matter
    elif tr.front_matter_title is not None and head:
        head = with_title(article.front_matter_format, head, tr.front_matter_title, article)
    body = _body(tr, lines)
    if head and body[:2] == ["", ""] and len(body) > 1:
        body = body[1:]
    if lead is not None:
        body = ["", lead, *body] if body and body[0] == "" else ["", lead, "", *body]
    return "\n".join(head + body)


def _body(tr: Translation, lines: list[str]) -> list[str]:
    """The source's body lines with each translated block in place of its own,
    chrome left out (and no double blank line where it was)."""
    article = tr.article
    text_blocks = [tb for tb in tr.blocks if tb.block.kind != "code"]
    starts = {tb.block.line: tb for tb in text_blocks}
    skip = {n for tb in text_blocks for n in range(tb.block.line + 1, tb.block.end_line + 1)}
    dropped = {
        n for block in article.blocks if block.is_chrome
        for n in range(block.line, block.end_line + 1)
    }  # fmt: skip
    body: list[str] = []
    after_drop = False
    for number in range(article.header_lines + 1, len(lines) + 1):
        line = lines[number - 1]
        if number in dropped:
            after_drop = True
            continue
        if number in skip:
            continue
        if after_drop and not line.strip() and (not body or not body[-1].strip()):
            continue  # no double blank line where chrome was
        after_drop = False
        tb = starts.get(number)
        body.append(tb.block.prefix + tb.text if tb is not None else line)
    return body


def _defuse(root: Tag) -> None:
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
    """The source page with its article's blocks translated in place and its chrome gone.

    The page's leaf elements (:func:`structure.prepare`) are matched with the
    article's blocks by their text, in order, whichever reader found them.
    """
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
