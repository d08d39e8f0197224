"""Variant files have one owner: what it writes, it reads back exactly."""

from __future__ import annotations

import datetime as dt

import pytest

from translator import variants
from translator.dates import ArticleDate
from translator.engines.pseudo import PseudoEngine
from translator.locales import parse_locale
from translator.pipeline import load_article
from translator.translation import translate_article

from .conftest import SAMPLES

# &, <, >, both quotes, RTL text with marks, emoji, a YAML-looking colon and hash
NASTY = "Tom & Jerry <3 \"quoted\" 'single' — مرحبا \u200fبالعالم 🎉🇫🇷 key: value #x"


def _meta() -> variants.VariantMeta:
    return variants.VariantMeta(
        title=NASTY,
        date=ArticleDate(dt.date(2025, 9, 4), "option"),
        date_display="4 " + NASTY,
        lang="ar",
        dir="rtl",
        source_lang="en",
        source="samples/" + NASTY + ".md",
        source_sha256="a" * 64,
        translation_key="posts/" + NASTY,
        engine='pseudo & <co> "x" 🎉',
        options="beam=4 & <b> 'q' مرحبا",
        qa={"errors": 1, "warnings": 2},
    )


def _expected(meta: variants.VariantMeta) -> dict:
    return {k: (v if isinstance(v, dict) else str(v)) for k, v in meta.items()}


def _normalised(read: dict) -> dict:
    return {k: (v if isinstance(v, dict) else str(v)) for k, v in read.items()}


@pytest.mark.parametrize("fmt", ["md", "html", "json"])
def test_metadata_round_trip_in_every_format(tmp_path, fmt):
    article = load_article(str(SAMPLES / "scraped-ticker.txt"))
    tr = translate_article(article, PseudoEngine(), "ar")
    meta = _meta()
    pub = variants.published_line(parse_locale("ar"), "en", meta.date)
    path = tmp_path / f"post.ar.{fmt}"
    assert variants.write_variant(path, fmt, tr, meta, pub)
    assert not variants.write_variant(path, fmt, tr, meta, pub)  # unchanged: not rewritten

    head = variants.read_metadata(path)
    whole = variants.read_variant(str(path))
    want = _expected(meta)
    del want["content_sha256"]  # set when written
    assert {k: v for k, v in _normalised(head).items() if k in want} == want
    assert {k: v for k, v in _normalised(whole.meta).items() if k in want} == want
    assert whole.blocks, "the body is read back too"
    assert len(str(head["content_sha256"])) == 64 and head["content_sha256"] != "0" * 64
    assert variants.variant_edited(path) is False
    text = path.read_text(encoding="utf-8")
    edited = text.replace("Ŧ", "T", 1)
    assert edited != text
    path.write_text(edited, encoding="utf-8")
    assert variants.variant_edited(path) is True


def test_html_metadata_is_unescaped_once(tmp_path):
    path = tmp_path / "a.fr.html"
    path.write_text(
        '<html><head><meta name="translator:title" content="Tom &amp; Jerry &lt;3 &#34;q&#34;">'
        '</head><body><meta name="translator:title" content="not this one"></body></html>',
        encoding="utf-8",
    )
    assert variants.read_metadata(path) == {"title": 'Tom & Jerry <3 "q"'}


@pytest.mark.parametrize(
    "name, expected",
    [
        ("post.fr.md", True),
        ("post.pt-BR.html", True),
        ("post.zh-Hant.json", True),
        ("post.md", False),
        ("my.post.md", False),
        ("index.md", False),
    ],
)
def test_is_variant(name, expected):
    assert variants.is_variant(name) is expected


def test_paths_in_both_layouts():
    src = "in/news/post.md"
    assert variants.variant_path(src, "in", "out", "fr", "filename", "md").as_posix() == (
        "out/news/post.fr.md"
    )
    assert variants.variant_path(src, "in", "out", "fr", "dir", "html").as_posix() == (
        "out/fr/news/post.html"
    )
    assert [p.suffix for p in variants.candidates(src, "in", None, "de", "filename")] == [
        ".md",
        ".html",
        ".json",
    ]


def test_broken_metadata_raises_value_error(tmp_path):
    bad = tmp_path / "x.fr.md"
    bad.write_text("no front matter\n", encoding="utf-8")
    with pytest.raises(ValueError, match="no front matter"):
        variants.read_metadata(bad)
    open_ended = tmp_path / "y.fr.md"
    open_ended.write_text("---\ntitle: x\n", encoding="utf-8")
    with pytest.raises(ValueError, match="never closes"):
        variants.read_metadata(open_ended)
