"""Language identification of one piece of text with langdetect, seeded.

langdetect is random unless ``DetectorFactory.seed`` is set; it is set here
once, on import, and every caller goes through this module.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import re
import sys
import unicodedata
from array import array
from collections import Counter
from functools import lru_cache
from pathlib import Path

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
    counts: Counter[str] = Counter()
    # Each distinct character is named once (the counting of characters runs
    # at C speed); scripts tie in the order their first letter appears.
    for ch, n in Counter(text[:SCRIPT_SAMPLE]).items():
        if ch.isalpha():
            counts[_script(ch)] += n
    if not counts:
        return "NONE"
    return counts.most_common(1)[0][0]


@lru_cache(maxsize=1)
def _factory() -> DetectorFactory:
    """langdetect's 55 language profiles, loaded once per process.

    langdetect reads them from 55 JSON files into a table of every n-gram's
    55 probabilities (a quarter of a second, at every start of the tool).
    The table is packed once into the user's cache (:func:`_packed_path`)
    with only each n-gram's non-zero probabilities, exactly as langdetect
    computed them, and read back from there in a few milliseconds; an n-gram's
    row is unpacked when a detection first reads it.
    """
    packed = _packed_path()
    factory = DetectorFactory()
    loaded = _read_packed(packed)
    if loaded is not None:
        factory.langlist, factory.word_lang_prob_map = loaded
        return factory
    factory.load_profile(detector_factory.PROFILES_DIRECTORY)
    _write_packed(packed, factory)
    return factory


class _Rows(dict):
    """n-gram → its probabilities in each language, the way langdetect's
    detector reads them (``in`` and ``[]``); a row packed as bytes (the
    indexes of its non-zero languages, then their doubles) is unpacked on
    its first read."""

    __slots__ = ("size",)

    def __init__(self, rows: dict[str, bytes], size: int) -> None:
        super().__init__(rows)
        self.size = size

    def __getitem__(self, ngram: str) -> list[float]:
        row = dict.__getitem__(self, ngram)
        if isinstance(row, bytes):
            count = len(row) // 9
            full = [0.0] * self.size
            for index, prob in zip(row[:count], array("d", row[count:]), strict=True):
                full[index] = prob
            dict.__setitem__(self, ngram, full)
            return full
        return row


_PACKED_MAGIC = b"translator langdetect profiles 1\n"


def _packed_path() -> Path:
    """Where the packed table lives: named by langdetect's version, its
    profile files (names, sizes, times) and this machine's byte order."""
    from importlib.metadata import PackageNotFoundError, version

    from .project import user_cache_dir

    try:
        release = version("langdetect")
    except PackageNotFoundError:  # a copy without its metadata: its files still name it
        release = "unknown"
    folder = detector_factory.PROFILES_DIRECTORY
    key = hashlib.sha256(f"{release} {sys.byteorder}".encode())
    for name in sorted(os.listdir(folder)):
        info = os.stat(os.path.join(folder, name))
        key.update(f"\n{name} {info.st_size} {info.st_mtime_ns}".encode())
    return user_cache_dir() / f"langdetect-{key.hexdigest()[:20]}.bin"


def _read_packed(path: Path) -> tuple[list[str], _Rows] | None:
    """The table packed at *path*, or None when there is none or it is not
    whole (its digest is checked before anything is unpacked)."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    head = len(_PACKED_MAGIC)
    payload = data[head + 32 :]
    if data[:head] != _PACKED_MAGIC or hashlib.sha256(payload).digest() != data[head : head + 32]:
        return None
    try:
        langlist, rows = marshal.loads(payload)
    except (EOFError, ValueError, TypeError):
        return None
    return list(langlist), _Rows(rows, len(langlist))


def _write_packed(path: Path, factory: DetectorFactory) -> None:
    """Pack *factory*'s table at *path*; a cache that cannot be written is no error."""
    from .fsutil import write_atomic

    rows: dict[str, bytes] = {}
    for ngram, probs in factory.word_lang_prob_map.items():
        indexes = [i for i, prob in enumerate(probs) if prob]
        rows[ngram] = bytes(indexes) + array("d", [probs[i] for i in indexes]).tobytes()
    payload = marshal.dumps((list(factory.langlist), rows))
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, _PACKED_MAGIC + hashlib.sha256(payload).digest() + payload)
    except OSError:
        pass


def warm() -> None:
    """Load the profiles now (before worker processes are forked, which then share them)."""
    _factory()


FULL_TRIALS = 7  # langdetect's own number of random trials per call
QUICK_TRIALS = 1
SHORT_TRIALS = 3  # a short line: enough trials for a probability to compare with a threshold
# What one call reads of a long text: langdetect's time grows with the text
# it is given (n-gram extraction) while a few hundred words already decide.
SAMPLE_CHARS = 400
SAMPLE_CUT = 8 * SAMPLE_CHARS  # where a long text's cleaning may stop


def _sample(text: str) -> str:
    """The start of ``plain(text)`` that one call reads (at least
    ``SAMPLE_CHARS`` characters of it): a long text is cleaned from its first
    words only, cut at a space, unless too little of them is left after the
    cleaning (a page of addresses and markup).

    >>> _sample("See https://example.org " * 400)[:20]
    'See See See See See '
    """
    cut = text.find(" ", SAMPLE_CUT) if len(text) > SAMPLE_CUT else -1
    if cut > 0:
        head = plain(text[:cut])
        if len(head) >= SAMPLE_CHARS:
            return head
    return plain(text)


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
    cleaned = _sample(text)
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


@lru_cache(maxsize=64)
def common_words(code: str) -> frozenset[str]:
    """The most common words of language *code* (ISO 639-1), lower case, from
    jusText's stop lists (word lists of each language's Wikipedia); empty for
    a language jusText has none for.

    >>> "the" in common_words("en"), "und" in common_words("de"), len(common_words("zz"))
    (True, True, 0)
    """
    import justext
    from babel import Locale, UnknownLocaleError

    try:
        name = Locale.parse(code.replace("-", "_")).english_name or ""
    except (UnknownLocaleError, ValueError):
        return frozenset()
    name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().replace(" ", "_")
    if name not in justext.get_stoplists():
        return frozenset()
    return frozenset(word.casefold() for word in justext.get_stoplist(name))


def common_share(text: str, words: frozenset[str]) -> float:
    """The share of *text*'s words that are among *words* (case and the
    punctuation around a word aside).

    >>> en = common_words("en")
    >>> common_share("About the city", en), common_share("Noticias de hoy", en)
    (1.0, 0.3333333333333333)
    """
    found = text.split()
    if not found:
        return 0.0
    return sum(word.strip(_AROUND).casefold() in words for word in found) / len(found)


def best(text: str) -> tuple[str, float]:
    found = detect(text)
    return found[0] if found else (UNDETERMINED, 0.0)
