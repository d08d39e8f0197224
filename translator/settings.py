"""The project's settings file, ``translator.toml``: its one reader.

Found upwards from the working directory (as git and Hugo find theirs), it
holds what every command of a site would otherwise repeat.  Its keys are the
long option names, so whoever knows the flags knows the file::

    sources = ["content"]        # the articles (files or folders)
    to = ["fr", "de"]            # the locales (or "fr,de")
    from = "en"                  # the articles' language (default: detected)
    out = "public"               # where the variants are (default: beside each source)
    layout = "filename"          # or "dir"
    format = "md"                # the variants' format: md, html or json
    engine = "argos"             # argos, apertium, auto or pseudo
    dateline = true              # the published line under a dated page's title
    glossary = ["terms.csv"]     # names and house terms, for every command
    memory = ".translator/memory.sqlite3"
    enforce = ["numbers"]        # QA checks that refuse a person's text
    min = 100                    # coverage: the share of fresh variants required
    min-reviewed = 0             # coverage: the share of people's segments required
    catalogs = "locales"         # coverage: the gettext catalogs to check

    [export]                     # one command's own options
    format = "xliff"
    out = "xliff"

A flag given on the command line wins over a key.  Paths are relative to the
file's folder.  An unknown key, or a value of the wrong kind, is a usage
error naming the file and the key, before any work.
"""

from __future__ import annotations

import difflib
import json
import os
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from .errors import UsageError

FILE = "translator.toml"

# The top-level keys: what each holds (for messages and ``translator config``).
KEYS: dict[str, str] = {
    "sources": "the articles: files or folders",
    "to": "the locales: a list, or 'fr,de'",
    "from": "the articles' language (default: detected per file)",
    "out": "where the variants are written and read (default: beside each source)",
    "layout": "filename (OUT/post.fr.md) or dir (OUT/fr/post.md)",
    "format": "the variants' format: md, html or json",
    "engine": "argos, apertium, auto or pseudo",
    "dateline": "the localized published line under a dated page's title",
    "glossary": "names and house terms (CSV or TBX): a path or a list",
    "memory": "the translation memory file",
    "enforce": "QA checks that refuse a person's text instead of flagging it",
    "min": "coverage: the percentage of fresh variants required",
    "min-reviewed": "coverage: the percentage of segments people translated or reviewed",
    "catalogs": "coverage: the gettext catalogs' folder",
}
# The commands a section may configure (their own options, by long name).
COMMANDS = ("localize", "coverage", "qa", "preview", "review", "export", "import", "translate")
PATHS = frozenset({"sources", "out", "glossary", "memory", "catalogs"})  # relative to the file
_STRINGS = frozenset({"from", "out", "layout", "format", "engine", "memory", "catalogs"})
_LISTS = frozenset({"sources", "to", "glossary", "enforce"})  # a string or a list of strings


@dataclass
class Settings:
    """A settings file read: its values, its sections, where it is."""

    path: Path | None = None
    values: dict[str, Any] = field(default_factory=dict)  # top-level keys, paths resolved
    raw: dict[str, Any] = field(default_factory=dict)  # the file's TOML as written
    sections: dict[str, dict[str, Any]] = field(default_factory=dict)  # by command

    @property
    def folder(self) -> Path:
        return self.path.parent if self.path is not None else Path.cwd()


def find(start: str | os.PathLike[str] | None = None) -> Path | None:
    """The settings file in *start* (default: the working directory) or the
    nearest folder above it; None when there is none."""
    here = Path(os.path.realpath(start or os.getcwd()))
    if here.is_file():
        here = here.parent
    for folder in (here, *here.parents):
        candidate = folder / FILE
        if candidate.is_file():
            return candidate
    return None


def read_toml(path: Path) -> dict[str, Any]:
    """The file's TOML, or a usage error naming it (and the line, where TOML says)."""
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"{path}: cannot be read ({exc})") from None
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(f"{path}: not valid TOML ({exc})") from None


def _unknown(path: Path, key: str, known: list[str], where: str = "") -> UsageError:
    close = difflib.get_close_matches(key, known, n=1)
    hint = f"; did you mean {close[0]!r}?" if close else f"; known keys: {', '.join(known)}"
    return UsageError(f"{path}: unknown key {key!r}{where}{hint}")


def _as_list(path: Path, key: str, value: Any) -> list[str]:
    values = [value] if isinstance(value, str) else value
    if not isinstance(values, list) or not all(isinstance(v, str) and v.strip() for v in values):
        raise UsageError(f"{path}: {key!r} must be a string or a list of strings")
    return [v.strip() for v in values]


def _checked(path: Path, key: str, value: Any) -> Any:
    """A top-level value of the kind its key takes."""
    if key in _LISTS:
        return _as_list(path, key, value)
    if key in _STRINGS:
        if not isinstance(value, str) or not value.strip():
            raise UsageError(f"{path}: {key!r} must be a string")
        return value.strip()
    if key == "dateline":
        if not isinstance(value, bool):
            raise UsageError(f"{path}: 'dateline' must be true or false")
        return value
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise UsageError(f"{path}: {key!r} must be a number")
    return float(value)


def _resolved(folder: Path, value: Any) -> Any:
    """A path (or list of them) of the file, as the working directory reaches it."""
    if isinstance(value, list):
        return [_resolved(folder, v) for v in value]
    return os.path.relpath(folder / value)


def load(path: Path) -> Settings:
    """Read and check the settings file at *path* (read once while the file
    and the working directory, which its paths are made relative to, stay)."""
    try:
        info = path.stat()
    except OSError:
        return _load(path, (0, 0), "")  # reports why it cannot be read
    return _load(path, (info.st_mtime_ns, info.st_size), os.getcwd())


@lru_cache(maxsize=8)
def _load(path: Path, _stamp: tuple[int, int], _cwd: str) -> Settings:
    data = read_toml(path)
    settings = Settings(path, raw=data)
    known = sorted(KEYS)
    for raw_key, value in data.items():
        key = raw_key.replace("_", "-")
        if isinstance(value, dict):
            if key not in COMMANDS:
                raise _unknown(path, raw_key, [*known, *COMMANDS], " (a section)")
            settings.sections[key] = {
                k.replace("_", "-"): v for k, v in value.items()
            }  # checked against the command's options by the command line
            continue
        if key not in KEYS:
            raise _unknown(path, raw_key, known)
        checked = _checked(path, key, value)
        settings.values[key] = _resolved(path.parent, checked) if key in PATHS else checked
    return settings


def current(start: str | os.PathLike[str] | None = None) -> Settings:
    """The settings in effect from *start* (the working directory): the nearest
    settings file's, else none at all."""
    path = find(start)
    return load(path) if path is not None else Settings()


# -- what is in effect -------------------------------------------------------------

DEFAULTS: dict[str, str] = {
    "sources": "(given on the command line)",
    "to": "(given on the command line)",
    "from": "detected per file",
    "out": "beside each source",
    "layout": "filename",
    "format": "md",
    "engine": "argos",
    "dateline": "true",
    "glossary": "none",
    "memory": ".translator/memory.sqlite3 in the project's folder",
    "enforce": "none: every check flags a person's text, only what is unsafe is refused",
    "min": "100",
    "min-reviewed": "0",
    "catalogs": "./locales when there is one",
}


@dataclass(frozen=True)
class Setting:
    key: str
    value: Any
    origin: str  # the settings file, or "default"

    def as_dict(self) -> dict[str, Any]:
        return {"key": self.key, "value": self.value, "from": self.origin}


@dataclass
class Effective:
    """``translator config``: every key in effect and where it came from."""

    path: Path | None
    settings: list[Setting]
    sections: dict[str, dict[str, Any]]

    def as_dict(self) -> dict[str, Any]:
        return {
            "file": str(self.path) if self.path is not None else None,
            "settings": [s.as_dict() for s in self.settings],
            "sections": self.sections,
        }


def effective(start: str | os.PathLike[str] | None = None) -> Effective:
    """The settings in effect from *start* (the working directory)."""
    settings = current(start)
    origin = os.path.relpath(settings.path) if settings.path is not None else "default"
    rows = [
        Setting(key, settings.values[key], origin)
        if key in settings.values
        else Setting(key, DEFAULTS[key], "default")
        for key in KEYS
    ]
    return Effective(settings.path, rows, settings.sections)


# -- translator init ------------------------------------------------------------------


@dataclass
class Initialized:
    """``translator init``: the file written and what it was made from."""

    path: Path
    found: str  # "hugo.toml", "mkdocs.yml", or "nothing": a commented default
    values: dict[str, Any]

    def as_dict(self) -> dict[str, Any]:
        return {"written": str(self.path), "from": self.found, "settings": self.values}


def _hugo(config: Path) -> dict[str, Any]:
    """Settings from a Hugo configuration: its content directory, its languages
    (the default one is the source), and its layout: translation by content
    directory (``languages.X.contentDir`` = ``content/X``) or by file name."""
    data = read_toml(config)
    lowered = {k.lower(): v for k, v in data.items()}
    source = str(lowered.get("defaultcontentlanguage") or "en")
    content = str(lowered.get("contentdir") or "content")
    raw = lowered.get("languages")
    languages: dict[str, Any] = raw if isinstance(raw, dict) else {}
    to: list[str] = []
    dirs: dict[str, str] = {}
    for key, language in languages.items():
        given = {k.lower(): v for k, v in language.items()} if isinstance(language, dict) else {}
        if given.get("contentdir"):
            dirs[key] = str(given["contentdir"]).rstrip("/")
        if key != source:
            to.append(str(given.get("languagecode") or key))
    values: dict[str, Any] = {"from": source, "to": to}
    own = dirs.get(source)
    parents = {str(Path(d).parent) for d in dirs.values()}
    by_folder = (
        own is not None
        and len(parents) == 1
        and all(Path(d).name.lower() == k.lower() for k, d in dirs.items())
    )
    if by_folder and own is not None:
        values.update(sources=[own], out=parents.pop(), layout="dir")
    else:
        values.update(sources=[content], layout="filename")
    return values


class _Tolerant(yaml.SafeLoader):
    """YAML that reads MkDocs' own tags (``!!python/name:…``, ``!ENV``) as plain values."""


_Tolerant.add_multi_constructor("", lambda loader, suffix, node: None)


def _mkdocs(config: Path) -> dict[str, Any]:
    """Settings from ``mkdocs.yml``: ``docs_dir`` and the languages of the
    mkdocs-static-i18n plugin (the default one is the source; its
    ``docs_structure`` gives the layout)."""
    try:
        data = yaml.load(config.read_text(encoding="utf-8"), Loader=_Tolerant)  # noqa: S506
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise UsageError(f"{config}: cannot be read ({exc})") from None
    data = data if isinstance(data, dict) else {}
    docs = str(data.get("docs_dir") or "docs")
    values: dict[str, Any] = {"sources": [docs], "layout": "filename"}
    for plugin in data.get("plugins") or []:
        if not isinstance(plugin, dict) or not isinstance(plugin.get("i18n"), dict):
            continue
        i18n = plugin["i18n"]
        languages = [x for x in i18n.get("languages") or [] if isinstance(x, dict)]
        source = next((x.get("locale") for x in languages if x.get("default")), None) or "en"
        values["from"] = str(source)
        values["to"] = [
            str(x["locale"]) for x in languages if x.get("locale") not in (None, source)
        ]
        if i18n.get("docs_structure") == "folder":
            values.update(sources=[f"{docs}/{source}"], out=docs, layout="dir")
    return values


def _toml_value(value: Any) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, bool):
        return "true" if value else "false"
    return json.dumps(value, ensure_ascii=False)


_COMMENTED_DEFAULT = """\
# translator.toml: the settings every translator command reads (a flag wins over a key).
# Keys are the long option names; paths are relative to this file.
# sources = ["content"]        # the articles: files or folders
# to = ["fr", "de"]            # the locales
# from = "en"                  # the articles' language (default: detected per file)
# out = "public"               # where the variants go (default: beside each source)
# layout = "filename"          # filename: post.fr.md; dir: OUT/fr/post.md
# format = "md"                # md, html or json
# engine = "argos"             # argos, apertium, auto or pseudo
# glossary = ["terms.csv"]     # names and house terms
# enforce = ["numbers"]        # QA checks that refuse a person's text
#
# [export]
# format = "xliff"
# out = "xliff"
"""


def init(folder: str | os.PathLike[str] = ".") -> Initialized:
    """Write ``translator.toml`` in *folder* from the site found there (Hugo's
    ``hugo.toml`` or ``config.toml``, MkDocs' ``mkdocs.yml``), else a commented
    default; a settings file already there is never replaced."""
    root = Path(folder)
    dest = root / FILE
    if dest.exists():
        raise UsageError(f"{dest} is already there; nothing written (edit it, or remove it first)")
    values: dict[str, Any] = {}
    found = "nothing"
    for name, reader in (("hugo.toml", _hugo), ("config.toml", _hugo), ("mkdocs.yml", _mkdocs)):
        if (root / name).is_file():
            values, found = reader(root / name), name
            break
    if found == "nothing":
        text = _COMMENTED_DEFAULT
    else:
        lines = [f"# translator.toml, written by translator init from {found}."]
        lines += ["# A flag on the command line wins over a key; paths are relative to this file."]
        lines += [f"{key} = {_toml_value(value)}" for key, value in values.items()]
        lines += ["", "[export]", 'format = "xliff"', 'out = "xliff"']
        text = "\n".join(lines) + "\n"
    from .fsutil import write_atomic

    write_atomic(dest, text, expect=None)  # never over a file that appeared meanwhile
    return Initialized(dest, found, values)
