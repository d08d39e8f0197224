"""A project: the folder whose articles share one translation memory.

People's translations belong to a project, so that one site's never reach
another's drafts.  The project of a run is found from its inputs:

1. the folder the inputs share (the working directory when there are none);
2. from there upwards, the first folder holding a settings file
   (``translator.toml``), a ``.translator/`` folder or a ``.git`` entry;
3. without one, the working directory when the inputs lie inside it, else the
   folder they share.

Its memory is ``.translator/memory.sqlite3`` in that folder, or the file the
settings file names (``memory = "path"``, relative to the settings file); the
settings file may also name the project's glossaries (``glossary = "terms.csv"``
or a list), used by every command that takes ``--glossary``.
``--cache FILE`` uses another file on purpose (one memory shared by several
projects), and the environment variable ``TRANSLATOR_MEMORY`` sets the file
for every run without ``--cache``.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from .errors import UsageError

SETTINGS = "translator.toml"  # read by translator.settings
STATE = ".translator"
MEMORY_FILE = "memory.sqlite3"
ENVIRONMENT = "TRANSLATOR_MEMORY"


@dataclass(frozen=True)
class Project:
    root: Path
    memory: Path
    settings: Path | None = None
    glossaries: tuple[Path, ...] = ()  # the settings file's ``glossary`` (one path or a list)
    # The settings file's ``enforce``: QA checks that refuse a person's text
    # (every other check flags it; what is unsafe is always refused).
    enforce: frozenset[str] = frozenset()
    # found by its mark (a settings file, a .translator/ folder, a git root),
    # rather than taken for the folder the inputs share
    marked: bool = True

    def article_id(self, source: str | os.PathLike[str]) -> str:
        """An article's name in the project: its path from the project's root,
        without extension (its absolute path when it lies outside)."""
        real = Path(os.path.realpath(source))
        try:
            relative = real.relative_to(self.root)
        except ValueError:
            relative = real
        return relative.with_suffix("").as_posix()


def _shared_folder(paths: Sequence[str | os.PathLike[str]]) -> Path:
    folders = []
    for path in paths:
        real = os.path.realpath(path)
        folders.append(real if os.path.isdir(real) else os.path.dirname(real))
    if not folders:
        return Path(os.path.realpath(os.getcwd()))
    return Path(os.path.commonpath(folders))


def _read_settings(settings: Path) -> dict:
    """The settings file's keys, checked by its reader (an unknown key, a value
    of the wrong kind: a usage error naming the file)."""
    from .settings import load

    return load(settings).raw


def _settings_memory(settings: Path, data: dict) -> Path | None:
    value = data.get("memory")
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise UsageError(f"{settings}: 'memory' must be the path of a file")
    return settings.parent / value


def _settings_glossaries(settings: Path, data: dict) -> tuple[Path, ...]:
    value = data.get("glossary", [])
    values = [value] if isinstance(value, str) else value
    if not isinstance(values, list) or not all(isinstance(v, str) and v.strip() for v in values):
        raise UsageError(f"{settings}: 'glossary' must be a file's path or a list of them")
    return tuple(settings.parent / v for v in values)


def _settings_enforce(settings: Path, data: dict) -> frozenset[str]:
    """The ``enforce`` list as given (the QA module checks its ids: ``qa.enforced``)."""
    value = data.get("enforce", [])
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise UsageError(f"{settings}: 'enforce' must be a list of QA check ids")
    return frozenset(v.strip() for v in value)


def find_project(paths: Sequence[str | os.PathLike[str]] = ()) -> Project:
    """The project the inputs *paths* belong to (see the module's docstring)."""
    start = _shared_folder(paths)
    for folder in (start, *start.parents):
        settings = folder / SETTINGS
        if settings.is_file():
            data = _read_settings(settings)
            memory = _settings_memory(settings, data) or folder / STATE / MEMORY_FILE
            return Project(
                folder,
                memory,
                settings,
                _settings_glossaries(settings, data),
                _settings_enforce(settings, data),
            )
        if (folder / STATE).is_dir() or (folder / ".git").exists():
            return Project(folder, folder / STATE / MEMORY_FILE)
    cwd = Path(os.path.realpath(os.getcwd()))
    root = cwd if start == cwd or cwd in start.parents else start
    return Project(root, root / STATE / MEMORY_FILE, marked=False)


def memory_path(
    cache: str | os.PathLike[str] | None, paths: Sequence[str | os.PathLike[str]] = ()
) -> Path:
    """The memory file a run uses: ``--cache``, else ``TRANSLATOR_MEMORY``, else
    the project's."""
    if cache:
        return Path(cache)
    from_env = os.environ.get(ENVIRONMENT)
    if from_env:
        return Path(from_env)
    return find_project(paths).memory


def user_cache_dir() -> Path:
    """``$XDG_CACHE_HOME/translator`` (``~/.cache`` without it): the run locks,
    the package index and langdetect's profiles packed for a fast load, which
    belong to the user rather than to a project."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "translator"


def legacy_memory() -> Path:
    """Where versions before projects kept the one memory every run shared."""
    return user_cache_dir() / "memory.sqlite3"


def legacy_notice(memory: Path) -> str | None:
    """A word on the memory earlier versions shared between projects, when it is
    there and this project has none yet (it is never moved or changed)."""
    old = legacy_memory()
    if memory.exists() or not old.is_file() or os.environ.get(ENVIRONMENT):
        return None
    return (
        f"the translation memory now lives with each project ({memory}); the one every "
        f"project shared, {old}, is left as it was: use --cache {old} to go on with it, or "
        f"'translator cache export --format tmx all.tmx --cache {old}' and "
        "'translator cache import all.tmx' to take its entries into this project"
    )
