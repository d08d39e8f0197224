"""Hardening, round 3: right-to-left pseudo text in reading order, the bidi
check, and a closed output pipe."""

from __future__ import annotations

import shutil
import subprocess
import sys

from .conftest import SAMPLES

RLO, PDF, LRI, PDI = "\u202e", "\u202c", "\u2066", "\u2069"


def test_rtl_pseudo_mirrors_letters_only():
    from translator import codec
    from translator.engines.pseudo import pseudo_localize
    from translator.qa import overridden

    at = codec.placeholder(0)
    text = pseudo_localize(f"Sales rose 3.2 million between 11:00 and 17:00, see {at}.", "ar")
    assert RLO in text and overridden(text) == []
    for piece in ("3.2", "11:00", "17:00", at):
        assert f"{LRI}{piece}{PDI}" in text, piece
    assert "\u2066" not in pseudo_localize(
        "Sales rose 3.2 million.", "fr"
    )  # left to right: as before


def test_the_bidi_check_flags_numbers_in_an_override(tmp_path, run_cli, monkeypatch):
    """A variant written by the earlier pseudo engine (the whole sentence in an
    override, numbers too) is flagged; one written now is clean."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.md").write_text(
        "---\ntitle: Budget\n---\n\nSales rose 3.2 million between 11:00 and 17:00.\n",
        encoding="utf-8",
    )
    assert run_cli("localize", "a.md", "--to", "ar", "--engine", "pseudo").exit_code == 0
    variant = tmp_path / "a.ar.md"
    clean = run_cli("qa", "a.md", str(variant))
    assert clean.exit_code == 0 and "bidi" not in clean.stdout, clean.stdout
    text = variant.read_text(encoding="utf-8")
    variant.write_text(text.replace(LRI, "").replace(PDI, ""), encoding="utf-8")
    flagged = run_cli("qa", "a.md", str(variant))
    assert flagged.exit_code == 1
    assert "error: bidi: 3 number(s) or URL(s) inside a right-to-left override" in flagged.stdout
    assert "(first: '3.2')" in flagged.stdout


def test_a_closed_output_pipe_ends_quietly(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for n in range(120):  # well over a pipe's buffer of output
        shutil.copy(SAMPLES / "scraped-ticker.txt", corpus / f"t{n:03d}.txt")
    proc = subprocess.Popen(
        [sys.executable, "-m", "translator", "extract", str(corpus)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.readline()  # `| head -1`
    proc.stdout.close()
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=120) == 141, err
    assert err == "", err  # no "unexpected BrokenPipeError", no traceback
