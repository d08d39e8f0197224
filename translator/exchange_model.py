"""What ``export`` writes and ``import`` reads, whatever the file format: the
model that :mod:`translator.xliff` and :mod:`translator.po` turn into files
and back."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class ExchangeUnit:
    """One segment for a person: source and target with placeholders ``⟦n⟧``
    where protected spans are, and the spans themselves."""

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
    """*text* with each ``⟦n⟧`` of *spans* written out."""
    out = text
    for number, span in spans.items():
        out = out.replace(f"⟦{number}⟧", span)
    return out


def remask(text: str, spans: dict[int, str]) -> str | None:
    """*text* with each span of *spans* back as its placeholder (longest span
    first); None when one of them is not in it."""
    out = text
    for number, span in sorted(spans.items(), key=lambda kv: -len(kv[1])):
        at = out.find(span)
        if at < 0:
            return None
        out = out[:at] + f"⟦{number}⟧" + out[at + len(span) :]
    return out
