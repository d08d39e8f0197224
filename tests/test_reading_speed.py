"""What makes reading fast, kept honest: worker processes (``--jobs``),
langdetect's packed profiles and ``--from`` without detection."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from langdetect import DetectorFactory, detector_factory

from translator import chrome, langid
from translator.detect import analyze
from translator.readers import text as text_reader

from .conftest import SAMPLES

ROOT = Path(__file__).resolve().parents[1]


def _translator(*args: object, **kwargs: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "translator", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        **kwargs,  # type: ignore[call-overload]
    )


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """The samples, twice over, and one file no reader takes."""
    pages = tmp_path / "pages"
    for copy in ("a", "b"):
        shutil.copytree(SAMPLES, pages / copy)
    (pages / "a" / "broken.txt").write_bytes(b"\x7fELF\x02\x01\x00\x00binary")
    return pages


@pytest.mark.parametrize("command", ["extract", "detect"])
def test_workers_give_the_same_report_in_the_same_order(folder, command):
    one = _translator(command, folder, "--format", "json", "--jobs", "1")
    three = _translator(command, folder, "--format", "json", "--jobs", "3")
    assert one.returncode == three.returncode == 1  # the broken file, listed
    assert one.stdout == three.stdout
    assert one.stderr == three.stderr
    results = json.loads(three.stdout)
    paths = [r["path"] for r in results]
    assert len(paths) == 13 and paths == sorted(paths)
    failed = [r for r in results if "error" in r]
    assert [r["path"] for r in failed] == [str(folder / "a" / "broken.txt")]
    # the error came back whole from its worker, the byte it names included
    assert f"{folder / 'a' / 'broken.txt'}: byte 6: binary file" in failed[0]["error"]
    assert three.stderr.count("\n") == 1 and "broken.txt: byte 6: binary file" in three.stderr


def _children(pid: int) -> list[int]:
    found = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(c) for c in found.read_text().split()] if found.exists() else []


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="needs Linux's /proc")
def test_ctrl_c_stops_the_workers_and_ends_with_130(tmp_path):
    pages = tmp_path / "pages"
    pages.mkdir()
    page = (SAMPLES / "council-budget.html").read_bytes()
    for n in range(400):
        (pages / f"p{n:03}.html").write_bytes(page)
    proc = subprocess.Popen(
        [sys.executable, "-m", "translator", "extract", str(pages), "--jobs", "2"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own group: Ctrl-C reaches the run and its workers
    )
    deadline = time.monotonic() + 60
    while len(_children(proc.pid)) < 2 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    workers = _children(proc.pid)
    assert len(workers) >= 2, "the workers never started"
    time.sleep(0.3)  # the workers are reading pages
    os.killpg(proc.pid, signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130
    assert "Traceback" not in err and "KeyboardInterrupt" not in err
    assert "interrupted" in err
    assert out == ""
    for pid in workers:
        assert not Path(f"/proc/{pid}").exists() or "Z" in _state(pid)


def _state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    except OSError:
        return "Z"


@pytest.fixture
def fresh_profiles():
    """langdetect's table loaded anew in this test (and again after it)."""
    langid._factory.cache_clear()
    yield
    langid._factory.cache_clear()


def test_packed_profiles_are_langdetects_own_table(fresh_profiles):
    first = langid._factory()  # packs the table into this test's cache
    packed = langid._packed_path()
    assert packed.is_file()
    langid._factory.cache_clear()
    again = langid._factory()  # read back from the packed file
    own = DetectorFactory()
    own.load_profile(detector_factory.PROFILES_DIRECTORY)
    for loaded in (first, again):
        assert loaded.langlist == own.langlist
        assert set(loaded.word_lang_prob_map) == set(own.word_lang_prob_map)
    for ngram, probs in own.word_lang_prob_map.items():
        assert again.word_lang_prob_map[ngram] == probs  # the very doubles, unpacked
    assert langid.detect("Le conseil municipal a voté le budget jeudi soir.")[0][0] == "fr"


def test_a_damaged_packed_file_is_read_from_langdetect_again(fresh_profiles):
    langid._factory()
    packed = langid._packed_path()
    whole = packed.read_bytes()
    for damaged in (whole[: len(whole) // 2], whole[:-1] + bytes([whole[-1] ^ 1]), b"", b"x"):
        packed.write_bytes(damaged)
        langid._factory.cache_clear()
        factory = langid._factory()
        assert len(factory.langlist) == 55
        assert packed.read_bytes() == whole  # packed again, whole
    assert langid.best("The council approved the budget on Thursday evening.")[0] == "en"


def test_a_cache_that_cannot_be_written_is_no_error(fresh_profiles, tmp_path, monkeypatch):
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the cache folder would be")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocked))
    assert len(langid._factory().langlist) == 55
    assert langid.best("Der Stadtrat hat am Donnerstag den Haushalt beschlossen.")[0] == "de"


BODY = (
    "The council approved the new budget on Thursday after a long debate.\n\n"
    "Residents asked for more money for the libraries and the old bridge.\n\n"
    "The mayor said the repairs would start in the spring and end next year.\n"
)


def _read(text: str, language: str | None, monkeypatch) -> tuple[object, list[str]]:
    asked: list[str] = []
    real = langid.detect

    def counted(line: str, trials: int = langid.FULL_TRIALS) -> list[tuple[str, float]]:
        asked.append(line)
        return real(line, trials)

    monkeypatch.setattr(langid, "detect", counted)
    return analyze(text_reader.parse("page.txt", text), language), asked


def test_from_reads_no_language_where_every_line_agrees(monkeypatch):
    article, asked = _read("About the city\n\nBudget for the city\n\n" + BODY, "en", monkeypatch)
    assert asked == []  # no vote, no block read
    assert article.language == "en" and article.confidence == 1.0
    assert {b.language for b in article.content_blocks} == {"en"}
    _, detected = _read("About the city\n\nBudget for the city\n\n" + BODY, None, monkeypatch)
    assert detected  # without --from, the same page is read by langdetect


def test_from_still_drops_short_lines_in_another_language(monkeypatch):
    page = (
        "مرحبا بكم\n\nNoticias de hoy\n\nJetzt kostenlos abonnieren\n\nBudget for the city\n\n"
        + BODY
    )
    article, asked = _read(page, "en", monkeypatch)
    foreign = [b.text for b in article.blocks if b.chrome == chrome.FOREIGN]
    assert foreign == ["مرحبا بكم", "Noticias de hoy", "Jetzt kostenlos abonnieren"]
    # another script needs no langdetect; the two Latin lines without enough
    # common English words do (the headline has them: "for", "the", "city")
    assert asked == ["Noticias de hoy", "Jetzt kostenlos abonnieren"]
    assert article.title == "Budget for the city"
    detected, _ = _read(page, None, monkeypatch)
    assert [b.text for b in detected.blocks if b.chrome == chrome.FOREIGN] == foreign


def test_spawned_workers_give_the_same_report(monkeypatch):
    """Where a system cannot fork (macOS, Windows), workers are spawned: each
    starts Python anew and loads what it needs; the report is the same."""
    from translator import parallel
    from translator.pipeline import extract_paths

    one = extract_paths([str(SAMPLES)], jobs=1).as_dict()
    monkeypatch.setattr(parallel.multiprocessing, "get_all_start_methods", lambda: ["spawn"])
    warmed: list[bool] = []
    monkeypatch.setattr(langid, "warm", lambda: warmed.append(True))
    assert extract_paths([str(SAMPLES)], jobs=2).as_dict() == one
    assert warmed == []  # nothing loaded here for workers that do not share it
