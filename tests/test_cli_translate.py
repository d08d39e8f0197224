from __future__ import annotations

from bs4 import BeautifulSoup

from translator.frontmatter import split_front_matter

from .conftest import SAMPLES


def test_scraped_sample_through_the_fixture_model(run_cli, installed):
    result = run_cli("translate", SAMPLES / "scraped-ticker.txt", "--to", "fr")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.rstrip("\n").split("\n")
    assert len(lines) == 6  # headline + 5 paragraphs, the 3 chrome lines gone
    assert all(line.strip() for line in lines)
    # the URL comes back byte-exact whatever the model did with its placeholder
    assert "https://example.org/ferries/summer_timetable" in lines[-1]


def test_markdown_front_matter_kept_except_title(run_cli, installed, tmp_path):
    out = tmp_path / "marche.en.md"
    source = SAMPLES / "fr-marche.md"
    result = run_cli(
        "translate", source, "--to", "en", "--from", "fr", "--engine", "pseudo", "-o", out
    )
    assert result.exit_code == 0, result.stderr
    src_lines = source.read_text(encoding="utf-8").split("\n")
    out_lines = out.read_text(encoding="utf-8").split("\n")
    head_src, head_out = (
        src_lines[: src_lines.index("---", 1) + 1],
        out_lines[: out_lines.index("---", 1) + 1],
    )
    assert len(head_src) == len(head_out)
    for a, b in zip(head_src, head_out, strict=True):
        if a.startswith("title:"):
            assert b.startswith('title: "[') and b != a
        else:
            assert a == b  # draft: no, version: 012 stay as written
    data = split_front_matter("x", out.read_text(encoding="utf-8"))[1]
    original = split_front_matter("x", source.read_text(encoding="utf-8"))[1]
    assert {k: v for k, v in data.items() if k != "title"} == {
        k: v for k, v in original.items() if k != "title"
    }
    body = out.read_text(encoding="utf-8")
    assert body.count("\n- ") == 3 and "\n> " in body
    assert "](https://example.org/marche)" in body


def test_html_keeps_structure_and_drops_chrome(run_cli, tmp_path):
    result = run_cli(
        "translate", SAMPLES / "council-budget.html", "--to", "ar", "--engine", "pseudo"
    )
    assert result.exit_code == 0, result.stderr
    soup = BeautifulSoup(result.stdout, "html.parser")
    assert soup.html["lang"] == "ar" and soup.html["dir"] == "rtl"
    # four paragraphs; the byline is page chrome (its <time> stays in the page's head meta)
    assert len(soup.find_all("p")) == 4 and soup.find("blockquote") and soup.find("h1")
    assert not soup.find("script") and not soup.find("nav") and not soup.find("aside")
    assert "Share on Facebook" not in result.stdout


def test_pseudo_engine_needs_no_model(run_cli, packages_dir):
    result = run_cli("translate", SAMPLES / "es-incendio.txt", "--to", "fr", "--engine", "pseudo")
    assert result.exit_code == 0 and result.stdout.startswith("[")


def test_missing_pair_exits_2_before_any_work(run_cli, installed, tmp_path):
    out = tmp_path / "out.txt"
    result = run_cli("translate", SAMPLES / "scraped-ticker.txt", "--to", "ja", "-o", out)
    assert result.exit_code == 2
    assert "en→ja" in result.stderr and "installed pairs" in result.stderr
    assert not out.exists()


def test_unknown_language_code_exits_2(run_cli, installed):
    result = run_cli("translate", SAMPLES / "scraped-ticker.txt", "--to", "xx-YY")
    assert result.exit_code == 2 and "unknown locale" in result.stderr


def test_output_over_the_source_is_refused(run_cli, tmp_path):
    src = tmp_path / "a.txt"
    src.write_text("Headline here\nThe council met on Monday and agreed to fix the bridge.\n")
    result = run_cli("translate", src, "--to", "fr", "--engine", "pseudo", "-o", src)
    assert result.exit_code == 2


def test_standard_input_and_text_through_the_fixture_model(runner, installed):
    from translator.cli import cli

    piped = runner.invoke(cli, ["translate", "-", "--to", "fr"], input="Hello world.\n")
    assert piped.exit_code == 0, piped.stderr
    assert piped.stdout.strip() and piped.stdout.strip() != "Hello world."
    given = runner.invoke(
        cli, ["translate", "--text", "Hello world.", "--to", "fr", "--from", "en"]
    )
    assert given.exit_code == 0 and given.stdout == piped.stdout
    empty = runner.invoke(cli, ["translate", "-", "--to", "fr"], input="  \n")
    assert empty.exit_code == 1 and "<stdin>: no text to translate" in empty.stderr


def test_a_directory_or_no_input_is_a_usage_error(run_cli, packages_dir):
    folder = run_cli("translate", str(SAMPLES), "--to", "fr", "--engine", "pseudo")
    assert folder.exit_code == 2 and "translator localize" in folder.stderr
    neither = run_cli("translate", "--to", "fr", "--engine", "pseudo")
    assert neither.exit_code == 2 and "--text" in neither.stderr
