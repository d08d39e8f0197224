from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

# trafilatura imports urllib3, which opens (and closes) an IPv6 socket once on
# import to learn whether the machine has IPv6; nothing is sent.  Imported
# here, before pytest-socket blocks sockets, it does so outside any test.
import urllib3  # noqa: F401, E402
from click.testing import CliRunner
from hypothesis import HealthCheck, settings
from hypothesis.configuration import set_hypothesis_home_dir

# Property tests: 500 examples each in CI, fewer while developing.
settings.register_profile(
    "ci",
    max_examples=500,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
    database=None,  # no .hypothesis/ folder in the repository
)
settings.register_profile(
    "dev",
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
    database=None,  # no .hypothesis/ folder in the repository
)
settings.load_profile("ci" if os.environ.get("CI") else os.environ.get("HYPOTHESIS_PROFILE", "dev"))

# argostranslate creates its data, config and cache directories on import:
# keep them out of the real home directory.
_HOME = tempfile.mkdtemp(prefix="translator-tests-home-")
# Hypothesis keeps its caches in ./.hypothesis; the tests write nothing into
# the repository.
set_hypothesis_home_dir(os.path.join(_HOME, "hypothesis"))
for _var in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME"):
    os.environ[_var] = os.path.join(_HOME, _var.lower())
os.environ["ARGOS_PACKAGES_DIR"] = os.path.join(_HOME, "no-packages")
# The translation memory of runs without --cache: one for the whole session,
# outside the repository (tests of the per-project memory unset it).
os.environ["TRANSLATOR_MEMORY"] = os.path.join(_HOME, "memory.sqlite3")
os.environ["ARGOS_PACKAGE_INDEX"] = "http://127.0.0.1:9/"

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"


def chromium_path() -> str:
    """Debian's chromium for the browser tests: CI installs it (a failure there),
    elsewhere the tests that need it are skipped without it."""
    import shutil

    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is missing: .ci/run installs it")
        pytest.skip("chromium is not installed (.ci/run installs it: apt-get install chromium)")
    return path


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


@pytest.fixture(scope="session")
def fixture_packages(tmp_path_factory) -> dict[str, Path]:
    """Real .argosmodel files built from numpy weights: en→fr, de→en, en→es (target prefix)."""
    from tests.fixtures.argos_fixture import build_package

    out = tmp_path_factory.mktemp("argosmodels")
    return {
        "en_fr": build_package(out / "en_fr.argosmodel", "en", "fr"),
        "de_en": build_package(out / "de_en.argosmodel", "de", "en", seed=1),
        "en_es": build_package(
            out / "en_es.argosmodel", "en", "es", target_prefix="__es__", seed=2
        ),
    }


@pytest.fixture
def packages_dir(tmp_path, monkeypatch) -> Path:
    """An empty ARGOS_PACKAGES_DIR for one test."""
    path = tmp_path / "argos-packages"
    path.mkdir()
    monkeypatch.setenv("ARGOS_PACKAGES_DIR", str(path))
    return path


@pytest.fixture
def installed(packages_dir, fixture_packages) -> Path:
    """en→fr and de→en installed through the real install path."""
    from translator import packages

    packages.install_archive(fixture_packages["en_fr"])
    packages.install_archive(fixture_packages["de_en"])
    return packages_dir


@pytest.fixture(autouse=True)
def own_cache_home(tmp_path, monkeypatch):
    """Each test gets its own translation memory and lock directory."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg-cache"))
