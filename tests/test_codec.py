"""The placeholder codec and every exchange format, unit by unit.

Texts are built from pieces of text and placeholders; spans may hold the
codec's own brackets and digits (a source that already had them), which is
what once made a PO export write a wrong source.
"""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from translator import codec
from translator.exchange import po, tmx, xliff
from translator.exchange.model import ExchangeFile, ExchangeUnit
from translator.protect import mask

OPEN, CLOSE = codec.OPEN, codec.CLOSE
PLAIN = st.text(
    st.characters(categories=("L", "N", "Zs", "P"), exclude_characters=OPEN + CLOSE + "\r"),
    max_size=12,
)
SPAN = st.text(
    st.characters(categories=("L", "N", "P", "S"), include_characters=OPEN + CLOSE),
    min_size=1,
    max_size=10,
).filter(lambda s: s.strip() == s)


@st.composite
def masked_texts(draw):
    """(text with placeholders, its spans)."""
    count = draw(st.integers(0, 4))
    spans = {n: draw(SPAN) for n in range(count)}
    order = draw(st.permutations(list(range(count))))
    pieces: list[str | int] = [draw(PLAIN)]
    for number in order:
        pieces += [number, draw(PLAIN)]
    return codec.join(p for p in pieces if p != ""), spans


def test_the_bug_a_literal_placeholder_in_the_source():
    masked = mask("See ⟦1⟧ at https://example.org now.", "text")
    assert codec.split(masked.text) == ["See ", 0, " at ", 1, " now."]
    assert codec.fill(masked.text, masked.spans) == "See ⟦1⟧ at https://example.org now."
    spans = dict(enumerate(masked.spans))
    assert codec.put_back("Voir https://example.org et ⟦1⟧.", spans) == "Voir ⟦1⟧ et ⟦0⟧."


@given(masked_texts())
def test_fill_then_put_back_gives_the_text_back(case):
    text, spans = case
    filled = codec.fill(text, spans)
    back = codec.put_back(filled, spans)
    assert back is not None and codec.fill(back, spans) == filled
    assert sorted(codec.numbers(back)) == sorted(codec.numbers(text))


@given(masked_texts())
def test_split_and_join_are_inverses(case):
    text, _spans = case
    assert codec.join(codec.split(text)) == text


def test_put_back_misses_a_span_unless_optional():
    spans = {0: "https://example.org", 1: "<b>"}
    assert codec.put_back("Voir le site.", spans) is None
    assert codec.put_back("Voir https://example.org.", spans, optional={1}) == "Voir ⟦0⟧."


def test_a_span_inside_a_longer_one_is_found_apart():
    spans = {0: "example.org", 1: "https://example.org/a"}
    assert codec.put_back("https://example.org/a et example.org", spans) == "⟦1⟧ et ⟦0⟧"


def test_placeholders_with_spaces_from_an_engine_are_read():
    assert codec.numbers("a ⟦ 2 ⟧ b") == [2]
    assert codec.fill("a ⟦ 2 ⟧ b", {2: "X"}) == "a X b"


# -- the formats ---------------------------------------------------------------------


def _exchange(cases) -> ExchangeFile:
    out = ExchangeFile("src/a.md", "en", "fr")
    for number, (text, spans) in enumerate(cases):
        out.units.append(
            ExchangeUnit(f"s{number}", text or "x", text or "y", "translated", 3, spans)
        )
    return out


def _units(exchange: ExchangeFile) -> list[tuple[str, str | None, str]]:
    return [(u.id, u.source, u.target, u.state) for u in exchange.units]


@given(st.lists(masked_texts(), min_size=1, max_size=4))
def test_xliff_21_and_12_give_back_what_they_wrote(tmp_path_factory, cases):
    exchange = _exchange(cases)
    for version in ("2.1", "1.2"):
        path = tmp_path_factory.mktemp("x") / "a.xlf"
        path.write_text(xliff.write(exchange, version), encoding="utf-8")
        back = xliff.read(str(path), max_bytes=1_000_000)
        assert [(i, s, t) for i, s, t, _st in _units(back)] == [
            (i, s, t) for i, s, t, _st in _units(exchange)
        ]


@given(st.lists(masked_texts(), min_size=1, max_size=4))
def test_po_gives_back_what_it_wrote(tmp_path_factory, cases):
    exchange = _exchange(cases)
    path = tmp_path_factory.mktemp("p") / "a.po"
    path.write_text(po.write(exchange), encoding="utf-8")
    back = po.read(str(path), max_bytes=1_000_000)
    assert back.masked
    # PO writes spans out: where a span's text also stands beside it ("0" next to
    # a span "0") the placeholder may come back on either; what a person reads,
    # and which spans there are, is the same
    for got, sent in zip(back.units, exchange.units, strict=True):
        assert (got.id, got.state) == (sent.id, sent.state)
        for a, b in ((got.source, sent.source), (got.target or "", sent.target or "")):
            assert codec.fill(a, sent.spans) == codec.fill(b, sent.spans)
            assert sorted(codec.numbers(a)) == sorted(codec.numbers(b))


def test_po_writes_a_source_with_literal_brackets_as_it_is(tmp_path):
    masked = mask("See ⟦1⟧ at https://example.org now.", "text")
    spans = dict(enumerate(masked.spans))
    exchange = ExchangeFile(
        "a.md", "en", "fr", [ExchangeUnit("s1", masked.text, None, "initial", 1, spans)]
    )
    text = po.write(exchange)
    assert 'msgid "See ⟦1⟧ at https://example.org now."' in text
    path = tmp_path / "a.po"
    path.write_text(text, encoding="utf-8")
    assert po.read(str(path), max_bytes=10_000).units[0].source == masked.text


@given(st.lists(masked_texts(), min_size=1, max_size=4))
def test_tmx_gives_back_what_it_wrote(tmp_path_factory, cases):
    units = []
    for text, _spans in cases:
        unit = ExchangeUnit(
            "", text or "x", text or "y", "translated", 0, props={"origin": "human"}
        )
        unit.source_lang, unit.target_lang = "en", "fr-ca"
        units.append(unit)
    path = tmp_path_factory.mktemp("t") / "a.tmx"
    path.write_text(tmx.write(units), encoding="utf-8")
    back = list(tmx.iter_units(str(path)))
    assert [(u.source, u.target, u.target_lang, u.props) for u in back] == [
        (u.source, u.target, u.target_lang, u.props) for u in units
    ]


def test_tmx_is_read_by_language_not_by_position(tmp_path):
    path = tmp_path / "three.tmx"
    path.write_text(
        '<tmx version="1.4"><header srclang="en"/><body><tu>'
        '<tuv xml:lang="de"><seg>Hallo</seg></tuv>'
        '<tuv xml:lang="en"><seg>Hello</seg></tuv>'
        '<tuv xml:lang="fr"><seg>Bonjour</seg></tuv>'
        "</tu></body></tmx>",
        encoding="utf-8",
    )
    units = list(tmx.iter_units(str(path)))
    assert [(u.source_lang, u.source, u.target_lang, u.target) for u in units] == [
        ("en", "Hello", "de", "Hallo"),
        ("en", "Hello", "fr", "Bonjour"),
    ]


def test_only_the_codec_spells_the_placeholder():
    from .test_architecture import string_constants_with

    found = string_constants_with(re.compile(f"[{OPEN}{CLOSE}]"))
    assert set(found) == {"codec.py"}, found


def test_export_po_gives_back_a_source_with_literal_brackets(run_cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.txt").write_text(
        "See ⟦1⟧ at https://example.org now.\n\nThe council met on Monday evening.\n",
        encoding="utf-8",
    )
    args = ["--to", "fr", "--from", "en", "--cache", "m.sqlite3"]
    assert run_cli("export", "a.txt", *args, "--format", "po", "--out", "x").exit_code == 0
    text = (tmp_path / "x" / "a.txt.fr.po").read_text(encoding="utf-8")
    assert 'msgid "See ⟦1⟧ at https://example.org now."' in text
