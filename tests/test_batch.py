"""Batch runs: translation memory, freshness, locks, reports, progress, Ctrl-C."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from filelock import FileLock

from translator import localize as loc
from translator.locales import parse_locales
from translator.memory import Memory

from .conftest import ROOT, SAMPLES

PARAGRAPHS = [
    "The harbour committee met on {day} to discuss the ferry timetable for article {n}.",
    "Officials said that {n} new benches would be installed near the quay before summer.",
    "The regional port authority repeated that the terminal opened on Thursday.",
    "Local shop owners asked for more parking near the quay, again.",
]


def make_corpus(folder: Path, count: int) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    days = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]
    for n in range(count):
        body = "\n".join(p.format(day=days[n % 5], n=n) for p in PARAGRAPHS)
        (folder / f"article-{n:03d}.txt").write_text(
            f"Harbour news number {n}\n{body}\n", encoding="utf-8"
        )
    return folder


def _options(out: Path, cache: Path, **kw) -> loc.LocalizeOptions:
    return loc.LocalizeOptions(
        targets=parse_locales("fr"), out=str(out), engine="argos", cache=str(cache), **kw
    )


def test_memory_means_no_model_call_the_second_time(installed, tmp_path):
    corpus = make_corpus(tmp_path / "corpus", 6)
    first = loc.localize([str(corpus)], _options(tmp_path / "out", tmp_path / "tm.sqlite3"))
    # the two repeated paragraphs of every article are translated once in the run
    assert first.segments_translated == 6 * 3 + 2 and first.segments_from_memory == 6 * 2 - 2
    assert first.model_calls == first.segments_translated
    again = loc.localize(
        [str(corpus)], _options(tmp_path / "out", tmp_path / "tm.sqlite3", force=True)
    )
    assert again.model_calls == 0 and again.segments_translated == 0
    assert again.segments_from_memory == 6 * 5
    assert all(not v.written for v in again.variants)  # same bytes: nothing rewritten
    fresh = loc.localize([str(corpus)], _options(tmp_path / "out", tmp_path / "tm.sqlite3"))
    assert [v.skipped for v in fresh.variants] == [True] * 6 and fresh.model_calls == 0
    no_cache = loc.localize(
        [str(corpus)],
        _options(tmp_path / "out", tmp_path / "tm.sqlite3", force=True, use_cache=False),
    )
    assert no_cache.model_calls == first.model_calls


def test_memory_is_wal_and_managed_by_cache_commands(run_cli, tmp_path):
    cache = tmp_path / "tm.sqlite3"
    assert (
        run_cli(
            "localize",
            SAMPLES / "es-incendio.txt",
            "--to",
            "fr",
            "--engine",
            "pseudo",
            "--out",
            tmp_path / "o",
            "--cache",
            cache,
        ).exit_code
        == 0
    )
    mode = sqlite3.connect(cache).execute("PRAGMA journal_mode").fetchone()[0]
    assert mode == "wal"
    stats = run_cli("cache", "stats", "--cache", cache)
    assert "pseudo: " in stats.stdout and " 0 entries" not in stats.stdout
    assert "removed" in run_cli("cache", "clear", "--cache", cache).stdout
    assert Memory(cache).stats().entries == 0


def test_second_run_on_the_same_output_fails_fast(run_cli, tmp_path):
    out = tmp_path / "out"
    lock = FileLock(str(loc._lock_path(str(out), [])))
    with lock:
        result = run_cli(
            "localize",
            SAMPLES / "es-incendio.txt",
            "--to",
            "fr",
            "--engine",
            "pseudo",
            "--out",
            out,
        )
    assert result.exit_code == 2 and "another translator localize is writing to" in result.stderr


def test_report_json_and_quiet(run_cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "in").mkdir()
    for sample in ("es-incendio.txt", "fr-marche.md"):
        (tmp_path / "in" / sample).write_bytes((SAMPLES / sample).read_bytes())
    (tmp_path / "in" / "broken.txt").write_bytes(b"\xff\xfe broken")
    result = run_cli(
        "localize",
        "in",
        "--to",
        "fr,de",
        "--engine",
        "pseudo",
        "--out",
        "out",
        "--report",
        "r.json",
        "--quiet",
    )
    assert result.exit_code == 1
    assert result.stdout == "" and "progress:" not in result.stderr
    report = json.loads((tmp_path / "r.json").read_text())
    assert report["files"] == {"ok": 2, "skipped": 0, "failed": 1}
    segments = report["segments"]
    assert segments["translated"] + segments["from_memory"] > 0 and set(segments) == {
        "translated",
        "from_memory",
        "human_edits_kept",
    }
    assert (
        report["failures"][0]["path"] == "in/broken.txt"
        and "invalid UTF-8" in report["failures"][0]["reason"]
    )
    assert isinstance(report["seconds"], float)


def test_plain_progress_lines_when_not_a_terminal(run_cli, tmp_path):
    result = run_cli(
        "localize", SAMPLES, "--to", "fr", "--engine", "pseudo", "--out", tmp_path / "o"
    )
    lines = [ln for ln in result.stderr.splitlines() if ln.startswith("progress:")]
    # counted in segments (every segment of the six sources), then variants
    assert lines[-1].startswith("progress: 44/44 segments (100%), 6/6 variants")
    again = run_cli(
        "localize", SAMPLES, "--to", "fr", "--engine", "pseudo", "--out", tmp_path / "o"
    )
    # nothing to do: every source fresh, so no segment count, variants only
    assert "progress: 6/6 variants" in again.stderr


def test_the_time_left_follows_the_recent_rate():
    from translator.progress import RateEstimator

    eta = RateEstimator(window=10.0)
    eta.add(0, now=0.0)
    eta.add(10, now=20.0)  # a slow start: 0.5 a second
    eta.add(100, now=25.0)  # then 20 a second
    eta.add(100, now=30.0)
    left = eta.remaining(1210, now=30.0)
    assert left is not None and 45 <= left <= 55  # 1000 left at 20 a second, not 0.5
    assert RateEstimator().remaining(10) is None


def test_worker_processes_give_the_same_files(installed, tmp_path):
    corpus = make_corpus(tmp_path / "corpus", 8)
    inline = loc.localize([str(corpus)], _options(tmp_path / "a", tmp_path / "a.sqlite3"))
    workers = loc.localize(
        [str(corpus)],
        _options(
            tmp_path / "b", tmp_path / "b.sqlite3", jobs=2, executor="processes", batch_segments=7
        ),
    )
    assert workers.model_calls == inline.model_calls
    for a in sorted((tmp_path / "a").iterdir()):
        assert a.read_bytes() == (tmp_path / "b" / a.name).read_bytes()


def _run(args: list[str], env: dict[str, str], **kw) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "translator", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
        cwd=ROOT,
        **kw,
    )


def test_ctrl_c_at_half_way_then_resume_gives_the_uninterrupted_result(
    installed, fixture_packages, tmp_path
):
    from translator import packages

    packages.install_archive(fixture_packages["en_es"])
    corpus = make_corpus(tmp_path / "corpus", 40)
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    common = ["localize", str(corpus), "--to", "fr,es", "--batch-files", "4", "--jobs", "1"]
    reference = _run(
        [*common, "--out", str(tmp_path / "ref"), "--cache", str(tmp_path / "ref.sqlite3")], env
    )
    assert reference.wait(timeout=300) == 0, reference.stderr.read()

    out = tmp_path / "out"
    args = [*common, "--out", str(out), "--cache", str(tmp_path / "tm.sqlite3")]
    proc = _run(args, env)
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline and proc.poll() is None:
        if out.is_dir() and len([p for p in out.iterdir() if p.suffix == ".md"]) >= 40:
            os.killpg(proc.pid, signal.SIGINT)  # as a terminal sends it: the whole group
            break
        time.sleep(0.02)
    assert proc.wait(timeout=60) == 130, proc.stderr.read()
    assert "interrupted" in proc.stderr.read()
    done = sorted(p.name for p in out.iterdir())
    assert 40 <= len(done) < 80, "the run was not stopped half-way"
    assert all(p.endswith(".md") for p in done), "a temporary file was left behind"
    for name in done:  # every file already there is complete
        assert (out / name).read_bytes() == (tmp_path / "ref" / name).read_bytes()

    rerun = _run(args, env)
    assert rerun.wait(timeout=300) == 0
    summary = rerun.stderr.read()
    assert f"{len(done)} skipped (fresh)" in summary
    assert sorted(p.name for p in out.iterdir()) == sorted(
        p.name for p in (tmp_path / "ref").iterdir()
    )
    for path in out.iterdir():
        assert path.read_bytes() == (tmp_path / "ref" / path.name).read_bytes()


def test_skip_missing_pairs_does_the_rest(run_cli, installed, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    corpus = make_corpus(tmp_path / "corpus", 3)
    args = ["localize", str(corpus), "--to", "fr,ar", "--out", "out", "--cache", "m.sqlite3"]
    refused = run_cli(*args)
    assert refused.exit_code == 2 and "--skip-missing-pairs" in refused.stderr
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())
    result = run_cli(*args, "--skip-missing-pairs", "--report", "r.json")
    assert result.exit_code == 1
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        f"article-{n:03d}.fr.md" for n in range(3)
    ]
    skipped = [ln for ln in result.stderr.splitlines() if ln.startswith("warning: skipped:")]
    assert len(skipped) == 1 and "translator models install --from en --to ar" in skipped[0]
    errors = [ln for ln in result.stderr.splitlines() if ln.startswith("error:")]
    assert len(errors) == 3 and all("no model for en → ar" in ln for ln in errors)
    report = json.loads((tmp_path / "r.json").read_text())
    assert report["missing_pairs"] == ["en-ar"]
