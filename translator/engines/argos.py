"""The Argos engine, and the one module that imports argostranslate,
ctranslate2 and sentencepiece.

Packages are found, installed and removed through ``argostranslate.package``.
Translation goes through CTranslate2 and the package's own tokenizer
directly: every segment of a call in one length-sorted batch with a token
budget, SentencePiece decoding by sentencepiece itself (so ``_`` survives),
the package's ``target_prefix`` honoured, and a pivot through English when no
direct pair is installed.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import argostranslate.package as argos_package
import argostranslate.settings as argos_settings
import ctranslate2
import sentencepiece

from ..errors import UsageError
from . import DecodeOptions, Engine, model_batches

PIVOT = "en"
LENGTH_PENALTY = 0.2  # as argostranslate decodes
DEFAULT_INDEX = "https://raw.githubusercontent.com/argosopentech/argospm-index/main/"


@dataclass(frozen=True)
class PackageInfo:
    from_code: str
    to_code: str
    name: str
    version: str
    path: Path
    target_prefix: str = ""
    tokenizer: str = "sentencepiece"

    @property
    def identity(self) -> str:
        return f"{self.name}@{self.version}"


@dataclass(frozen=True)
class BrokenPackage:
    path: Path
    reason: str


@dataclass(frozen=True)
class IndexEntry:
    from_code: str
    to_code: str
    name: str
    version: str
    links: tuple[str, ...]


def packages_dir() -> Path:
    """Where packages live: ``$ARGOS_PACKAGES_DIR``, else Argos's own default."""
    env = os.environ.get("ARGOS_PACKAGES_DIR")
    return Path(env) if env else Path(argos_settings.package_data_dir)


def index_url() -> str:
    """The package index: ``$ARGOS_PACKAGE_INDEX`` (a base URL or a .json file)."""
    base = os.environ.get("ARGOS_PACKAGE_INDEX") or DEFAULT_INDEX
    return base if base.endswith(".json") else base.rstrip("/") + "/index.json"


def _info(path: Path) -> PackageInfo:
    pkg = argos_package.Package(path)
    for attr in ("from_code", "to_code"):
        value = getattr(pkg, attr, None)
        if not isinstance(value, str) or not value:
            raise ValueError(f"metadata.json has no {attr}")
    if not (path / "model" / "model.bin").is_file():
        raise ValueError("model/model.bin is missing")
    if (path / "sentencepiece.model").is_file():
        tokenizer = "sentencepiece"
    elif (path / "bpe.model").is_file():
        tokenizer = "bpe"
    else:
        raise ValueError("no tokenizer (sentencepiece.model or bpe.model)")
    return PackageInfo(
        from_code=pkg.from_code,
        to_code=pkg.to_code,
        name=argos_package.argospm_package_name(pkg),
        version=str(pkg.package_version or ""),
        path=path,
        target_prefix=str(getattr(pkg, "target_prefix", "") or ""),
        tokenizer=tokenizer,
    )


def scan(directory: Path | None = None) -> tuple[list[PackageInfo], list[BrokenPackage]]:
    """Installed packages, and the directories that are not valid packages.

    A broken directory never stops the others from being listed.  Names that
    start with a dot (staging directories) are skipped.
    """
    directory = directory or packages_dir()
    good: list[PackageInfo] = []
    broken: list[BrokenPackage] = []
    if not directory.is_dir():
        return good, broken
    for path in sorted(directory.iterdir()):
        if path.name.startswith(".") or not path.is_dir():
            continue
        try:
            good.append(_info(path))
        except (OSError, ValueError, TypeError, AttributeError, KeyError) as exc:
            # json.JSONDecodeError is a ValueError; Package() raises FileNotFoundError.
            reason = str(exc).replace(str(path), "").strip(" :") or type(exc).__name__
            broken.append(BrokenPackage(path, reason))
    return good, broken


def extract_with_argos(archive: Path, staging: Path) -> None:
    """Extract a validated archive into *staging* with ``argostranslate.package``."""
    saved = argos_settings.package_data_dir
    argos_settings.package_data_dir = staging
    try:
        argos_package.install_from_path(archive)
    finally:
        argos_settings.package_data_dir = saved


def remove_package(info: PackageInfo) -> None:
    argos_package.uninstall(argos_package.Package(info.path))


def parse_index(data: Any) -> list[IndexEntry]:
    """Entries of a package index, read through ``argostranslate.package``."""
    if not isinstance(data, list):
        raise ValueError("the package index is not a JSON list")
    entries = []
    for metadata in data:
        if not isinstance(metadata, dict):
            continue
        pkg = argos_package.AvailablePackage(metadata)
        if pkg.type != "translate" or not pkg.from_code or not pkg.to_code:
            continue
        entries.append(
            IndexEntry(
                from_code=pkg.from_code,
                to_code=pkg.to_code,
                name=argos_package.argospm_package_name(pkg),
                version=str(pkg.package_version or ""),
                links=tuple(str(link) for link in pkg.links or ()),
            )
        )
    return entries


# ---------------------------------------------------------------- models


class _Tokenizer:
    def __init__(self, info: PackageInfo) -> None:
        self.info = info
        self.sp: Any = None
        self.bpe: Any = None
        if info.tokenizer == "sentencepiece":
            self.sp = sentencepiece.SentencePieceProcessor(
                model_file=str(info.path / "sentencepiece.model")
            )
        else:
            from argostranslate.tokenizer import BPETokenizer

            self.bpe = BPETokenizer(info.path / "bpe.model", info.from_code, info.to_code)

    def encode(self, text: str) -> list[str]:
        if self.sp is not None:
            return list(self.sp.encode(text, out_type=str))
        assert self.bpe is not None
        return list(self.bpe.encode(text))

    def decode(self, tokens: list[str]) -> str:
        if self.sp is not None:
            return str(self.sp.decode_pieces(tokens))
        assert self.bpe is not None
        return str(self.bpe.decode(tokens))

    def word_start(self, token: str, previous: str | None) -> bool:
        if self.sp is not None:
            return token.startswith("▁")
        return previous is None or not previous.endswith("@@")


_MODELS: dict[tuple[Any, ...], tuple[Any, _Tokenizer]] = {}


def _device(choice: str) -> str:
    if choice == "auto":
        return "cuda" if ctranslate2.get_cuda_device_count() > 0 else "cpu"
    return choice


def load(info: PackageInfo, options: DecodeOptions) -> tuple[Any, _Tokenizer]:
    """The package's CTranslate2 translator and tokenizer, loaded once per process."""
    device = _device(options.device)
    key = (
        str(info.path),
        device,
        options.compute_type,
        options.inter_threads,
        options.intra_threads,
    )
    if key not in _MODELS:
        try:
            translator = ctranslate2.Translator(
                str(info.path / "model"),
                device=device,
                compute_type=options.compute_type,
                inter_threads=options.inter_threads,
                intra_threads=options.intra_threads,
            )
            tokenizer = _Tokenizer(info)
        except (RuntimeError, ValueError, OSError) as exc:
            raise UsageError(
                f"package {info.name} at {info.path} cannot be loaded: {exc}"
            ) from None
        _MODELS[key] = (translator, tokenizer)
    return _MODELS[key]


def split_tokens(tokens: list[str], limit: int, tokenizer: _Tokenizer) -> list[list[str]]:
    """Cut an over-long token list at word starts into pieces of at most *limit*."""
    chunks: list[list[str]] = []
    rest = tokens
    while len(rest) > limit:
        cut = limit
        for i in range(limit, limit // 2, -1):
            if tokenizer.word_start(rest[i], rest[i - 1]):
                cut = i
                break
        chunks.append(rest[:cut])
        rest = rest[cut:]
    chunks.append(rest)
    return chunks


def _format_pairs(packages: list[PackageInfo]) -> str:
    return ", ".join(f"{p.from_code}→{p.to_code}" for p in packages) or "none"


class ArgosEngine(Engine):
    name = "argos"
    _installed: list[PackageInfo] | None = None  # scanned once per engine

    def route(self, source: str, target: str) -> list[PackageInfo]:
        if source == target:
            return []
        if self._installed is None:
            self._installed = scan()[0]
        packages = self._installed
        by_pair = {(p.from_code, p.to_code): p for p in packages}
        if (source, target) in by_pair:
            return [by_pair[(source, target)]]
        first, second = by_pair.get((source, PIVOT)), by_pair.get((PIVOT, target))
        if first and second and PIVOT not in (source, target):
            return [first, second]
        tried = f"{source}→{target}"
        if PIVOT not in (source, target):
            tried += f", and {source}→{PIVOT} + {PIVOT}→{target} through English"
        raise UsageError(
            f"no installed Argos package translates {source}→{target} (tried {tried}); "
            f"installed pairs: {_format_pairs(packages)}; "
            f"install one with: translator models install --from {source} --to {target} "
            "(network), or with no network an .argosmodel file carried in: translator models "
            "install FILE (the guide's 'Models on a machine with no network')"
        )

    def check_pair(self, source: str, target: str) -> None:
        self.route(source, target)

    def identity(self, source: str, target: str) -> str:
        route = self.route(source, target)
        return "+".join(p.identity for p in route) if route else "identity"

    def translate(self, segments: Sequence[str], source: str, target: str) -> list[str]:
        texts = list(segments)
        for info in self.route(source, target):
            texts = self._run(info, texts)
        return texts

    def _run(self, info: PackageInfo, texts: list[str]) -> list[str]:
        translator, tokenizer = load(info, self.options)
        items = self._tokens(info, tokenizer, texts)
        if not items:
            return ["" for _ in texts]
        pieces: dict[int, str] = {}
        for positions, results, max_length in self._queue(translator, info, items, texts):
            self.calls += len(positions)
            for position, result in zip(positions, results, strict=True):
                tokens = list(result.result().hypotheses[0])
                if info.target_prefix and tokens and tokens[0] == info.target_prefix:
                    tokens = tokens[1:]
                if len(tokens) >= max_length:
                    self.notes.append(
                        f"{info.name} stopped at its length limit ({max_length} tokens)"
                    )
                pieces[position] = tokenizer.decode(tokens).strip()
        by_segment: dict[int, list[str]] = {}
        for position, (index, _tokens) in enumerate(items):
            by_segment.setdefault(index, []).append(pieces[position])
        out = ["" for _ in texts]
        for index, parts in by_segment.items():
            out[index] = " ".join(p for p in parts if p)
        return out

    def _queue(
        self,
        translator: Any,
        info: PackageInfo,
        items: list[tuple[int, list[str]]],
        texts: list[str],
    ) -> list[tuple[list[int], list[Any], int]]:
        """One model call per model batch of whole segments (the same batches
        whatever the caller's tasks: :func:`translator.engines.model_batches`),
        all queued at once so that CTranslate2 runs inter_threads of them
        together: (item positions, their pending results, the length limit)."""
        of_segment: dict[int, list[int]] = {}
        for position, (index, _tokens) in enumerate(items):
            of_segment.setdefault(index, []).append(position)
        segments = sorted(of_segment)
        pending = []
        for group in model_batches([texts[i] for i in segments]):
            positions = [p for g in group for p in of_segment[segments[g]]]
            batch = [items[p][1] for p in positions]
            max_length = max(256, 2 * max(len(t) for t in batch) + 16)
            prefix = [[info.target_prefix] for _ in batch] if info.target_prefix else None
            results = translator.translate_batch(
                batch,
                target_prefix=prefix,
                max_batch_size=self.options.token_budget,
                batch_type="tokens",
                beam_size=self.options.beam,
                num_hypotheses=1,
                length_penalty=LENGTH_PENALTY,
                replace_unknowns=True,
                max_decoding_length=max_length,
                asynchronous=True,
            )
            pending.append((positions, results, max_length))
        return pending

    def _tokens(
        self, info: PackageInfo, tokenizer: Any, texts: list[str]
    ) -> list[tuple[int, list[str]]]:
        """(segment index, tokens) of each non-empty segment, split into parts
        where it is longer than the model takes."""
        limit = self.options.max_input_tokens
        items: list[tuple[int, list[str]]] = []
        for index, text in enumerate(texts):
            if not text.strip():
                continue
            tokens = tokenizer.encode(text)
            chunks = split_tokens(tokens, limit, tokenizer)
            if len(chunks) > 1:
                self.notes.append(
                    f"a sentence of {len(tokens)} tokens was split into {len(chunks)} parts "
                    f"before {info.name} (limit {limit})"
                )
            items.extend((index, chunk) for chunk in chunks)
        return items


def verify(info: PackageInfo, options: DecodeOptions) -> str:
    """Load a package and translate one sentence; returns the translation."""
    engine = ArgosEngine(options)
    try:
        return engine._run(info, ["Hello world."])[0]
    except UsageError:
        raise
    except (RuntimeError, ValueError, OSError) as exc:
        raise UsageError(f"package {info.name} fails to translate: {exc}") from None
