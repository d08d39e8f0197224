"""Translation engines: translate a list of segments from one language to another.

* ``pseudo``: deterministic pseudo-localization, for offline previews and tests;
* ``argos``: Argos Translate packages run through CTranslate2 directly;
* ``apertium``: Debian's Apertium pairs (rule-based, no download);
* ``auto``: per language pair, an installed Argos package, else an installed
  Apertium pair.

Engines receive segments whose protected spans are already placeholders
(:mod:`translator.codec`) and must return one string per segment, in
order.  An empty segment gives an empty translation and never reaches a model.
"""

from __future__ import annotations

import hashlib
from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass, field

from ..errors import UsageError

ENGINES = ("argos", "pseudo", "apertium", "auto")
GROUP = 64  # segments in a model batch, on average (model_batches): near the token budget


def content_mark(segment: str, salt: bytes = b"") -> int:
    """A number from *segment*'s bytes alone, where batches are cut."""
    digest = hashlib.blake2b(segment.encode("utf-8"), digest_size=4, salt=salt).digest()
    return int.from_bytes(digest, "big")


def model_batches(segments: Sequence[str], size: int = GROUP) -> list[list[int]]:
    """The model batches of *segments*: their indexes in length order, cut after
    a segment whose content says so (about one in *size*), or at twice *size*.

    What a model gives for a segment can hang on the other segments of its
    batch (padding, and the sums of a batch of another shape), so an engine
    translates in these batches, and work is cut into tasks of whole model
    batches (:func:`translator.executors.split_batches`): the same segments
    give the same output whatever the tasks, the executor or the workers.
    Cutting any run of whole batches again gives the same batches.

    >>> model_batches(["ccc", "a", "bb"])
    [[1, 2, 0]]
    """
    order = sorted(range(len(segments)), key=lambda i: (len(segments[i]), segments[i]))
    batches: list[list[int]] = []
    current: list[int] = []
    for index in order:
        current.append(index)
        if content_mark(segments[index]) % size == 0 or len(current) >= 2 * size:
            batches.append(current)
            current = []
    if current:
        batches.append(current)
    return batches


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
    # Segments one call may take where that is more than the run's batches
    # (--batch-segments): an engine that starts a process per call, and whose
    # output does not hang on what else is in its batch, wants few calls.
    segments_per_call = 0

    def check_pair(self, source: str, target: str) -> None:  # noqa: B027 - optional hook
        """Raise :class:`~translator.errors.UsageError` if the pair cannot be served."""

    def options_key(self) -> str:
        """The decoding options a translation depends on, as its variant records them."""
        return self.options.key()

    def unknown_words(self, output: str) -> list[str]:
        """The words the engine marked as unknown in one of its *output* segments."""
        return []

    def note_unknown(self, output: str, words: list[str]) -> None:  # noqa: B027 - optional hook
        """Remember that *output* (a draft from the memory) holds *words* the
        engine did not know when it wrote it."""

    def writes_target_language(self, source: str, target: str) -> bool:
        """Whether every output is in the target language but for the words the
        engine marks as unknown (a rule-based engine): the wrong-language check
        has nothing to find in its drafts."""
        return False

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
    if name == "apertium":
        from .apertium import ApertiumEngine

        return ApertiumEngine(options)
    if name == "auto":
        from .auto import AutoEngine

        return AutoEngine(options)
    raise UsageError(f"unknown engine {name!r}; choose one of {', '.join(ENGINES)}")
