"""The batch on Dask distributed: a LocalCluster of 2 worker processes on loopback."""

from __future__ import annotations

import os
import signal

import pytest

from translator import localize as loc

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
