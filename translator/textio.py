"""Reading article bytes into text.

Plain text and Markdown are strict UTF-8 (a BOM is accepted and dropped)
unless the caller names another encoding, or ``auto`` (a detector's guess).
HTML is decoded as browsers do: a BOM, else the charset the page declares in
its first bytes (``<meta charset>`` or ``http-equiv``), else UTF-8, else
charset-normalizer's guess.  Errors name the 0-based byte offset and the line.
"""

from __future__ import annotations

import codecs
import os
import re
from dataclasses import dataclass

from .errors import InputError, NoTextError, UsageError

DEFAULT_MAX_BYTES = 5 * 1024 * 1024

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


AUTO = "auto"
# Browsers look for a declared charset in the first 1024 bytes; pages written
# by hand put it later (after long <head> comments), so look a little further.
PRESCAN_BYTES = 4096
_META_CHARSET = re.compile(
    rb"""<meta\b[^>]*?\bcharset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.IGNORECASE
)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*\bencoding\s*=\s*["']([A-Za-z0-9._-]+)""")
_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def check_encoding(name: str | None) -> str | None:
    """Validate an ``--encoding`` value before any work starts.

    >>> check_encoding("latin1"), check_encoding("AUTO")
    ('iso8859-1', 'auto')
    """
    if name is None:
        return None
    if name.strip().lower() == AUTO:
        return AUTO
    try:
        return codecs.lookup(name).name
    except LookupError:
        raise UsageError(f"unknown encoding: {name!r}") from None


@dataclass
class ReadOptions:
    """How source files are read: ``--encoding`` (validated), ``--max-bytes`` and
    ``--from`` (the language the articles are in)."""

    encoding: str | None = None
    max_bytes: int = DEFAULT_MAX_BYTES
    # --from: the articles' language (BCP 47), where they say so; a Markdown
    # source is then not detected, and one too short to tell is still read.
    language: str | None = None

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


def declared_charset(data: bytes) -> str | None:
    """The charset an HTML page declares in its first bytes, as Python names it.

    Labels are read as the WHATWG Encoding Standard reads them (webencodings):
    ISO-8859-1 and ASCII mean windows-1252, a declared UTF-16 means UTF-8 (the
    declaration could not be read otherwise), and a label the standard lacks
    (UTF-7, EBCDIC's cp037) is ignored, as browsers ignore it.

    >>> declared_charset(b'<meta charset="ISO-8859-1"><p>')
    'cp1252'
    >>> declared_charset(b'<meta http-equiv="Content-Type" content="text/html; charset=koi8-r">')
    'koi8-r'
    >>> declared_charset(b"<p>none</p>") is None, declared_charset(b'<meta charset="utf-7">') is None
    (True, True)
    """
    import webencodings

    head = data[:PRESCAN_BYTES]
    match = _META_CHARSET.search(head) or _XML_ENCODING.search(head)
    if not match:
        return None
    try:
        found = webencodings.lookup(match.group(1).decode("ascii"))
    except UnicodeDecodeError:
        return None
    if found is None or found.name == "x-user-defined":
        return None
    name = codecs.lookup(found.codec_info.name).name
    return "utf-8" if name.startswith("utf-16") else name


def guess_encoding(data: bytes) -> str | None:
    """charset-normalizer's best guess for *data*, or None."""
    from charset_normalizer import from_bytes

    best = from_bytes(data[: 256 * 1024]).best()
    return best.encoding if best is not None else None


def html_encoding(data: bytes) -> str:
    """How a browser would decode *data*: BOM, declared charset, UTF-8, then a guess."""
    for bom, name in _BOMS:
        if data.startswith(bom):
            return name
    declared = declared_charset(data)
    if declared:
        return declared
    try:
        data.decode("utf-8", errors="strict")
        return "utf-8"
    except UnicodeDecodeError:
        return guess_encoding(data) or "utf-8"


def decode(data: bytes, path: str, encoding: str | None = None, *, html: bool = False) -> str:
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
    if encoding is None and html:
        # Never refused for its bytes: a browser shows U+FFFD for a stray byte.
        return _decode_as(data, path, html_encoding(data), replace=True)
    if encoding == AUTO:
        if data.startswith(codecs.BOM_UTF8):
            encoding = None
        else:
            try:
                data.decode("utf-8", errors="strict")
                encoding = None
            except UnicodeDecodeError:
                guessed = guess_encoding(data)
                if guessed is None:
                    raise InputError(path, "cannot tell its encoding; pass --encoding") from None
                encoding = guessed
    return _decode_as(data, path, encoding)


def _decode_as(data: bytes, path: str, encoding: str | None, *, replace: bool = False) -> str:
    nul = data.find(b"\x00")
    wide = bool(encoding and encoding.startswith("utf-16"))
    if nul >= 0 and not wide and not replace:
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
    elif replace:
        # A page's declared or guessed charset: a browser shows U+FFFD for the
        # odd byte that does not fit, and so do we.
        text = data.decode(encoding, errors="replace").removeprefix("\ufeff")
        text = text.replace("\x00", "\ufffd")  # as a browser shows a NUL byte
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
