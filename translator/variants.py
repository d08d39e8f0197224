"""One localized variant of an article: its metadata, then Markdown, HTML or JSON.

The metadata the tool owns (``title``, ``date``, ``date_display``, ``lang``,
``dir``, ``source_lang``, ``source``, ``source_sha256``, ``translation_key``,
``engine``) is written by the tool; every other source front-matter key is
carried over as the source wrote it, line for line, never re-dumped (so
``draft: no`` and ``version: 012`` stay exactly so).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from bs4 import BeautifulSoup
from jinja2 import Environment, PackageLoader, select_autoescape
from markdown_it import MarkdownIt

from . import labels as L
from .dates import ArticleDate
from .locales import Target, language_name
from .translation import TranslatedBlock, Translation
from .writers import render_markdown, yaml_scalar, yaml_string

OWNED = (
    "title",
    "date",
    "date_display",
    "lang",
    "dir",
    "source_lang",
    "source",
    "source_sha256",
    "translation_key",
    "engine",
    "options",
    "qa",
)
FORMATS = {"md": "md", "html": "html", "json": "json"}
_TOP_KEY = re.compile(r"^([^\s#:-][^:]*?|\"[^\"]*\"|'[^']*')\s*:(?:\s|$)")
_MD = MarkdownIt("commonmark", {"html": False})


@dataclass
class VariantMeta:
    """The fields a variant carries, in the order they are written."""

    title: str | None
    date: ArticleDate | None
    date_display: str | None
    lang: str
    dir: str
    source_lang: str
    source: str
    source_sha256: str
    translation_key: str
    engine: str
    options: str | None = None
    qa: dict[str, int] | None = None

    def items(self) -> list[tuple[str, Any]]:
        out: list[tuple[str, Any]] = []
        if self.title is not None:
            out.append(("title", self.title))
        if self.date is not None:
            out += [("date", self.date.iso), ("date_display", self.date_display)]
        out += [
            ("lang", self.lang),
            ("dir", self.dir),
            ("source_lang", self.source_lang),
            ("source", self.source),
            ("source_sha256", self.source_sha256),
            ("translation_key", self.translation_key),
            ("engine", self.engine),
        ]
        if self.options:
            out.append(("options", self.options))
        if self.qa is not None:
            out.append(("qa", self.qa))
        return out


def split_top_level(lines: list[str]) -> list[tuple[str | None, list[str]]]:
    """Front-matter lines cut into top-level entries, each with its own lines.

    >>> split_top_level(["# note", "title: A", "tags:", "- x", "  - y", "draft: no"])
    [(None, ['# note']), ('title', ['title: A']), ('tags', ['tags:', '- x', '  - y']), ('draft', ['draft: no'])]
    """
    entries: list[tuple[str | None, list[str]]] = []
    for line in lines:
        match = _TOP_KEY.match(line)
        if match:
            entries.append((match.group(1).strip("\"'"), [line]))
        elif entries:
            entries[-1][1].append(line)
        else:
            entries.append((None, [line]))
    return entries


def carried_lines(raw: str) -> list[str]:
    """The source's front-matter lines for keys the tool does not own."""
    lines = raw.split("\n")
    if lines and lines[0] == "":
        lines = lines[1:]
    if lines and lines[-1] == "":
        lines = lines[:-1]
    out: list[str] = []
    for key, chunk in split_top_level(lines):
        if key not in OWNED:
            out.extend(chunk)
    return out


def _yaml_value(key: str, value: Any) -> str:
    if key == "date":
        return str(value)
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {v}" for k, v in value.items()) + "}"
    if key in ("title", "date_display"):
        return yaml_string(str(value))
    return yaml_scalar(str(value))


def front_matter_lines(meta: VariantMeta, raw_source: str) -> list[str]:
    return [f"{k}: {_yaml_value(k, v)}" for k, v in meta.items()] + carried_lines(raw_source)


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value


@dataclass
class Published:
    """The localized line under the title: date published, original language."""

    before: str = ""
    date_display: str = ""
    after: str = ""
    original_language: str = ""
    separator: str = ""
    has_date: bool = False

    @property
    def text(self) -> str:
        date = (
            f"{self.before}{self.date_display}{self.after}{self.separator}" if self.has_date else ""
        )
        return date + self.original_language


def published_line(target: Target, source_lang: str, date: ArticleDate | None) -> Published:
    labels = L.Labels.for_locale(target.locale)
    pub = Published(
        original_language=labels.gettext(L.ORIGINAL_LANGUAGE).format(
            language=language_name(source_lang, target.locale)
        )
    )
    if date is not None:
        template = labels.gettext(L.PUBLISHED_ON)
        before, _, after = template.partition("{date}")
        pub.before, pub.after = before, after
        pub.date_display = date.display(target.locale)
        pub.separator = L.SEPARATOR
        pub.has_date = True
    return pub


def plain_text(tb: TranslatedBlock, fmt: str) -> str:
    """A translated block as plain text (inline markup dropped)."""
    if tb.block.kind == "code":
        return tb.text
    return inline_plain(tb.text, fmt)


def inline_plain(text: str, fmt: str) -> str:
    """Inline Markdown or HTML as plain text.

    >>> inline_plain("See **the** [report](https://x.org) `now`", "markdown")
    'See the report now'
    """
    if fmt == "html":
        return BeautifulSoup(text, "html.parser").get_text()
    if fmt == "markdown":
        tokens = _MD.parseInline(text)
        parts: list[str] = []
        for token in tokens:
            for child in token.children or []:
                if child.type in ("text", "code_inline"):
                    parts.append(child.content)
                elif child.type in ("softbreak", "hardbreak"):
                    parts.append(" ")
        return "".join(parts)
    return text


def title_text(tr: Translation) -> str | None:
    """The variant's title as plain text: the front-matter title, else the title block."""
    if tr.front_matter_title is not None:
        return tr.front_matter_title
    for tb in tr.blocks:
        if tb.block.kind == "title":
            return plain_text(tb, tr.article.format)
    return None


@dataclass
class _Group:
    kind: str
    texts: list[str] = field(default_factory=list)


def _groups(tr: Translation) -> list[_Group]:
    groups: list[_Group] = []
    for tb in tr.blocks:
        if tb.block.kind == "title":
            continue
        text = plain_text(tb, tr.article.format)
        kind = tb.block.kind
        if groups and kind in ("list", "quote") and groups[-1].kind == kind:
            groups[-1].texts.append(text)
        else:
            groups.append(_Group(kind, [text]))
    return groups


_MD_SPECIAL = re.compile(r"([\\`*\[\]<>]|(?<!\w)_|_(?!\w))")


def md_escape(text: str) -> str:
    """Plain text made safe to place in Markdown: no markup, no raw HTML.

    >>> print(md_escape("<script>x</script> and [a](javascript:b)"))
    \\<script\\>x\\</script\\> and \\[a\\](javascript:b)
    """
    return _MD_SPECIAL.sub(r"\\\1", text)


def render_md(tr: Translation, meta: VariantMeta, pub: Published) -> str:
    fm = front_matter_lines(meta, tr.article.front_matter_raw)
    if tr.article.format == "markdown" and tr.article.header_lines:
        return render_markdown(tr, front_matter=fm, lead=md_escape(pub.text))
    out = ["---", *fm, "---", "", md_escape(pub.text), ""]
    if meta.title:
        out += ["# " + md_escape(meta.title), ""]
    for group in _groups(tr):
        texts = [t if group.kind == "code" else md_escape(t) for t in group.texts]
        if group.kind == "list":
            out += ["- " + t for t in texts]
        elif group.kind == "quote":
            out += ["> " + t for t in texts]
        elif group.kind == "code":
            fence = "````" if "```" in texts[0] else "```"
            out += [fence, texts[0].rstrip("\n"), fence]
        else:
            out.append(texts[0])
        out.append("")
    return "\n".join(out)


@lru_cache(maxsize=1)
def _env() -> Environment:
    return Environment(
        loader=PackageLoader("translator", "templates"),
        autoescape=select_autoescape(["html"]),
        keep_trailing_newline=True,
    )


def render_html(tr: Translation, meta: VariantMeta, pub: Published) -> str:
    view = {
        "lang": meta.lang,
        "dir": meta.dir,
        "title": meta.title,
        "meta": [
            (f"translator:{k}", v if isinstance(v, str) else json.dumps(v)) for k, v in meta.items()
        ],
        "date": meta.date.iso if meta.date else None,
        "date_display": pub.date_display,
        "published_before": pub.before,
        "published_after": pub.after,
        "separator": pub.separator,
        "original_language": pub.original_language,
        "groups": _groups(tr),
    }
    return _env().get_template("variant.html").render(v=view)


def render_json(tr: Translation, meta: VariantMeta, pub: Published) -> str:
    data: dict[str, Any] = dict(meta.items())
    carried = {k: v for k, v in tr.article.front_matter.items() if k not in OWNED}
    data["front_matter"] = _jsonable(carried)
    data["published"] = pub.text
    data["blocks"] = [
        {"kind": tb.block.kind, "text": plain_text(tb, tr.article.format)} for tb in tr.blocks
    ]
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def render_variant(fmt: str, tr: Translation, meta: VariantMeta, pub: Published) -> str:
    if fmt == "html":
        return render_html(tr, meta, pub)
    if fmt == "json":
        return render_json(tr, meta, pub)
    return render_md(tr, meta, pub)


@dataclass
class ReadVariant:
    """A variant file read back: its metadata and its blocks after the first line."""

    path: str
    fmt: str
    meta: dict[str, Any]
    blocks: list[tuple[str, str, int]]  # (kind, text, line)


def read_variant(path: str, source: str | None = None) -> ReadVariant:
    """Read a variant written by ``localize`` (Markdown, HTML or JSON)."""
    from .errors import InputError
    from .readers import markdown as md_reader
    from .textio import read_text

    text = read_text(path)
    ext = path.rsplit(".", 1)[-1].lower()
    if ext == "json":
        try:
            data = json.loads(text)
        except ValueError as exc:
            raise InputError(path, f"not valid JSON ({exc})") from None
        if not isinstance(data, dict) or not isinstance(data.get("blocks"), list):
            raise InputError(path, "not a variant: no blocks list")
        blocks = [
            (str(b.get("kind", "paragraph")), str(b.get("text", "")), 0)
            for b in data["blocks"]
            if isinstance(b, dict)
        ]
        meta = {k: v for k, v in data.items() if k not in ("blocks", "front_matter", "published")}
        return ReadVariant(path, "json", meta, blocks)
    if ext in ("html", "htm"):
        soup = BeautifulSoup(text, "html.parser")
        meta = {}
        for tag in soup.find_all("meta"):
            name = str(tag.get("name") or "")
            if name.startswith("translator:"):
                meta[name.split(":", 1)[1]] = str(tag.get("content") or "")
        article = soup.find("article") or soup
        out: list[tuple[str, str, int]] = []
        for el in article.find_all(["h1", "p", "li", "pre"]):
            if "published" in (el.get("class") or []):
                continue
            kind = {"h1": "title", "li": "list", "pre": "code"}.get(el.name, "paragraph")
            if el.name == "p" and el.find_parent("blockquote"):
                kind = "quote"
            out.append((kind, el.get_text(), el.sourceline or 0))
        return ReadVariant(path, "html", meta, out)
    article_md = md_reader.parse(path, text)
    blocks = [(b.kind, b.text, b.line) for b in article_md.blocks]
    if blocks and blocks[0][0] == "paragraph":
        blocks = blocks[1:]  # the published / original-language line
    return ReadVariant(path, "md", article_md.front_matter, blocks)
