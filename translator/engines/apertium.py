"""Apertium, the rule-based engine Debian ships (``apertium`` and its pair
packages such as ``apertium-eng-spa``): real translations with no download.

* Pairs are the installed modes, the list ``apertium -l`` prints; their
  language codes (``eng``, ``spa``, ``spa-eng_US``) are mapped to the tool's
  (``en``, ``es``, ``en-US``) through CLDR's language aliases (Babel).
* One ``apertium`` process per call translates every segment of the call,
  one segment an HTML paragraph (Apertium reads each on its own): never one
  process per segment.  The tool's placeholders go through as empty tags,
  which Apertium's format handling keeps whole and in place (superblanks).
* Apertium marks the words it could not translate: ``*`` unknown, ``#``
  a generation error, ``@`` a transfer error.  The marks never reach the
  output; each marked word is kept in :attr:`ApertiumEngine.unknown`, by
  output segment, for the QA finding ``unknown-words``.
* A translation's identity names the mode and a digest of the mode file and
  the data files it runs, so that another version of a pair makes a
  variant stale.
"""

from __future__ import annotations

import hashlib
import html
import os
import re
import shutil
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from babel.core import get_global

from .. import codec
from ..errors import UsageError
from . import Engine

TIMEOUT = 600  # seconds one call may take
# Between two segments: a blank line, a paragraph break Apertium keeps, and
# where its tagger and transfer rules start afresh (a lone line break does
# not: "a new public library" followed by "Opponents …" on the next line was
# read as one phrase).
PARAGRAPH = "\n\n"
# A mark Apertium puts before a word: unknown (*), generation (#) or transfer (@) error.
_MARK = re.compile(r"(?<![\w*#@])([*#@])(\w[\w'’-]*)")
_MODE_FILE = re.compile(r"'(/[^']+)'")


# Apertium's own format handling keeps each tag as a "superblank": never
# split, never with a word moved inside.  The tool's placeholders go through
# as empty tags (in text, "⟦0⟧Google's guidelines" came back as "⟦el código
# abierto de 0⟧Google": brackets and digit are words to it).  Each segment is
# a paragraph of its own.  TRANSLATOR_APERTIUM_FORMAT=txt sends plain text
# instead (benchmarks/fidelity.py measures both).
FORMAT_VARIABLE = "TRANSLATOR_APERTIUM_FORMAT"
_PARAGRAPH = re.compile(r"<p>(.*?)</p>", re.DOTALL)
_SUPERBLANK = re.compile(r'<br class="t(\d+)">')


def _as_html(segment: str) -> str:
    """A segment as one HTML paragraph, its placeholders as empty tags.

    >>> _as_html("A & B " + codec.placeholder(3) + ".")
    '<p>A &amp; B <br class="t3">.</p>\\n'
    """
    escaped = html.escape(segment, quote=False)
    return "<p>" + codec.replace(escaped, lambda n: f'<br class="t{n}">') + "</p>\n"


def _from_html(paragraph: str) -> str:
    """The paragraph Apertium wrote back, as a segment with placeholders."""
    text = _SUPERBLANK.sub(lambda m: codec.placeholder(int(m.group(1))), paragraph)
    return html.unescape(text)


@dataclass(frozen=True)
class Pair:
    """One installed Apertium mode: its name and the tool's language codes."""

    mode: str  # eng-spa, spa-eng_US
    source: str  # en
    target: str  # es, en-US
    path: str  # the mode file


def _language(code: str) -> str:
    """An Apertium language code as the tool writes it.

    >>> _language("eng"), _language("spa"), _language("eng_US"), _language("pt_BR"), _language("en")
    ('en', 'es', 'en-US', 'pt-BR', 'en')
    """
    base, _, region = code.partition("_")
    aliases = get_global("language_aliases")
    base = aliases.get(base, base) if len(base) == 3 else base
    return f"{base}-{region}" if region else base


def _mode_dirs() -> list[Path]:
    """Where installed modes are: $APERTIUM_MODES, else Debian's folder."""
    extra = os.environ.get("APERTIUM_MODES")
    dirs = [Path(p) for p in extra.split(os.pathsep)] if extra else []
    return [*dirs, Path("/usr/share/apertium/modes")]


@lru_cache(maxsize=8)
def installed_pairs(modes: tuple[str, ...] = ()) -> tuple[Pair, ...]:
    """The installed Apertium pairs (empty when Apertium is not installed)."""
    if shutil.which("apertium") is None:
        return ()
    found: dict[str, Pair] = {}
    for folder in [Path(m) for m in modes] or _mode_dirs():
        if not folder.is_dir():
            continue
        for mode_file in sorted(folder.glob("*.mode")):
            mode = mode_file.stem
            if "-" not in mode or mode.count("-") != 1:
                continue  # a debugging mode (eng-spa-tagger) is not a pair
            source, target = mode.split("-")
            found.setdefault(mode, Pair(mode, _language(source), _language(target), str(mode_file)))
    return tuple(found.values())


def pair_for(source: str, target: str) -> Pair | None:
    """The installed mode from *source* to *target* (language codes or tags):
    the exact region first, else the language's plain mode."""
    pairs = installed_pairs()
    for want in (target, target.split("-")[0]):
        for pair in pairs:
            if pair.source == source.split("-")[0] and pair.target == want:
                return pair
    return None


# ISO 639-2 bibliographic codes: Apertium names its pairs with the terminology ones.
_BIBLIOGRAPHIC = frozenset(
    "alb arm baq bur chi cze dut fre geo ger gre ice mac mao may per rum slo tib wel".split()
)


def _three(code: str) -> str:
    for alias, language in get_global("language_aliases").items():
        if language == code and len(alias) == 3 and alias not in _BIBLIOGRAPHIC:
            return alias
    return code


def package_name(source: str, target: str) -> str:
    """The Debian packages that may bring the pair: Apertium names newer pairs
    with three-letter codes (apertium-eng-spa), older ones with two (apertium-fr-es).

    >>> package_name("fr", "es")
    'apertium-fra-spa or apertium-fr-es'
    """
    source, target = source.split("-")[0], target.split("-")[0]
    return f"apertium-{_three(source)}-{_three(target)} or apertium-{source}-{target}"


@lru_cache(maxsize=32)
def pair_digest(path: str) -> str:
    """A digest of the mode file and of every data file it names (size and
    modification time): another version of the pair gives another digest."""
    digest = hashlib.sha256()
    text = Path(path).read_text(encoding="utf-8", errors="replace")
    digest.update(text.encode("utf-8"))
    for name in sorted(set(_MODE_FILE.findall(text))):
        try:
            stat = os.stat(name)
        except OSError:
            continue
        digest.update(f"{name}:{stat.st_size}:{int(stat.st_mtime)}".encode())
    return digest.hexdigest()[:12]


def strip_marks(text: str, source: str = "") -> tuple[str, list[str]]:
    """*text* without Apertium's marks, and the words it marked (a word the
    *source* itself writes with ``#`` or ``@``, a hashtag, is no mark).

    >>> strip_marks("El *timber *pier abre, #canal y @user", "the timber pier, @user")
    ('El timber pier abre, canal y @user', ['timber', 'pier', 'canal'])
    """
    words: list[str] = []

    def drop(match: re.Match[str]) -> str:
        if match.group(1) != "*" and match.group(0) in source:
            return match.group(0)
        words.append(match.group(2))
        return match.group(2)

    return _MARK.sub(drop, text), words


@dataclass
class ApertiumEngine(Engine):
    """Translations through an installed Apertium pair."""

    name = "apertium"
    segments_per_call = 4096  # one process each: its start-up costs 0.2-0.9 s
    # the marked words of each output segment, for the QA finding unknown-words
    unknown: dict[str, list[str]] = field(default_factory=dict)

    def check_pair(self, source: str, target: str) -> None:
        self._pair(source, target)

    def options_key(self) -> str:
        return ""  # a rule-based engine: no decoding options

    def unknown_words(self, output: str) -> list[str]:
        return self.unknown.get(output.strip(), [])

    def note_unknown(self, output: str, words: list[str]) -> None:
        self.unknown[output.strip()] = words

    def writes_target_language(self, source: str, target: str) -> bool:
        return True  # a word it cannot translate is marked, and reported

    def _pair(self, source: str, target: str) -> Pair:
        if shutil.which("apertium") is None:
            raise UsageError(
                "Apertium is not installed: apt-get install apertium and the pair's "
                f"package, {package_name(source, target)} (Debian's)"
            )
        pair = pair_for(source, target)
        if pair is None:
            raise UsageError(
                f"no Apertium pair for {source} → {target}: install Debian's "
                f"{package_name(source, target)} (apt-cache search apertium lists them; "
                "apertium -l, the pairs installed)"
            )
        return pair

    def identity(self, source: str, target: str) -> str:
        pair = self._pair(source, target)
        return f"apertium {pair.mode} {pair_digest(pair.path)}"

    def translate(self, segments: Sequence[str], source: str, target: str) -> list[str]:
        pair = self._pair(source, target)
        wanted = [i for i, s in enumerate(segments) if s.strip()]
        out = ["" if not s.strip() else s for s in segments]
        if not wanted:
            return out
        lines = [" ".join(segments[i].split()) for i in wanted]
        translated = self._run(pair, lines)
        self.calls += len(wanted)
        for index, text in zip(wanted, translated, strict=True):
            clean, words = strip_marks(text.strip(), segments[index])
            out[index] = clean
            if words:
                self.unknown[clean] = words
        return out

    def _run(self, pair: Pair, lines: list[str]) -> list[str]:
        """One process over *lines*, one output segment each."""
        superblanks = os.environ.get(FORMAT_VARIABLE, "html") != "txt"
        text = "".join(_as_html(line) for line in lines) if superblanks else PARAGRAPH.join(lines)
        command = ["apertium", "-d", str(Path(pair.path).parent.parent)]
        done = subprocess.run(
            [*command, *(["-f", "html"] if superblanks else []), pair.mode],
            input=text + "\n",
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
        )
        if done.returncode != 0:
            raise UsageError(f"apertium {pair.mode} failed: {done.stderr.strip()[:200]}")
        if superblanks:
            result = [_from_html(p) for p in _PARAGRAPH.findall(done.stdout)]
        else:
            result = done.stdout.rstrip("\n").split(PARAGRAPH)
        if len(result) != len(lines):
            # not one line out per line in: each segment alone (slow, never wrong)
            return (
                [self._run(pair, [line])[0] for line in lines]
                if len(lines) > 1
                else [" ".join(result)]
            )
        return result
