"""Language identification of one piece of text with langdetect, seeded.

langdetect is random unless ``DetectorFactory.seed`` is set; it is set here
once, on import, and every caller goes through this module.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from functools import lru_cache

from langdetect import DetectorFactory, detector_factory
from langdetect.lang_detect_exception import LangDetectException

from .article import UNDETERMINED

DetectorFactory.seed = 0

_CODE_MAP = {"zh-cn": "zh", "zh-tw": "zh"}
# A link target's scan stops at the next "]", so many unclosed "](" cost linear time.
_MD_LINK = re.compile(r"\]\([^)\]]*\)")
_MARKUP = re.compile(r"[*_`#>\[\]]+")
_LETTER = re.compile(r"[^\W\d_]")  # a letter: a word character, not a digit or "_"
_WIDE_LETTER = re.compile("[\u3040-\u9fff\uac00-\ud7af]")  # counted a second time

# Site-generator tags ({{< ref "x" >}}, {% if %}) carry no language; scans stop at the next opener.
_TEMPLATE = re.compile(r"\{\{(?:(?!\{\{).)*?\}\}|\{%(?:(?!\{%).)*?%\}", re.DOTALL)
_AROUND = "*_`#<>[]()\"'.,;:!?"


def _is_address(word: str) -> bool:
    """A URL, or an e-mail address (an "@" with a dot after it)."""
    if word.startswith(("http://", "https://", "www.")):
        return True
    at = word.rfind("@")
    return 0 < at and "." in word[at + 2 : -1]


def plain(text: str) -> str:
    """Text fit for detection: URLs, e-mail addresses and Markdown markup removed.

    Addresses are found word by word, in linear time on any text.

    >>> plain("Write to **news@example.org** or see https://example.org/a_b today")
    'Write to or see today'
    """
    words = _TEMPLATE.sub(" ", _MD_LINK.sub("]", text)).split()
    kept = " ".join(w for w in words if not _is_address(w.strip(_AROUND)))
    return " ".join(_MARKUP.sub(" ", kept).split())


@lru_cache(maxsize=8192)
def letter_weight(text: str) -> int:
    """Letters in *text*; ideographs and hangul count double (they carry more).

    Counted with two regular expressions (C speed: a page's blocks are weighed
    several times per vote).

    >>> letter_weight("Vote 2025: ok"), letter_weight("广告 ad")
    (6, 6)
    """
    return len(_LETTER.findall(text)) + len(_WIDE_LETTER.findall(text))


SCRIPT_SAMPLE = 600  # characters looked at: a page's script shows in its first lines


@lru_cache(maxsize=4096)
def _script(ch: str) -> str:
    try:
        name = unicodedata.name(ch)
    except ValueError:
        return "OTHER"
    first = name.split(" ", 1)[0]
    if first in {"CJK", "HIRAGANA", "KATAKANA", "IDEOGRAPHIC"}:
        return "HAN"
    return first


def script(text: str) -> str:
    """The dominant Unicode script of the letters in *text*.

    >>> script("Ticker"), script("اعلان"), script("广告"), script("123")
    ('LATIN', 'ARABIC', 'HAN', 'NONE')
    """
    counts = Counter(_script(ch) for ch in text[:SCRIPT_SAMPLE] if ch.isalpha())
    if not counts:
        return "NONE"
    return counts.most_common(1)[0][0]


@lru_cache(maxsize=1)
def _factory() -> DetectorFactory:
    """langdetect's 55 language profiles, loaded once."""
    factory = DetectorFactory()
    factory.load_profile(detector_factory.PROFILES_DIRECTORY)
    return factory


FULL_TRIALS = 7  # langdetect's own number of random trials per call
QUICK_TRIALS = 1
SHORT_TRIALS = 3  # a short line: enough trials for a probability to compare with a threshold
# What one call reads of a long text: langdetect's time grows with the text
# it is given (n-gram extraction) while a few hundred words already decide.
SAMPLE_CHARS = 400


def detect(text: str, trials: int = FULL_TRIALS) -> list[tuple[str, float]]:
    """Candidate languages of *text*, most probable first; empty when undetermined.

    Codes are ISO 639-1, with ``zh`` for Chinese in either script.  A call
    costs the same on a line as on a page: langdetect samples the text's
    n-grams in *trials* random walks and averages them.  One trial is enough
    for a long text (a run of paragraphs); a short one needs all seven for a
    probability worth comparing with a threshold.

    >>> detect("Le gouvernement a annoncé jeudi une nouvelle loi sur le logement.")[0][0]
    'fr'
    >>> detect("12345 !!! 🙂")
    []
    """
    cleaned = plain(text)
    if not any(ch.isalpha() for ch in cleaned):
        return []
    detector = _factory().create()
    detector.n_trial = trials
    detector.append(cleaned[:SAMPLE_CHARS])
    try:
        found = detector.get_probabilities()
    except LangDetectException:
        return []
    merged: dict[str, float] = {}
    for item in found:
        code = _CODE_MAP.get(item.lang, item.lang)
        merged[code] = merged.get(code, 0.0) + float(item.prob)
    return sorted(merged.items(), key=lambda kv: -kv[1])


def best(text: str) -> tuple[str, float]:
    found = detect(text)
    return found[0] if found else (UNDETERMINED, 0.0)
