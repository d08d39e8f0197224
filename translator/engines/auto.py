"""``--engine auto``: per language pair, an installed Argos package, else an
installed Apertium pair, else one line saying what to install."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from ..errors import UsageError
from . import Engine


@dataclass
class AutoEngine(Engine):
    """The engine that serves each pair: Argos where a package is installed,
    else Apertium."""

    name = "auto"
    chosen: dict[tuple[str, str], Engine] = field(default_factory=dict)

    def _engine(self, source: str, target: str) -> Engine:
        key = (source, target)
        if key not in self.chosen:
            from .apertium import ApertiumEngine, package_name
            from .argos import ArgosEngine

            for engine in (ArgosEngine(self.options), ApertiumEngine(self.options)):
                try:
                    engine.check_pair(source, target)
                except UsageError:
                    continue
                self.chosen[key] = engine
                break
            else:
                raise UsageError(
                    f"no engine for {source} → {target}: install an Argos package "
                    f"(translator models install --from {source} --to {target}, or a "
                    f".argosmodel file) or Debian's {package_name(source, target)}"
                )
        return self.chosen[key]

    def check_pair(self, source: str, target: str) -> None:
        self._engine(source, target)

    def identity(self, source: str, target: str) -> str:
        return self._engine(source, target).identity(source, target)

    def translate(self, segments: Sequence[str], source: str, target: str) -> list[str]:
        engine = self._engine(source, target)
        before = engine.calls
        out = engine.translate(segments, source, target)
        self.calls += engine.calls - before
        self.notes.extend(n for n in engine.notes if n not in self.notes)
        return out

    def options_key(self) -> str:
        return self.options.key()

    def writes_target_language(self, source: str, target: str) -> bool:
        return self._engine(source, target).writes_target_language(source, target)

    def note_unknown(self, output: str, words: list[str]) -> None:
        for engine in self.chosen.values():
            engine.note_unknown(output, words)

    def unknown_words(self, output: str) -> list[str]:
        return [w for engine in self.chosen.values() for w in engine.unknown_words(output)]
