"""Faults and hostile shapes: links, killed runs, broken or shared memories."""

from __future__ import annotations

import os
import signal
import sqlite3
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .conftest import ROOT

ARTICLE = (
    "A bridge for the town\n\nThe council met on Monday and agreed to repair the old bridge.\n"
)
LOCALIZE = ["localize", "small", "--to", "fr", "--engine", "pseudo", "--out", "o"]


@pytest.fixture
def small(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "small").mkdir()
    (tmp_path / "small" / "article-003.md").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "o").mkdir()
    return tmp_path


def _outside(tmp_path: Path) -> Path:
    victim = tmp_path / "elsewhere" / "victim"
    victim.parent.mkdir(exist_ok=True)
    victim.write_text("precious\n", encoding="utf-8")
    return victim


def test_symlink_variant_to_a_file_outside_is_replaced_not_followed(run_cli, small):
    victim = _outside(small)
    link = small / "o" / "article-003.fr.md"
    link.symlink_to(victim)
    result = run_cli(*LOCALIZE)
    assert result.exit_code == 0, result.stderr
    assert victim.read_text(encoding="utf-8") == "precious\n"
    assert not link.is_symlink() and "source_sha256" in link.read_text(encoding="utf-8")


def test_dangling_symlink_variant_creates_nothing_outside(run_cli, small):
    target = small / "elsewhere" / "created"
    (small / "elsewhere").mkdir()
    link = small / "o" / "article-003.fr.md"
    link.symlink_to(target)
    assert run_cli(*LOCALIZE).exit_code == 0
    assert not target.exists()
    assert link.is_file() and not link.is_symlink()


def test_symlink_variant_to_a_directory_is_replaced(run_cli, small):
    folder = small / "elsewhere"
    folder.mkdir()
    link = small / "o" / "article-003.fr.md"
    link.symlink_to(folder, target_is_directory=True)
    assert run_cli(*LOCALIZE).exit_code == 0
    assert list(folder.iterdir()) == []
    assert link.is_file() and not link.is_symlink()


def test_symlinked_parent_directory_inside_out_is_refused(run_cli, small):
    (small / "small" / "news").mkdir()
    (small / "small" / "news" / "story.md").write_text(ARTICLE, encoding="utf-8")
    folder = small / "elsewhere"
    folder.mkdir()
    (small / "o" / "news").symlink_to(folder, target_is_directory=True)
    result = run_cli(*LOCALIZE)
    assert result.exit_code == 2  # found while planning, before any work
    assert "story.md: its variant would be written outside --out" in result.stderr
    assert list(folder.iterdir()) == []


def test_writer_refuses_a_link_made_after_planning(tmp_path):
    """The writer itself checks each directory below --out (a link made mid-run)."""
    from translator.errors import InputError
    from translator.fsutil import write_atomic

    out = tmp_path / "o"
    out.mkdir()
    folder = tmp_path / "elsewhere"
    folder.mkdir()
    (out / "news").symlink_to(folder, target_is_directory=True)
    with pytest.raises(InputError, match="refused: a symbolic link inside"):
        write_atomic(out / "news" / "story.fr.md", "x", root=out)
    assert list(folder.iterdir()) == []


def test_symlinked_report_and_memory_are_not_followed(run_cli, small):
    victim = _outside(small)
    (small / "report.json").symlink_to(victim)
    result = run_cli(*LOCALIZE, "--report", "report.json")
    assert result.exit_code == 0
    assert victim.read_text(encoding="utf-8") == "precious\n"
    assert not (small / "report.json").is_symlink()
    (small / "memory.sqlite3").symlink_to(victim)
    result = run_cli(*LOCALIZE, "--force", "--cache", "memory.sqlite3")
    assert result.exit_code == 2 and "is a symbolic link" in result.stderr
    assert victim.read_text(encoding="utf-8") == "precious\n"


def test_dangling_out_link_is_one_usage_error(run_cli, small):
    (small / "gone").symlink_to(small / "nowhere")
    result = run_cli("localize", "small", "--to", "fr", "--engine", "pseudo", "--out", "gone")
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == ["Error: --out gone is a broken symbolic link"]


def test_published_files_get_the_umask_mode(run_cli, small):
    old = os.umask(0o022)
    try:
        assert run_cli(*LOCALIZE).exit_code == 0
    finally:
        os.umask(old)
    mode = stat.S_IMODE((small / "o" / "article-003.fr.md").stat().st_mode)
    assert mode == 0o644


def test_temporaries_of_a_killed_run_are_removed_by_the_next(run_cli, small):
    stale = small / "o" / ".translator-tmp-abc123"
    stale.write_text("half a variant", encoding="utf-8")
    result = run_cli(*LOCALIZE)
    assert result.exit_code == 0
    assert not stale.exists()
    assert "removed 1 temporary file(s) left by an interrupted run" in result.stderr
    assert sorted(p.name for p in (small / "o").iterdir()) == ["article-003.fr.md"]


def test_kill_9_mid_run_then_rerun_is_clean(small):
    """A real process killed with SIGKILL while writing; the next run tidies up."""
    for i in range(40):
        (small / "small" / f"a{i:02d}.md").write_text(ARTICLE * 20, encoding="utf-8")
    command = [sys.executable, "-m", "translator", *LOCALIZE, "--quiet"]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(command, cwd=small, env=env)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and len(list((small / "o").iterdir())) < 5:
        time.sleep(0.01)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    done = subprocess.run(command, cwd=small, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    names = sorted(p.name for p in (small / "o").iterdir())
    assert not [n for n in names if n.startswith(".translator-tmp-")]
    assert len(names) == 41


def test_second_run_on_the_same_output_is_refused_before_reading(run_cli, small, monkeypatch):
    from filelock import FileLock

    from translator import localize as loc

    opened: list[str] = []
    real_open = open

    def spy(file, *args, **kwargs):
        if "small" in str(file):
            opened.append(str(file))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr("builtins.open", spy)
    lock = FileLock(str(loc._lock_path("o", ("small",))))
    with lock:
        result = run_cli(*LOCALIZE)
    assert result.exit_code == 2 and "another translator localize" in result.stderr
    assert opened == []  # refused before any input was read or hashed


def test_no_cache_with_an_unwritable_cache_dir(run_cli, small, monkeypatch):
    blocker = small / "not-a-dir"
    blocker.write_text("", encoding="utf-8")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))  # mkdir under a file fails
    result = run_cli(*LOCALIZE, "--no-cache")
    assert result.exit_code == 0, result.stderr


def test_fault_source_changed_during_the_run_is_not_recorded_fresh(run_cli, small, monkeypatch):
    from translator import pipeline
    from translator.fsutil import file_sha256
    from translator.variants import read_metadata

    source = small / "small" / "article-003.md"
    real = pipeline.load_article

    def read_then_change(path, options=None, data=None):
        article = real(path, options, data)
        Path(path).write_text(ARTICLE + "\nA sentence added while the run went on.\n")
        return article

    monkeypatch.setattr("translator.localize.load_article", read_then_change)
    assert run_cli(*LOCALIZE).exit_code == 0
    recorded = read_metadata(small / "o" / "article-003.fr.md")["source_sha256"]
    assert recorded != file_sha256(source)  # the bytes translated, not the new ones
    assert run_cli("coverage", "small", "--locales", "fr", "--variants", "o").exit_code == 1


def test_fault_missing_source_fails_that_file_only(run_cli, small, monkeypatch):
    (small / "small" / "other.md").write_text(ARTICLE, encoding="utf-8")
    from translator import pipeline

    real = pipeline.load_article
    calls = []

    def vanish(path, options=None, data=None):
        calls.append(path)
        if path.endswith("other.md") and len(calls) > 2:
            os.unlink(path)
        return real(path, options, data)

    monkeypatch.setattr("translator.localize.load_article", vanish)
    result = run_cli(*LOCALIZE, "--from", "en")
    assert (small / "o" / "article-003.fr.md").is_file()
    assert result.exit_code in (0, 1)
    assert "unexpected" not in result.stderr


def test_memory_that_cannot_be_written_lets_the_run_finish(run_cli, small, monkeypatch):
    from translator.memory import Memory

    def readonly(self, rows):
        raise sqlite3.OperationalError("attempt to write a readonly database")

    monkeypatch.setattr(Memory, "put_many", readonly)
    result = run_cli(*LOCALIZE, "--cache", "m.sqlite3")
    assert result.exit_code == 1
    assert (small / "o" / "article-003.fr.md").is_file()
    warnings = [line for line in result.stderr.splitlines() if "readonly" in line]
    assert len(warnings) == 1 and warnings[0].startswith("warning: cannot save")


def test_corrupt_memory_gets_one_line_and_cache_clear_sets_it_aside(run_cli, small):
    bad = small / "m.sqlite3"
    bad.write_bytes(b"this is not a database, it is someone's notes" * 100)
    result = run_cli(*LOCALIZE, "--cache", "m.sqlite3")
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "m.sqlite3 is broken" in lines[0] and "--no-cache" in lines[0]
    cleared = run_cli("cache", "clear", "--cache", "m.sqlite3")
    assert cleared.exit_code == 0 and "moved the broken memory aside" in cleared.stderr
    kept = [p for p in small.iterdir() if p.name.startswith("m.sqlite3.broken-")]
    assert kept and kept[0].read_bytes().startswith(b"this is not a database")
    assert run_cli(*LOCALIZE, "--cache", "m.sqlite3").exit_code == 0


def test_sqlite_file_that_is_not_a_memory_is_never_overwritten(run_cli, small):
    other = small / "app.db"
    db = sqlite3.connect(other)
    db.execute("CREATE TABLE users (name TEXT)")
    db.commit()
    db.close()
    result = run_cli(*LOCALIZE, "--cache", "app.db")
    assert result.exit_code == 2 and "not a translation memory" in result.stderr
    assert sqlite3.connect(other).execute("SELECT name FROM sqlite_master").fetchall() == [
        ("users",)
    ]


def test_concurrent_runs_create_one_memory(small):
    """Four processes create and fill the same new memory at once."""
    script = (
        "import sys; from translator.memory import Memory, SegmentMemory;"
        "from translator.engines import get_engine;"
        "m = SegmentMemory(get_engine('pseudo'), Memory(sys.argv[1]));"
        "m.remember([('hello %s' % sys.argv[2], 'bonjour')], 'en', 'fr');"
        "assert m.error is None, m.error"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    for attempt in range(5):
        memory = small / f"shared-{attempt}.sqlite3"
        procs = [
            subprocess.Popen([sys.executable, "-c", script, str(memory), str(i)], env=env)
            for i in range(4)
        ]
        assert [p.wait() for p in procs] == [0, 0, 0, 0]
        count = sqlite3.connect(memory).execute("SELECT COUNT(*) FROM memory").fetchone()[0]
        assert count == 4


# -- a real full disk: a small tmpfs (mounting needs root; CI runs as root) --


@pytest.fixture
def tmpfs(tmp_path):
    """Mount a tmpfs of the given size in KiB under tmp_path; unmounted afterwards."""
    mounted: list[Path] = []

    def mount(name: str, kib: int) -> Path:
        point = tmp_path / name
        point.mkdir()
        done = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", f"size={kib}k", "tmpfs", str(point)],
            capture_output=True,
            text=True,
        )
        if done.returncode != 0:
            pytest.skip(f"cannot mount a tmpfs here (needs root): {done.stderr.strip()}")
        mounted.append(point)
        return point

    yield mount
    for point in mounted:
        subprocess.run(["umount", "-l", str(point)], check=False)


def _articles(folder: Path, count: int) -> None:
    folder.mkdir()
    body = "\n\n".join(
        f"Paragraph {i} of the report says the council met again on Monday." for i in range(40)
    )
    for n in range(count):
        (folder / f"a{n:02d}.md").write_text(f"# Report {n}\n\n{body}\n", encoding="utf-8")


def test_diskfull_tmpfs_output_fails_per_file_and_leaves_no_partial_file(
    run_cli, tmp_path, tmpfs, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    _articles(tmp_path / "in", 12)
    out = tmpfs("out", 64)  # room for some variants (about 9 KB each), not all
    result = run_cli(
        "localize", "in", "--to", "fr", "--engine", "pseudo", "--no-cache", "--out", str(out)
    )
    assert result.exit_code == 1
    assert "Traceback" not in result.stderr
    failed = [ln for ln in result.stderr.splitlines() if ln.startswith("error:")]
    written = sorted(p.name for p in out.iterdir())
    assert failed and written, result.stderr
    assert all("No space left on device" in ln for ln in failed)
    assert len(failed) + len(written) == 12
    assert not [n for n in written if n.startswith(".translator-tmp")]
    for name in written:  # every file there is whole
        assert (out / name).read_text(encoding="utf-8").rstrip().endswith("~]")


def test_diskfull_tmpfs_memory_lets_the_run_finish(run_cli, tmp_path, tmpfs, monkeypatch):
    monkeypatch.chdir(tmp_path)
    _articles(tmp_path / "in", 12)
    cache = tmpfs("cache", 48)
    result = run_cli(
        "localize", "in", "--to", "fr", "--engine", "pseudo",
        "--cache", str(cache / "m.sqlite3"), "--out", "out",
    )  # fmt: skip
    assert result.exit_code == 1, result.stderr
    assert len(list((tmp_path / "out").iterdir())) == 12, result.stderr
    warnings = [ln for ln in result.stderr.splitlines() if "full" in ln]
    assert len(warnings) == 1 and warnings[0].startswith("warning: cannot save"), result.stderr
