"""The one interface to the exchange formats: each reads a file into an
:class:`~.model.ExchangeFile` whose unit texts hold placeholders, and writes
one back; picked by name (``--format``) or by a file's name.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePath

from ..errors import InputError, UsageError
from . import po, tmx, xliff
from .model import ExchangeFile


@dataclass(frozen=True)
class Format:
    name: str
    extension: str  # what export writes
    reads: tuple[str, ...]  # the file name endings it reads
    read: Callable[[str, int], ExchangeFile]
    write: Callable[[ExchangeFile], str]


def _xliff(version: str) -> Callable[[ExchangeFile], str]:
    return lambda exchange: xliff.write(exchange, version)


FORMATS: dict[str, Format] = {
    "xliff": Format(
        "xliff", "xlf", (".xlf", ".xliff"), lambda p, n: xliff.read(p, max_bytes=n), _xliff("2.1")
    ),
    "xliff-1.2": Format(
        "xliff-1.2",
        "xlf",
        (".xlf", ".xliff"),
        lambda p, n: xliff.read(p, max_bytes=n),
        _xliff("1.2"),
    ),  # fmt: skip
    "po": Format("po", "po", (".po",), lambda p, n: po.read(p, max_bytes=n), po.write),
    "tmx": Format(
        "tmx",
        "tmx",
        (".tmx",),
        lambda p, n: tmx.read(p, max_bytes=n),
        lambda exchange: tmx.write(exchange.units),
    ),  # fmt: skip
}
EXPORTED = ("xliff", "po")  # what translator export writes and translator import reads


def by_name(name: str, xliff_version: str = "2.1") -> Format:
    """The format ``--format NAME`` (with ``--xliff-version``) asks for."""
    key = "xliff-1.2" if name == "xliff" and xliff_version == "1.2" else name
    if key not in FORMATS or name not in EXPORTED:
        raise UsageError(f"unknown format {name!r}; choose xliff or po")
    return FORMATS[key]


def for_file(path: str, allowed: tuple[str, ...] = EXPORTED) -> Format:
    """The format that reads *path*, by the end of its name."""
    name = PurePath(path).name.lower()
    for key in allowed:
        if name.endswith(FORMATS[key].reads):
            return FORMATS[key]
    endings = ", ".join(e for key in allowed for e in FORMATS[key].reads)
    raise InputError(path, f"not an exported file: the name must end in {endings}")
