"""Writing files so that nothing is ever half-written.

Writes go to a temporary file beside the target and are moved into place
with one rename (the ``safer`` library); on any error the old file stays.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import safer

from .errors import InputError


def is_inside(path: str | os.PathLike[str], parent: str | os.PathLike[str]) -> bool:
    """*path* is *parent* or lies below it, once every symbolic link is resolved."""
    child, base = os.path.realpath(path), os.path.realpath(parent)
    return child == base or child.startswith(base.rstrip(os.sep) + os.sep)


def file_sha256(path: str | os.PathLike[str]) -> str:
    """SHA-256 of a file's bytes, read in chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def write_atomic(path: str | os.PathLike[str], data: str | bytes) -> bool:
    """Write *data* to *path* atomically; return False when the file already holds it."""
    target = Path(path)
    raw = data.encode("utf-8") if isinstance(data, str) else data
    try:
        if target.is_file() and target.read_bytes() == raw:
            return False
        target.parent.mkdir(parents=True, exist_ok=True)
        with safer.open(target, "wb", temp_file=True) as fh:
            fh.write(raw)
    except OSError as exc:
        raise InputError(str(target), f"cannot write: {exc.strerror or exc}") from None
    return True
