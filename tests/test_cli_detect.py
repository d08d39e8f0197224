from __future__ import annotations

import json

import click
import pytest

from translator.cli import cli

from .conftest import SAMPLES


def test_json_is_an_array_in_order_even_for_one_file(run_cli):
    result = run_cli("detect", SAMPLES / "scraped-ticker.txt", "--format", "json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert isinstance(data, list) and len(data) == 1
    entry = data[0]
    assert set(entry) == {"path", "format", "language", "confidence", "title", "chrome", "blocks"}
    assert entry["language"] == "en" and entry["format"] == "text"
    assert [c["line"] for c in entry["chrome"]] == [1, 2, 3]
    assert entry["blocks"][0] == {"line": 4, "kind": "title", "language": "en", "confidence": 1.0}


def test_directory_is_walked_sorted(run_cli):
    result = run_cli("detect", SAMPLES, "--format", "json")
    paths = [e["path"] for e in json.loads(result.stdout)]
    assert paths == sorted(paths) and len(paths) == 6


def test_text_format_one_line_per_file(run_cli):
    result = run_cli("detect", SAMPLES / "scraped-ticker.txt")
    assert result.stdout.split() == [
        str(SAMPLES / "scraped-ticker.txt"),
        "en",
        "(1.00)",
        "3",
        "chrome",
        "lines",
    ]


@pytest.mark.parametrize(
    "name, content, fragment",
    [
        ("empty.txt", b"", "empty file"),
        ("chrome.txt", b"Advertisement\nRead more\n6/recent/ticker-posts\n", "chrome"),
        ("numbers.txt", "123 456\n🙂 789\n".encode(), "no letters"),
        ("binary.txt", b"\x7fELF\x02\x01\x00\x00binary", "binary file"),
        ("latin1.txt", "Un café très fort.".encode("latin-1"), "byte 6: invalid UTF-8"),
    ],
)
def test_bad_files_fail_with_one_line_each(run_cli, write, name, content, fragment):
    good = write(
        "good.txt",
        "A good article\nThe council met on Monday and agreed to repair the old bridge next spring.\n",
    )
    bad = write(name, content)
    result = run_cli("detect", good, bad)
    assert result.exit_code == 1
    assert str(good) in result.stdout  # the good file is still reported
    errors = result.stderr.strip().splitlines()
    assert len(errors) == 1 and errors[0].startswith(f"error: {bad}")
    assert fragment in errors[0]


def test_encoding_option_reads_latin1(run_cli, write):
    path = write(
        "latin1.txt",
        "Le conseil municipal a voté jeudi un budget pour la nouvelle bibliothèque.".encode(
            "latin-1"
        ),
    )
    result = run_cli("detect", path, "--encoding", "latin-1")
    assert result.exit_code == 0 and " fr " in result.stdout


def test_unknown_encoding_is_usage_error(run_cli, write):
    path = write("a.txt", "text")
    result = run_cli("detect", path, "--encoding", "klingon-8")
    assert result.exit_code == 2 and "unknown encoding" in result.stderr


def test_missing_path_and_empty_directory_are_usage_errors(run_cli, tmp_path):
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "notes.csv").write_text("a,b")
    result = run_cli("detect", tmp_path / "nope.txt", tmp_path / "empty")
    assert result.exit_code == 2
    assert "nope.txt: no such file or directory" in result.stderr
    assert "no article files" in result.stderr


def test_max_bytes(run_cli, write):
    path = write("big.txt", "Word " * 100)
    result = run_cli("detect", path, "--max-bytes", "100")
    assert result.exit_code == 1 and "over the limit of 100" in result.stderr


def test_symlink_to_outside_is_skipped_with_notice(run_cli, tmp_path, write):
    outside = write(
        "outside/secret.txt", "The secret plan was approved by the board on Friday evening.\n"
    )
    tree = tmp_path / "tree"
    tree.mkdir()
    write(
        "tree/ok.txt", "The library opened a new reading room for children on Saturday morning.\n"
    )
    (tree / "link.txt").symlink_to(outside)
    result = run_cli("detect", tree)
    assert result.exit_code == 0
    assert "link.txt: skipped" in result.stderr and "secret" not in result.stdout


def _commands(group: click.Group, prefix=()):
    for name, command in group.commands.items():
        yield prefix + (name,), command
        if isinstance(command, click.Group):
            yield from _commands(command, prefix + (name,))


def test_every_help_shows_an_example(runner):
    result = runner.invoke(cli, ["--help"])
    assert "Example" in result.output
    for path, _command in _commands(cli):
        result = runner.invoke(cli, [*path, "--help"])
        assert result.exit_code == 0, path
        assert "Example" in result.output, path


def test_unexpected_errors_are_one_line(run_cli, monkeypatch, write):
    from translator import pipeline

    def boom(*args, **kwargs):
        raise RuntimeError("kaboom")

    monkeypatch.setattr(pipeline, "detect_paths", boom)
    result = run_cli("detect", write("a.txt", "x"))
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines() == [
        "Error: unexpected RuntimeError: kaboom (run again with --debug for the traceback)"
    ]


def test_a_missing_dependency_is_one_line_with_the_fix(tmp_path):
    """As on a machine whose pip skipped lxml's html-clean extra: a fresh process
    where lxml_html_clean cannot be imported reads the sample page."""
    import subprocess
    import sys

    script = (
        "import sys; sys.modules['lxml_html_clean'] = None\n"
        "from translator.cli import main\n"
        "sys.argv = ['translator', 'localize', sys.argv[1], '--to', 'fr', '--engine', 'pseudo',"
        " '--no-cache', '--out', sys.argv[2]]\n"
        "main()\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(SAMPLES / "council-budget.html"), str(tmp_path / "o")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    lines = done.stderr.strip().splitlines()
    assert done.returncode == 2, done.stderr
    assert len(lines) == 1 and "Traceback" not in done.stderr
    assert lines[0].startswith("Error: missing dependency:") and "lxml_html_clean" in lines[0]
    assert "pip install -e ." in lines[0] and "unexpected" not in lines[0]
