"""The documentation is true: the guide names every command and option, the
generated reference matches the commands, the README's links lead somewhere
and CI runs the README's own commands."""

from __future__ import annotations

import importlib.util
import re

import click

from translator.cli import cli

from .conftest import ROOT
from .test_cli_detect import _commands

README = (ROOT / "README.md").read_text(encoding="utf-8")
GUIDE = (ROOT / "docs" / "guide.md").read_text(encoding="utf-8")
CI_RUN = (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def _generator():
    spec = importlib.util.spec_from_file_location("generate_cli", ROOT / "docs" / "generate_cli.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_command_is_in_the_guide():
    for path, _command in _commands(cli):
        assert f"translator {' '.join(path)}" in GUIDE, path


def test_every_option_is_in_the_guide():
    for path, command in _commands(cli):
        for param in command.params:
            if isinstance(param, click.Option):
                for opt in param.opts:
                    if opt.startswith("--") and opt != "--help":
                        assert opt in GUIDE, (path, opt)


def test_the_reference_is_what_its_generator_writes_now():
    generated = _generator().render()
    on_disk = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    assert on_disk == generated, "docs/cli.md is out of date: run python docs/generate_cli.py"


def test_the_reference_holds_every_command_s_usage_line():
    on_disk = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    for path, _command in _commands(cli):
        assert re.search(rf"^Usage: translator {' '.join(path)} ", on_disk, re.M), path


def _fenced_after(marker: str, text: str) -> str:
    """The fenced block right after an HTML-comment marker, as .ci/run reads it."""
    match = re.search(rf"<!-- {re.escape(marker)} -->\n```sh\n(.*?)\n```", text, re.S)
    assert match, f"README has no block after <!-- {marker} -->"
    return match.group(1)


def test_the_readme_holds_the_two_commands_ci_runs():
    setup = _fenced_after("ci: setup", README)
    tests = _fenced_after("ci: test", README)
    assert setup.startswith("python3 -m venv .venv") and "translator localize samples/" in setup
    assert tests == ".venv/bin/python -m pytest -rs"  # -rs: every skip says why
    # .ci/run reads the blocks out of the README rather than holding a copy
    assert "ci: setup" in CI_RUN and "ci: test" in CI_RUN
    assert "translator localize" not in CI_RUN and "-m pytest" not in CI_RUN


def test_ci_uses_the_pip_venv_gives():
    assert not re.search(r"pip[^\n]*install[^\n]*(--upgrade|-U)\b[^\n]*\bpip\b", CI_RUN)
    assert "pip check" in CI_RUN


def test_links_in_the_readme_and_docs_lead_to_files():
    for page in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        text = page.read_text(encoding="utf-8")
        for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", text):
            if "://" in target or target.startswith("mailto:"):
                continue
            assert (page.parent / target).exists(), (page.name, target)


def test_the_main_help_shows_the_main_job():
    assert "translator localize samples/" in (cli.help or "")
