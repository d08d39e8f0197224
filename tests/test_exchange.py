"""Export for people's tools and import back, read by an independent implementation
(translate-toolkit) and checked by msgfmt."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest

from translator.memory import Memory

from .conftest import SAMPLES

xliff2 = pytest.importorskip("translate.storage.xliff2", reason="translate-toolkit missing")
from translate.storage import po as tt_po  # noqa: E402
from translate.storage import xliff as tt_xliff  # noqa: E402

LINK_ARTICLE = (
    "# Budget report\n\n"
    "The full report is at https://example.org/report.pdf and runs to `42` pages. "
    "The council meets again on Monday.\n"
)


@pytest.fixture
def site(tmp_path, monkeypatch, run_cli):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "src").mkdir()
    shutil.copy(SAMPLES / "de-fahrrad.md", tmp_path / "src" / "de-fahrrad.md")
    (tmp_path / "src" / "report.md").write_text(LINK_ARTICLE, encoding="utf-8")
    result = run_cli(
        "localize", "src", "--to", "fr", "--engine", "pseudo", "--out", "build",
        "--cache", "m.sqlite3",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    return tmp_path


def _export(run_cli, fmt="xliff", *extra):
    result = run_cli(
        "export", "src", "--to", "fr", "--format", fmt, "--out", "x", "--cache", "m.sqlite3",
        *extra,
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    return result


def _localize(run_cli):
    return run_cli(
        "localize", "src", "--to", "fr", "--engine", "pseudo", "--out", "build",
        "--cache", "m.sqlite3",
    )  # fmt: skip


def _report_unit(units, text):
    return next(u for u in units if text in str(u.source))


def test_xliff21_round_trip_through_translate_toolkit(site, run_cli):
    _export(run_cli)
    path = site / "x" / "report.md.fr.xlf"
    store = xliff2.Xliff2File.parsefile(str(path))
    units = [u for u in store.units if u.getid()]
    assert len({u.getid() for u in units}) == len(units) == 3
    meets = _report_unit(units, "The council meets again")
    assert "[Ŧħḗ ƈǿŭƞƈīŀ" in str(meets.target)  # the machine draft
    meets.target = "Le conseil se réunit de nouveau lundi."
    meets.markapproved(True)
    store.save()

    result = run_cli("import", str(path), "--cache", "m.sqlite3")
    assert result.exit_code == 0, result.stderr
    assert f"{path}: 1 imported, 0 stale, 0 rejected" in result.stdout, result.stdout
    assert _localize(run_cli).exit_code == 0
    variant = (site / "build" / "report.fr.md").read_text(encoding="utf-8")
    assert "Le conseil se réunit de nouveau lundi." in variant
    stats = run_cli("cache", "stats", "--cache", "m.sqlite3").stdout
    assert "(1 human," in stats

    coverage = run_cli(
        "coverage", "src", "--locales", "fr", "--variants", "build", "--format", "json",
        "--min-reviewed", "10",
    )  # fmt: skip
    data = json.loads(coverage.stdout)
    assert data["locales"]["fr"]["reviewed_percent"] > 0
    assert coverage.exit_code == 0
    strict = run_cli(
        "coverage", "src", "--locales", "fr", "--variants", "build", "--min-reviewed", "90"
    )
    assert strict.exit_code == 1


def test_protected_spans_are_placeholders_in_xliff(site, run_cli):
    _export(run_cli)
    text = (site / "x" / "report.md.fr.xlf").read_text(encoding="utf-8")
    assert '<ph id="0" disp="https://example.org/report.pdf"' in text
    store = xliff2.Xliff2File.parsefile(str(site / "x" / "report.md.fr.xlf"))
    unit = _report_unit(store.units, "The full report")
    assert "https://example.org/report.pdf" not in str(unit.source)  # a placeholder, not text


def test_a_lost_span_or_a_changed_source_is_not_imported(site, run_cli):
    _export(run_cli)
    path = site / "x" / "report.md.fr.xlf"
    text = path.read_text(encoding="utf-8")
    # the translator dropped the URL placeholder in one unit
    start = text.index("<target>", text.index("The full report"))
    end = text.index("</target>", start)
    text = text[: start + 8] + "Le rapport complet est en ligne." + text[end:]
    text = text.replace('state="initial"', 'state="translated"')
    path.write_text(text, encoding="utf-8")
    # and the source of another unit changed since the export
    source = site / "src" / "de-fahrrad.md"
    source.write_text(
        source.read_text(encoding="utf-8").replace("Dienstag", "Montag"), encoding="utf-8"
    )
    other = site / "x" / "de-fahrrad.md.fr.xlf"
    other.write_text(
        other.read_text(encoding="utf-8").replace('state="initial"', 'state="translated"'),
        encoding="utf-8",
    )
    result = run_cli("import", str(path), str(other), "--cache", "m.sqlite3")
    # a file is taken whole or not at all: the one with a rejected unit gives nothing
    assert result.exit_code == 1, result.stderr
    assert "rejected" in result.stderr and "protected span" in result.stderr
    assert "nothing taken from this file" in result.stderr
    assert "the source changed since export" in result.stderr
    assert "report.md.fr.xlf: 0 imported, 0 stale, 1 rejected" in result.stdout
    assert "2 not taken (the file was refused)" in result.stdout
    assert "de-fahrrad.md.fr.xlf: " in result.stdout and " 1 stale," in result.stdout


def test_xliff12_round_trip_through_translate_toolkit(site, run_cli):
    _export(run_cli, "xliff", "--xliff-version", "1.2")
    path = site / "x" / "report.md.fr.xlf"
    assert 'version="1.2"' in path.read_text(encoding="utf-8")
    store = tt_xliff.xlifffile.parsefile(str(path))
    unit = _report_unit(store.units, "The council meets again")
    unit.target = "Le conseil se réunit lundi."
    unit.markfuzzy(False)
    unit.markapproved(True)
    store.save()
    result = run_cli("import", str(path), "--cache", "m.sqlite3")
    assert result.exit_code == 0 and "1 imported" in result.stdout, result.stdout + result.stderr
    assert _localize(run_cli).exit_code == 0
    assert "Le conseil se réunit lundi." in (site / "build" / "report.fr.md").read_text(
        encoding="utf-8"
    )


def test_po_round_trip_through_translate_toolkit_and_msgfmt(site, run_cli, tmp_path):
    _export(run_cli, "po")
    path = site / "x" / "report.md.fr.po"
    if shutil.which("msgfmt"):
        check = subprocess.run(
            ["msgfmt", "--check", "-o", str(tmp_path / "out.mo"), str(path)],
            capture_output=True,
            text=True,
        )
        assert check.returncode == 0, check.stderr
    store = tt_po.pofile.parsefile(str(path))
    units = [u for u in store.units if not u.isheader()]
    assert all(u.isfuzzy() for u in units)  # machine drafts
    link = _report_unit(units, "The full report")
    assert "https://example.org/report.pdf" in str(link.source)  # byte-exact in PO
    meets = _report_unit(units, "The council meets again")
    meets.target = "Le conseil se réunit encore lundi."
    meets.markfuzzy(False)
    store.save()
    result = run_cli("import", str(path), "--cache", "m.sqlite3")
    assert result.exit_code == 0 and "1 imported" in result.stdout, result.stdout + result.stderr
    assert _localize(run_cli).exit_code == 0
    assert "Le conseil se réunit encore lundi." in (site / "build" / "report.fr.md").read_text(
        encoding="utf-8"
    )


def test_po_span_must_survive(site, run_cli):
    _export(run_cli, "po")
    path = site / "x" / "report.md.fr.po"
    store = tt_po.pofile.parsefile(str(path))
    link = _report_unit([u for u in store.units if not u.isheader()], "The full report")
    link.target = "Le rapport complet fait 42 pages."  # the URL is gone
    link.markfuzzy(False)
    store.save()
    result = run_cli("import", str(path), "--cache", "m.sqlite3")
    assert "0 imported" in result.stdout and "protected span" in result.stderr


@pytest.mark.parametrize(
    "name, content, reason",
    [
        (
            "broken.xlf",
            '<?xml version="1.0"?>\n<xliff version="2.1">\n<file',
            "not well-formed XML",
        ),
        (
            "bomb.xlf",
            '<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">'
            '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>\n<xliff>&b;</xliff>\n',
            "refused",
        ),
        (
            "xxe.xlf",
            '<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>\n'
            "<xliff>&e;</xliff>\n",
            "refused",
        ),
        ("other.xlf", '<?xml version="1.0"?>\n<html/>\n', "not an XLIFF"),
        ("bad.po", 'msgid "a"\nmsgstr "b"\nmsgid\n', "not a valid PO file"),
    ],
)
def test_hostile_or_malformed_files_are_refused_in_one_line(site, run_cli, name, content, reason):
    before = Memory(site / "m.sqlite3").stats().entries
    (site / name).write_text(content, encoding="utf-8")
    result = run_cli("import", name, "--cache", "m.sqlite3")
    assert result.exit_code == 1
    errors = [ln for ln in result.stderr.splitlines() if ln.startswith("error:")]
    assert len(errors) == 1 and name in errors[0] and reason in errors[0], result.stderr
    assert "Traceback" not in result.stderr
    assert Memory(site / "m.sqlite3").stats().entries == before


def test_reexport_gives_the_same_ids_and_bytes(site, run_cli):
    _export(run_cli)
    first = (site / "x" / "report.md.fr.xlf").read_bytes()
    shutil.rmtree(site / "x")
    _export(run_cli)
    assert (site / "x" / "report.md.fr.xlf").read_bytes() == first


def test_an_import_that_fails_while_storing_changes_nothing(site, run_cli, monkeypatch):
    import sqlite3

    _export(run_cli)
    path = site / "x" / "report.md.fr.xlf"
    path.write_text(
        path.read_text(encoding="utf-8").replace('state="initial"', 'state="translated"'),
        encoding="utf-8",
    )
    before = Memory(site / "m.sqlite3").stats()
    real = sqlite3.Connection.executemany

    class Interrupted(sqlite3.Connection):
        def executemany(self, sql, rows):
            rows = list(rows)
            real(self, sql, rows[:1])  # one row written, then the disk fails
            raise sqlite3.OperationalError("disk I/O error")

    connect = sqlite3.connect
    monkeypatch.setattr(sqlite3, "connect", lambda *a, **k: connect(*a, **k, factory=Interrupted))
    result = run_cli("import", str(path), "--cache", "m.sqlite3")
    monkeypatch.undo()
    assert result.exit_code == 1
    errors = [ln for ln in result.stderr.splitlines() if ln.startswith("error:")]
    assert len(errors) == 1 and "disk I/O error" in errors[0], result.stderr
    after = Memory(site / "m.sqlite3").stats()
    assert (after.entries, after.human) == (before.entries, before.human)
