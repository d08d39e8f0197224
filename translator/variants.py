"""Variant files: the one module that names, writes and reads them.

A variant is one localized copy of an article: its metadata, then its body as
Markdown, HTML or JSON.  This module owns everything about those files:

* where a variant goes (:func:`variant_path`, the ``filename`` and ``dir``
  layouts) and telling a variant from a source (:func:`is_variant`);
* rendering one (:func:`render_variant`) and writing it (:func:`write_variant`);
* reading one back: its metadata alone, cheaply (:func:`read_metadata`), or
  its metadata and blocks (:func:`read_variant`).  Both use the same metadata
  readers, so they agree on every value.

The metadata the tool owns (``title``, ``date``, ``date_display``, ``lang``,
``dir``, ``source_lang``, ``source``, ``source_sha256``, ``translation_key``,
``engine``) is written by the tool; every other source front-matter key is
carried over as the source wrote it, line for line, never re-dumped (so
``draft: no`` and ``version: 012`` stay exactly so).
"""

from __future__ import annotations

import hashlib
import html
import json
import os
import re
from dataclasses import dataclass, field
from functools import lru_cache
from html.parser import HTMLParser
from pathlib import Path, PurePath
from typing import Any

import yaml
from babel import Locale
from jinja2 import Environment, PackageLoader, select_autoescape
from markdown_it import MarkdownIt
from markupsafe import Markup

from . import labels as L
from .article import Article
from .dates import ArticleDate
from .errors import InputError, UsageError
from .frontmatter import (
    carried_lines,
    jsonable,
    read_markdown_metadata,
    toml_carried_lines,
    toml_value,
    with_values,
    yaml_scalar,
    yaml_string,
)
from .fsutil import UNCHECKED, Unchecked, write_atomic
from .locales import Target, language_name, parse_locale
from .readers.maintext import FIGURE_IMAGE, INLINE_TAGS, ROW_START
from .textio import read_text
from .translation import TranslatedBlock, Translation
from .urls import is_safe_link
from .writers import render_markdown

OWNED = (
    "title",
    "date",
    "date_display",
    "lang",
    "dir",
    "source_lang",
    "source",
    "source_sha256",
    "translationKey",
    "translation_key",  # the spelling written before; read, never written
    "engine",
    "options",
    "glossary_files",
    "qa",
    "review",
    "content_sha256",
    "author",
    "unknown_words",
)
# In a variant's options: written with --no-dateline.
DATELINE_OFF = "dateline=off"
# Written in place of the content hash while the hash is taken (see write_variant).
_UNHASHED = "0" * 64
FORMATS = {"md": "md", "html": "html", "json": "json"}
EXTENSIONS = tuple(FORMATS)  # the extensions a variant can have
LAYOUTS = ("filename", "dir")
COPY = "identity"  # the engine named in a variant copied from a source in its own language
# The first content hash in the file (front matter, head and JSON keys come before the body).
_CONTENT_HASH = re.compile(r"content_sha256[\"']?\s*(?::|=|content=)\s*[\"']?([0-9a-f]{64})")
HEAD_LIMIT = 256 * 1024  # an HTML variant's head is read up to this many characters


def is_variant(path: str) -> bool:
    """``post.fr.md`` or ``post.pt-BR.html`` is a variant, not a source.

    >>> is_variant("post.fr.md"), is_variant("post.pt-BR.html"), is_variant("post.md")
    (True, True, False)
    """
    suffix = PurePath(PurePath(path).stem).suffix
    if len(suffix) < 3:
        return False
    try:
        parse_locale(suffix[1:])
    except UsageError:
        return False
    return True


def variant_format(path: str) -> str:
    """``md``, ``html`` or ``json``, by the variant's extension (``.htm`` is HTML)."""
    ext = path.rsplit(".", 1)[-1].lower()
    return "html" if ext == "htm" else ext if ext in FORMATS else "md"


def variant_path(
    source: str, root: str, out: str | None, tag: str, layout: str, ext: str, *, lower: bool = True
) -> Path:
    """Where the *tag* variant of *source* goes (Hugo's two conventions).

    *root* is the directory the source was found under; with *out*, its
    sub-directories are kept below *out*.  The language tag is lowercased in
    file and folder names (``post.pt-br.md``, ``pt-br/``): Hugo and MkDocs
    match language keys in lowercase; the file itself says ``lang: pt-BR``.

    >>> variant_path("post.md", ".", None, "pt-BR", "filename", "md")
    PosixPath('post.pt-br.md')
    """
    if lower:
        tag = tag.lower()
    src = Path(source)
    if out is None:
        base, rel = src.parent, Path()
    else:
        base = Path(out)
        rel = (
            src.parent.relative_to(root)
            if Path(root) != src.parent and src.is_relative_to(root)
            else Path()
        )
    if layout == "dir":
        return base / tag / rel / f"{src.stem}.{ext}"
    return base / rel / f"{src.stem}.{tag}.{ext}"


def candidates(source: str, root: str, out: str | None, tag: str, layout: str) -> list[Path]:
    """Every path the *tag* variant of *source* can have: one per format, the tag
    lowercased as written now, then as given (``post.pt-BR.md``, written before)."""
    paths = [variant_path(source, root, out, tag, layout, ext) for ext in EXTENSIONS]
    if tag != tag.lower():
        paths += [
            variant_path(source, root, out, tag, layout, ext, lower=False) for ext in EXTENSIONS
        ]
    return paths


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
    review: dict[str, int] | None = None  # segments, and how many are people's
    key_field: str = "translation_key"  # "translationKey" when the source sets Hugo's
    author: str | None = None  # a page's or text's byline ("By …")
    unknown_words: str | None = None  # the engine's unknown words (Apertium), comma-separated
    # the glossary files it was localized with, relative to its folder, comma-separated
    # (their digest is in options: glossary=…)
    glossary_files: str | None = None

    def items(self) -> list[tuple[str, Any]]:
        out: list[tuple[str, Any]] = []
        if self.title is not None:
            out.append(("title", self.title))
        if self.date is not None:
            out += [("date", self.date.iso), ("date_display", self.date_display)]
        if self.author:
            out.append(("author", self.author))
        out += [
            ("lang", self.lang),
            ("dir", self.dir),
            ("source_lang", self.source_lang),
            ("source", self.source),
            ("source_sha256", self.source_sha256),
            (self.key_field, self.translation_key),
            ("engine", self.engine),
        ]
        if self.options:
            out.append(("options", self.options))
        if self.glossary_files:
            out.append(("glossary_files", self.glossary_files))
        if self.qa is not None:
            out.append(("qa", self.qa))
        if self.review is not None:
            out.append(("review", self.review))
        if self.unknown_words:
            out.append(("unknown_words", self.unknown_words))
        out.append(("content_sha256", _UNHASHED))
        return out


def _yaml_value(key: str, value: Any) -> str:
    if key == "date":
        return str(value)
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {v}" for k, v in value.items()) + "}"
    if key in ("title", "date_display", "author", "unknown_words", "glossary_files"):
        return yaml_string(str(value))
    return yaml_scalar(str(value))


def front_matter_lines(meta: VariantMeta, raw_source: str) -> list[str]:
    return [f"{k}: {_yaml_value(k, v)}" for k, v in meta.items()] + carried_lines(
        raw_source, _owned_here(meta)
    )


def _owned_here(meta: VariantMeta) -> set[str]:
    """The keys the tool writes in this variant: a key it owns but does not
    write this time (a date it could not read) is carried as the source has it."""
    written = {key for key, _ in meta.items()}
    optional = ("title", "date", "date_display", "author", "unknown_words", "glossary_files")
    return {key for key in OWNED if key in written or key not in optional}


def front_matter_block(
    meta: VariantMeta, article: Article, values: dict[str, str] | None = None
) -> list[str]:
    """The variant's front matter with its delimiters, in the source's own format.

    YAML (``---``) unless the source was TOML (``+++``) or JSON (``{...}``);
    every field a site generator reads is typed (the date as a date).  The
    source's other fields are carried over untouched, but for *values*: the
    translated text of the fields people read (description, summary…).
    """
    fmt = article.front_matter_format if article.format == "markdown" else "yaml"
    if fmt == "mmd":
        fmt = "yaml"  # a MultiMarkdown meta block becomes the variant's YAML front matter
    owned = _owned_here(meta)
    values = values or {}
    if fmt == "toml":
        lines = []
        for key, value in meta.items():
            if key == "date" and meta.date is not None:
                value = meta.date.value
            lines.append(f"{key} = {toml_value(value)}")
        block = ["+++", *lines, *toml_carried_lines(article.front_matter_raw, owned), "+++"]
    elif fmt == "json":
        data: dict[str, Any] = dict(meta.items())
        for key, value in article.front_matter.items():
            if key not in owned:
                data[key] = jsonable(values.get(key, value))
        return json.dumps(data, ensure_ascii=False, indent=2).split("\n")
    else:
        block = ["---", *front_matter_lines(meta, article.front_matter_raw), "---"]
    return with_values(fmt, block, values, article)


@dataclass
class Published:
    """The localized line under the title: date published, original language."""

    before: str = ""
    date_display: str = ""
    after: str = ""
    original_language: str = ""
    separator: str = ""
    has_date: bool = False
    shown: bool = True  # False: --no-dateline (a Markdown page gets no published line)

    @property
    def text(self) -> str:
        date = (
            f"{self.before}{self.date_display}{self.after}{self.separator}" if self.has_date else ""
        )
        return date + self.original_language


def published_line(
    target: Target, source_lang: str, date: ArticleDate | None, project: Path | None = None
) -> Published:
    """The published line of a variant in *target*: its labels from the
    catalogs (the project's at *project* first); without a catalog, all of it
    in English, never half and half."""
    labels = L.Labels.for_locale(target.locale, project)
    shown = Locale("en") if labels.fallback else target.locale
    pub = Published(
        original_language=labels.gettext(L.ORIGINAL_LANGUAGE).format(
            language=language_name(source_lang, shown)
        )
    )
    if date is not None:
        template = labels.gettext(L.PUBLISHED_ON)
        before, _, after = template.partition("{date}")
        pub.before, pub.after = before, after
        pub.date_display = date.display(shown)
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
        from bs4 import BeautifulSoup

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
    kind: str  # list, quote, code, paragraph, h2…h6, table
    texts: list[str] = field(default_factory=list)
    rows: list[list[tuple[str, str]]] = field(default_factory=list)  # a table's (th/td, text)


_INLINE_MD = MarkdownIt("commonmark", {"html": False})  # raw HTML in Markdown stays text


def safe_inline_html(fragment: str) -> str:
    """An HTML fragment with only inline tags a reader needs (links, emphasis,
    code, line breaks, a figure's image), links and images only to web, mail or
    relative addresses, and no other attribute.

    >>> safe_inline_html('<b onclick="x()">Go</b> <a href="javascript:y()">here</a><script>z</script>')
    '<b>Go</b> <a>here</a>z'
    """
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(fragment, "html.parser")
    for tag in soup.find_all(True):
        if tag.name == "img" and tag.has_attr(FIGURE_IMAGE):
            src, alt = tag.get("src"), tag.get("alt")
            tag.attrs = {"alt": alt if isinstance(alt, str) else ""}
            if isinstance(src, str) and is_safe_link(src):
                tag["src"] = src.strip()
            else:
                tag.decompose()
            continue
        if tag.name not in INLINE_TAGS:
            tag.unwrap()
            continue
        href = tag.get("href") if tag.name == "a" else None
        tag.attrs = {}
        if isinstance(href, str) and is_safe_link(href):
            tag["href"] = href.strip()
    return str(soup)


def rich_text(tb: TranslatedBlock, fmt: str) -> Markup:
    """A translated block as safe inline HTML: links and emphasis kept.

    >>> from translator.article import Block
    >>> rich_text(TranslatedBlock(Block("paragraph", "", 1, 1), "Voir **le** [plan](https://x.org)."), "markdown")
    Markup('Voir <strong>le</strong> <a href="https://x.org">plan</a>.')
    """
    if tb.block.kind == "code" or fmt == "text":
        return Markup.escape(tb.text if tb.block.kind == "code" else plain_text(tb, fmt))
    if fmt == "markdown":
        rendered = _INLINE_MD.renderInline(tb.text).rstrip("\n")
        return Markup(safe_inline_html(rendered))  # cleaned just above
    return Markup(safe_inline_html(tb.text))  # cleaned just above


def _groups(tr: Translation, *, style: str = "plain") -> list[_Group]:
    """The translated blocks, neighbouring list items and quotes together, a
    page's headings (h2–h6) and table cells (in rows) as such; each text as
    safe inline HTML (*style* ``html``, the HTML variant), as Markdown with its
    links and emphasis (``md``), or as plain text (``plain``)."""
    groups: list[_Group] = []
    fmt = tr.article.format
    for tb in tr.blocks:
        if tb.block.kind == "title":
            continue
        text: str
        if style == "html":
            text = rich_text(tb, fmt)
        elif style == "md":
            text = markdown_text(tb, fmt)
        else:
            text = plain_text(tb, fmt)
        kind = tb.block.kind
        role = tb.block.prefix.removeprefix(ROW_START) if fmt == "html" else ""
        if role in ("th", "td"):
            if not groups or groups[-1].kind != "table":
                groups.append(_Group("table"))
            if not groups[-1].rows or tb.block.prefix.startswith(ROW_START):
                groups[-1].rows.append([])
            groups[-1].rows[-1].append((role, text))
        elif role in ("h2", "h3", "h4", "h5", "h6"):
            groups.append(_Group(role, [text]))
        elif groups and kind in ("list", "quote") and groups[-1].kind == kind:
            groups[-1].texts.append(text)
        else:
            groups.append(_Group(kind, [text]))
    return groups


def markdown_text(tb: TranslatedBlock, fmt: str) -> str:
    """A translated block of a page or text as Markdown: a page's links,
    emphasis, code and images kept as Markdown, everything else escaped."""
    if tb.block.kind == "code":
        return tb.text
    if fmt != "html":
        return md_escape(plain_text(tb, fmt))
    return html_to_markdown(tb.text)


def html_to_markdown(fragment: str) -> str:
    """Inline HTML as inline Markdown: links (safe addresses only), emphasis,
    code and a figure's image; any other tag is dropped for its text, which is
    escaped.

    >>> html_to_markdown('See <a href="https://x.org/a b">the <em>new</em> plan</a> <img data-figure src="p.png" alt="A [map]"> <b onclick="x">now</b>')
    'See [the *new* plan](<https://x.org/a b>) ![A \\\\[map\\\\]](p.png) **now**'
    """
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(fragment, "html.parser")
    return " ".join(_md_inline(soup).split())


def _md_inline(node: Any) -> str:
    from bs4 import Comment, NavigableString

    if isinstance(node, NavigableString):
        return "" if isinstance(node, Comment) else md_escape(str(node))
    inner = "".join(_md_inline(child) for child in node.children)
    name = node.name
    if name in ("a", "img"):
        return _md_link(node, inner)
    if name in ("em", "i", "strong", "b") and inner.strip():
        mark = "**" if name in ("strong", "b") else "*"
        lead, core, tail = _around(inner)
        return f"{lead}{mark}{core}{mark}{tail}"
    if name == "code" and node.get_text().strip():
        code = node.get_text()
        return f"`{code}`" if "`" not in code else f"`` {code} ``"
    if name == "br":
        return " "
    return inner


def _md_link(node: Any, inner: str) -> str:
    """A link (safe address, some text) or a figure's image as Markdown, else its text."""
    if node.name == "a":
        href = node.get("href")
        if isinstance(href, str) and is_safe_link(href) and inner.strip():
            return f"[{inner.strip()}]({_destination(href.strip())})"
        return inner
    src, alt = node.get("src"), str(node.get("alt") or "")
    if node.has_attr(FIGURE_IMAGE) and isinstance(src, str) and is_safe_link(src):
        return f"![{md_escape(alt)}]({_destination(src.strip())})"
    return ""


def _around(text: str) -> tuple[str, str, str]:
    """*text* as (leading white space, the rest, trailing white space)."""
    core = text.strip()
    start = text.index(core[0])
    return text[:start], core, text[start + len(core) :]


def _destination(url: str) -> str:
    """A link destination as Markdown writes it (in <> when it holds spaces or brackets)."""
    return f"<{url}>" if re.search(r"[\s()<>]", url) else url


_MD_SPECIAL = re.compile(r"([\\`*\[\]<>]|(?<!\w)_|_(?!\w))")


def md_escape(text: str) -> str:
    """Plain text made safe to place in Markdown: no markup, no raw HTML.

    >>> print(md_escape("<script>x</script> and [a](javascript:b)"))
    \\<script\\>x\\</script\\> and \\[a\\](javascript:b)
    """
    return _MD_SPECIAL.sub(r"\\\1", text)


def keeps_inline_markup(fmt: str, article: Article) -> bool:
    """Whether a *fmt* variant of *article* holds its blocks as inline Markdown (a
    Markdown source, rewritten in place); otherwise blocks are plain text
    (escaped in a Markdown variant)."""
    return fmt == "md" and article.format == "markdown"


def has_lead(source: str, meta: dict[str, Any]) -> bool:
    """Whether a Markdown variant opens its body with the published line: always
    for a page or text source, for a Markdown source only with a date (a site's
    own pages are not news) and without ``--no-dateline``."""
    markdown = source.lower().endswith((".md", ".markdown"))
    off = DATELINE_OFF in str(meta.get("options") or "").split()
    return not markdown or (bool(meta.get("date_display")) and not off)


def render_md(tr: Translation, meta: VariantMeta, pub: Published) -> str:
    fm = front_matter_block(meta, tr.article, tr.front_matter_fields)
    if keeps_inline_markup("md", tr.article):
        lead = md_escape(pub.text) if pub.has_date and pub.shown else None
        return render_markdown(tr, front_matter=fm, lead=lead)
    out = [*fm, "", md_escape(pub.text), ""]
    if meta.title:
        out += ["# " + md_escape(meta.title), ""]
    for group in _groups(tr, style="md"):
        texts = group.texts
        if group.kind == "table":
            out += _md_table(group.rows)
        elif group.kind.startswith("h"):
            out.append("#" * int(group.kind[1]) + " " + texts[0])
        elif group.kind == "list":
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


def _md_table(rows: list[list[tuple[str, str]]]) -> list[str]:
    """A page's table as a GFM table: its first row the header, cells padded."""
    width = max(len(row) for row in rows)
    lines = []
    for index, row in enumerate(rows):
        cells = [text.replace("|", "\\|") for _tag, text in row]
        cells += [""] * (width - len(cells))
        lines.append("| " + " | ".join(cells) + " |")
        if index == 0:
            lines.append("|" + "---|" * width)
    return lines


@lru_cache(maxsize=1)
def templates() -> Environment:
    """The package's Jinja2 templates (variant and preview pages), HTML autoescaped."""
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
        "groups": _groups(tr, style="html"),
    }
    return templates().get_template("variant.html").render(v=view)


def render_json(tr: Translation, meta: VariantMeta, pub: Published) -> str:
    data: dict[str, Any] = dict(meta.items())
    carried = {k: v for k, v in tr.article.front_matter.items() if k not in OWNED}
    data["front_matter"] = jsonable(carried)
    data["published"] = pub.text
    data["blocks"] = [_json_block(tb, tr.article.format) for tb in tr.blocks]
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def _json_block(tb: TranslatedBlock, fmt: str) -> dict[str, str]:
    """One block of a JSON variant: its kind and plain text; with a page's or a
    Markdown source's markup, ``html`` (safe inline HTML: links, emphasis,
    code, images) and, for a page, its element (``h2``, ``td``…)."""
    block: dict[str, str] = {"kind": tb.block.kind, "text": plain_text(tb, fmt)}
    if tb.block.kind != "code" and fmt in ("html", "markdown"):
        rich = str(rich_text(tb, fmt))
        if rich != html.escape(block["text"], quote=False):
            block["html"] = rich
        if fmt == "html" and tb.block.prefix:
            block["element"] = tb.block.prefix.removeprefix(ROW_START)
    return block


def render_variant(fmt: str, tr: Translation, meta: VariantMeta, pub: Published) -> str:
    """The variant's text in *fmt* (``md``, ``html`` or ``json``), with ``\\n`` line ends."""
    if fmt == "html":
        return render_html(tr, meta, pub)
    if fmt == "json":
        return render_json(tr, meta, pub)
    return render_md(tr, meta, pub)


def write_variant(
    path: str | os.PathLike[str],
    fmt: str,
    tr: Translation,
    meta: VariantMeta,
    pub: Published,
    *,
    root: str | None = None,
    expect: str | None | Unchecked = UNCHECKED,
) -> bool:
    """Render and write one variant atomically; False when the file already held it.

    Markdown and HTML variants keep the source's line endings; JSON uses ``\\n``.
    With *root* (``--out``), nothing is written through a symbolic link below it.
    With *expect* (the SHA-256 the file had when the variant was planned, None
    for no file), a file changed since is left as it is
    (:class:`~translator.fsutil.ChangedOnDisk`).
    """
    text = render_variant(fmt, tr, meta, pub)
    if fmt != "json":
        text = tr.article.with_newlines(text)
    return write_atomic(path, with_content_hash(text), root=root, expect=expect)


def with_content_hash(text: str) -> str:
    """*text* with its ``content_sha256`` field set: the SHA-256 of the whole file
    as written, taken with that field's value all zeros.  A person who edits any
    part of the file (body, title, any field) changes it.

    >>> marked = with_content_hash("title: x\\ncontent_sha256: " + "0" * 64 + "\\nbody\\n")
    >>> edited_by_hand(marked), edited_by_hand(marked.replace("body", "Body"))
    (False, True)
    """
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return text.replace(_UNHASHED, digest, 1)


def edited_by_hand(text: str) -> bool | None:
    """Whether a variant's *text* differs from what the tool wrote; None when it
    carries no content hash (written by an older version, or not a variant)."""
    match = _CONTENT_HASH.search(text)
    if match is None:
        return None
    recorded = match.group(1)
    unhashed = text[: match.start(1)] + _UNHASHED + text[match.end(1) :]
    return hashlib.sha256(unhashed.encode("utf-8")).hexdigest() != recorded


def variant_edited(path: str | os.PathLike[str]) -> bool | None:
    """:func:`edited_by_hand` for the file at *path*; None when it cannot be read."""
    try:
        with open(path, encoding="utf-8", newline="") as fh:
            return edited_by_hand(fh.read())
    except (OSError, UnicodeDecodeError):
        return None


@dataclass
class ReadVariant:
    """A variant file read back: its metadata and its blocks after the first line."""

    path: str
    fmt: str
    meta: dict[str, Any]
    blocks: list[tuple[str, str, int]]  # (kind, text, line)
    body: str = ""  # Markdown: the text after the front matter and the published line
    text: str = ""  # Markdown: the whole file as read


class _HeadMeta(HTMLParser):
    """The ``translator:*`` meta tags of an HTML variant's head, unescaped once.

    Stops at ``</head>`` (or the first body tag): nothing after the head counts,
    and the caller stops feeding it.
    """

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.meta: dict[str, Any] = {}
        self.done = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.done:
            return
        if tag == "meta":
            values = dict(attrs)
            name = values.get("name") or ""
            if name.startswith("translator:"):
                self.meta[name.split(":", 1)[1]] = values.get("content") or ""
        elif tag in ("body", "article"):
            self.done = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "head":
            self.done = True


def _html_metadata(text: str) -> dict[str, Any]:
    parser = _HeadMeta()
    for start in range(0, len(text), 8192):
        parser.feed(text[start : start + 8192])
        if parser.done:
            break
    meta = parser.meta
    for key in ("qa", "review"):
        if key in meta:
            try:
                meta[key] = json.loads(meta[key])
            except ValueError:
                raise ValueError(f"the {key} meta tag is not JSON") from None
    return meta


def _json_metadata(data: Any) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise ValueError("the JSON variant is not an object")
    return {k: v for k, v in data.items() if k not in ("blocks", "front_matter", "published")}


def read_metadata(path: str | os.PathLike[str]) -> dict[str, Any]:
    """A variant's metadata without reading its body (a JSON variant is read whole).

    Raises ValueError (or OSError, UnicodeDecodeError, yaml.YAMLError) when the
    file is not a readable variant.
    """
    fmt = variant_format(str(path))
    with open(path, encoding="utf-8", newline="") as fh:
        if fmt == "json":
            return _json_metadata(json.load(fh))
        if fmt == "html":
            return _html_metadata(fh.read(HEAD_LIMIT))
        return read_markdown_metadata(fh)


# What to do about a variant a person edited, as localize and coverage both say it.
EDITED_FIX = (
    "run translator localize to take the edits into the translation memory; where they "
    "cannot be lined up it leaves the file as it is and says why: make its blocks match "
    "the source's again (one block per source block, in order), or run localize with "
    "--force to replace it (a copy is kept)"
)
REFUSED_FIX = (
    "left as it is: make its blocks match the source's again (one block per source block, "
    "in order) and run localize, or run it with --force to replace it (a copy is kept)"
)


def written_by_tool(path: str | os.PathLike[str]) -> bool:
    """Whether the file at *path* is a variant this tool wrote (edited since or
    not): it carries the content hash, or (written by an earlier version) the
    source's hash and the engine.  Anything else at a variant's path is a
    person's translation."""
    if variant_edited(path) is not None:
        return True
    try:
        meta = read_metadata(path)
    except (OSError, ValueError, UnicodeDecodeError, yaml.YAMLError):
        return False
    return "source_sha256" in meta and "engine" in meta


def read_person_file(path: str) -> ReadVariant:
    """A Markdown translation a person wrote at a variant's path: its front
    matter and every block (it has no first line of the tool's)."""
    from .readers import markdown as md_reader

    if variant_format(path) != "md":
        raise InputError(path, "only a Markdown translation can be taken in")
    article_md = md_reader.parse(path, read_text(path))
    blocks: list[tuple[str, str, int]] = [(b.kind, b.text, b.line) for b in article_md.blocks]
    return ReadVariant(path, "md", article_md.front_matter, blocks)


def read_variant(path: str) -> ReadVariant:
    """Read a variant written by ``localize`` (Markdown, HTML or JSON), body included."""
    from .readers import markdown as md_reader

    text = read_text(path)
    fmt = variant_format(path)
    if fmt == "json":
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
        return ReadVariant(path, "json", _json_metadata(data), blocks)
    if fmt == "html":
        try:
            meta = _html_metadata(text)
        except ValueError as exc:
            raise InputError(path, str(exc)) from None
        from bs4 import BeautifulSoup

        soup = BeautifulSoup(text, "html.parser")
        article = soup.find("article") or soup
        out: list[tuple[str, str, int]] = []
        for el in article.find_all(
            ["h1", "h2", "h3", "h4", "h5", "h6", "p", "li", "pre", "th", "td"]
        ):
            if "published" in (el.get("class") or []):
                continue
            kind = {"h1": "title", "li": "list", "pre": "code"}.get(el.name, "paragraph")
            if el.name == "p" and el.find_parent("blockquote"):
                kind = "quote"
            out.append((kind, el.get_text(), el.sourceline or 0))
        return ReadVariant(path, "html", meta, out)
    article_md = md_reader.parse(path, text)
    blocks = [(b.kind, b.text, b.line) for b in article_md.blocks]
    lines = text.split("\n")
    body = "\n".join(lines[article_md.header_lines :])
    if (
        blocks
        and blocks[0][0] == "paragraph"
        and has_lead(str(article_md.front_matter.get("source", "")), article_md.front_matter)
    ):
        blocks = blocks[1:]  # the published / original-language line
        body = body.lstrip("\n").partition("\n\n")[2]
    return ReadVariant(path, "md", article_md.front_matter, blocks, body, text)
