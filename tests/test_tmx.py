"""Translation-memory exchange as TMX 1.4b, read back by translate-toolkit."""

from __future__ import annotations

import pytest

from translator.exchange.memory_tmx import export_tmx, import_tmx
from translator.memory import HumanEntry, Memory

tt_tmx = pytest.importorskip("translate.storage.tmx", reason="translate-toolkit missing")


def _rows(path) -> list[tuple]:
    memory = Memory(path)
    try:
        return sorted(
            (
                e.source,
                e.target,
                e.source_lang,
                e.target_lang,
                e.model,
                e.origin,
                e.state,
                e.options,
            )
            for e in memory.entries()
        )
    finally:
        memory.close()


@pytest.fixture
def memory_file(tmp_path):
    path = tmp_path / "m.sqlite3"
    memory = Memory(path)
    memory.put_many(
        [
            ("k1", "See ⟦0⟧ today.", "[Şḗḗ ⟦0⟧ ŧǿḓȧẏ.]", "en", "fr", "pseudo", "beam=4"),
            (
                "k2",
                "The bridge is open.",
                "Le pont est ouvert.",
                "en",
                "fr",
                "argos-en-fr",
                "beam=4",
            ),
        ]
    )
    memory.put_human(
        [HumanEntry("The bridge is open.", "Le pont est rouvert.", "reviewed")], "en", "fr"
    )
    memory.close()
    return path


def test_tmx_round_trip_keeps_every_unit(memory_file, tmp_path, run_cli):
    result = run_cli(
        "cache", "export", "--format", "tmx", str(tmp_path / "m.tmx"), "--cache", str(memory_file)
    )
    assert result.exit_code == 0 and "3 units" in result.stdout
    store = tt_tmx.tmxfile.parsefile(str(tmp_path / "m.tmx"))
    assert len(store.units) == 3
    assert {str(u.source) for u in store.units} >= {"The bridge is open."}
    again = tmp_path / "again.sqlite3"
    result = run_cli("cache", "import", str(tmp_path / "m.tmx"), "--cache", str(again))
    assert result.exit_code == 0 and "3 units imported" in result.stdout
    assert _rows(again) == _rows(memory_file)


def test_a_cat_tool_memory_seeds_human_translations(tmp_path):
    store = tt_tmx.tmxfile(sourcelanguage="en", targetlanguage="fr")
    store.addtranslation(
        "Read it at https://example.org/a.pdf now.", "en",
        "Lisez-le sur https://example.org/a.pdf maintenant.", "fr",
    )  # fmt: skip
    store.addtranslation("Lost link https://example.org/b.", "en", "Lien perdu.", "fr")
    path = tmp_path / "cat.tmx"
    store.savefile(str(path))
    result = import_tmx(str(path), str(tmp_path / "m.sqlite3"))
    assert (
        result.imported == 1 and len(result.skipped) == 1 and "protected span" in result.skipped[0]
    )
    rows = _rows(tmp_path / "m.sqlite3")
    assert rows == [
        (
            "Read it at ⟦0⟧ now.",
            "Lisez-le sur ⟦0⟧ maintenant.",
            "en",
            "fr",
            "human",
            "human",
            "translated",
            "",
        )
    ]


@pytest.mark.parametrize(
    "content, reason",
    [
        ('<?xml version="1.0"?>\n<tmx version="1.4"><body><tu>', "not well-formed XML"),
        (
            '<?xml version="1.0"?>\n<!DOCTYPE tmx [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]>\n'
            "<tmx><body>&b;</body></tmx>\n",
            "refused",
        ),
        ('<?xml version="1.0"?>\n<xliff/>\n', "not a TMX document"),
    ],
)
def test_bad_tmx_is_refused_in_one_line_and_changes_nothing(
    tmp_path, run_cli, memory_file, content, reason
):
    before = _rows(memory_file)
    (tmp_path / "bad.tmx").write_text(content, encoding="utf-8")
    result = run_cli("cache", "import", str(tmp_path / "bad.tmx"), "--cache", str(memory_file))
    assert result.exit_code == 1, result.stderr
    lines = [ln for ln in result.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and "bad.tmx" in lines[0] and reason in lines[0], result.stderr
    assert _rows(memory_file) == before


def test_machine_origin_forced(tmp_path, memory_file):
    export_tmx(str(tmp_path / "m.tmx"), str(memory_file))
    result = import_tmx(str(tmp_path / "m.tmx"), str(tmp_path / "n.sqlite3"), origin="machine")
    assert result.imported == 3
    assert {r[5] for r in _rows(tmp_path / "n.sqlite3")} == {"machine"}
