"""Installing, listing, removing and verifying packages; every install refusal."""

from __future__ import annotations

import json
import os
import stat
import zipfile
from pathlib import Path

import pytest

from translator import packages
from translator.engines.argos import ArgosEngine, scan
from translator.errors import InputError

TOP = "translate-en_fr-1_0"


def _entries(archive: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(archive) as zf:
        return {i.filename: zf.read(i) for i in zf.infolist()}


def _write(path: Path, entries: dict[str, bytes], *, symlink: str | None = None) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in entries.items():
            zf.writestr(name, data)
        if symlink:
            info = zipfile.ZipInfo(symlink)
            info.external_attr = (stat.S_IFLNK | 0o777) << 16
            zf.writestr(info, "/etc/passwd")
    return path


def _snapshot(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*"))


def _hostile(tmp_path: Path, base: dict[str, bytes], case: str) -> tuple[Path, dict]:
    entries = dict(base)
    limits: dict = {}
    symlink = None
    if case == "dotdot":
        entries["../evil.txt"] = b"x"
    elif case == "absolute":
        entries["/tmp/evil.txt"] = b"x"
    elif case == "symlink":
        symlink = f"{TOP}/model/link"
    elif case == "two-tops":
        entries["other/metadata.json"] = b"{}"
    elif case == "no-metadata":
        del entries[f"{TOP}/metadata.json"]
    elif case == "bad-metadata":
        entries[f"{TOP}/metadata.json"] = b"{not json"
    elif case == "metadata-not-object":
        entries[f"{TOP}/metadata.json"] = b"[1, 2]"
    elif case == "metadata-no-codes":
        entries[f"{TOP}/metadata.json"] = json.dumps({"from_code": "en"}).encode()
    elif case == "no-model":
        del entries[f"{TOP}/model/model.bin"]
    elif case == "no-tokenizer":
        del entries[f"{TOP}/sentencepiece.model"]
    elif case == "bomb-ratio":
        entries[f"{TOP}/padding.bin"] = b"\0" * (2 * 1024 * 1024)
    elif case == "bomb-total":
        entries[f"{TOP}/padding.bin"] = os.urandom(300_000)
        limits = {"max_bytes": 1_000_000}
    elif case == "entries":
        for i in range(60):
            entries[f"{TOP}/extra/{i}.txt"] = b"x"
        limits = {"max_entries": 50}
    path = _write(tmp_path / f"{case}.argosmodel", entries, symlink=symlink)
    return path, limits


CASES = {
    "dotdot": "'..'",
    "absolute": "absolute entry",
    "symlink": "symbolic link",
    "two-tops": "one top-level directory",
    "no-metadata": "metadata.json is missing",
    "bad-metadata": "not valid JSON",
    "metadata-not-object": "not a JSON object",
    "metadata-no-codes": "no to_code",
    "no-model": "model/model.bin is missing",
    "no-tokenizer": "no tokenizer",
    "bomb-ratio": "expands",
    "bomb-total": "uncompressed size over the limit",
    "entries": "entries, over the limit",
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_hostile_archives_are_refused_and_change_nothing(
    tmp_path, installed, fixture_packages, case
):
    before = _snapshot(installed)
    path, limits = _hostile(tmp_path, _entries(fixture_packages["en_fr"]), case)
    with pytest.raises(InputError) as err:
        packages.install_archive(path, force=True, limits=packages.Limits(**limits))
    assert CASES[case] in str(err.value)
    assert "\n" not in str(err.value)
    assert _snapshot(installed) == before
    # the earlier valid install of the same pair still works
    assert ArgosEngine().translate(["The port opened."], "en", "fr")[0]


def test_truncated_and_non_zip_files_are_refused(tmp_path, installed, fixture_packages):
    data = fixture_packages["en_fr"].read_bytes()
    truncated = tmp_path / "truncated.argosmodel"
    truncated.write_bytes(data[: len(data) // 2])
    text = tmp_path / "text.argosmodel"
    text.write_text("hello")
    before = _snapshot(installed)
    for path in (truncated, text):
        with pytest.raises(InputError, match="not a valid zip"):
            packages.install_archive(path)
    assert _snapshot(installed) == before


def test_limits_come_from_options_then_environment(monkeypatch):
    monkeypatch.setenv("TRANSLATOR_PACKAGE_MAX_ENTRIES", "7")
    monkeypatch.setenv("TRANSLATOR_PACKAGE_MAX_RATIO", "3.5")
    limits = packages.Limits.from_env(max_entries=9)
    assert (limits.max_entries, limits.max_ratio, limits.max_bytes) == (9, 3.5, 5 * 1024**3)


def test_reinstall_needs_force(installed, fixture_packages):
    with pytest.raises(InputError, match="already installed"):
        packages.install_archive(fixture_packages["en_fr"])
    done = packages.install_archive(fixture_packages["en_fr"], force=True)
    assert done.replaced
    assert [p.name for p in scan()[0]].count("translate-en_fr") == 1
    assert not [p for p in installed.iterdir() if p.name.startswith(".")]


def test_broken_directory_is_reported_and_others_still_work(installed):
    half = installed / "translate-xx_yy-1_0"
    (half / "model").mkdir(parents=True)  # a half-finished extract: no metadata.json
    good, broken = scan()
    assert {p.to_code for p in good} == {"fr", "en"}
    assert [b.path.name for b in broken] == ["translate-xx_yy-1_0"]
    assert "metadata.json" in broken[0].reason
    assert ArgosEngine().translate(["The port opened."], "en", "fr")[0]
    results = packages.verify_all()
    assert [(r.path.name, r.ok) for r in results] == [
        ("translate-de_en-1_0", True),
        ("translate-en_fr-1_0", True),
        ("translate-xx_yy-1_0", False),
    ]


def test_remove(installed):
    path = packages.remove_pair("de", "en")
    assert not path.exists()
    assert {p.from_code for p in scan()[0]} == {"en"}


def test_hundred_thousand_entries_are_refused_with_default_limits(tmp_path, installed):
    path = tmp_path / "many.argosmodel"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as zf:
        zf.writestr(f"{TOP}/metadata.json", json.dumps({"from_code": "en", "to_code": "fr"}))
        for i in range(100_000):
            zf.writestr(f"{TOP}/x/{i}", b"")
    before = _snapshot(installed)
    with pytest.raises(InputError, match="100001 entries, over the limit of 10000"):
        packages.install_archive(path)
    assert _snapshot(installed) == before
