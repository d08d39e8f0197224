"""Real-page reading: main text among chrome, charsets, page dates, `translator extract`."""

from __future__ import annotations

import json

import pytest

from translator import readers
from translator.dates import article_date
from translator.detect import analyze
from translator.textio import declared_charset, decode

ARTICLE = (
    "The harbour authority approved a new ferry line on Tuesday, linking the old town with "
    "the island villages for the first time since the bridge closed in 2019. "
)
PARAGRAPHS = [
    ARTICLE,
    "Boats will run every forty minutes from six in the morning until midnight, and "
    "tickets will cost the same as a bus fare, the authority said in a statement.",
    "Residents of the islands had asked for a direct service for years. Shop owners in the "
    "old town expect more visitors in the summer months, when the beaches are full.",
    "The first crossing is planned for the spring, once the new pier has been inspected "
    "and the crews have finished their training on the larger boats.",
]


def heavy_page(*, head: str = "", paragraphs: list[str] = PARAGRAPHS) -> str:
    """A short article on a page heavy with chrome: menus, teasers, comments, footer."""
    menu = "".join(f'<li><a href="/s{i}">Section {i}</a></li>' for i in range(40))
    teasers = "".join(
        f'<li><a href="/t{i}">Other story number {i} that you should read now</a></li>'
        for i in range(30)
    )
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        f"<!DOCTYPE html><html lang='en'><head>{head}<title>Ferry line approved | Coast News"
        f"</title></head><body><header><nav><ul>{menu}</ul></nav></header>"
        "<div class='cookie-banner'><p>We use cookies to improve your experience on our site."
        " Accept all cookies or manage your settings.</p></div>"
        f"<main><article><h1>Ferry line approved</h1>{body}"
        "<p>Read more: Ferry fares to rise next year</p>"
        "<section class='comments'><h3>Comments</h3><p>Great news for all of us, finally a "
        "boat again, I will take it every day to work!</p></section></article>"
        f"<aside class='related'><h2>Most read</h2><ul>{teasers}</ul></aside></main>"
        "<footer><p>© 2025 Coast News. All rights reserved. Imprint. Privacy.</p></footer>"
        "</body></html>"
    )


@pytest.fixture
def page_file(tmp_path):
    def make(name: str, content: str | bytes) -> str:
        path = tmp_path / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
        return str(path)

    return make


def kept_text(article) -> str:
    return " ".join(b.text for b in article.content_blocks)


def test_a_short_article_on_a_heavy_page_gives_its_article_and_names_the_chrome(page_file):
    article = analyze(readers.read(page_file("p.html", heavy_page())))
    text = kept_text(article)
    assert article.language == "en" and article.title == "Ferry line approved"
    for paragraph in PARAGRAPHS:
        assert paragraph.strip() in text
    for chrome in ("Section 3", "cookies", "Other story number", "Great news", "All rights"):
        assert chrome not in text
    assert "Read more" not in text
    reasons = {c.reason for c in article.chrome}
    assert {"html-nav", "html-footer", "teaser"} <= reasons
    assert all(c.line >= 1 for c in article.chrome)


def test_kept_blocks_carry_the_page_links_and_lines(page_file):
    paragraphs = [*PARAGRAPHS[:3], 'The plan is <a href="https://example.org/plan">online</a>.']
    path = page_file("p.html", heavy_page(paragraphs=[*paragraphs, PARAGRAPHS[3]]))
    article = analyze(readers.read(path))
    linked = [b for b in article.content_blocks if "online" in b.text]
    assert (
        linked and linked[0].markup == 'The plan is <a href="https://example.org/plan">online</a>.'
    )
    assert linked[0].text == "The plan is online."


def test_a_page_with_no_article_text_is_refused_in_one_line(run_cli, page_file):
    path = page_file("empty.html", "<html><body><nav><a href='/'>Home</a></nav></body></html>")
    result = run_cli("extract", path)
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines() == [
        f"error: {path}: no article text: every line is page chrome"
    ]


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (
            '<meta property="article:published_time" content="2025-09-04T08:00:00+02:00">',
            "2025-09-04",
        ),
        (
            '<script type="application/ld+json">{"@type": "NewsArticle", '
            '"datePublished": "2024-03-03"}</script>',
            "2024-03-03",
        ),
        ("", None),
    ],
)
def test_the_page_date_comes_from_its_metadata(page_file, head, expected):
    article = analyze(readers.read(page_file("p.html", heavy_page(head=head))))
    found = article_date(article)
    assert (found.day.isoformat() if found else None) == expected


def test_declared_charset_is_followed_and_never_refused(run_cli, page_file):
    page = heavy_page(head='<meta charset="iso-8859-1">').replace("Residents", "Résidents")
    path = page_file("latin.html", page.encode("cp1252"))
    result = run_cli("extract", path, "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert "Résidents of the islands" in json.loads(result.stdout)[0]["text"]


def test_undeclared_charset_is_guessed():
    text = "Правительство объявило в четверг о новом законе о жилье для молодых семей. " * 4
    page = f"<html><body><p>{text}</p></body></html>".encode("cp1251")
    assert "Правительство" in decode(page, "x.html", html=True)


def test_declared_charset_names_follow_the_browsers():
    assert declared_charset(b'<meta charset="utf-16">') == "utf-8"
    assert declared_charset(b"<?xml version='1.0' encoding='ISO-8859-15'?><html>") == "iso8859-15"


def test_text_stays_strict_unless_encoding_auto(run_cli, page_file):
    path = page_file(
        "latin.txt", ("Un café très fort, dit le ministre jeudi matin. " * 5).encode("latin-1")
    )
    strict = run_cli("detect", path)
    assert strict.exit_code == 1 and "byte 6: invalid UTF-8" in strict.stderr
    auto = run_cli("detect", path, "--encoding", "auto")
    assert auto.exit_code == 0 and "  fr " in auto.stdout


def test_extract_formats(run_cli):
    md = run_cli("extract", "samples/council-budget.html")
    assert md.exit_code == 0
    assert md.stdout.startswith("# Council approves budget for a new public library\n\n")
    assert '\n> "A library is' in md.stdout and "Advertisement" not in md.stdout
    data = json.loads(run_cli("extract", "samples/council-budget.html", "--format", "json").stdout)
    (item,) = data
    assert set(item) == {"path", "language", "title", "date", "text", "blocks", "chrome"}
    assert item["date"] == "2025-06-12" and item["language"] == "en"
    assert item["text"].split("\n\n")[1].startswith("The city council voted 9 to 2")
    assert {c["reason"] for c in item["chrome"]} >= {"html-nav", "html-footer"}
    plain = run_cli("extract", "samples/scraped-ticker.txt", "--format", "text")
    assert "Ticker" not in plain.stdout and "6/recent/ticker-posts" not in plain.stdout


def test_the_seed_text_page_keeps_its_reading(run_cli):
    (item,) = json.loads(
        run_cli("extract", "samples/scraped-ticker.txt", "--format", "json").stdout
    )
    assert item["language"] == "en" and item["date"] is None
    assert len(item["chrome"]) == 3


def test_localize_a_heavy_page_writes_the_article_with_its_french_date(
    run_cli, page_file, tmp_path
):
    head = '<meta property="article:published_time" content="2025-09-04T08:00:00+02:00">'
    path = page_file("ferry.html", heavy_page(head=head))
    out = tmp_path / "build"
    result = run_cli("localize", path, "--to", "fr", "--engine", "pseudo", "--out", str(out))
    assert result.exit_code == 0, result.stderr
    variant = (out / "ferry.fr.md").read_text(encoding="utf-8")
    assert "4 septembre 2025" in variant
    assert "Section 3" not in variant and "cookies" not in variant.lower()


def test_teaser_caption_and_newsletter_rules():
    from translator.article import Block
    from translator.chrome import apply_rules

    def block(text, markup=""):
        return Block("paragraph", text, 1, 1, markup=markup)

    blocks = [
        block("More on the budget"),
        block("Photo: Sam Okafor / Coast News"),
        block("Auch interessant:"),
        block("Ten tips More tips", '<a href="/a">Ten tips</a> <a href="/b">More tips</a>'),
        block("The mayor spoke after the vote and thanked the residents for their patience."),
        block("PC Gamer Newsletter"),
    ]
    apply_rules(blocks)
    assert [b.chrome for b in blocks] == [None, "caption", "teaser", "teaser", None, "newsletter"]
