"""The tool's own labels: extracted into the template, translated everywhere."""

from __future__ import annotations

import re

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from translator import labels

from .conftest import ROOT

LOCALES = ["ar", "de", "es", "fr", "it", "ja", "pt", "ru", "tr", "zh"]
TEMPLATE = ROOT / "locales" / "translator.pot"


def _code_messages() -> set[str]:
    found = extract_from_dir(
        str(ROOT / "translator"),
        method_map=[("**.py", "python")],
        keywords={"N_": None},
        comment_tags=(),
    )
    return {message for _file, _line, message, _comments, _context in found}


def _template_ids() -> set[str]:
    with TEMPLATE.open("rb") as fh:
        return {m.id for m in read_po(fh) if m.id}


def test_every_label_in_the_code_is_in_the_template():
    missing = _code_messages() - _template_ids()
    assert not missing, f"run pybabel extract (see babel.cfg): {missing}"


def test_template_has_no_stale_labels():
    assert _template_ids() <= _code_messages()


@pytest.mark.parametrize("lang", LOCALES)
def test_catalog_is_complete_and_not_fuzzy(lang):
    path = ROOT / "locales" / lang / "LC_MESSAGES" / "translator.po"
    with path.open("rb") as fh:
        catalog = read_po(fh)
    for msgid in _template_ids():
        message = catalog.get(msgid)
        assert message is not None, f"{lang}: {msgid!r} missing"
        assert message.string, f"{lang}: {msgid!r} untranslated"
        assert not message.fuzzy, f"{lang}: {msgid!r} fuzzy"
        assert set(re.findall(r"\{\w+\}", msgid)) == set(re.findall(r"\{\w+\}", message.string))


def test_labels_are_read_through_babel():
    from babel import Locale

    fr = labels.Labels.for_locale(Locale.parse("fr_CA"))
    assert fr.gettext(labels.PUBLISHED_ON).format(date="x") == "Publié le x"
    nl = labels.Labels.for_locale(Locale.parse("nl"))
    assert nl.fallback and nl.gettext(labels.PUBLISHED_ON) == labels.PUBLISHED_ON
