from __future__ import annotations

import http.server
import json
import threading
from functools import partial
from pathlib import Path

import pytest

from translator.engines.argos import scan


def test_install_then_list_json(run_cli, packages_dir, fixture_packages):
    result = run_cli("models", "install", fixture_packages["en_fr"])
    assert result.exit_code == 0, result.stderr
    assert "installed en→fr" in result.stdout
    rows = json.loads(run_cli("models", "list", "--format", "json").stdout)
    assert [r for r in rows if r["engine"] == "argos"] == [
        {
            "engine": "argos",
            "from": "en",
            "to": "fr",
            "name": "translate-en_fr",
            "version": "1.0",
            "path": str(packages_dir / "translate-en_fr-1_0"),
        }
    ]


def test_refused_package_exits_1_with_one_line(run_cli, packages_dir, tmp_path):
    bad = tmp_path / "bad.argosmodel"
    bad.write_bytes(b"PK\x03\x04 not really a zip")
    result = run_cli("models", "install", bad)
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1 and "refused" in result.stderr
    assert list(packages_dir.iterdir()) == []


def test_second_install_without_force_is_refused(run_cli, installed, fixture_packages):
    result = run_cli("models", "install", fixture_packages["en_fr"])
    assert result.exit_code == 1 and "--force" in result.stderr
    assert run_cli("models", "install", "--force", fixture_packages["en_fr"]).exit_code == 0


def test_list_reports_broken_directory_without_hiding_others(run_cli, installed):
    (installed / "translate-broken-1_0").mkdir()
    result = run_cli("models", "list")
    assert result.exit_code == 0
    assert "en→fr" in result.stdout and "de→en" in result.stdout
    assert "translate-broken-1_0: broken package" in result.stderr


def test_verify_exits_1_naming_the_broken_package(run_cli, installed):
    assert run_cli("models", "verify").exit_code == 0
    (installed / "translate-broken-1_0").mkdir()
    result = run_cli("models", "verify")
    assert result.exit_code == 1
    assert "broken  translate-broken-1_0" in result.stdout


def test_remove(run_cli, installed):
    assert run_cli("models", "remove", "--from", "de", "--to", "en").exit_code == 0
    assert {p.from_code for p in scan()[0]} == {"en"}
    result = run_cli("models", "remove", "--from", "de", "--to", "en")
    assert result.exit_code == 2 and "no installed package" in result.stderr


@pytest.mark.enable_socket
@pytest.mark.allow_hosts(["127.0.0.1"])
def test_offline_download_says_so_in_one_line(run_cli, packages_dir, monkeypatch):
    monkeypatch.setenv("ARGOS_PACKAGE_INDEX", "http://127.0.0.1:9/")
    result = run_cli("models", "install", "--from", "en", "--to", "fr")
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "cannot reach the package index" in lines[0]
    assert "translator models install FILE.argosmodel" in lines[0]


@pytest.fixture
def index_server(tmp_path, fixture_packages):
    """A package index and its package served over HTTP on 127.0.0.1."""
    root = tmp_path / "www"
    root.mkdir()
    (root / "en_fr.argosmodel").write_bytes(fixture_packages["en_fr"].read_bytes())
    handler = partial(http.server.SimpleHTTPRequestHandler, directory=str(root))
    handler.log_message = lambda *a, **k: None  # type: ignore[attr-defined]
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    index = [
        {
            "package_version": "1.0",
            "argos_version": "1.9",
            "from_code": "en",
            "from_name": "English",
            "to_code": "fr",
            "to_name": "French",
            "links": [base + "en_fr.argosmodel"],
        }
    ]
    (root / "index.json").write_text(json.dumps(index))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield base
    server.shutdown()
    server.server_close()


@pytest.mark.enable_socket
@pytest.mark.allow_hosts(["127.0.0.1"])
def test_install_from_local_index(run_cli, packages_dir, index_server, monkeypatch):
    monkeypatch.setenv("ARGOS_PACKAGE_INDEX", index_server)
    result = run_cli("models", "install", "--from", "en", "--to", "fr")
    assert result.exit_code == 0, result.stderr
    assert "installed en→fr" in result.stdout
    assert [(p.from_code, p.to_code) for p in scan()[0]] == [("en", "fr")]
    assert not [p for p in Path(packages_dir).iterdir() if p.name.startswith(".")]
    missing = run_cli("models", "install", "--from", "en", "--to", "de")
    assert missing.exit_code == 2 and "offers: en→fr" in missing.stderr


def test_available_from_a_local_index_file(run_cli, installed, tmp_path, monkeypatch):
    index = [
        {"package_version": "1.9", "argos_version": "1.9", "from_code": "en", "to_code": "fr",
         "from_name": "English", "to_name": "French", "links": ["http://127.0.0.1:9/x"]},
        {"package_version": "1.0", "argos_version": "1.9", "from_code": "en", "to_code": "ar",
         "from_name": "English", "to_name": "Arabic", "links": ["http://127.0.0.1:9/y"]},
    ]  # fmt: skip
    (tmp_path / "index.json").write_text(json.dumps(index))
    monkeypatch.setenv("ARGOS_PACKAGE_INDEX", str(tmp_path / "index.json"))
    result = run_cli("models", "available", "--from", "en")
    assert result.exit_code == 0, result.stderr
    assert "offline: the index as kept in" in result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("en→ar") and "installed" not in lines[0]
    assert lines[1].startswith("en→fr") and "installed" in lines[1]
    data = json.loads(run_cli("models", "available", "--to", "fr", "--format", "json").stdout)
    assert [(p["from"], p["to"]) for p in data["packages"]] == [("en", "fr")]
    assert data["offline"] is True


def test_available_without_any_index_says_how_to_get_one(run_cli, packages_dir, monkeypatch):
    monkeypatch.setenv("ARGOS_PACKAGE_INDEX", "http://127.0.0.1:9/")
    result = run_cli("models", "available")
    assert result.exit_code == 1
    assert "no package index here yet" in result.stderr and "--refresh" in result.stderr


@pytest.mark.enable_socket
@pytest.mark.allow_hosts(["127.0.0.1"])
def test_available_refresh_keeps_a_copy_for_offline_use(
    run_cli, packages_dir, index_server, monkeypatch
):
    monkeypatch.setenv("ARGOS_PACKAGE_INDEX", index_server)
    fresh = run_cli("models", "available", "--refresh")
    assert (
        fresh.exit_code == 0 and fresh.stdout.startswith("en→fr") and "offline" not in fresh.stderr
    )
    monkeypatch.setenv("ARGOS_PACKAGE_INDEX", "http://127.0.0.1:9/")  # the network is gone
    kept = run_cli("models", "available")
    assert kept.exit_code == 0 and kept.stdout == fresh.stdout and "offline" in kept.stderr
