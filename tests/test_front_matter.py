"""Front matter in every format: the same limits, one line per bad file, and
what the tool writes is read back by YAML, TOML and JSON alike."""

from __future__ import annotations

import json
import tomllib

import pytest
import yaml

GOOD = "---\ntitle: Bridge\n---\n\nThe old bridge reopens on Thursday after two years of work.\n"


@pytest.mark.parametrize(
    ("name", "content", "words"),
    [
        ("deep.md", '{"a": ' + "[" * 2000 + "1" + "]" * 2000 + "}\n\nText here.\n", "nested"),
        ("deep-toml.md", "+++\na = " + "[" * 2000 + "]" * 2000 + "\n+++\n\nText.\n", "nested"),
        ("tables.md", "+++\na = " + "{b = " * 200 + "1" + "}" * 200 + "\n+++\n\nText.\n", "nested"),
        ("surrogate.md", '{"title": "\\ud800"}\n\nText here.\n', "lone surrogate"),
    ],
)
@pytest.mark.parametrize("command", ["localize", "detect", "extract"])
def test_a_bad_front_matter_fails_alone(run_cli, tmp_path, write, name, content, words, command):
    write(f"in/{name}", content)
    write("in/good.md", GOOD)
    args = ["--to", "fr", "--engine", "pseudo", "--out", tmp_path / "out", "--cache",
            tmp_path / "m.sqlite3"] if command == "localize" else []  # fmt: skip
    result = run_cli(command, tmp_path / "in", *args)
    assert result.exit_code == 1, result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and name in errors[0] and words in errors[0], result.stderr
    assert "unexpected" not in result.stderr
    if command == "localize":
        assert (tmp_path / "out" / "good.fr.md").is_file()


def test_control_characters_in_a_title_stay_readable(run_cli, tmp_path, write):
    write("in/a.txt", "Bridge\x92s reopening\n\nThe old bridge reopens on Thursday after work.\n")
    write(
        "in/b.md",
        '+++\ntitle = "Tunnel\\u007f works"\n+++\n\nThe tunnel works begin on Monday morning.\n',
    )
    result = run_cli(
        "localize", tmp_path / "in", "--to", "fr", "--engine", "pseudo",
        "--out", tmp_path / "out", "--cache", tmp_path / "m.sqlite3",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    yaml_text = (tmp_path / "out" / "a.fr.md").read_text(encoding="utf-8")
    head = yaml_text.split("---\n")[1]
    assert yaml.safe_load(head)["title"]
    toml_text = (tmp_path / "out" / "b.fr.md").read_text(encoding="utf-8")
    assert tomllib.loads(toml_text.split("+++\n")[1])["title"]
    coverage = run_cli("coverage", tmp_path / "in", "--locales", "fr", "--variants",
                       tmp_path / "out", "--format", "json")  # fmt: skip
    assert json.loads(coverage.stdout)["summary"]["percent"] == 100.0
