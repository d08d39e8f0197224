"""Translation engines: translate a list of segments from one language to another.

* ``pseudo``: deterministic pseudo-localization, for offline previews and tests;
* ``argos``: Argos Translate packages run through CTranslate2 directly.

Engines receive segments whose protected spans are already placeholders
(:mod:`translator.exchange.codec`) and must return one string per segment, in
order.  An empty segment gives an empty translation and never reaches a model.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass, field

from ..errors import UsageError

ENGINES = ("argos", "pseudo")


@dataclass(frozen=True)
class DecodeOptions:
    """Decoding settings; they are part of a translation's identity."""

    beam: int = 4
    device: str = "cpu"  # cpu, cuda or auto
    compute_type: str = "default"
    inter_threads: int = 1
    intra_threads: int = 0  # 0: CTranslate2 picks
    token_budget: int = 2048  # tokens per CTranslate2 batch
    max_input_tokens: int = 1000  # longer sentences are split before the model

    def key(self) -> str:
        return f"beam={self.beam}"


@dataclass
class Engine(ABC):
    options: DecodeOptions = field(default_factory=DecodeOptions)
    calls: int = 0  # model calls made (segments sent), for tests and reports
    notes: list[str] = field(default_factory=list)

    name = "engine"

    def check_pair(self, source: str, target: str) -> None:  # noqa: B027 - optional hook
        """Raise :class:`~translator.errors.UsageError` if the pair cannot be served."""

    @abstractmethod
    def identity(self, source: str, target: str) -> str:
        """What produced a translation: model names and versions, or ``pseudo``."""

    @abstractmethod
    def translate(self, segments: Sequence[str], source: str, target: str) -> list[str]:
        """Translate *segments* (placeholders kept) and return them in order."""


def get_engine(name: str, options: DecodeOptions | None = None) -> Engine:
    options = options or DecodeOptions()
    if name == "pseudo":
        from .pseudo import PseudoEngine

        return PseudoEngine(options)
    if name == "argos":
        from .argos import ArgosEngine

        return ArgosEngine(options)
    raise UsageError(f"unknown engine {name!r}; choose one of {', '.join(ENGINES)}")
