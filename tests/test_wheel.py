"""The built wheel, installed into a fresh virtual environment, writes localized labels.

The wheel is built with pip from a copy of the files git tracks (setuptools
writes ``build/`` beside the sources it builds, and the tests never write
into the repository; no build isolation: the build backend comes from the
test extra, so nothing is downloaded), then
installed into a new venv that sees the project's dependencies through a
``.pth`` line but not the project itself.  Run from a directory without a
``locales/`` folder, ``localize`` must still write French labels: the
catalogs travel inside the wheel.
"""

from __future__ import annotations

import os
import shutil
import site
import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ARTICLE = """---
title: Le pont rouvre
date: 2025-09-04
---

Le vieux pont rouvre jeudi après deux ans de travaux sur ses arches de pierre.
"""


def _run(*args: str | Path, cwd: Path, env: dict[str, str] | None = None) -> str:
    proc = subprocess.run(
        [str(a) for a in args], cwd=cwd, capture_output=True, text=True, timeout=300, env=env
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return proc.stdout + proc.stderr


def _tracked_copy(dest: Path) -> Path:
    """The files git tracks (as they are in the working tree), copied to dest."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT, capture_output=True, check=True,
    ).stdout.decode("utf-8")  # fmt: skip
    for name in filter(None, listed.split("\0")):
        source = ROOT / name
        if source.is_file():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, dest / name)
    return dest


def test_wheel_in_a_fresh_venv_writes_french_labels(tmp_path):
    dist = tmp_path / "dist"
    source = _tracked_copy(tmp_path / "source")
    _run(
        sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
        "--no-index", "-w", dist, source, cwd=tmp_path,
    )  # fmt: skip
    (wheel,) = dist.glob("translator-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "translator/messages/fr/LC_MESSAGES/translator.po" in names
    assert "translator/messages/zh_Hant/LC_MESSAGES/translator.po" in names
    # translator review serves its own assets (nothing from a CDN)
    assert {"translator/static/review.js", "translator/static/review.css"} <= set(names)
    assert "translator/templates/review_article.html" in names

    env_dir = tmp_path / "fresh"
    venv.create(env_dir, with_pip=False)
    python = env_dir / "bin" / "python"
    purelib = Path(
        subprocess.run(
            [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            capture_output=True, text=True, check=True,
        ).stdout.strip()
    )  # fmt: skip
    # the dependencies, from this environment; the project itself only from the wheel
    deps = [p for p in site.getsitepackages() if Path(p).is_dir()]
    (purelib / "deps.pth").write_text("\n".join(deps) + "\n", encoding="utf-8")
    _run(
        sys.executable, "-m", "pip", "--python", python, "install", "--no-deps", "--no-index",
        wheel, cwd=tmp_path,
    )  # fmt: skip
    where = _run(python, "-c", "import translator; print(translator.__file__)", cwd=tmp_path)
    assert str(purelib) in where and str(ROOT) not in where

    work = tmp_path / "work"
    work.mkdir()
    (work / "pont.md").write_text(ARTICLE, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "TRANSLATOR_LOCALES_DIR"}
    script = env_dir / "bin" / "translator"
    _run(script, "localize", "pont.md", "--to", "de,zh-TW", "--engine", "pseudo", cwd=work, env=env)
    german = (work / "pont.de.md").read_text(encoding="utf-8")
    assert "Veröffentlicht am 4. September 2025 · Originalsprache: Französisch" in german
    chinese = (work / "pont.zh-tw.md").read_text(encoding="utf-8")
    assert "原文語言" in chinese and "语言" not in chinese
    assert sysconfig.get_paths()["purelib"] not in where
