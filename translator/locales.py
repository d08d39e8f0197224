"""Language and locale codes: validation with Babel, and Argos model codes.

Users write locales as ``fr``, ``fr_FR``, ``fr-FR``, ``pt-BR``, ``zh-Hant`` or
``ar-EG``.  Babel validates them and gives names and text direction; Argos
packages use two-letter codes, plus ``pb`` (Brazilian Portuguese) and ``zt``
(Traditional Chinese).  Everything the project knows about Argos codes is in
this module.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from babel import Locale, UnknownLocaleError

from .errors import UsageError

_SHAPE = re.compile(r"^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*$")
# BCP 47 tags whose Argos code is not simply the language subtag.
_ARGOS_SPECIAL = {("pt", "BR"): "pb", ("zh", "Hant"): "zt", ("zh", "TW"): "zt", ("zh", "HK"): "zt"}
_ARGOS_TO_BCP47 = {"pb": "pt-BR", "zt": "zh-Hant"}
_ARGOS_TO_ISO = {"pb": "pt", "zt": "zh"}
# Languages written without spaces between words (Argos codes and ISO 639).
NO_SPACE_LANGUAGES = frozenset({"zh", "ja", "zt"})


@dataclass(frozen=True)
class Target:
    """A requested locale: as written, as Babel knows it, and its Argos code."""

    tag: str  # BCP 47 as requested, with a hyphen: "pt-BR"
    locale: Locale
    argos: str

    @property
    def direction(self) -> str:
        return "rtl" if self.locale.text_direction == "rtl" else "ltr"

    def __str__(self) -> str:
        return self.tag


def parse_locale(code: str) -> Target:
    """Validate *code* with Babel.

    >>> t = parse_locale("pt_BR"); (t.tag, t.argos, t.direction)
    ('pt-BR', 'pb', 'ltr')
    >>> parse_locale("ar-EG").direction
    'rtl'
    >>> parse_locale("en_US.UTF-8")
    Traceback (most recent call last):
    ...
    translator.errors.UsageError: unknown locale 'en_US.UTF-8': write a language code such as fr, pt-BR or zh-Hant
    """
    raw = code.strip()
    if raw in _ARGOS_TO_BCP47:
        raw = _ARGOS_TO_BCP47[raw]
    hint = "write a language code such as fr, pt-BR or zh-Hant"
    if not _SHAPE.match(raw):
        raise UsageError(f"unknown locale {code!r}: {hint}")
    try:
        locale = Locale.parse(raw.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        raise UsageError(f"unknown locale {code!r}: {hint}") from None
    parts = raw.replace("_", "-").split("-")
    tag = "-".join(
        [parts[0].lower()] + [p.title() if len(p) == 4 else p.upper() for p in parts[1:]]
    )
    argos = _ARGOS_SPECIAL.get(
        (locale.language, locale.territory or ""), None
    ) or _ARGOS_SPECIAL.get((locale.language, locale.script or ""), locale.language)
    return Target(tag=tag, locale=locale, argos=argos)


def iso_language(code: str) -> str:
    """The ISO 639 language of a locale tag or an Argos code.

    >>> iso_language("pt-BR"), iso_language("pb"), iso_language("zt"), iso_language("fr_FR")
    ('pt', 'pt', 'zh', 'fr')
    """
    base = code.replace("_", "-").split("-")[0].lower()
    return _ARGOS_TO_ISO.get(base, base)


def joins_without_spaces(code: str) -> bool:
    """Sentences of this language (a tag or an Argos code) are joined with no space.

    >>> joins_without_spaces("zt"), joins_without_spaces("ja-JP"), joins_without_spaces("fr")
    (True, True, False)
    """
    return code.replace("_", "-").split("-")[0].lower() in NO_SPACE_LANGUAGES


def parse_locales(text: str) -> list[Target]:
    """A comma-separated list of locales, all validated, duplicates refused."""
    targets = [parse_locale(part) for part in text.split(",") if part.strip()]
    if not targets:
        raise UsageError("no locale given")
    seen: set[str] = set()
    for t in targets:
        if t.tag in seen:
            raise UsageError(f"locale {t.tag} is given twice")
        seen.add(t.tag)
    return targets


def language_name(code: str, in_locale: str | Locale = "en") -> str:
    """Babel's name of language *code*, in *in_locale*; the code itself if unknown.

    >>> language_name("en", "fr"), language_name("ar", "de")
    ('anglais', 'Arabisch')
    """
    try:
        loc = (
            in_locale
            if isinstance(in_locale, Locale)
            else Locale.parse(in_locale.replace("-", "_"))
        )
        name = Locale.parse(code.replace("-", "_")).get_language_name(loc)
    except (UnknownLocaleError, ValueError):
        return code
    return name or code
