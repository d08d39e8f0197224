"""What ``export`` writes and ``import`` reads, whatever the file format: the
model that every format of :mod:`translator.exchange` turns into a file and
back.  Unit texts hold placeholders (:mod:`.codec`) where protected spans are."""

from __future__ import annotations

from dataclasses import dataclass, field

from .. import codec


@dataclass
class ExchangeUnit:
    """One segment for a person: source and target with placeholders where
    protected spans are, and the spans themselves."""

    id: str
    source: str
    target: str | None
    state: str  # initial (no target, or a machine draft), translated, reviewed
    line: int
    spans: dict[int, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    # the source a person translated before it changed: the target is their
    # previous translation, offered for review (PO ``#|``, XLIFF 1.2 needs-review)
    previous_source: str | None = None
    # TMX: each unit names its own languages, and its properties
    source_lang: str = ""
    target_lang: str = ""
    props: dict[str, str] = field(default_factory=dict)
    masked: bool = True  # its text holds placeholders (False: a CAT tool's plain text)

    def filled(self, text: str) -> str:
        """*text* with its placeholders replaced by the spans they stand for."""
        return fill_spans(text, self.spans)


@dataclass
class ExchangeFile:
    source_path: str  # the article, as given to export (relative to where it ran)
    source_lang: str
    target_lang: str  # the locale's tag: fr, pt-BR
    units: list[ExchangeUnit] = field(default_factory=list)
    masked: bool = True  # units hold placeholders (XLIFF); False: spans written out (PO)


def fill_spans(text: str, spans: dict[int, str]) -> str:
    """*text* with each placeholder of *spans* written out (one pass)."""
    return codec.fill(text, spans)


def remask(text: str, spans: dict[int, str]) -> str | None:
    """*text* with each span of *spans* back as its placeholder; None when one
    of them is not in it (:func:`.codec.put_back`)."""
    return codec.put_back(text, spans)
