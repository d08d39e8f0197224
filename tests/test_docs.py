"""Every command and option is documented in the README."""

from __future__ import annotations

import click

from translator.cli import cli

from .conftest import ROOT
from .test_cli_detect import _commands

README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_every_command_is_in_the_readme():
    for path, _command in _commands(cli):
        assert f"translator {' '.join(path)}" in README, path


def test_every_option_is_in_the_readme():
    for path, command in _commands(cli):
        for param in command.params:
            if isinstance(param, click.Option):
                for opt in param.opts:
                    if opt.startswith("--") and opt != "--help":
                        assert opt in README, (path, opt)
