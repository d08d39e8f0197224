"""The tool's own output labels, translated through gettext catalogs.

Messages are marked with :func:`N_` and extracted with pybabel into
``locales/translator.pot``; each ``locales/<lang>/LC_MESSAGES/translator.po``
is read at run time with Babel (no compile step).  A project's own
``locales/`` (at its root) wins over the tool's.  A locale without a catalog
falls back to English, the whole published line with it (the date and the
language's name too), with one warning that says how to add a catalog.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from babel import Locale
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

DOMAIN = "translator"


def N_(message: str) -> str:
    """Mark *message* for extraction; it is translated later by :class:`Labels`."""
    return message


PUBLISHED_ON = N_("Published on {date}")
ORIGINAL_LANGUAGE = N_("Original language: {language}")
SEPARATOR = " · "


def locales_dir() -> Path:
    """Where the catalogs are: ``$TRANSLATOR_LOCALES_DIR``, else the package's own.

    The catalogs live in ``locales/`` at the top of the source tree; a wheel
    carries them as ``translator/messages/`` (see ``pyproject.toml``), an
    editable install reads them where they are.
    """
    env = os.environ.get("TRANSLATOR_LOCALES_DIR")
    if env:
        return Path(env)
    here = Path(__file__).resolve().parent
    packaged = here / "messages"
    return packaged if packaged.is_dir() else here.parent / "locales"


@lru_cache(maxsize=64)
def _catalog(path: str) -> Catalog:
    with open(path, "rb") as fh:
        return read_po(fh, domain=DOMAIN)


# Chinese written in these territories is Traditional unless a script says otherwise.
_HANT_TERRITORIES = {"TW", "HK", "MO"}


def catalog_names(locale: Locale) -> list[str]:
    """Catalog names to try for *locale*, most specific first.

    >>> catalog_names(Locale.parse("pt_BR")), catalog_names(Locale.parse("zh_Hant"))
    (['pt_BR', 'pt'], ['zh_Hant', 'zh_Hant', 'zh'])
    >>> catalog_names(Locale.parse("zh_TW"))[1:], catalog_names(Locale.parse("zh_Hans"))[1:]
    (['zh_Hant', 'zh'], ['zh_Hans', 'zh'])
    """
    script = locale.script
    if script is None and locale.language == "zh" and locale.territory in _HANT_TERRITORIES:
        script = "Hant"
    names = [str(locale)]
    if script:
        names.append(f"{locale.language}_{script}")
    return [*names, locale.language]


PROJECT_DIR = "locales"  # a project's own catalogs of these labels, at its root


def catalog_path(locale: Locale, project: Path | None = None) -> Path | None:
    """The catalog for *locale*: ``pt_BR`` first, then its script (``zh_Hant``),
    then ``pt``; a project's own (``locales/`` at its root *project*) before
    the tool's."""
    roots = [project / PROJECT_DIR] if project is not None else []
    for root in [*roots, locales_dir()]:
        for name in catalog_names(locale):
            path = root / name / "LC_MESSAGES" / f"{DOMAIN}.po"
            if path.is_file():
                return path
    return None


def missing_catalog(tag: str, locale: Locale) -> str:
    """The warning for a locale without a catalog, saying how to add one."""
    pot = locales_dir() / f"{DOMAIN}.pot"
    return (
        f"no catalog for {tag}: its published line is in English; to add one, run "
        f"'pybabel init -D {DOMAIN} -l {locale.language} -d {PROJECT_DIR} -i {pot}' at the "
        f"project's root and translate its messages (the project's {PROJECT_DIR}/ wins over "
        "the tool's own catalogs)"
    )


@dataclass(frozen=True)
class Labels:
    """Translated labels for one locale."""

    locale: Locale
    catalog: Catalog | None

    @classmethod
    def for_locale(cls, locale: Locale, project: Path | None = None) -> Labels:
        path = catalog_path(locale, project)
        return cls(locale, _catalog(str(path)) if path else None)

    @property
    def fallback(self) -> bool:
        return self.catalog is None and self.locale.language != "en"

    def gettext(self, message: str) -> str:
        if self.catalog is not None:
            entry = self.catalog.get(message)
            if entry is not None and entry.string and not entry.fuzzy:
                return str(entry.string)
        return message
