"""The batch on Dask distributed: a LocalCluster of 2 worker processes on loopback."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time

import pytest

from translator import localize as loc
from translator.errors import ClusterError

from .conftest import SAMPLES
from .test_batch import _options, make_corpus

distributed = pytest.importorskip("distributed", reason="the dask extra is not installed")

pytestmark = [pytest.mark.enable_socket, pytest.mark.allow_hosts(["127.0.0.1"])]


def _files(folder) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_dask_gives_the_local_executor_files(installed, tmp_path):
    corpus = make_corpus(tmp_path / "corpus", 10)
    environ = dict(os.environ)
    local = loc.localize([str(corpus)], _options(tmp_path / "local", tmp_path / "l.sqlite3"))
    remote = loc.localize(
        [str(corpus)],
        _options(
            tmp_path / "dask", tmp_path / "d.sqlite3", executor="dask", jobs=2, batch_segments=4
        ),
    )
    assert not remote.failures
    assert _files(tmp_path / "dask") == _files(tmp_path / "local")
    assert remote.model_calls == local.model_calls
    assert sum(w["segments"] for w in remote.workers.values()) == remote.segments_translated
    assert "workers" in remote.as_dict()
    again = loc.localize(
        [str(corpus)],
        _options(tmp_path / "dask", tmp_path / "d.sqlite3", executor="dask", jobs=2, force=True),
    )
    assert again.model_calls == 0 and again.workers == {}  # everything came from the memory
    assert dict(os.environ) == environ  # the nanny's OMP_NUM_THREADS=1 etc. did not stay


def test_a_killed_worker_does_not_stop_the_run(installed, tmp_path):
    corpus = make_corpus(tmp_path / "corpus", 16)
    environ = dict(os.environ)  # this test's own cluster changes it; put back below
    loc.localize([str(corpus)], _options(tmp_path / "local", tmp_path / "l.sqlite3"))
    cluster = distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None
    )
    client = distributed.Client(cluster)
    try:
        pids = list(client.run(os.getpid).values())

        class KillOne(loc.Progress):
            killed = False

            def segments(self, done: int) -> None:
                if not self.killed:
                    os.kill(pids[0], signal.SIGKILL)  # a worker dies mid-run
                    self.killed = True

        progress = KillOne()
        report = loc.localize(
            [str(corpus)],
            _options(
                tmp_path / "dask",
                tmp_path / "d.sqlite3",
                executor="dask",
                scheduler=cluster.scheduler_address,
                batch_segments=2,
            ),  # fmt: skip
            progress,
        )
        assert progress.killed
        assert not report.failures
        assert _files(tmp_path / "dask") == _files(tmp_path / "local")
        # the worker that survived (started by a nanny) had its malloc thresholds restored
        assert True in client.run(_retuned).values()
    finally:
        client.close()
        cluster.close()
        os.environ.clear()
        os.environ.update(environ)


def _retuned() -> bool:
    from translator import executors

    return executors._malloc_retuned


def test_malloc_thresholds_are_restored_once_and_only_when_fixed(tmp_path):
    import subprocess
    import sys

    probe = "from translator.executors import restore_malloc_thresholds as r; print(r(), r())"
    env = {k: v for k, v in os.environ.items() if k != "MALLOC_TRIM_THRESHOLD_"}
    plain = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True)
    fixed = subprocess.run(
        [sys.executable, "-c", probe],
        env={**env, "MALLOC_TRIM_THRESHOLD_": "65536"},
        capture_output=True,
        text=True,
    )
    assert plain.stdout.split() == ["False", "False"]
    assert fixed.stdout.split() == ["True", "False"]


def test_without_the_extra_the_hint_is_given(monkeypatch, run_cli, tmp_path):
    import builtins

    real_import = builtins.__import__

    def no_distributed(name, *args, **kwargs):
        if name == "distributed" or name.startswith("distributed."):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_distributed)
    from .conftest import SAMPLES

    result = run_cli(
        "localize",
        SAMPLES / "es-incendio.txt",
        "--to",
        "fr",
        "--engine",
        "pseudo",
        "--out",
        tmp_path / "o",
        "--executor",
        "dask",
    )
    assert result.exit_code == 2 and "pip install 'translator[dask]'" in result.stderr


# -- faults: addresses that are not a scheduler, a scheduler or workers lost mid-run --


@contextlib.contextmanager
def _process(argv: list[str]):
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        yield proc
    finally:
        proc.kill()
        proc.wait()


@contextlib.contextmanager
def _scheduler(tmp_path):
    """A Dask scheduler in its own process on loopback: (its address, the process)."""
    tmp_path.mkdir(parents=True, exist_ok=True)
    file = tmp_path / "scheduler.json"
    argv = [sys.executable, "-m", "distributed.cli.dask_scheduler", "--host", "127.0.0.1"]
    argv += ["--port", "0", "--no-dashboard", "--scheduler-file", str(file)]
    with _process(argv) as proc:
        for _ in range(600):
            try:
                address = json.loads(file.read_text(encoding="utf-8"))["address"]
                break
            except (OSError, ValueError, KeyError):
                assert proc.poll() is None, "the scheduler did not start"
                time.sleep(0.1)
        else:
            raise AssertionError("the scheduler wrote no address")
        yield address, proc


def _worker(address: str):
    argv = [sys.executable, "-m", "distributed.cli.dask_worker", address, "--nthreads", "1"]
    return _process(argv + ["--no-nanny", "--no-dashboard", "--host", "127.0.0.1"])


def _translator(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """The CLI in its own process, so that Dask's log handlers write to what is checked.
    (The timeout only stops a hang from stalling the suite; no time is asserted.)"""
    argv = [sys.executable, "-m", "translator", *args]
    return subprocess.run(argv, capture_output=True, text=True, timeout=timeout)


class _Listener(threading.Thread):
    """A loopback server that accepts and then stays silent, or answers in HTTP."""

    def __init__(self, answer: bytes | None) -> None:
        super().__init__(daemon=True)
        self.answer = answer
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.address = f"tcp://127.0.0.1:{self.sock.getsockname()[1]}"
        self.held: list[socket.socket] = []

    def run(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            if self.answer is None:
                self.held.append(conn)
            else:
                conn.sendall(self.answer)
                conn.close()

    def close(self) -> None:
        self.sock.close()
        for conn in self.held:
            conn.close()


def _refused_address() -> str:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    return f"tcp://127.0.0.1:{port}"


HTTP_ANSWER = b"HTTP/1.0 400 Bad Request\r\nContent-Length: 11\r\n\r\nbad request"


@pytest.mark.parametrize(
    "kind, expected",
    [
        ("silent", "no Dask scheduler answered at tcp://127.0.0.1:"),
        ("http", "is not a Dask scheduler: what answers there speaks another protocol"),
        ("refused", "no Dask scheduler "),  # refused until the deadline
        ("notaurl", "--scheduler notaurl is not a scheduler address"),
        ("scheme", "--scheduler http://127.0.0.1:8786 is not a scheduler address"),
    ],
)
def test_dask_address_that_is_no_scheduler_fails_in_one_line(kind, expected, tmp_path):
    listener = _Listener(None if kind == "silent" else HTTP_ANSWER)
    listener.start()
    address = {
        "silent": listener.address,
        "http": listener.address,
        "refused": _refused_address(),
        "notaurl": "notaurl",
        "scheme": "http://127.0.0.1:8786",
    }[kind]
    try:
        result = _translator(
            "localize", str(SAMPLES / "es-incendio.txt"), "--to", "fr", "--engine", "pseudo",
            "--no-cache", "--out", str(tmp_path / "out"), "--executor", "dask",
            "--scheduler", address, "--dask-timeout", "2",
        )  # fmt: skip
    finally:
        listener.close()
    assert result.returncode == 2, result.stderr
    assert result.stderr.count("\n") == 1 and expected in result.stderr, result.stderr
    assert not (tmp_path / "out").exists()


def test_dask_cluster_without_workers_ends_in_one_line_without_dask_logs(tmp_path):
    with _scheduler(tmp_path) as (address, _proc):
        result = _translator(
            "localize", str(SAMPLES / "es-incendio.txt"), "--to", "fr", "--engine", "pseudo",
            "--no-cache", "--out", str(tmp_path / "out"), "--executor", "dask",
            "--scheduler", address, "--dask-timeout", "2", "--quiet",
        )  # fmt: skip
    assert result.returncode == 1, result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and "no workers for 2 s" in lines[0], result.stderr
    assert "run the same command again to resume" in lines[0]


def test_dask_lost_scheduler_ends_the_run_and_the_same_command_resumes(installed, tmp_path):
    corpus = make_corpus(tmp_path / "corpus", 12)
    loc.localize([str(corpus)], _options(tmp_path / "local", tmp_path / "l.sqlite3"))
    memory = tmp_path / "d.sqlite3"

    def options(address: str) -> loc.LocalizeOptions:
        return _options(
            tmp_path / "dask", memory, executor="dask", scheduler=address,
            batch_segments=2, cluster_timeout=20,
        )  # fmt: skip

    with _scheduler(tmp_path / "first") as (address, scheduler), _worker(address):

        class KillScheduler(loc.Progress):
            saved = 0

            def segments(self, done: int) -> None:
                if not self.saved:
                    scheduler.kill()  # the scheduler dies after the first batch
                self.saved += done

        progress = KillScheduler()
        with pytest.raises(ClusterError, match="run the same command again to resume"):
            loc.localize([str(corpus)], options(address), progress)
    assert progress.saved > 0
    with _scheduler(tmp_path / "second") as (address, _proc), _worker(address):
        again = loc.localize([str(corpus)], options(address))
    assert not again.failures
    assert again.segments_from_memory >= progress.saved  # the finished batches were kept
    assert _files(tmp_path / "dask") == _files(tmp_path / "local")


def test_dask_losing_every_worker_ends_the_run(installed, tmp_path):
    corpus = make_corpus(tmp_path / "corpus", 12)
    with _scheduler(tmp_path) as (address, _proc), _worker(address) as worker:

        class KillWorker(loc.Progress):
            def segments(self, done: int) -> None:
                worker.kill()

        options = _options(
            tmp_path / "dask", tmp_path / "d.sqlite3", executor="dask", scheduler=address,
            batch_segments=2, cluster_timeout=2,
        )  # fmt: skip
        with pytest.raises(ClusterError, match="no workers for 2 s"):
            loc.localize([str(corpus)], options, KillWorker())
