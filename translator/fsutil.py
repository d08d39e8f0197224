"""Writing files so that nothing is ever half-written, and never through a link.

:func:`write_atomic` writes to a temporary file beside the target (named
``.translator-tmp-*``, so that a run killed mid-write leaves a name the next
run recognises and removes) and moves it into place with one rename; on any
error the old file stays.  The rename replaces a symbolic link at the target
by a regular file instead of writing where the link points, and with *root*
every directory between *root* and the target must be a real directory.  New
files get the permissions the umask gives (0644 under the usual 022); a file
that existed keeps its mode.
"""

from __future__ import annotations

import hashlib
import os
import stat
import tempfile
import time
from functools import lru_cache
from pathlib import Path

from .errors import InputError

TEMP_PREFIX = ".translator-tmp-"


class Unchecked:
    """The type of :data:`UNCHECKED`: write whatever the file holds now."""


UNCHECKED = Unchecked()


class ChangedOnDisk(InputError):
    """The file is no longer what the write was planned from (a person saved it
    meanwhile); it was left as it is."""


def bytes_sha256(path: str | os.PathLike[str]) -> str | None:
    """The SHA-256 of the file at *path* (not following a link), None when there is none."""
    try:
        if os.path.islink(path):
            return "link:" + os.readlink(path)
        return file_sha256(path)
    except FileNotFoundError:
        return None
    except OSError as exc:  # a directory, an unreadable file: what stands there, by kind
        return f"unreadable:{exc.errno}"


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


@lru_cache(maxsize=1)
def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _real_directories(parent: Path, root: Path | None) -> None:
    """Create *parent*; below *root*, refuse any part of it that is a symbolic link."""
    if root is None:
        parent.mkdir(parents=True, exist_ok=True)
        return
    rel = os.path.relpath(parent, root)
    if rel == os.curdir:
        root.mkdir(parents=True, exist_ok=True)
        return
    if rel.startswith(os.pardir):
        raise InputError(str(parent), f"refused: outside {root}")
    root.mkdir(parents=True, exist_ok=True)
    current = root
    for part in Path(rel).parts:
        current = current / part
        if current.is_symlink():
            raise InputError(
                str(current),
                f"refused: a symbolic link inside {root}; nothing is written through it",
            )
        if not current.exists():
            current.mkdir()
        elif not current.is_dir():
            raise InputError(str(current), "refused: not a directory")


def _write_all(fd: int, raw: bytes) -> None:
    view = memoryview(raw)
    while view:
        view = view[os.write(fd, view) :]


def write_atomic(
    path: str | os.PathLike[str],
    data: str | bytes,
    *,
    root: str | os.PathLike[str] | None = None,
    expect: str | None | Unchecked = UNCHECKED,
) -> bool:
    """Write *data* to *path* atomically; return False when the file already holds it.

    A symbolic link at *path* is replaced, never followed.  With *root*, *path*
    must lie below it and every directory in between must be a real one.  With
    *expect* (:func:`bytes_sha256` of the file when the write was planned; None:
    there was none), a file that changed since is not replaced: compare and
    swap, checked once the new bytes are ready, just before the rename.
    """
    target = Path(path)
    raw = data.encode("utf-8") if isinstance(data, str) else data
    try:
        _real_directories(target.parent, Path(root) if root is not None else None)
        try:
            info = os.lstat(target)
        except FileNotFoundError:
            info = None
        if info is not None and stat.S_ISDIR(info.st_mode):
            raise InputError(str(target), "cannot write: it is a directory")
        regular = info if info is not None and stat.S_ISREG(info.st_mode) else None
        if regular is not None and regular.st_size == len(raw) and target.read_bytes() == raw:
            return False
        mode = stat.S_IMODE(regular.st_mode) if regular is not None else 0o666 & ~_umask()
        fd, temp = tempfile.mkstemp(prefix=TEMP_PREFIX, dir=target.parent)
        try:
            try:
                _write_all(fd, raw)
                os.fchmod(fd, mode)
            finally:
                os.close(fd)
            if not isinstance(expect, Unchecked) and bytes_sha256(target) != expect:
                raise ChangedOnDisk(
                    str(target),
                    "changed on disk while this run was working (a person's edit?); left as "
                    "it is: run again to take the edits in",
                )
            os.replace(temp, target)
        except BaseException:
            try:
                os.unlink(temp)
            except OSError:
                pass  # it is gone already
            raise
    except OSError as exc:
        raise InputError(str(target), f"cannot write: {exc.strerror or exc}") from None
    return True


def keep_copy(path: Path, folder: Path) -> Path:
    """Copy the file at *path* into *folder*/DATE/ (a person's file about to be
    replaced), under its own name or ``name-2``…; the copy's path."""
    dated = folder / time.strftime("%Y%m%d-%H%M%S")
    dated.mkdir(parents=True, exist_ok=True)
    copy = dated / path.name
    number = 1
    while copy.exists():
        number += 1
        copy = dated / f"{path.stem}-{number}{path.suffix}"
    write_atomic(copy, path.read_bytes())
    return copy


def remove_stale_temporaries(directories: set[Path]) -> list[Path]:
    """Remove the temporary files a killed run left in *directories*; list them."""
    removed: list[Path] = []
    for folder in sorted(directories):
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue  # not there (yet), or unreadable: nothing of ours to remove
        for entry in entries:
            if entry.name.startswith(TEMP_PREFIX) and not entry.is_dir(follow_symlinks=False):
                try:
                    os.unlink(entry.path)
                    removed.append(Path(entry.path))
                except OSError:
                    pass  # another process removed it first
    return removed
