"""Reading articles, and the two simplest commands: ``detect`` and ``translate``.

:func:`load_article` (read, parse, find chrome, detect the language) is what
every command that reads a source calls.  The other commands have modules of
their own: ``localize``, ``coverage``, ``qa`` (:func:`translator.qa.check_variant`),
``preview``, ``models`` (:mod:`translator.packages`) and ``cache``
(:mod:`translator.memory`).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar

from . import langid, readers
from .article import Article
from .detect import analyze
from .discover import discover
from .engines import DecodeOptions, get_engine
from .errors import InputError, UsageError
from .fsutil import write_atomic
from .locales import Target, parse_locale
from .parallel import map_ordered
from .textio import ReadOptions

if TYPE_CHECKING:
    from .glossary import Glossary
    from .translation import Translation


@dataclass
class FileResult:
    path: str
    article: Article | None = None
    error: InputError | None = None

    def as_dict(self) -> dict[str, Any]:
        """The JSON object ``translator detect --format json`` prints for one file."""
        if self.error is not None or self.article is None:
            return {"path": self.path, "error": str(self.error)}
        a = self.article
        return {
            "path": a.path,
            "format": a.format,
            "language": a.language,
            "confidence": a.confidence,
            "title": a.title,
            "chrome": [{"line": c.line, "text": c.text, "reason": c.reason} for c in a.chrome],
            "blocks": [
                {
                    "line": b.line,
                    "kind": b.kind,
                    "language": b.language,
                    "confidence": b.confidence,
                }
                for b in a.content_blocks
            ],
        }


class _Outcome(Protocol):
    error: InputError | None

    def as_dict(self) -> dict[str, Any]: ...


R = TypeVar("R", bound=_Outcome)


@dataclass
class FilesReport(Generic[R]):
    """One result per file read (in order), and the notices of the walk."""

    results: list[R] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)

    @property
    def failures(self) -> list[R]:
        return [r for r in self.results if r.error is not None]

    def as_dict(self) -> list[dict[str, Any]]:
        """One object per file, in order (the JSON a command prints)."""
        return [r.as_dict() for r in self.results]


DetectReport = FilesReport[FileResult]  # what ``translator detect`` prints


def _block_markdown(kind: str, prefix: str, text: str) -> str:
    if kind == "title":
        return f"# {text}"
    if kind == "code":
        return f"```\n{text}\n```"
    if kind == "list":
        return f"- {text}"
    if kind == "quote":
        return f"> {text}"
    if prefix in {"h2", "h3", "h4", "h5", "h6"}:
        return "#" * int(prefix[1]) + " " + text
    if prefix.startswith("#"):  # a Markdown heading marker kept as the prefix
        return prefix + text
    return text


@dataclass
class Extracted:
    """One article as the tool reads it: what ``translator extract`` prints."""

    path: str
    article: Article | None = None
    error: InputError | None = None
    date: str | None = None

    def plain(self) -> str:
        """The kept blocks' text, separated by blank lines."""
        assert self.article is not None
        return "\n\n".join(b.text for b in self.article.content_blocks)

    def markdown(self) -> str:
        assert self.article is not None
        return "\n\n".join(
            _block_markdown(b.kind, b.prefix.strip(), b.text) for b in self.article.content_blocks
        )

    def as_dict(self) -> dict[str, Any]:
        if self.error is not None or self.article is None:
            return {"path": self.path, "error": str(self.error)}
        a = self.article
        detected = FileResult(a.path, article=a).as_dict()
        return {
            "path": a.path,
            "language": a.language,
            "title": a.title,
            "date": self.date,
            "text": self.plain(),
            "blocks": [
                {**entry, "text": block.text}
                for entry, block in zip(detected["blocks"], a.content_blocks, strict=True)
            ],
            "chrome": detected["chrome"],
        }


ExtractReport = FilesReport[Extracted]  # what ``translator extract`` prints


def extract_paths(
    paths: list[str] | tuple[str, ...], options: ReadOptions | None = None, jobs: int = 1
) -> ExtractReport:
    """Every article under *paths* as it would be translated: title, kept blocks, date.

    *jobs*: files read at once, in worker processes (:mod:`translator.parallel`);
    the report is the same, in the same order, whatever their number.
    """
    options = options or ReadOptions()
    found = discover(paths)
    report = ExtractReport(notices=found.notices)
    read = partial(_extract_one, options=options)
    report.results.extend(map_ordered(read, found.files, jobs, warm=langid.warm))
    return report


def _extract_one(path: str, options: ReadOptions) -> Extracted:
    from .dates import article_date

    try:
        article = load_article(path, options)
    except InputError as exc:
        return Extracted(path, error=exc)
    when = article_date(article)
    return Extracted(path, article, date=when.iso if when else None)


def load_text(text: str, label: str) -> Article:
    """Plain *text* (standard input, ``--text``) as an analysed article named *label*."""
    from .readers import text as text_reader

    if not text.strip():
        raise InputError(label, "no text to translate")
    return analyze(text_reader.parse(label, text))


def load_article(
    path: str, options: ReadOptions | None = None, data: bytes | None = None
) -> Article:
    """Read, parse and analyse one article (*data*: its bytes, read already)."""
    options = options or ReadOptions()
    article = readers.read(path, encoding=options.encoding, max_bytes=options.max_bytes, data=data)
    return analyze(article, _language_code(options.language))


def _language_code(tag: str | None) -> str | None:
    """The language code of ``--from`` as blocks carry it (``pt-BR`` → ``pt``)."""
    return parse_locale(tag).argos if tag else None


def detect_paths(
    paths: list[str] | tuple[str, ...], options: ReadOptions | None = None, jobs: int = 1
) -> DetectReport:
    """Detect the language and chrome of every article under *paths*.

    One bad file never stops the others: its error is kept in its result.
    *jobs*: files read at once, as for :func:`extract_paths`.
    """
    options = options or ReadOptions()
    found = discover(paths)
    report = DetectReport(notices=found.notices)
    read = partial(_detect_one, options=options)
    report.results.extend(map_ordered(read, found.files, jobs, warm=langid.warm))
    return report


def _detect_one(path: str, options: ReadOptions) -> FileResult:
    try:
        return FileResult(path, article=load_article(path, options))
    except InputError as exc:
        return FileResult(path, error=exc)


@dataclass
class TranslateResult:
    path: str
    target: Target
    text: str
    translation: Translation
    output: str | None = None
    written: bool = False


def translate_file(
    path: str,
    to: str,
    *,
    source: str | None = None,
    engine: str = "argos",
    output: str | None = None,
    read: ReadOptions | None = None,
    decode: DecodeOptions | None = None,
    text: str | None = None,
    glossary: Glossary | None = None,
) -> TranslateResult:
    """Translate one article into *to*, in its own format; write it to *output* if given.

    With *text*, that plain text is the article (*path* only names it in
    messages).  Codes are checked, and the language pair is checked against
    the installed packages, before the translation starts.
    """
    from .translation import translate_article
    from .writers import render

    target = parse_locale(to)
    src = parse_locale(source).argos if source else None
    translator = get_engine(engine, decode)
    if text is None and os.path.isdir(path):
        raise UsageError(f"{path} is a directory: translator localize translates a folder")
    if (
        text is None
        and output is not None
        and os.path.exists(output)
        and os.path.samefile(output, path)
    ):
        raise UsageError(f"-o {output} would overwrite the source article")
    if src is not None:
        translator.check_pair(src, target.argos)
    article = load_text(text, path) if text is not None else load_article(path, read)
    src = src or article.language
    translator.check_pair(src, target.argos)
    terms = glossary.rules(src, target) if glossary is not None else None
    translation = translate_article(article, translator, target.argos, source=src, terms=terms)
    text = article.with_newlines(render(translation, target.tag, target.direction))
    result = TranslateResult(path, target, text, translation)
    if output is not None:
        result.output = output
        result.written = write_atomic(output, text)
    return result
