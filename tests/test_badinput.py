"""The bad-input corpus (tests/badinput/cases.json) through the real CLI."""

from __future__ import annotations

import errno
import json
import shutil
from pathlib import Path

import pytest

from .conftest import ROOT

CORPUS = ROOT / "tests" / "badinput"
CASES = json.loads((CORPUS / "cases.json").read_text(encoding="utf-8"))


@pytest.fixture
def corpus(tmp_path, monkeypatch) -> Path:
    work = tmp_path / "work"
    shutil.copytree(CORPUS, work)
    monkeypatch.chdir(work)
    return work


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_case(case, corpus, run_cli, installed):
    result = run_cli(*case["args"])
    assert "Traceback" not in result.stderr + result.stdout
    assert result.exit_code == case["exit"], result.stderr
    if "stderr" in case:
        assert case["stderr"] in result.stderr
        error_lines = [
            ln for ln in result.stderr.splitlines() if ln.startswith(("error:", "Error:"))
        ]
        assert all(len(ln) < 400 for ln in error_lines)
    if "stdout" in case:
        assert case["stdout"] in result.stdout
    for path in case.get("absent", []):
        assert not (corpus / path).exists(), path
    for path in case.get("present", []):
        assert (corpus / path).exists(), path
    for path, fragment in case.get("contains", {}).items():
        assert fragment in (corpus / path).read_bytes().decode("utf-8"), path
    for path, fragments in case.get("not_contains", {}).items():
        text = (corpus / path).read_text(encoding="utf-8")
        for fragment in fragments:
            assert fragment not in text, (path, fragment)


def test_every_corpus_file_is_used():
    used = " ".join(" ".join(c["args"]) for c in CASES)
    for path in CORPUS.iterdir():
        if path.name != "cases.json" and path.suffix != ".po":
            assert path.name in used, path.name


def test_symlink_to_outside_is_skipped_with_a_notice(corpus, run_cli, tmp_path):
    outside = tmp_path / "secret.md"
    outside.write_text(
        "# Secret\n\nThe board approved the secret plan on Friday evening.\n", encoding="utf-8"
    )
    (corpus / "tree" / "link.md").symlink_to(outside)
    result = run_cli("localize", "tree", "--to", "fr", "--engine", "pseudo", "--out", "out")
    assert result.exit_code == 0
    assert "tree/link.md: skipped: symbolic link to outside tree" in result.stderr
    assert sorted(p.name for p in (corpus / "out").iterdir()) == ["story.fr.md"]


def test_read_only_output_found_before_work_exits_2(corpus, run_cli, monkeypatch):
    (corpus / "ro").mkdir()
    real_access = __import__("os").access

    def access(path, mode):
        if str(path).endswith("ro") and mode & __import__("os").W_OK:
            return False  # as a read-only directory answers (root ignores chmod)
        return real_access(path, mode)

    monkeypatch.setattr("os.access", access)
    result = run_cli("localize", "bom.md", "--to", "fr", "--engine", "pseudo", "--out", "ro")
    assert result.exit_code == 2 and "ro is not writable" in result.stderr
    assert list((corpus / "ro").iterdir()) == []


def test_write_failure_during_the_run_exits_1_and_lists_the_file(corpus, run_cli, monkeypatch):
    import tempfile

    def refuse(*args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(tempfile, "mkstemp", refuse)
    result = run_cli(
        "localize", "bom.md", "coerce.md", "--to", "fr", "--engine", "pseudo", "--out", "out"
    )
    assert result.exit_code == 1
    assert "error: out/bom.fr.md: cannot write: Permission denied" in result.stderr
    assert "error: out/coerce.fr.md: cannot write: Permission denied" in result.stderr


def test_full_disk_keeps_the_previous_variant(corpus, run_cli, monkeypatch):
    import os

    assert (
        run_cli("localize", "bom.md", "--to", "fr", "--engine", "pseudo", "--out", "out").exit_code
        == 0
    )
    variant = corpus / "out" / "bom.fr.md"
    before = variant.read_bytes()
    real_write = os.write

    def full(fd, data):
        real_write(fd, bytes(data[: len(data) // 2]))
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "write", full)
    (corpus / "bom.md").write_bytes(
        (corpus / "bom.md").read_bytes() + b"\nA new paragraph was added later.\n"
    )
    result = run_cli("localize", "bom.md", "--to", "fr", "--engine", "pseudo", "--out", "out")
    assert result.exit_code == 1 and "No space left on device" in result.stderr
    assert variant.read_bytes() == before
    assert sorted(p.name for p in (corpus / "out").iterdir()) == ["bom.fr.md"]


def test_long_sentence_is_split_not_truncated_by_the_model(corpus, run_cli, installed):
    result = run_cli(
        "translate", "long-sentence.txt", "--to", "fr", "-o", "out/long.fr.txt", "--from", "en"
    )
    assert result.exit_code == 0, result.stderr
    assert "was split into" in result.stderr
    assert (corpus / "out" / "long.fr.txt").read_text(encoding="utf-8").strip()


def _alias_bomb(levels: int) -> str:
    names = [f"l{i}" for i in range(levels + 1)]
    lines = [f"{names[0]}: &{names[0]} [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for prev, name in zip(names, names[1:], strict=False):
        refs = ", ".join([f"*{prev}"] * 9)
        lines.append(f"{name}: &{name} [{refs}]")
    lines.append(f"title: *{names[-1]}")
    return "---\n" + "\n".join(lines) + "\n---\n\nThe council met on Monday and agreed.\n"


@pytest.mark.parametrize("fmt", ["md", "json"])
def test_yaml_alias_bomb_is_refused_in_one_line(run_cli, tmp_path, monkeypatch, fmt):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "bomb.md").write_text(_alias_bomb(9), encoding="utf-8")
    result = run_cli(
        "localize", "bomb.md", "--to", "fr", "--engine", "pseudo", "--out", "o", "--format", fmt
    )
    assert result.exit_code == 1
    assert "bomb.md:2: front matter: expands to over 100000 values" in result.stderr
    assert not list((tmp_path / "o").glob("*")) if (tmp_path / "o").exists() else True


def test_ordinary_aliases_still_read(write):
    from translator.frontmatter import load_yaml

    assert load_yaml("base: &b {x: 1}\nother: *b\n") == {"base": {"x": 1}, "other": {"x": 1}}
    deep = "a: " + "[" * 70 + "]" * 70
    with pytest.raises(ValueError, match="nested deeper than 64"):
        load_yaml(deep)
