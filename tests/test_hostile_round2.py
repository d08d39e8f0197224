"""Hostile shapes, round two: pages read in full, charsets as browsers read
them, exchange files that each stand alone, and import counts that are true."""

from __future__ import annotations

import json
import shutil

import pytest

from .conftest import SAMPLES


def _extract(run_cli, path):
    result = run_cli("extract", path, "--format", "json")
    return result, json.loads(result.stdout)[0]


def test_a_page_nested_past_the_parser_s_limit_is_read_in_full(run_cli, write):
    paragraphs = "".join(
        f"<div><p>Paragraph {i} of the council report on the new library budget.</p>"
        for i in range(400)
    )  # 400 <div> never closed, as broken CMS output has them
    page = write("deep.html", f"<html><body><article>{paragraphs}</article></body></html>")
    result, data = _extract(run_cli, page)
    assert result.exit_code == 0
    assert data["text"].count("of the council report") == 400


def test_a_nul_byte_is_read_as_a_browser_reads_it(run_cli, write):
    page = (SAMPLES / "council-budget.html").read_bytes()
    assert b"northern district" in page
    page = page.replace(b"northern district", b"northern dis\x00trict", 1)
    result, data = _extract(run_cli, write("nul.html", page))
    assert result.exit_code == 0 and "error" not in data
    assert "northern dis\ufffdtrict" in data["text"]


@pytest.mark.parametrize("label", ["utf-7", "cp037", "x-nonsense"])
def test_a_charset_browsers_do_not_know_is_ignored(run_cli, write, label):
    page = (SAMPLES / "council-budget.html").read_text(encoding="utf-8")
    page = page.replace('<meta charset="utf-8">', f'<meta charset="{label}">')
    page = page.replace("8.5 million euros", "2+2 million euros and C++")
    result, data = _extract(run_cli, write("odd.html", page))
    assert result.exit_code == 0
    assert "2+2 million euros and C++" in data["text"]


def _exported(run_cli, tmp_path, fmt="xliff"):
    (tmp_path / "src").mkdir()
    shutil.copy(SAMPLES / "de-fahrrad.md", tmp_path / "src" / "de-fahrrad.md")
    args = ["--to", "fr", "--cache", "m.sqlite3"]
    assert run_cli("localize", "src", *args, "--engine", "pseudo", "--out", "build").exit_code == 0
    assert run_cli("export", "src", *args, "--format", fmt, "--out", "x").exit_code == 0
    return next((tmp_path / "x").iterdir())


@pytest.mark.parametrize("kind", ["xlf", "tmx", "po"])
def test_an_unknown_declared_encoding_is_one_line_and_the_next_file_is_read(
    run_cli, tmp_path, monkeypatch, kind
):
    monkeypatch.chdir(tmp_path)
    good = _exported(run_cli, tmp_path)
    bad = tmp_path / f"bad.{kind}"
    if kind == "po":
        bad.write_text(
            'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=x-unknown-enc\\n"\n',
            encoding="utf-8",
        )
    else:
        root = "tmx" if kind == "tmx" else "xliff"
        bad.write_text(f'<?xml version="1.0" encoding="x-unknown-enc"?>\n<{root}/>\n')
    if kind == "tmx":
        result = run_cli("cache", "import", str(bad), "--cache", "m.sqlite3")
        assert result.exit_code == 1 and "bad.tmx" in result.stderr
        assert "unexpected" not in result.stderr
        return
    result = run_cli("import", str(bad), str(good), "--cache", "m.sqlite3")
    assert result.exit_code == 1 and "unexpected" not in result.stderr
    (line,) = [ln for ln in result.stderr.splitlines() if ln.startswith("error:")]
    assert f"bad.{kind}" in line and "x-unknown-enc" in line
    assert f"{good}: 0 imported" in result.stdout  # read all the same


def test_a_po_whose_header_lies_about_its_charset_is_refused(run_cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    po = _exported(run_cli, tmp_path, "po")
    po.write_text(
        po.read_text(encoding="utf-8").replace("charset=utf-8", "charset=ISO-8859-1"),
        encoding="utf-8",
    )
    result = run_cli("import", str(po), "--cache", "m.sqlite3")
    assert result.exit_code == 1 and "its bytes are UTF-8" in result.stderr


def _translated_first_unit(path):
    text = path.read_text(encoding="utf-8")
    start = text.index("<target>")
    end = text.index("</target>", start)
    state = text.rindex('state="initial"', 0, start)
    return text, start, end, state


def test_a_unit_split_into_two_segments_is_read_as_one(run_cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    xlf = _exported(run_cli, tmp_path)
    text = xlf.read_text(encoding="utf-8")
    # the title unit, split by a CAT tool after its first word
    source_start = text.index("<source>") + len("<source>")
    source_end = text.index("</source>", source_start)
    title = text[source_start:source_end]
    first, rest = title.split(" ", 1)
    segment = text.rindex("<segment", 0, source_start)
    unit_end = text.index("</segment>", source_end) + len("</segment>")
    split = (
        f'<segment state="translated"><source>{first} </source><target>Nouvelle </target></segment>'
        f'<segment state="translated"><source>{rest}</source><target>rue cyclable</target></segment>'
    )
    xlf.write_text(text[:segment] + split + text[unit_end:], encoding="utf-8")
    result = run_cli("import", str(xlf), "--cache", "m.sqlite3")
    assert result.exit_code == 0, result.stderr
    assert ": 1 imported, 0 stale" in result.stdout


def test_a_duplicated_unit_is_not_counted_twice(run_cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    xlf = _exported(run_cli, tmp_path)
    text = xlf.read_text(encoding="utf-8")
    start = text.index("<unit ")
    end = text.index("</unit>", start) + len("</unit>")
    xlf.write_text(text[:end] + text[start:end] + text[end:], encoding="utf-8")
    result = run_cli("import", str(xlf), "--cache", "m.sqlite3")
    assert result.exit_code == 1 and "appears more than once" in result.stderr
    assert ": 0 imported" in result.stdout


def test_many_stale_units_are_summarised(run_cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    xlf = _exported(run_cli, tmp_path)
    text = xlf.read_text(encoding="utf-8")
    start = text.index("<unit ")
    end = text.index("</unit>", start) + len("</unit>")
    unit = text[start:end]
    id_start = unit.index('id="') + 4
    id_end = unit.index('"', id_start)
    copies = "".join(unit[:id_start] + f"gone{n}" + unit[id_end:] for n in range(30))
    xlf.write_text(text[:end] + copies + text[end:], encoding="utf-8")
    result = run_cli("import", str(xlf), "--cache", "m.sqlite3")
    lines = [ln for ln in result.stderr.splitlines() if "source changed since export" in ln]
    assert len(lines) == 11 and "and 20 more units" in lines[-1]


def test_a_paragraph_of_many_inline_elements_keeps_every_word(run_cli, write):
    words = " ".join(f"<span>w{i}</span>" for i in range(3000))
    page = write(
        "spans.html", f"<html><body><article><h1>Spans</h1><p>{words}</p></article></body></html>"
    )
    result, data = _extract(run_cli, page)
    assert result.exit_code == 0
    assert [f"w{i}" for i in range(3000)] == data["text"].split()[-3000:]


def test_flattening_leaves_one_text_node_per_run():
    import lxml.html

    from translator.readers.maintext import MAX_INLINE_CHILDREN, _flatten_crowded

    tree = lxml.html.document_fromstring(
        "<p>" + "".join(f"<b>a{i}</b> " for i in range(MAX_INLINE_CHILDREN + 1)) + "<br>end</p>"
    )
    _flatten_crowded(tree)
    paragraph = tree.find(".//p")
    assert len(paragraph.xpath("text()")) == 2  # before the <br>, and its tail
    assert paragraph.text.startswith("a0 a1 ") and paragraph[0].tail == "end"


def test_a_po_unit_written_twice_is_refused(run_cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    po = _exported(run_cli, tmp_path, "po")
    text = po.read_text(encoding="utf-8")
    start = text.index("\n\n#", text.index('msgid ""')) + 2
    end = text.index("\n\n", start) + 2
    po.write_text(text + "\n" + text[start:end], encoding="utf-8")
    result = run_cli("import", str(po), "--cache", "m.sqlite3")
    assert result.exit_code == 1 and "appears more than once" in result.stderr


def test_a_tmx_language_that_is_no_language_skips_its_unit(run_cli, tmp_path):
    tmx = tmp_path / "odd.tmx"
    tmx.write_text(
        '<tmx version="1.4"><header srclang="en"/><body>'
        '<tu><tuv xml:lang="en"><seg>The bridge opens.</seg></tuv>'
        '<tuv xml:lang="../../etc"><seg>Le pont ouvre.</seg></tuv></tu>'
        '<tu><tuv xml:lang="fr-CA"><seg>Le pont ouvre.</seg></tuv>'
        '<tuv xml:lang="en-US"><seg>The bridge opens.</seg></tuv></tu>'
        "</body></tmx>",
        encoding="utf-8",
    )
    result = run_cli("cache", "import", str(tmx), "--cache", str(tmp_path / "m.sqlite3"))
    assert result.exit_code == 0, result.stderr
    assert "1 unit imported, 1 skipped" in result.stdout
    assert "'../../etc' is not a language tag" in result.stdout + result.stderr
    stats = run_cli(
        "cache", "export", str(tmp_path / "back.tmx"), "--cache", str(tmp_path / "m.sqlite3")
    )
    assert stats.exit_code == 0
    back = (tmp_path / "back.tmx").read_text(encoding="utf-8")
    # read by language: en is the source, though fr-CA stands first
    assert '<tuv xml:lang="en"><seg>The bridge opens.</seg>' in back
    assert '<tuv xml:lang="fr-ca"><seg>Le pont ouvre.</seg>' in back


def test_a_directory_where_a_variant_goes_is_one_line(run_cli, tmp_path, write):
    write("src/a.md", "---\ntitle: A\n---\n\nThe council met on Monday evening to vote.\n")
    (tmp_path / "out" / "a.fr.md").mkdir(parents=True)
    result = run_cli(
        "localize", tmp_path / "src", "--to", "fr", "--engine", "pseudo", "--out",
        tmp_path / "out", "--cache", tmp_path / "m.sqlite3",
    )  # fmt: skip
    assert result.exit_code == 1 and "unexpected" not in result.stderr
    assert "a.fr.md: cannot write: it is a directory" in result.stderr
