"""Reading article bytes into text, strictly.

Decoding is strict UTF-8 (a BOM is accepted and dropped) unless the caller
names another encoding.  Errors name the 0-based byte offset and the line.
"""

from __future__ import annotations

import codecs
import os
import re
from dataclasses import dataclass

from .errors import InputError, NoTextError, UsageError

DEFAULT_MAX_BYTES = 5 * 1024 * 1024

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def check_encoding(name: str | None) -> str | None:
    """Validate an ``--encoding`` value before any work starts."""
    if name is None:
        return None
    try:
        return codecs.lookup(name).name
    except LookupError:
        raise UsageError(f"unknown encoding: {name!r}") from None


@dataclass
class ReadOptions:
    """How source files are read: ``--encoding`` (validated) and ``--max-bytes``."""

    encoding: str | None = None
    max_bytes: int = DEFAULT_MAX_BYTES

    def __post_init__(self) -> None:
        self.encoding = check_encoding(self.encoding)


def read_bytes(path: str, max_bytes: int = DEFAULT_MAX_BYTES) -> bytes:
    try:
        size = os.path.getsize(path)
        if size > max_bytes:
            raise InputError(
                path, f"file is {size} bytes, over the limit of {max_bytes} (--max-bytes)"
            )
        with open(path, "rb") as fh:
            data = fh.read(max_bytes + 1)
    except InputError:
        raise
    except IsADirectoryError:
        raise InputError(path, "is a directory") from None
    except OSError as exc:
        raise InputError(path, exc.strerror or str(exc)) from None
    if len(data) > max_bytes:  # the file grew while we read it
        raise InputError(path, f"file is over the limit of {max_bytes} bytes (--max-bytes)")
    return data


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def decode(data: bytes, path: str, encoding: str | None = None) -> str:
    """Decode *data* and normalise line endings to ``\\n``.

    >>> decode(b"\\xef\\xbb\\xbfcaf\\xc3\\xa9\\r\\n", "x.txt")
    'café\\n'
    >>> decode(b"ok\\n\\xe9t\\xe9", "x.txt")
    Traceback (most recent call last):
    ...
    translator.errors.InputError: x.txt: byte 3: invalid UTF-8 (byte 0xe9, line 2); pass --encoding to read another encoding
    """
    if not data.strip():
        raise NoTextError(path, "empty file")
    nul = data.find(b"\x00")
    if nul >= 0 and not (encoding and encoding.startswith("utf-16")):
        raise InputError(path, "binary file (NUL byte), not an article", byte=nul)
    if encoding is None:
        skip = 3 if data.startswith(codecs.BOM_UTF8) else 0
        try:
            text = data[skip:].decode("utf-8", errors="strict")
        except UnicodeDecodeError as exc:
            offset = exc.start + skip
            bad = data[offset : offset + 1].hex()
            raise InputError(
                path,
                f"invalid UTF-8 (byte 0x{bad}, line {_line_of(data, offset)}); "
                "pass --encoding to read another encoding",
                byte=offset,
            ) from None
    else:
        try:
            text = data.decode(encoding, errors="strict")
        except UnicodeDecodeError as exc:
            raise InputError(
                path,
                f"cannot decode as {encoding} (line {_line_of(data, exc.start)})",
                byte=exc.start,
            ) from None
        text = text.removeprefix("\ufeff")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise NoTextError(path, "empty file (only white space)")
    return text


def clean_controls(text: str) -> str:
    """Replace control characters (other than tab and newline) by spaces."""
    return _CONTROL.sub(" ", text)


def read_text(path: str, *, encoding: str | None = None, max_bytes: int = DEFAULT_MAX_BYTES) -> str:
    return decode(read_bytes(path, max_bytes), path, encoding)
