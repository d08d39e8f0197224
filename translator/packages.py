"""Argos package management: validate, install, list, remove, verify.

An ``.argosmodel`` file is validated before anything is extracted:

* it is a zip with one top-level directory;
* no entry is absolute, holds ``..`` or is a symbolic link;
* ``metadata.json`` is an object with ``from_code`` and ``to_code``;
* ``model/model.bin`` and a tokenizer are present;
* the uncompressed total, the entry count and each entry's compression ratio
  stay under limits (5 GiB, 10,000 entries, 200:1 by default; set them with
  options or ``TRANSLATOR_PACKAGE_MAX_BYTES``, ``..._MAX_ENTRIES``,
  ``..._MAX_RATIO``).

Then it is extracted into a staging directory beside the packages and moved
into place with one rename, so a failure leaves the packages directory as it
was.  Downloads happen only in :func:`install_from_index`.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
import tempfile
import urllib.error
import urllib.request
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from .engines import DecodeOptions
from .errors import InputError, NetworkError, UsageError
from .fsutil import write_atomic

GIB = 1024**3
RATIO_MIN_BYTES = 64 * 1024  # smaller entries are never bombs worth the name
ENV_PREFIX = "TRANSLATOR_PACKAGE_"

Progress = Callable[[int, int | None], None]


@dataclass(frozen=True)
class Limits:
    max_bytes: int = 5 * GIB
    max_entries: int = 10_000
    max_ratio: float = 200.0

    @classmethod
    def from_env(
        cls,
        max_bytes: int | None = None,
        max_entries: int | None = None,
        max_ratio: float | None = None,
    ) -> Limits:
        """Options win over environment variables, which win over defaults."""

        def pick(value: float | None, name: str, default: float, kind: type) -> float:
            if value is not None:
                return value
            raw = os.environ.get(ENV_PREFIX + name)
            if raw is None:
                return default
            try:
                parsed = kind(raw)
            except ValueError:
                raise UsageError(f"{ENV_PREFIX}{name} must be a number, not {raw!r}") from None
            if parsed <= 0:
                raise UsageError(f"{ENV_PREFIX}{name} must be positive")
            return parsed

        return cls(
            max_bytes=int(pick(max_bytes, "MAX_BYTES", cls.max_bytes, int)),
            max_entries=int(pick(max_entries, "MAX_ENTRIES", cls.max_entries, int)),
            max_ratio=float(pick(max_ratio, "MAX_RATIO", cls.max_ratio, float)),
        )


@dataclass(frozen=True)
class ArchiveMeta:
    top: str
    from_code: str
    to_code: str
    version: str


def _refuse(path: Path, reason: str) -> InputError:
    return InputError(str(path), f"refused: {reason}")


def validate_archive(path: Path, limits: Limits | None = None) -> ArchiveMeta:
    """Check an ``.argosmodel`` file without extracting it: its entries
    (:func:`_check_entries`), then its metadata and model files."""
    limits = limits or Limits()
    if not path.is_file():
        raise InputError(str(path), "no such file")
    try:
        zf = zipfile.ZipFile(path)
    except zipfile.BadZipFile as exc:
        raise _refuse(path, f"not a valid zip archive ({exc})") from None
    except OSError as exc:
        raise InputError(str(path), exc.strerror or str(exc)) from None
    with zf:
        top, names = _check_entries(path, zf.infolist(), limits)
        metadata = _metadata(path, zf, top, names)
    codes = {k: metadata.get(k) for k in ("from_code", "to_code")}
    for key, value in codes.items():
        if not isinstance(value, str) or not value.strip():
            raise _refuse(path, f"metadata.json has no {key}")
    if f"{top}/model/model.bin" not in names:
        raise _refuse(path, "model/model.bin is missing")
    if f"{top}/sentencepiece.model" not in names and f"{top}/bpe.model" not in names:
        raise _refuse(path, "no tokenizer (sentencepiece.model or bpe.model)")
    return ArchiveMeta(
        top,
        str(codes["from_code"]),
        str(codes["to_code"]),
        str(metadata.get("package_version", "")),
    )


def _entry_name(path: Path, info: zipfile.ZipInfo) -> PurePosixPath:
    """An entry's name, refused when absolute, climbing out or a link."""
    name = info.filename
    pure = PurePosixPath(name.replace("\\", "/"))
    if name.startswith(("/", "\\")) or pure.is_absolute() or (len(name) > 1 and name[1] == ":"):
        raise _refuse(path, f"absolute entry name {name!r}")
    if ".." in pure.parts:
        raise _refuse(path, f"entry name with '..': {name!r}")
    if stat.S_ISLNK(info.external_attr >> 16):
        raise _refuse(path, f"symbolic link entry {name!r}")
    return pure


def _check_entries(
    path: Path, infos: list[zipfile.ZipInfo], limits: Limits
) -> tuple[str, set[str]]:
    """The archive's one top-level directory and its entry names; refused past
    the limits (entries, bytes, expansion ratio)."""
    if len(infos) > limits.max_entries:
        raise _refuse(path, f"{len(infos)} entries, over the limit of {limits.max_entries}")
    tops: set[str] = set()
    names: set[str] = set()
    total = 0
    for info in infos:
        pure = _entry_name(path, info)
        if not pure.parts:
            continue
        if len(pure.parts) == 1 and not info.is_dir():
            raise _refuse(path, f"file {info.filename!r} outside the package's top-level directory")
        tops.add(pure.parts[0])
        names.add(str(pure))
        total += info.file_size
        if total > limits.max_bytes:
            raise _refuse(path, f"uncompressed size over the limit of {limits.max_bytes} bytes")
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size >= RATIO_MIN_BYTES and ratio > limits.max_ratio:
            raise _refuse(
                path,
                f"entry {info.filename!r} expands {ratio:.0f}:1, over the limit of "
                f"{limits.max_ratio:g}:1",
            )
    if len(tops) != 1:
        found = ", ".join(sorted(tops)) or "none"
        raise _refuse(path, f"expected one top-level directory, found: {found}")
    return tops.pop(), names


def _metadata(path: Path, zf: zipfile.ZipFile, top: str, names: set[str]) -> dict[str, Any]:
    if f"{top}/metadata.json" not in names:
        raise _refuse(path, "metadata.json is missing")
    try:
        metadata = json.loads(zf.read(f"{top}/metadata.json").decode("utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise _refuse(path, f"metadata.json is not valid JSON ({exc})") from None
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise _refuse(path, f"metadata.json cannot be read ({exc})") from None
    if not isinstance(metadata, dict):
        raise _refuse(path, "metadata.json is not a JSON object")
    return metadata


@dataclass(frozen=True)
class Installed:
    from_code: str
    to_code: str
    name: str
    version: str
    path: Path
    replaced: bool = False


def install_archive(path: Path, *, force: bool = False, limits: Limits | None = None) -> Installed:
    """Validate, then extract to a staging directory and move into place."""
    from .engines import argos

    meta = validate_archive(path, limits)
    root = argos.packages_dir()
    root.mkdir(parents=True, exist_ok=True)
    good, _broken = argos.scan(root)
    existing = [p for p in good if (p.from_code, p.to_code) == (meta.from_code, meta.to_code)]
    destination = root / meta.top
    if not force:
        if existing:
            raise InputError(
                str(path),
                f"refused: {meta.from_code}→{meta.to_code} is already installed at "
                f"{existing[0].path}; use --force to replace it",
            )
        if destination.exists():
            raise InputError(
                str(path), f"refused: {destination} already exists; use --force to replace it"
            )
    staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=root))
    trash = Path(tempfile.mkdtemp(prefix=".replaced-", dir=root))
    try:
        try:
            argos.extract_with_argos(path, staging)
        except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
            raise _refuse(path, f"extraction failed ({exc})") from None
        extracted, broken = argos.scan(staging)
        if broken or len(extracted) != 1:
            reason = broken[0].reason if broken else "nothing usable was extracted"
            raise _refuse(path, f"the extracted package is not valid: {reason}")
        replaced = False
        for old in existing:
            os.replace(old.path, trash / old.path.name)
            replaced = True
        if destination.exists():
            os.replace(destination, trash / (destination.name + ".dir"))
            replaced = True
        os.replace(staging / meta.top, destination)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        shutil.rmtree(trash, ignore_errors=True)
    info = argos.scan(root)[0]
    mine = next(p for p in info if p.path == destination)
    return Installed(mine.from_code, mine.to_code, mine.name, mine.version, destination, replaced)


@dataclass
class PackageList:
    """``translator models list``: the installed packages, and the broken directories."""

    good: list[Any]  # engines.argos.PackageInfo
    broken: list[Any]  # engines.argos.BrokenPackage
    apertium: list[Any] = field(default_factory=list)  # engines.apertium.Pair

    def as_dict(self) -> list[dict[str, str]]:
        rows = [
            {
                "engine": "argos",
                "from": p.from_code,
                "to": p.to_code,
                "name": p.name,
                "version": p.version,
                "path": str(p.path),
            }
            for p in self.good
        ]
        rows += [
            {
                "engine": "apertium",
                "from": p.source,
                "to": p.target,
                "name": p.mode,
                "version": pair_version(p),
                "path": p.path,
            }
            for p in self.apertium
        ]
        return rows


def pair_version(pair: Any) -> str:
    from .engines.apertium import pair_digest

    return pair_digest(pair.path)


def list_packages() -> PackageList:
    """The installed Argos packages and Apertium pairs."""
    from .engines import apertium, argos

    good, broken = argos.scan()
    return PackageList(good, broken, list(apertium.installed_pairs()))


def remove_pair(from_code: str, to_code: str) -> Path:
    from .engines import argos

    good, _broken = argos.scan()
    for info in good:
        if (info.from_code, info.to_code) == (from_code, to_code):
            argos.remove_package(info)
            return info.path
    pairs = ", ".join(f"{p.from_code}→{p.to_code}" for p in good) or "none"
    raise UsageError(
        f"no installed package translates {from_code}→{to_code}; installed pairs: {pairs}"
    )


@dataclass(frozen=True)
class Verified:
    path: Path
    name: str
    ok: bool
    message: str


def verify_all(options: DecodeOptions | None = None) -> list[Verified]:
    from .engines import argos

    options = options or DecodeOptions()
    good, broken = argos.scan()
    out = [Verified(b.path, b.path.name, False, b.reason) for b in broken]
    for info in good:
        try:
            sample = argos.verify(info, options)
            out.append(Verified(info.path, info.name, True, sample))
        except UsageError as exc:
            out.append(Verified(info.path, info.name, False, str(exc)))
    return sorted(out, key=lambda v: str(v.path))


def _request(url: str) -> urllib.request.Request:
    return urllib.request.Request(url, headers={"User-Agent": "translator"})


_OFFLINE_HINT = (
    "download the .argosmodel file on a connected machine and run: "
    "translator models install FILE.argosmodel"
)


def index_cache_path() -> Path:
    """Where the last package index fetched is kept, in the user's cache directory."""
    from .project import user_cache_dir

    return user_cache_dir() / "package-index.json"


def fetch_index(timeout: float = 30.0) -> list[Any]:
    """The Argos package index's entries, downloaded (the only network use
    besides a package download); a copy is kept for ``models available``."""
    from .engines import argos

    url = argos.index_url()
    try:
        with urllib.request.urlopen(_request(url), timeout=timeout) as response:
            raw = response.read()
            data = json.loads(raw.decode("utf-8"))
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise NetworkError(
            f"cannot reach the package index {url} ({reason}); offline? {_OFFLINE_HINT}"
        ) from None
    except ValueError as exc:
        raise NetworkError(f"the package index {url} is not valid JSON ({exc})") from None
    try:
        entries = argos.parse_index(data)
    except ValueError as exc:
        raise NetworkError(f"{url}: {exc}") from None
    try:
        cache = index_cache_path()
        cache.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(cache, raw.decode("utf-8"))
    except OSError:
        pass  # the copy is a convenience; the index itself was read
    return entries


@dataclass
class AvailableRow:
    from_code: str
    to_code: str
    name: str
    version: str
    installed: str | None  # the installed version, if any
    newer: bool  # the index offers a newer version than the installed one

    def as_dict(self) -> dict[str, Any]:
        return {
            "from": self.from_code,
            "to": self.to_code,
            "name": self.name,
            "version": self.version,
            "installed": self.installed,
            "newer": self.newer,
        }


@dataclass
class Available:
    """``translator models available``: the index's packages against the installed."""

    source: str  # where the index came from
    rows: list[AvailableRow]
    offline: bool  # a local or cached copy, not the index online

    def as_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "offline": self.offline,
            "packages": [r.as_dict() for r in self.rows],
        }


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(p) for p in re.findall(r"\d+", version))


def available_packages(
    *,
    refresh: bool = False,
    from_code: str | None = None,
    to_code: str | None = None,
    index: str | None = None,
) -> Available:
    """The index's packages: from *index* (an ``index.json`` carried in by
    hand), else ``$ARGOS_PACKAGE_INDEX`` when it names a local file, else the
    copy kept when the index was last fetched; *refresh* downloads the index
    first."""
    from .engines import argos

    if index is not None and refresh:
        raise UsageError("--index reads a file you carried in; --refresh downloads: give one")
    url = argos.index_url()
    local = Path(url[len("file://") :] if url.startswith("file://") else url)
    if index is not None:
        if not Path(index).is_file():
            raise UsageError(f"{index}: no such index file")
        entries, source, offline = _read_index(Path(index)), index, True
    elif refresh:
        entries, source, offline = fetch_index(), url, False
    elif local.is_file():
        entries, source, offline = _read_index(local), str(local), True
    elif index_cache_path().is_file():
        entries, source, offline = _read_index(index_cache_path()), str(index_cache_path()), True
    else:
        raise NetworkError(
            f"no package index here yet: run 'translator models available --refresh' to "
            f"download it from {url}, or set ARGOS_PACKAGE_INDEX to a local index.json"
        )
    installed = {(p.from_code, p.to_code): p.version for p in list_packages().good}
    rows = []
    for e in entries:
        if (from_code and e.from_code != from_code) or (to_code and e.to_code != to_code):
            continue
        have = installed.get((e.from_code, e.to_code))
        newer = have is not None and _version_key(e.version) > _version_key(have)
        rows.append(AvailableRow(e.from_code, e.to_code, e.name, e.version, have, newer))
    rows.sort(key=lambda r: (r.from_code, r.to_code))
    return Available(source, rows, offline)


def _read_index(path: Path) -> list[Any]:
    from .engines import argos

    try:
        return argos.parse_index(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError) as exc:
        raise InputError(str(path), f"not a package index ({exc})") from None


def install_from_index(
    from_code: str,
    to_code: str,
    *,
    force: bool = False,
    limits: Limits | None = None,
    progress: Progress | None = None,
    timeout: float = 30.0,
) -> Installed:
    """Download the pair's package from the Argos package index and install it."""
    from .engines import argos

    hint = _OFFLINE_HINT
    entries = fetch_index(timeout)
    matches = [e for e in entries if (e.from_code, e.to_code) == (from_code, to_code)]
    if not matches:
        pairs = ", ".join(sorted({f"{e.from_code}→{e.to_code}" for e in entries})) or "none"
        raise UsageError(
            f"the package index has no {from_code}→{to_code} package; it offers: {pairs}"
        )
    entry = matches[0]
    root = argos.packages_dir()
    root.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=".download-", suffix=".argosmodel", dir=root)
    tmp = Path(tmp_name)
    try:
        errors = []
        with os.fdopen(fd, "wb") as out:
            for link in entry.links:
                try:
                    with urllib.request.urlopen(_request(link), timeout=timeout) as response:
                        length = response.headers.get("Content-Length")
                        total = int(length) if length and length.isdigit() else None
                        done = 0
                        while chunk := response.read(1 << 16):
                            out.write(chunk)
                            done += len(chunk)
                            if progress:
                                progress(done, total)
                    break
                except (urllib.error.URLError, OSError) as exc:
                    errors.append(f"{link}: {getattr(exc, 'reason', exc)}")
                    out.seek(0)
                    out.truncate()
            else:
                raise NetworkError(
                    f"cannot download {entry.name}: {'; '.join(errors) or 'no links'}; {hint}"
                )
        return install_archive(tmp, force=force, limits=limits)
    finally:
        tmp.unlink(missing_ok=True)


# -- shipping a package to a cluster's workers ----------------------------------------


@dataclass(frozen=True)
class Shipped:
    """A package as a run uses it: what a worker must hold to translate for it."""

    from_code: str
    to_code: str
    identity: str  # name@version
    digest: str  # SHA-256 over its files' names and bytes (package_digest)

    def __str__(self) -> str:
        return f"{self.identity} (sha256 {self.digest[:12]})"


_DIGESTS: dict[tuple[str, tuple[tuple[str, int, int], ...]], str] = {}


def package_digest(path: Path) -> str:
    """SHA-256 over the relative names and bytes of an installed package's files,
    in sorted order (cached while the files' sizes and times stay the same)."""
    import hashlib

    files = sorted(p for p in path.rglob("*") if p.is_file())
    stamp = tuple(
        (p.relative_to(path).as_posix(), p.stat().st_size, p.stat().st_mtime_ns) for p in files
    )
    key = (str(path), stamp)
    if key not in _DIGESTS:
        digest = hashlib.sha256()
        for p in files:
            digest.update(p.relative_to(path).as_posix().encode("utf-8") + b"\0")
            with open(p, "rb") as fh:
                for block in iter(lambda: fh.read(1 << 20), b""):
                    digest.update(block)
            digest.update(b"\0")
        _DIGESTS[key] = digest.hexdigest()
    return _DIGESTS[key]


def shipped(info: Any) -> Shipped:
    """What a run's package (an :class:`~translator.engines.argos.PackageInfo`) is."""
    return Shipped(info.from_code, info.to_code, info.identity, package_digest(info.path))


def pack(path: Path) -> bytes:
    """An installed package as ``.argosmodel`` bytes (a zip of its directory,
    stored uncompressed: models do not shrink)."""
    import io

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as zf:
        for p in sorted(path.rglob("*")):
            if p.is_file():
                zf.write(p, f"{path.name}/{p.relative_to(path).as_posix()}")
    return buffer.getvalue()


def state_here(want: Shipped) -> str:
    """Whether this machine holds *want*: ``ok``, ``missing`` (no package for its
    pair), or ``different: <identity> (sha256 …)`` (another version or build)."""
    from .engines import argos

    good, _broken = argos.scan()
    mine = [p for p in good if (p.from_code, p.to_code) == (want.from_code, want.to_code)]
    if not mine:
        return "missing"
    for info in mine:
        if package_digest(info.path) == want.digest:
            return "ok"
    return f"different: {shipped(mine[0])}"


def install_shipped(want: Shipped, archive: bytes) -> str:
    """Install *archive* (from :func:`pack`) into this machine's packages
    directory and check that it is *want*, byte for byte; ``installed``, or
    what went wrong."""
    from .engines import argos

    state = state_here(want)
    if state != "missing":
        return state
    root = argos.packages_dir()
    root.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(
        prefix=".shipped-", suffix=".argosmodel", dir=root, delete=False
    ) as fh:
        fh.write(archive)
    try:
        installed = install_archive(Path(fh.name))
    except InputError as exc:
        return f"failed: {exc}"
    finally:
        os.unlink(fh.name)
    if package_digest(installed.path) != want.digest:
        shutil.rmtree(installed.path, ignore_errors=True)
        return "failed: the installed files differ from the client's"
    return "installed"
