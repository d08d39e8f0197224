"""Each source is read once per run: the freshness pre-pass, the plan and the
write share its bytes and its parse (counted through Python's audit hook for
``open``, which sees every open of this process)."""

from __future__ import annotations

import os
import shutil
import sys
from collections import Counter
from pathlib import Path

import pytest

from .conftest import SAMPLES

_OPENS: Counter[str] = Counter()
_WATCHED: list[Path] = []  # the folder whose files are counted; empty: nothing is


def _hook(event: str, args: tuple) -> None:
    if event == "open" and _WATCHED and isinstance(args[0], (str, bytes, os.PathLike)):
        path = os.path.realpath(os.fsdecode(args[0]))
        if path.startswith(str(_WATCHED[0]) + os.sep):
            _OPENS[os.path.basename(path)] += 1


sys.addaudithook(_hook)  # hooks stay for the process: this one counts only while watching


@pytest.fixture
def sources(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    folder = tmp_path / "src"
    folder.mkdir()
    for name in ("de-fahrrad.md", "es-incendio.txt", "council-budget.html"):
        shutil.copy(SAMPLES / name, folder / name)
    _OPENS.clear()
    _WATCHED[:] = [Path(os.path.realpath(folder))]
    yield folder
    _WATCHED.clear()


def _opens(run) -> dict[str, int]:
    _OPENS.clear()
    result = run()
    assert result.exit_code == 0, result.stderr
    return dict(_OPENS)


NAMES = ("council-budget.html", "de-fahrrad.md", "es-incendio.txt")


@pytest.mark.parametrize(
    "extra", [(), ("--from", "en"), ("--force",)], ids=["detected", "from", "force"]
)
def test_localize_opens_each_source_once(sources, run_cli, extra):
    args = ("localize", "src", "--to", "fr,de", "--engine", "pseudo", "--out", "out", *extra)
    first = _opens(lambda: run_cli(*args))
    assert first == dict.fromkeys(NAMES, 1), first
    again = _opens(lambda: run_cli(*args))  # fresh (or forced): no more than the hash
    assert again == dict.fromkeys(NAMES, 1), again


@pytest.mark.enable_socket
@pytest.mark.allow_hosts(["127.0.0.1"])
def test_localize_on_dask_opens_each_source_once(sources, monkeypatch):
    pytest.importorskip("distributed", reason="the dask extra is not installed")
    from translator.locales import parse_locales
    from translator.localize import LocalizeOptions, localize

    monkeypatch.delenv("TRANSLATOR_MEMORY", raising=False)
    options = LocalizeOptions(
        targets=parse_locales("fr"), out="out", engine="pseudo", executor="dask",
        cache=str(sources.parent / "m.sqlite3"), cluster_timeout=60,
    )  # fmt: skip
    _OPENS.clear()
    report = localize(["src"], options)
    assert report.ok, report.failures
    assert dict(_OPENS) == dict.fromkeys(NAMES, 1), dict(_OPENS)


def test_a_preview_under_another_name_is_passed_over(sources, run_cli):
    made = run_cli("preview", "src/es-incendio.txt", "--to", "fr", "--engine", "pseudo",
                   "-o", "src/look.html")  # fmt: skip
    assert made.exit_code == 0, made.stderr
    result = run_cli("localize", "src", "--to", "fr", "--engine", "pseudo", "--out", "out")
    assert result.exit_code == 0, result.stderr
    assert "src/look.html: skipped: a preview page written by translator preview" in result.stderr
    assert not (Path("out") / "look.fr.md").exists()
