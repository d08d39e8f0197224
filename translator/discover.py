"""Finding article files under the paths a user gives."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from .errors import UsageError
from .fsutil import is_inside
from .readers import EXTENSIONS


@dataclass
class Found:
    files: list[str] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    roots: list[str] = field(default_factory=list)  # the PATH each file was found under


def discover(paths: list[str] | tuple[str, ...]) -> Found:
    """Article files under *paths*, in the order given, directories walked sorted.

    A directory is walked recursively for .txt, .md, .markdown, .html and .htm
    files.  Symbolic links to directories are not followed, and a linked file
    whose target lies outside the directory given is skipped with a notice.
    A missing path, or a directory with no article file, is a usage error.
    """
    problems = []
    found = Found()
    seen: set[str] = set()

    def add(path: str, root: str) -> None:
        key = os.path.realpath(path)
        if key not in seen:
            seen.add(key)
            found.files.append(path)
            found.roots.append(root)

    for path in paths:
        if not os.path.lexists(path):
            problems.append(f"{path}: no such file or directory")
        elif os.path.isdir(path):
            before = len(found.files)
            for dirpath, dirnames, filenames in os.walk(path, followlinks=False):
                # hidden folders (.git; .translator: the memory, copies, previews) hold no articles
                dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
                for name in sorted(filenames):
                    if os.path.splitext(name)[1].lower() not in EXTENSIONS:
                        continue
                    full = os.path.join(dirpath, name)
                    if is_tool_output(full):
                        continue
                    if os.path.islink(full) and not is_inside(full, path):
                        found.notices.append(f"{full}: skipped: symbolic link to outside {path}")
                        continue
                    add(full, path)
            if len(found.files) == before and not any(n.startswith(path) for n in found.notices):
                exts = ", ".join(EXTENSIONS)
                problems.append(f"{path}: no article files ({exts}) in this directory")
        elif not os.path.exists(path):
            problems.append(f"{path}: broken symbolic link")
        else:
            add(path, os.path.dirname(path) or ".")
    if problems:
        raise UsageError("\n".join(problems))
    return found


PREVIEW_SUFFIX = ".preview.html"


def is_tool_output(path: str) -> bool:
    """A page the tool wrote for people to look at (a preview), by its name:
    never an article.  One written under another name is known when it is
    read (``readers.read``: :class:`~translator.errors.NotAnArticle`)."""
    return path.lower().endswith(PREVIEW_SUFFIX)
