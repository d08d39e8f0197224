from __future__ import annotations

import pytest

from translator.engines import DecodeOptions, get_engine
from translator.engines.pseudo import pseudo_localize
from translator.errors import UsageError
from translator.protect import mask, unmask


def test_pseudo_is_deterministic_and_expands():
    text = "The terminal will handle up to 3,500 passengers a day."
    once, twice = pseudo_localize(text), pseudo_localize(text)
    assert once == twice
    assert once.startswith("[") and once.endswith("]")
    assert 1.25 <= len(once) / len(text) <= 1.45
    assert "3,500" in once


def test_pseudo_engine_keeps_protected_spans_through_masking():
    engine = get_engine("pseudo")
    source = "Mail desk@example.org or see https://example.org/a_b?x=1 and {name} with %(count)s, %s, `code_x`."
    masked = mask(source, "markdown")
    [out] = engine.translate([masked.text], "en", "fr")
    restored, events = unmask(out, masked)
    for span in [
        "desk@example.org",
        "https://example.org/a_b?x=1",
        "{name}",
        "%(count)s",
        "%s",
        "`code_x`",
    ]:
        assert span in restored
    assert events == []


def test_empty_segments_are_empty_and_cost_no_call():
    engine = get_engine("pseudo")
    assert engine.translate(["", "  ", "Hello"], "en", "fr")[:2] == ["", "  "]
    assert engine.calls == 1


def test_unknown_engine_is_usage_error():
    with pytest.raises(UsageError):
        get_engine("google")


def test_lost_placeholder_is_put_back_and_recorded():
    masked = mask("Read https://example.org/x now.")
    text, events = unmask("Lisez maintenant.", masked)
    assert text.endswith("https://example.org/x")
    assert [(e.action, e.span) for e in events] == [("restored", "https://example.org/x")]


def test_repeated_placeholder_is_removed_and_recorded():
    masked = mask("See https://example.org/x")
    text, events = unmask("Voir ⟦0⟧ ⟦0⟧", masked)
    assert text.count("https://example.org/x") == 1
    assert [e.action for e in events] == ["removed"]


def test_decode_options_defaults_match_argos(monkeypatch):
    """The defaults are argostranslate's own (read from its settings module,
    with no ARGOS_* variable set)."""
    import importlib

    for name in ("ARGOS_BEAM_SIZE", "ARGOS_DEVICE_TYPE"):
        monkeypatch.delenv(name, raising=False)
    import argostranslate.settings as argos_settings

    argos_settings = importlib.reload(argos_settings)
    options = DecodeOptions()
    assert options.beam == argos_settings.beam_size
    assert options.device == argos_settings.device
