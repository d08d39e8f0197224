from __future__ import annotations

import pytest

from translator import readers
from translator.errors import InputError, NoTextError
from translator.textio import decode

ENGLISH = "The committee met on Thursday to discuss the new harbour plan and its costs.\n"


def test_bom_is_accepted_and_dropped():
    assert decode(b"\xef\xbb\xbfhello\n", "a.txt") == "hello\n"


def test_crlf_becomes_lf_and_line_numbers_hold(write):
    path = write("a.txt", b"Advertisement\r\nTitle here\r\n\r\n" + ENGLISH.encode() + b"\r\n")
    article = readers.read(str(path))
    assert [b.line for b in article.blocks] == [1, 2, 4]


def test_invalid_utf8_names_byte_offset_and_line():
    data = b"ok\nca" + b"\xe9" + b"\n"
    with pytest.raises(InputError) as err:
        decode(data, "x.txt")
    assert err.value.byte == 5
    assert "x.txt: byte 5" in str(err.value)
    assert "line 2" in str(err.value)


def test_invalid_utf8_after_bom_counts_bom_bytes():
    with pytest.raises(InputError) as err:
        decode(b"\xef\xbb\xbfab\xff", "x.txt")
    assert err.value.byte == 5


def test_latin1_reads_with_encoding():
    assert decode("café".encode("latin-1"), "x.txt", "latin-1") == "café"


@pytest.mark.parametrize(
    "data, fragment",
    [
        (b"", "empty file"),
        (b"  \n\t\n", "empty file"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00", "binary file"),
    ],
)
def test_unreadable_bytes(data, fragment):
    with pytest.raises(InputError, match=fragment):
        decode(data, "x.txt")


def test_markdown_front_matter_is_data_not_body(write):
    path = write(
        "post.md",
        "---\ntitle: Hello\ndraft: no\n---\n\n# Heading one\n\nFirst paragraph here.\n\n- item one\n- item two\n\n> a quote\n\n```\ncode()\n```\n",
    )
    article = readers.read(str(path))
    assert article.front_matter["title"] == "Hello"
    assert "draft: no" in article.front_matter_raw
    kinds = [(b.kind, b.line, b.text) for b in article.blocks]
    assert kinds == [
        ("title", 6, "Heading one"),
        ("paragraph", 8, "First paragraph here."),
        ("list", 10, "item one"),
        ("list", 11, "item two"),
        ("quote", 13, "a quote"),
        ("code", 15, "code()\n"),
    ]
    assert article.blocks[0].prefix == "# "
    assert article.blocks[2].prefix == "- "
    assert all("title:" not in b.text for b in article.blocks)


def test_unterminated_front_matter_is_an_error(write):
    path = write("bad.md", "---\ntitle: Hello\n\nBody text.\n")
    with pytest.raises(InputError, match="never closed") as err:
        readers.read(str(path))
    assert err.value.line == 1


def test_broken_yaml_names_the_line(write):
    path = write("bad.md", "---\ntitle: Hello\nbad: [unclosed\n---\nBody.\n")
    with pytest.raises(InputError) as err:
        readers.read(str(path))
    assert err.value.line is not None and err.value.line >= 3


def test_html_keeps_main_content_only(write):
    path = write(
        "page.html",
        """<html lang="en"><head><title>T</title><script>var x=1;</script></head>
<body><header><nav>Home | News</nav></header>
<div class="ad-banner">Buy now</div>
<main><h1>The headline</h1>
<p>First <b>bold</b> paragraph.</p>
<aside>Related stuff</aside>
<ul><li>One</li><li>Two</li></ul>
<blockquote><p>Quoted words.</p></blockquote>
<pre>keep   spacing</pre>
</main><footer>Copyright</footer></body></html>""",
    )
    article = readers.read(str(path))
    content = [(b.kind, b.text) for b in article.blocks if not b.is_chrome]
    assert content == [
        ("title", "The headline"),
        ("paragraph", "First bold paragraph."),
        ("list", "One"),
        ("list", "Two"),
        ("quote", "Quoted words."),
        ("code", "keep   spacing"),
    ]
    text = " ".join(b.text for b in article.blocks)
    assert "var x" not in text and "Buy now" not in text and "Copyright" not in text
    assert article.meta["lang"] == "en"
    assert article.blocks[0].line == 4


def test_text_rejoins_wrapped_paragraphs(write):
    path = write(
        "a.txt",
        "Headline of the day\nThe first sentence is wrapped\nacross two lines. Then it ends.\nA new line starts here.\n",
    )
    article = readers.read(str(path))
    assert [b.text for b in article.blocks] == [
        "Headline of the day",
        "The first sentence is wrapped across two lines. Then it ends.",
        "A new line starts here.",
    ]
    assert (article.blocks[1].line, article.blocks[1].end_line) == (2, 3)


def test_no_text_error_is_an_input_error():
    assert issubclass(NoTextError, InputError)
