"""Block rules for markdown-it that the Markdown of documentation sites needs
beyond CommonMark, GFM tables, footnotes and definition lists (mdit-py-plugins).

* **Indented containers** of Python-Markdown and PyMdown Extensions:
  admonitions (``!!! type "Title"``), collapsible details (``??? type "Title"``,
  ``???+``) and content tabs (``=== "Label"``, ``===+``).  The marker line
  is kept as written; a quoted title or label is prose (an ``inline`` token
  on the marker line) and the body, indented four spaces, is parsed as
  Markdown.  mdit-py-plugins' admonition rule knows no tabs and takes an
  unquoted word for a title, which Python-Markdown reads as a class.
* **Template blocks**: a line that starts with a Hugo shortcode
  (``{{< x >}}``, ``{{% x %}}``) or a Liquid/Jinja/Tera tag (``{% x %}``) is
  markup, kept byte for byte, however many lines the tag spans.  A shortcode
  that holds code (``highlight``, ``code``, ``code-toggle``…) or a Liquid
  ``highlight``/``raw`` block is kept whole, up to its closing tag; the body
  of any other paired shortcode (``{{% note %}}…{{% /note %}}``) is parsed as
  Markdown, so that its prose is translated.

Each rule pushes tokens with source line maps, like markdown-it's own.
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock

_CONTAINER = re.compile(r"(!!!|\?\?\?\+?|===\+?)(?=[ \t]|$)(.*)$")
_QUOTED = re.compile(r'"((?:[^"\\]|\\.)*)"')

# Shortcodes and Liquid blocks whose body is code, never prose.
CODE_SHORTCODES = frozenset(
    {"highlight", "code", "code-toggle", "codeblock", "code-block", "tab-code", "readfile"}
)
_CODE_LIQUID = frozenset({"highlight", "raw", "comment", "capture"})
# Docsy's tab (and shortcodes like it) shows its body as code when given a language.
_CODE_PARAM = re.compile(r"\s(?:lang|language)\s*=")
_SHORTCODE_NAME = re.compile(r"\{\{[<%]-?\s*(/?)\s*([\w./-]+)")
_LIQUID_NAME = re.compile(r"\{%-?\s*(/?)\s*(\w+)")


def _line(state: StateBlock, line: int) -> str:
    return state.src[state.bMarks[line] + state.tShift[line] : state.eMarks[line]]


def container(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    """``!!!``, ``???`` and ``===`` blocks with a body indented by four spaces."""
    if state.sCount[start] - state.blkIndent >= 4:
        return False
    match = _CONTAINER.match(_line(state, start))
    if match is None:
        return False
    marker, params = match.group(1), match.group(2)
    if marker.startswith("=") and not _QUOTED.search(params):
        return False  # a tab needs its label: "===" alone may be a setext underline
    if not marker.startswith("=") and not params.strip():
        return False  # an admonition needs its type
    if silent:
        return True
    indent = state.blkIndent + 4
    line = start + 1
    last = start + 1
    while line < end:
        if state.isEmpty(line):
            line += 1
            continue
        if state.sCount[line] < indent:
            break
        line += 1
        last = line
    old_parent, old_max, old_indent = state.parentType, state.lineMax, state.blkIndent
    token = state.push("container_open", "div", 1)
    token.markup, token.info, token.map, token.block = marker, params, [start, last], True
    quoted = _QUOTED.search(params)
    if quoted and quoted.group(1).strip():
        token = state.push("container_title_open", "p", 1)
        token.map = [start, start + 1]
        token = state.push("inline", "", 0)
        token.content, token.map, token.children = quoted.group(1), [start, start + 1], []
        state.push("container_title_close", "p", -1)
    state.parentType = "container"
    state.lineMax, state.blkIndent = last, indent
    state.md.block.tokenize(state, start + 1, last)
    state.parentType, state.lineMax, state.blkIndent = old_parent, old_max, old_indent
    token = state.push("container_close", "div", -1)
    token.markup, token.block = marker, True
    state.line = last
    return True


def _tag_end(state: StateBlock, start: int, end: int, closer: str) -> int | None:
    """The line after the one where the tag opened on *start* closes."""
    for line in range(start, min(end, start + 50)):
        if closer in state.src[state.bMarks[line] : state.eMarks[line]]:
            return line + 1
    return None


def _closing_line(state: StateBlock, start: int, end: int, name: str, liquid: bool) -> int | None:
    """The line after the one holding the closing tag of *name*."""
    pattern = (
        re.compile(r"\{%-?\s*end" + re.escape(name) + r"\b")
        if liquid
        else re.compile(r"\{\{[<%]-?\s*/\s*" + re.escape(name) + r"\s*-?[>%]\}\}")
    )
    for line in range(start, end):
        if pattern.search(state.src[state.bMarks[line] : state.eMarks[line]]):
            return line + 1
    return None


def template_block(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    """A line that starts with a shortcode or template tag: markup, kept as written."""
    if state.sCount[start] - state.blkIndent >= 4:
        return False
    last = _template_end(state, start, end, _line(state, start))
    if last is None:
        return False
    if silent:
        return True
    token = state.push("template_block", "", 0)
    token.map, token.block = [start, last], True
    token.content = state.getLines(start, last, state.blkIndent, True)
    state.line = last
    return True


def _template_end(state: StateBlock, start: int, end: int, text: str) -> int | None:
    """The line after the template block that *text* (line *start*) opens, or
    None when the line is no template block (a tag followed by prose)."""
    if not text.startswith(("{{<", "{{%", "{%")):
        return None
    liquid = text.startswith("{%")
    closer = "%}" if liquid else (">}}" if text.startswith("{{<") else "%}}")
    last = _tag_end(state, start, end, closer)
    if last is None:
        return None
    name_match = (_LIQUID_NAME if liquid else _SHORTCODE_NAME).match(text)
    closing, name = (name_match.group(1), name_match.group(2)) if name_match else ("", "")
    code = name in (_CODE_LIQUID if liquid else CODE_SHORTCODES) or (
        not liquid and _CODE_PARAM.search(state.getLines(start, last, 0, False)) is not None
    )
    if code and not closing:
        found = _closing_line(state, start, end, name, liquid)
        return found if found is not None and found >= last else last
    if last == start + 1 and not _only_tags(text[text.find(closer) + len(closer) :]):
        return None  # a tag followed by text on its line: a paragraph
    return last


_TAGS = re.compile(r"\s*(?:\{\{[<%].*?[>%]\}\}|\{%.*?%\}|\{\{.*?\}\})\s*")


def _only_tags(text: str) -> bool:
    return not _TAGS.sub("", text).strip()


def plugin(md: MarkdownIt) -> None:
    """Add both rules, before paragraphs and able to interrupt them."""
    alt = ["paragraph", "reference", "blockquote", "list"]
    md.block.ruler.before("fence", "template_block", template_block, {"alt": alt})
    md.block.ruler.before("fence", "container", container, {"alt": alt})
