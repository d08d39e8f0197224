"""Every worker works: batches sized to the cluster, packages shipped to the
workers that lack them, a worker with another version refused, and a run
across network namespaces (scheduler, workers and client each on a host of
their own) giving the local executor's files."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from translator import localize as loc

from .test_batch import _options, make_corpus
from .test_dask import _files, _scheduler, _translator

distributed = pytest.importorskip("distributed", reason="the dask extra is not installed")

pytestmark = [pytest.mark.enable_socket, pytest.mark.allow_hosts(["127.0.0.1"])]


@contextlib.contextmanager
def _worker(address: str, packages: Path, host: str = "127.0.0.1") -> Iterator[subprocess.Popen]:
    """A ``dask worker`` (one thread, no nanny) in its own process group, with
    a package directory of its own."""
    env = {**os.environ, "ARGOS_PACKAGES_DIR": str(packages)}
    argv = [sys.executable, "-m", "distributed.cli.dask_worker", address, "--nthreads", "1",
            "--no-nanny", "--no-dashboard", "--host", host]  # fmt: skip
    proc = subprocess.Popen(
        argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    try:
        yield proc
    finally:
        proc.kill()
        proc.wait()


def _wait_for_workers(address: str, count: int) -> None:
    with distributed.Client(address, timeout=30) as client:
        client.wait_for_workers(count, timeout=60)


def test_a_chunk_is_cut_so_that_every_worker_has_work(installed, tmp_path):
    # 64 articles in one chunk (--batch-files 64) used to be one task for one worker
    corpus = make_corpus(tmp_path / "corpus", 64)
    local = loc.localize([str(corpus)], _options(tmp_path / "local", tmp_path / "l.sqlite3"))
    remote = loc.localize(
        [str(corpus)], _options(tmp_path / "dask", tmp_path / "d.sqlite3", executor="dask", jobs=2)
    )
    assert not remote.failures
    assert len(remote.workers) == 2 and all(w["batches"] >= 1 for w in remote.workers.values())
    assert _files(tmp_path / "dask") == _files(tmp_path / "local")
    assert remote.model_calls == local.model_calls


def test_a_worker_with_an_empty_package_directory_receives_the_model(installed, tmp_path):
    corpus = make_corpus(tmp_path / "corpus", 64)
    loc.localize([str(corpus)], _options(tmp_path / "local", tmp_path / "l.sqlite3"))
    empty = [tmp_path / "worker-1" / "packages", tmp_path / "worker-2" / "packages"]
    for folder in empty:
        folder.mkdir(parents=True)
    with (
        _scheduler(tmp_path / "scheduler") as (address, _proc),
        _worker(address, empty[0]),
        _worker(address, empty[1]),
    ):
        _wait_for_workers(address, 2)
        result = _translator(
            "localize", str(corpus), "--to", "fr", "--out", str(tmp_path / "dask"),
            "--executor", "dask", "--scheduler", address, "--cache", str(tmp_path / "d.sqlite3"),
            "--report", str(tmp_path / "report.json"),
        )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert _files(tmp_path / "dask") == _files(tmp_path / "local")
    report = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    assert len(report["workers"]) == 2
    assert all(w["batches"] > 0 for w in report["workers"].values())
    for folder in empty:  # each worker installed the client's package in its own directory
        assert [p.name for p in folder.iterdir()] == ["translate-en_fr-1_0"]
    client_copy = installed / "translate-en_fr-1_0" / "model" / "model.bin"
    shipped = empty[0] / "translate-en_fr-1_0" / "model" / "model.bin"
    assert shipped.read_bytes() == client_copy.read_bytes()


def test_a_worker_with_another_version_of_the_model_is_refused_in_one_line(
    installed, tmp_path, fixture_packages
):
    from tests.fixtures.argos_fixture import build_package
    from translator.packages import install_archive

    other = tmp_path / "worker" / "packages"
    other.mkdir(parents=True)
    archive = build_package(tmp_path / "other.argosmodel", "en", "fr", version="1.1", seed=7)
    saved = os.environ["ARGOS_PACKAGES_DIR"]
    os.environ["ARGOS_PACKAGES_DIR"] = str(other)
    try:
        install_archive(archive)
    finally:
        os.environ["ARGOS_PACKAGES_DIR"] = saved
    corpus = make_corpus(tmp_path / "corpus", 4)
    with _scheduler(tmp_path / "scheduler") as (address, _proc), _worker(address, other):
        _wait_for_workers(address, 1)
        result = _translator(
            "localize", str(corpus), "--to", "fr", "--out", str(tmp_path / "dask"),
            "--executor", "dask", "--scheduler", address, "--cache", str(tmp_path / "d.sqlite3"),
        )  # fmt: skip
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: Dask worker tcp://127.0.0.1:")
    assert "has translate-en_fr@1.1" in lines[0] and "this run uses translate-en_fr@1.0" in lines[0]
    assert not (tmp_path / "dask").exists() and not (tmp_path / "d.sqlite3").exists()


# -- a run across hosts: network namespaces ----------------------------------------------

SUBNET = "10.231.{}.{}"


class Namespaces:
    """Hosts on one virtual network: a bridge in a namespace of its own, and a
    namespace per host joined to it by a veth pair (no route to anything else)."""

    def __init__(self, hosts: list[str]) -> None:
        self.tag = uuid.uuid4().hex[:6]
        self.third = int(self.tag[:2], 16)
        self.hub = f"trh{self.tag}"
        self.names = {host: f"tr{host[:3]}{self.tag}" for host in hosts}
        self.addresses = {host: SUBNET.format(self.third, i + 2) for i, host in enumerate(hosts)}

    def _ip(self, *args: str, netns: str | None = None) -> None:
        argv = ["ip", *(["netns", "exec", netns, "ip"] if netns else []), *args]
        subprocess.run(argv, check=True, capture_output=True, timeout=30)

    def __enter__(self) -> Namespaces:
        self._ip("netns", "add", self.hub)
        try:
            self._ip("link", "add", "br0", "type", "bridge", netns=self.hub)
            self._ip("link", "set", "br0", "up", netns=self.hub)
            for i, (host, name) in enumerate(self.names.items()):
                inside, outside = f"v{i}{self.tag}", f"b{i}{self.tag}"
                self._ip("netns", "add", name)
                self._ip("link", "add", inside, "type", "veth", "peer", "name", outside)
                self._ip("link", "set", inside, "netns", name)
                self._ip("link", "set", outside, "netns", self.hub)
                self._ip("link", "set", outside, "master", "br0", "up", netns=self.hub)
                self._ip("addr", "add", f"{self.addresses[host]}/24", "dev", inside, netns=name)
                self._ip("link", "set", inside, "up", netns=name)
                self._ip("link", "set", "lo", "up", netns=name)
        except BaseException:
            self.__exit__()
            raise
        return self

    def __exit__(self, *_exc: object) -> None:
        for name in [*self.names.values(), self.hub]:
            subprocess.run(["ip", "netns", "del", name], capture_output=True, timeout=30)

    def run(self, host: str, argv: list[str], env: dict[str, str], **kw) -> subprocess.Popen:
        return subprocess.Popen(
            ["ip", "netns", "exec", self.names[host], *argv], env=env, start_new_session=True, **kw
        )


def _can_make_namespaces() -> str | None:
    """Why this machine cannot make network namespaces here, or None."""
    if shutil.which("ip") is None:
        return "no ip command (iproute2)"
    probe = f"trprobe{uuid.uuid4().hex[:6]}"
    done = subprocess.run(["ip", "netns", "add", probe], capture_output=True, text=True)
    if done.returncode != 0:
        return f"ip netns add is not permitted here ({done.stderr.strip()})"
    subprocess.run(["ip", "netns", "del", probe], capture_output=True)
    return None


def _home(folder: Path) -> dict[str, str]:
    """An environment whose package, data, config and cache directories are its own."""
    env = {k: v for k, v in os.environ.items() if k != "TRANSLATOR_MEMORY"}
    env["ARGOS_PACKAGES_DIR"] = str(folder / "packages")
    for var in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME"):
        env[var] = str(folder / var.lower())
    (folder / "packages").mkdir(parents=True)
    return env


def test_scheduler_and_workers_on_hosts_of_their_own_give_the_local_files(installed, tmp_path):
    why = _can_make_namespaces()
    if why is not None:
        pytest.skip(f"cannot simulate hosts: {why}")
    corpus = make_corpus(tmp_path / "client" / "corpus", 64)
    local = _translator("localize", str(corpus), "--to", "fr", "--out", str(tmp_path / "local"),
                        "--cache", str(tmp_path / "local.sqlite3"))  # fmt: skip
    assert local.returncode == 0, local.stderr
    python = [sys.executable, "-m"]
    with Namespaces(["client", "scheduler", "w1", "w2"]) as net:
        sched = net.addresses["scheduler"]
        address = f"tcp://{sched}:8786"
        processes = [
            net.run("scheduler", [*python, "distributed.cli.dask_scheduler", "--host", sched,
                                  "--port", "8786", "--no-dashboard"],
                    _home(tmp_path / "scheduler"), stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL),
        ]  # fmt: skip
        try:
            for host in ("w1", "w2"):
                processes.append(
                    net.run(host, [*python, "distributed.cli.dask_worker", address, "--nthreads",
                                   "1", "--no-nanny", "--no-dashboard", "--host",
                                   net.addresses[host]],
                            _home(tmp_path / host), stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
                )  # fmt: skip
            env = {**os.environ, "ARGOS_PACKAGES_DIR": str(installed)}
            env.pop("TRANSLATOR_MEMORY", None)
            wait = (
                "import sys, distributed; c = distributed.Client(sys.argv[1], timeout=60); "
                "c.wait_for_workers(2, timeout=60); c.close()"
            )
            waited = net.run("client", [sys.executable, "-c", wait, address], env)
            assert waited.wait(timeout=120) == 0
            client = net.run(
                "client",
                [sys.executable, "-m", "translator", "localize", str(corpus), "--to", "fr",
                 "--out", str(tmp_path / "dask"), "--executor", "dask", "--scheduler", address,
                 "--cache", str(tmp_path / "dask.sqlite3"), "--report",
                 str(tmp_path / "report.json")],
                env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            )  # fmt: skip
            _out, err = client.communicate(timeout=300)
            assert client.returncode == 0, err
        finally:
            for proc in processes:
                proc.kill()
                proc.wait()
            time.sleep(0.1)
    assert _files(tmp_path / "dask") == _files(tmp_path / "local")
    report = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    workers = report["workers"]
    assert {w.split("//")[1].rsplit(":", 1)[0] for w in workers} == {
        net.addresses["w1"],
        net.addresses["w2"],
    }
    for host in ("w1", "w2"):  # each host received the model over the network
        assert (
            tmp_path / host / "packages" / "translate-en_fr-1_0" / "model" / "model.bin"
        ).is_file()


def test_a_worker_that_joins_after_the_packages_were_shipped_gets_them(installed, tmp_path):
    from translator.engines import DecodeOptions, get_engine
    from translator.executors import DaskExecutor

    first, late = tmp_path / "w1" / "packages", tmp_path / "w2" / "packages"
    first.mkdir(parents=True)
    late.mkdir(parents=True)
    segments = [f"The ferry number {n} left the harbour on time." for n in range(64)]
    engine = get_engine("argos", DecodeOptions())
    expected = engine.translate(segments, "en", "fr")
    environ = dict(os.environ)
    with _scheduler(tmp_path / "scheduler") as (address, _proc), _worker(address, first):
        _wait_for_workers(address, 1)
        executor = DaskExecutor("argos", DecodeOptions(), 1, address, timeout=60)
        try:
            executor.prepare(engine, {("en", "fr")})
            assert list(executor.shipped) == ["translate-en_fr@1.0"]  # to the first worker
            before = set(executor.client.scheduler_info()["workers"])
            with _worker(address, late):
                _wait_for_workers(address, 2)
                assert executor.slots() == 2
                # the first worker leaves: every batch goes to the late one (which
                # batches a worker gets is the scheduler's choice, not the test's)
                executor.client.retire_workers(list(before), close_workers=False)
                joined = set(executor.client.scheduler_info()["workers"]) - before
                batches = [("en", "fr", segments[i : i + 4]) for i in range(0, 64, 4)]
                out = dict(executor.run(batches))
        finally:
            executor.close()
    assert [t for i in range(16) for t in out[i]] == expected
    assert set(executor.workers) == joined  # the late worker ran the batches: it had the package
    assert (late / "translate-en_fr-1_0" / "model" / "model.bin").is_file()
    assert dict(os.environ) == environ
