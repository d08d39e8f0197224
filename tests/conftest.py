from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def run_cli(runner, monkeypatch):
    """Run the CLI in-process; returns click's Result with stdout/stderr apart."""
    from translator.cli import cli

    def run(*args: str, cwd: Path | None = None):
        if cwd is not None:
            monkeypatch.chdir(cwd)
        result = runner.invoke(cli, [str(a) for a in args], catch_exceptions=False)
        assert "Traceback" not in result.stderr
        return result

    return run


@pytest.fixture
def write(tmp_path):
    """Write bytes or text under tmp_path and return the path."""

    def _write(name: str, content: str | bytes) -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, str):
            path.write_text(content, encoding="utf-8")
        else:
            path.write_bytes(content)
        return path

    return _write


def pytest_configure(config):
    os.environ.setdefault("TRANSLATOR_TESTING", "1")
