"""The ``translator`` command line: thin commands over the library.

Each command parses its options, calls one library function and prints the
report it gets back (as text, or its ``as_dict()`` as JSON).  Every library
error is turned into a one-line message and an exit code here, in
:class:`Group.invoke`, and nowhere else.

The translation stack (Beautiful Soup, Babel, langdetect, CTranslate2) is
imported inside the commands that need it, so that ``translator --help`` and
the light commands start at once (``benchmarks/startup.py``).
"""

from __future__ import annotations

import difflib
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

import click

from . import __version__
from .engines import ENGINES, DecodeOptions
from .errors import (
    EXIT_CLOSED_PIPE,
    EXIT_FAILURES,
    EXIT_INTERRUPTED,
    EXIT_USAGE,
    TranslatorError,
)
from .progress import Progress
from .textio import DEFAULT_MAX_BYTES, ReadOptions


class CommandError(click.ClickException):
    """A library error on its way out, with the library's exit code."""

    def __init__(self, message: str, exit_code: int) -> None:
        super().__init__(message)
        self.exit_code = exit_code  # type: ignore[misc]  # click reads it per instance


class Group(click.Group):
    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except TranslatorError as exc:
            raise CommandError(str(exc), exc.exit_code) from exc
        except KeyboardInterrupt:
            click.echo("interrupted; run the same command again to resume", err=True)
            raise click.exceptions.Exit(EXIT_INTERRUPTED) from None
        except BrokenPipeError:
            _closed_pipe()
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except ImportError as exc:
            if ctx.obj and ctx.obj.get("debug"):
                raise
            raise CommandError(missing_dependency(exc), EXIT_USAGE) from exc
        except Exception as exc:
            if ctx.obj and ctx.obj.get("debug"):
                raise
            name = type(exc).__name__
            raise CommandError(
                f"unexpected {name}: {exc} (run again with --debug for the traceback)",
                EXIT_FAILURES,
            ) from exc


def missing_dependency(exc: ImportError) -> str:
    """One line for a package the installation lacks, and how to mend it.

    >>> missing_dependency(ModuleNotFoundError("No module named 'lxml_html_clean'", name="lxml_html_clean"))
    "missing dependency: no module named 'lxml_html_clean'; reinstall with its dependencies (pip install -e . in a checkout, pip install translator otherwise)"
    """
    name = getattr(exc, "name", None)
    if isinstance(exc, ModuleNotFoundError) and name:
        what = f"no module named {name!r}"
    else:
        what = " ".join(str(exc).split())
    return (
        f"missing dependency: {what}; reinstall with its dependencies"
        " (pip install -e . in a checkout, pip install translator otherwise)"
    )


SHOWN_STALE = 10  # stale units named one by one; the rest are counted


skip_option = click.option(
    "--skip",
    "skip",
    metavar="CHECK[,CHECK]",
    help="QA checks not to run (translator qa --list-checks lists them).",
)


glossary_option = click.option(
    "--glossary",
    "glossary",
    multiple=True,
    type=click.Path(dir_okay=False),
    metavar="FILE",
    help="Names and house terms (CSV or TBX); repeatable; a translator.toml 'glossary' adds its own.",
)


def _glossary(files: tuple[str, ...], paths: Any) -> Any:
    from .glossary import project_glossary

    return project_glossary(list(files), [p for p in paths if p and p != "-"])


def read_options(func: Any) -> Any:
    """The options every article-reading command shares."""
    func = click.option(
        "--max-bytes",
        type=click.IntRange(min=1),
        default=DEFAULT_MAX_BYTES,
        show_default=True,
        help="Refuse input files larger than this.",
    )(func)
    func = click.option(
        "--encoding",
        metavar="ENC",
        help="Decode input with this encoding (or 'auto': a detector's guess) instead of strict UTF-8; HTML follows its declared charset.",
    )(func)
    return func


def jobs_option(help_text: str) -> Any:
    """``--jobs``: how much runs at once, one per core by default."""
    return click.option(
        "--jobs",
        type=click.IntRange(1),
        default=os.cpu_count() or 1,
        show_default="the number of cores",
        help=help_text,
    )


# --jobs of the commands that only read articles (extract, detect)
reading_jobs = jobs_option(
    "How many files are read at once, each in a worker process; "
    "the output is the same, in the same order."
)


def _one_of(
    value: str | None, old: str | None, name: str, old_name: str, *, required: bool = False
) -> str | None:
    """An option's value given by its name or its old one (a hidden alias);
    both given differently, or neither when it is required, is a usage error."""
    from .errors import UsageError

    ctx = click.get_current_context()
    given = ctx.get_parameter_source(old_name[2:].replace("-", "_"))
    if old is not None and given == click.core.ParameterSource.COMMANDLINE:
        if (
            value is not None
            and ctx.get_parameter_source(name[2:]) == (click.core.ParameterSource.COMMANDLINE)
            and value != old
        ):
            raise UsageError(f"{name} and {old_name} (its old name) disagree; give {name} only")
        value = old
    if value is None and required:
        key = name[2:]
        raise UsageError(f"missing option {name}: give it, or set {key} in translator.toml")
    return value


def _n(singular: str, plural: str, count: int) -> str:
    """A word in the number *count* asks for (gettext's ngettext: English
    without a catalog, and the plural rules of one when the messages get one).

    >>> _n("variant", "variants", 1), _n("variant", "variants", 0)
    ('variant', 'variants')
    """
    import gettext

    return gettext.ngettext(singular, plural, count)


def report_failures(failures: list[tuple[str, str]], notices: list[str]) -> None:
    for notice in notices:
        click.echo(f"notice: {notice}", err=True)
    for _path, message in failures:
        click.echo(f"error: {message}", err=True)


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="translator")
@click.option("--debug", is_flag=True, help="Show tracebacks of unexpected errors.")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """Translate and localize articles offline.

    \b
    Example: one variant per locale of every article in samples/
      translator localize samples/ --to fr,ar,de --engine pseudo --out build/
    """
    ctx.ensure_object(dict)
    ctx.obj["debug"] = debug
    if ctx.invoked_subcommand in SETTINGS_FREE or {"--help", "-h"} & set(ctx.args):
        return  # these read no settings: a broken file is not their business
    from .settings import current

    settings = current()
    ctx.obj["settings"] = settings
    try:
        ctx.default_map = _default_map(ctx, settings)
    except TranslatorError as exc:
        raise CommandError(str(exc), exc.exit_code) from exc


# Commands that read no settings file.
SETTINGS_FREE = frozenset({"models", "cache", "extract", "detect", "init"})
# Each top-level key of translator.toml: the commands it is a default of, with
# the parameter that takes it (the key is the option's long name).
TOP_LEVEL: dict[str, dict[str, str]] = {
    "sources": {"localize": "paths", "export": "sources", "coverage": "sources", "review": "paths"},
    "to": {"localize": "to", "export": "to", "coverage": "to", "review": "to"},
    "from": {"localize": "source", "export": "source", "review": "source", "translate": "source"},
    "out": {"localize": "out", "coverage": "out", "review": "out"},
    "layout": {"localize": "layout", "coverage": "layout", "review": "layout"},
    "format": {"localize": "fmt"},
    "engine": {
        "localize": "engine",
        "review": "engine",
        "preview": "engine",
        "translate": "engine",
    },
    "dateline": {"localize": "dateline"},
    "min": {"coverage": "minimum"},
    "min-reviewed": {"coverage": "min_reviewed"},
    "catalogs": {"coverage": "catalogs"},
}


def _default_map(ctx: click.Context, settings: Any) -> dict[str, dict[str, Any]]:
    """click's default map from the settings: each top-level key for the
    commands it belongs to, each section for its command (by long option
    name); every value checked as the option would check it."""
    from .errors import UsageError

    group = ctx.command
    assert isinstance(group, click.Group)
    out: dict[str, dict[str, Any]] = {}

    def put(command: str, param: click.Parameter, key: str, value: Any, where: str) -> None:
        if isinstance(value, list) and param.name in ("to",):
            value = ",".join(value)
        elif isinstance(value, list):
            value = tuple(value)
        try:
            param.type_cast_value(ctx, value)
        except click.BadParameter as exc:
            raise UsageError(f"{settings.path}: {where}{key!r}: {exc.message}") from None
        out.setdefault(command, {})[param.name or key] = value

    for key, value in settings.values.items():
        for command, name in TOP_LEVEL.get(key, {}).items():
            sub = group.commands.get(command)
            param = next((p for p in sub.params if p.name == name), None) if sub else None
            if param is not None:
                put(command, param, key, value, "")
    for command, values in settings.sections.items():
        sub = group.commands.get(command)
        if sub is None:
            continue
        by_name = {
            opt[2:]: p for p in sub.params for opt in getattr(p, "opts", []) if opt.startswith("--")
        }
        for key, value in values.items():
            param = by_name.get(key)
            if param is None:
                close = difflib.get_close_matches(key, list(by_name), n=1)
                hint = f"; did you mean {close[0]!r}?" if close else ""
                raise UsageError(
                    f"{settings.path}: [{command}] has no option {key!r}{hint} (keys are "
                    f"'translator {command}' long option names)"
                )
            if isinstance(param.type, click.Path) and isinstance(value, str):
                value = os.path.relpath(settings.folder / value)
            put(command, param, key, value, f"[{command}] ")
    exported = out.get("export", {}).get("out")
    if exported and "files" not in out.get("import", {}):
        out.setdefault("import", {})["files"] = (exported,)  # import reads what export wrote
    return out


@cli.command("init")
@click.argument("folder", default=".", type=click.Path(file_okay=False, exists=True))
def init_command(folder: str) -> None:
    """Write translator.toml from the site in FOLDER (default: here).

    Hugo's hugo.toml or config.toml gives the content folder, the languages
    and the layout; MkDocs' mkdocs.yml its docs_dir and the languages of
    mkdocs-static-i18n; without either, a commented default is written.  A
    settings file already there is never replaced.

    \b
    Example:
      translator init && translator localize --engine pseudo
    """
    from .settings import init

    done = init(folder)
    click.echo(f"wrote {done.path} (from {done.found})")
    for key, value in done.values.items():
        click.echo(f"  {key} = {value}")


@cli.command("config")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
def config_command(fmt: str) -> None:
    """Print the settings in effect and where each came from.

    The settings file is translator.toml, found from the working directory
    upwards; a flag given to a command wins over its key.

    \b
    Example:
      translator config --format json
    """
    from .settings import effective

    found = effective()
    if fmt == "json":
        click.echo(json.dumps(found.as_dict(), indent=2, ensure_ascii=False))
        return
    where = (
        found.path if found.path is not None else "none here or above: every key has its default"
    )
    click.echo(f"settings file: {where}")
    for row in found.settings:
        value = json.dumps(row.value, ensure_ascii=False) if row.origin != "default" else row.value
        click.echo(f"{row.key:<13} = {value:<40}  # {row.origin}")
    for command, values in found.sections.items():
        click.echo(f"[{command}]")
        for key, value in values.items():
            click.echo(f"{key:<13} = {json.dumps(value, ensure_ascii=False)}")


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["md", "text", "json"]),
    default="md",
    show_default=True,
    help="md: the title and blocks as Markdown; text: plain; json: one object per file.",
)
@read_options
@reading_jobs
def extract(
    paths: tuple[str, ...], fmt: str, encoding: str | None, max_bytes: int, jobs: int
) -> None:
    """Print each article as it would be translated: its title and kept blocks, no chrome.

    PATH is a file or a directory, walked like `translator detect`.  Check a
    scraped page here before spending model time on it.

    \b
    Example:
      translator extract samples/council-budget.html
      translator extract pages/ --format json
    """
    from .pipeline import extract_paths

    report = extract_paths(paths, ReadOptions(encoding=encoding, max_bytes=max_bytes), jobs)
    if fmt == "json":
        click.echo(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
    else:
        ok = [r for r in report.results if r.article is not None]
        for index, r in enumerate(ok):
            if len(ok) > 1:
                click.echo(f"{'' if index == 0 else chr(10)}==> {r.path} <==")
            click.echo(r.markdown() if fmt == "md" else r.plain())
    report_failures([(r.path, str(r.error)) for r in report.failures], report.notices)
    if report.failures:
        sys.exit(EXIT_FAILURES)


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@read_options
@reading_jobs
def detect(
    paths: tuple[str, ...], fmt: str, encoding: str | None, max_bytes: int, jobs: int
) -> None:
    """Report each article's language, blocks and page chrome.

    PATH is a file or a directory, walked recursively for .txt, .md,
    .markdown, .html and .htm files in sorted order.

    \b
    Example:
      translator detect samples/ --format json
    """
    from .pipeline import detect_paths

    report = detect_paths(paths, ReadOptions(encoding=encoding, max_bytes=max_bytes), jobs)
    if fmt == "json":
        click.echo(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
    else:
        for r in report.results:
            if r.article is not None:
                a = r.article
                n = len(a.chrome)
                click.echo(
                    f"{a.path}  {a.language} ({a.confidence:.2f})  "
                    f"{n} chrome line{'' if n == 1 else 's'}"
                )
    report_failures([(r.path, str(r.error)) for r in report.failures], report.notices)
    if report.failures:
        sys.exit(EXIT_FAILURES)


def decode_options(func: Any) -> Any:
    """The options of commands that run an engine."""
    options = [
        click.option(
            "--beam", type=click.IntRange(1, 16), default=4, show_default=True, help="Beam size."
        ),
        click.option(
            "--device",
            type=click.Choice(["cpu", "cuda", "auto"]),
            default="cpu",
            show_default=True,
            help="Where CTranslate2 runs.",
        ),
        click.option(
            "--compute-type",
            default="default",
            show_default=True,
            help="CTranslate2 compute type (default, int8, int8_float32, float32, ...).",
        ),
        click.option(
            "--inter-threads",
            type=click.IntRange(1),
            default=1,
            show_default=True,
            help="Within one model process: how many batches it translates at once "
            "(CTranslate2 inter_threads; memory grows with it). Spreading work over "
            "processes is --jobs.",
        ),
        click.option(
            "--intra-threads",
            type=click.IntRange(0),
            default=0,
            show_default=True,
            help="Threads per batch (0: CTranslate2 chooses).",
        ),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def make_decode(
    beam: int, device: str, compute_type: str, inter_threads: int, intra_threads: int
) -> DecodeOptions:
    return DecodeOptions(
        beam=beam,
        device=device,
        compute_type=compute_type,
        inter_threads=inter_threads,
        intra_threads=intra_threads,
    )


@cli.command()
@click.argument("path", required=False, type=click.Path())
@click.option(
    "--to", "to", required=True, metavar="LANG", help="Target language (fr, pt-BR, zh-Hant...)."
)
@click.option("--from", "source", metavar="LANG", help="Source language; detected when absent.")
@click.option("--text", "text", metavar="TEXT", help="Translate this text instead of a file.")
@click.option("--engine", type=click.Choice(list(ENGINES)), default="argos", show_default=True)
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False), help="Write here instead of stdout."
)
@glossary_option
@read_options
@decode_options
def translate(
    path: str | None,
    to: str,
    text: str | None,
    source: str | None,
    engine: str,
    output: str | None,
    glossary: tuple[str, ...],
    encoding: str | None,
    max_bytes: int,
    **decode: Any,
) -> None:
    """Translate one article, keeping its format; chrome is dropped.

    Markdown keeps its front matter byte for byte except the translated
    title; HTML keeps its structure. PATH - reads plain text from standard
    input, and --text translates the text given; both print to standard
    output. For a folder of articles, use translator localize.

    \b
    Examples:
      translator translate samples/fr-marche.md --to en -o build/marche.en.md
      echo "Hello world." | translator translate - --to fr
      translator translate --text "Hello world." --to fr
    """
    from .pipeline import translate_file

    if (path is None) == (text is None):
        raise click.UsageError("give a PATH (- for standard input) or --text, not both")
    label = path or "<text>"
    if path == "-":
        label, text = "<stdin>", sys.stdin.read()
    result = translate_file(
        label,
        to,
        source=source,
        engine=engine,
        output=output,
        read=ReadOptions(encoding=encoding, max_bytes=max_bytes, language=source),
        decode=make_decode(**decode),
        text=text,
        glossary=_glossary(glossary, [path] if path else []),
    )
    path = result.path
    for event in result.translation.events:
        click.echo(
            f"notice: {path}:{event.line}: protected span {event.action}: {event.span}", err=True
        )
    for note in result.translation.notes:
        click.echo(f"notice: {path}: {note}", err=True)
    if output is None:
        click.echo(result.text, nl=False)
    else:
        click.echo(f"{output}{'' if result.written else ' (unchanged)'}", err=True)


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option(
    "--to", "to", required=True, metavar="LOCALES", help="Comma-separated locales: fr,ar,de,pt-BR."
)
@click.option(
    "--from", "source", metavar="LANG", help="Source language; detected per file when absent."
)
@click.option(
    "--out",
    type=click.Path(file_okay=False),
    help="Output directory (default: beside each source).",
)
@click.option(
    "--date", "date", metavar="YYYY-MM-DD[THH:MM±HH:MM]", help="The articles' date, over any found."
)
@click.option(
    "--dateline/--no-dateline",
    default=True,
    show_default=True,
    help="Write the localized date line under a dated Markdown page's title (off: docs).",
)
@click.option("--engine", type=click.Choice(list(ENGINES)), default="argos", show_default=True)
@click.option(
    "--format", "fmt", type=click.Choice(["md", "html", "json"]), default="md", show_default=True
)
@click.option(
    "--layout",
    type=click.Choice(["filename", "dir"]),
    default="filename",
    show_default=True,
    help="filename: OUT/post.fr.md; dir: OUT/fr/post.md.",
)
@jobs_option(
    "How many model processes share the run's batches (each loads the model once); "
    "the batches one process runs at once is --inter-threads."
)
@click.option("--force", is_flag=True, help="Translate again even when a variant is fresh.")
@click.option(
    "--cache",
    "cache",
    type=click.Path(dir_okay=False),
    help="Translation memory file (default: the project's .translator/memory.sqlite3).",
)
@click.option("--no-cache", is_flag=True, help="Do not read or write the translation memory.")
@click.option("-q", "--quiet", is_flag=True, help="Errors only: no progress, summary or warnings.")
@click.option(
    "-v", "--verbose", is_flag=True, help="Every file written and every warning and notice."
)
@click.option(
    "--report",
    "report_file",
    type=click.Path(dir_okay=False),
    help="Write the run's summary as JSON here.",
)
@click.option(
    "--executor",
    type=click.Choice(["local", "dask"]),
    default="local",
    show_default=True,
    help="local: this machine; dask: a Dask distributed cluster.",
)
@click.option(
    "--scheduler",
    metavar="ADDRESS",
    help="Dask scheduler (tcp://host:8786); default: a LocalCluster.",
)
@click.option(
    "--skip-missing-pairs",
    is_flag=True,
    help="Translate every pair there is a model for; fail the others (exit 1) instead of "
    "refusing the run (exit 2).",
)
@click.option(
    "--dask-timeout",
    type=click.FloatRange(min=0, min_open=True),
    default=60.0,
    show_default=True,
    metavar="SECONDS",
    help="Give up on a Dask scheduler that does not answer, or a cluster without workers, after this long.",
)
@click.option(
    "--batch-files",
    type=click.IntRange(1),
    default=64,
    show_default=True,
    help="Articles read and translated together; memory grows with it, not with the corpus.",
)
@skip_option
@glossary_option
@read_options
@decode_options
def localize(
    paths: tuple[str, ...],
    to: str,
    source: str | None,
    out: str | None,
    date: str | None,
    dateline: bool,
    engine: str,
    fmt: str,
    layout: str,
    jobs: int,
    force: bool,
    cache: str | None,
    no_cache: bool,
    quiet: bool,
    verbose: bool,
    report_file: str | None,
    executor: str,
    scheduler: str | None,
    skip_missing_pairs: bool,
    dask_timeout: float,
    batch_files: int,
    skip: str | None,
    glossary: tuple[str, ...],
    encoding: str | None,
    max_bytes: int,
    **decode: Any,
) -> None:
    """Write one localized variant per article and locale.

    Each variant has the translated title and body, no chrome, a localized
    "published on" line with the date as the locale writes it, and front
    matter for freshness checks (source_sha256, translation_key, engine).
    A variant that is already fresh is skipped; segments come from the
    translation memory when it knows them.  Ctrl-C stops cleanly (exit 130);
    the same command then resumes.

    \b
    Example:
      translator localize samples/ --to fr,ar,de --engine pseudo --out build/
    """
    from . import localize as loc
    from .dates import parse_option
    from .locales import parse_locales
    from .qa import parse_skip

    options = loc.LocalizeOptions(
        targets=parse_locales(to),
        out=out,
        date=parse_option(date),
        engine=engine,
        fmt=fmt,
        layout=layout,
        source=source,
        read=ReadOptions(encoding=encoding, max_bytes=max_bytes, language=source),
        decode=make_decode(**decode),
        skip_checks=parse_skip(skip),
        jobs=jobs,
        force=force,
        cache=cache,
        use_cache=not no_cache,
        batch_files=batch_files,
        executor="dask" if executor == "dask" else "inline",
        scheduler=scheduler,
        cluster_timeout=dask_timeout,
        skip_missing_pairs=skip_missing_pairs,
        glossary=_glossary(glossary, paths),
        dateline=dateline,
        show_cluster_logs=bool((click.get_current_context().find_root().obj or {}).get("debug")),
    )
    if executor == "dask" and not options.show_cluster_logs:
        from .executors import quiet_cluster_logs

        # for the whole process: Dask logs from its threads until the very end
        quiet_cluster_logs()
    progress = _Progress(quiet)
    try:
        report = loc.localize(paths, options, progress)
    finally:
        progress.close()
    _print_localize_report(report, quiet, verbose, report_file)


def _print_localize_report(
    report: Any, quiet: bool, verbose: bool, report_file: str | None
) -> None:
    """The summary, notices and failures of a localize run (and --report)."""
    from .fsutil import write_atomic

    if verbose:
        for variant in report.variants:
            if not variant.skipped:
                click.echo(f"{'written  ' if variant.written else 'unchanged'}  {variant.path}")
    if not quiet:
        from .notices import grouped

        notices = [str(n) for n in report.notices] if verbose else grouped(report.notices)
        for line in notices:
            click.echo(f"notice: {line}", err=True)
        warnings = [str(n) for n in report.warnings] if verbose else grouped(report.warnings)
        for line in warnings:
            click.echo(f"warning: {line}", err=True)
    summary = report.as_dict()
    if not quiet:
        v, seg = summary["variants"], summary["segments"]
        total = len(report.variants) + v["failed"]  # as many as the progress line counted
        failed_files = summary["files"]["failed"]
        click.echo(
            f"{total} {_n('variant', 'variants', total)}: {v['written']} written, "
            f"{v['unchanged']} unchanged, {v['skipped']} skipped (fresh), {v['failed']} failed; "
            f"{failed_files} {_n('file', 'files', failed_files)} failed; "
            f"{seg['translated']} {_n('segment', 'segments', seg['translated'])} translated, "
            f"{seg['from_memory']} from memory; "
            + (
                f"{summary['copied']} copied (already in the target's language); "
                if summary["copied"]
                else ""
            )
            + f"{summary['seconds']:.1f} s"
            + (f"; memory {os.path.relpath(report.memory)}" if report.memory else ""),
            err=True,
        )
        with_errors = summary["qa_errors"]
        if with_errors:
            names = ", ".join(list(with_errors)[:3]) + (", …" if len(with_errors) > 3 else "")
            count = len(with_errors)
            click.echo(
                f"QA errors in {count} {_n('variant', 'variants', count)} ({names}): "
                "translator qa shows them",
                err=True,
            )
    if report_file:
        write_atomic(report_file, json.dumps(summary, ensure_ascii=False, indent=2) + "\n")
    report_failures(report.failures, [])
    if not report.ok:
        sys.exit(EXIT_FAILURES)


class _Progress(Progress):
    """A progress bar on a terminal, periodic plain lines otherwise, nothing with
    --quiet.  Counted in segments (the work) once the sources are read, else in
    variants; the time left comes from the rate over the last half minute."""

    EVERY = 5.0  # seconds between plain lines

    def __init__(self, quiet: bool) -> None:
        from .progress import RateEstimator

        self.quiet = quiet
        self.tty = sys.stderr.isatty()
        self.bar: Any = None
        self.variants_total = self.variants_done = 0
        self.work_total = self.work_done = 0
        self.rate = RateEstimator()
        self.started = self.last = time.monotonic()

    def start(self, variants: int) -> None:
        self.variants_total = variants

    def work(self, segments: int) -> None:
        self.work_total = segments
        self.rate = type(self.rate)()
        self.rate.add(0)  # the rate is measured from here

    def more(self, segments: int) -> None:
        if self.work_total:
            self.work_total += segments

    def segments(self, done: int) -> None:
        self.work_done += done
        if self.work_total:
            self.rate.add(done)
        self._show()

    def variant(self, path: str, state: str) -> None:
        self.variants_done += 1
        if not self.work_total:
            self.rate.add(1)
        self._show(path)

    def _totals(self) -> tuple[int, int, str]:
        if self.work_total:
            return min(self.work_done, self.work_total), self.work_total, "segments"
        return self.variants_done, self.variants_total, "variants"

    def _show(self, current: str = "") -> None:
        if self.quiet:
            return
        done, total, unit = self._totals()
        eta = self.rate.remaining(total)
        eta_text = "?" if eta is None else f"{eta:.0f} s"
        if self.tty:
            if self.bar is None:
                self.bar = click.progressbar(
                    length=max(total, 1),
                    file=sys.stderr,
                    show_eta=False,
                    show_pos=True,
                    label=f"{self.variants_done}/{self.variants_total} variants",
                )
                self.bar.__enter__()
            self.bar.length = max(total, 1)
            self.bar.pos = done
            self.bar.label = f"{self.variants_done}/{self.variants_total} variants, eta {eta_text}"
            self.bar.render_progress()
            return
        now = time.monotonic()
        if now - self.last < self.EVERY and self.variants_done < self.variants_total:
            return
        self.last = now
        percent = f" ({100 * done // total}%)" if total else ""
        click.echo(
            f"progress: {done}/{total} {unit}{percent}, "
            f"{self.variants_done}/{self.variants_total} variants, "
            f"{now - self.started:.0f} s elapsed, eta {eta_text}"
            f"{'  ' + current if current else ''}",
            err=True,
        )

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None


@cli.command("export")
@click.argument("sources", nargs=-1, required=True, type=click.Path())
@click.option("--to", "to", required=True, metavar="LOCALES", help="Target locales: fr,de.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["xliff", "po"]),
    default="xliff",
    show_default=True,
    help="XLIFF (CAT tools: OmegaT, Trados, memoQ) or gettext PO (Poedit, Weblate).",
)
@click.option(
    "--xliff-version",
    type=click.Choice(["2.1", "1.2"]),
    default="2.1",
    show_default=True,
    help="1.2 for tools that read no other.",
)
@click.option("--out", required=True, type=click.Path(file_okay=False), help="Where to write.")
@click.option("--from", "source", metavar="LANG", help="Source language (default: detected).")
@click.option("--cache", type=click.Path(dir_okay=False), help="The translation memory file.")
@click.option(
    "--force",
    is_flag=True,
    help="Replace exchange files changed since export wrote them (a copy is kept).",
)
@glossary_option
@read_options
def export_command(
    sources: tuple[str, ...],
    to: str,
    fmt: str,
    xliff_version: str,
    out: str,
    source: str | None,
    cache: str | None,
    force: bool,
    glossary: tuple[str, ...],
    encoding: str | None,
    max_bytes: int,
) -> None:
    """Write each article's segments for a translator's tool, one file per locale.

    Every segment has its source, its current target from the translation
    memory (a person's, else the machine draft), a stable id, its state, the
    source line and QA notes. Edit the files in a CAT tool or by hand, then
    run translator import.

    \b
    Example:
      translator export samples/ --to fr --format xliff --out review/
    """
    from .exchange.roundtrip import ExportOptions, export
    from .locales import parse_locales

    options = ExportOptions(
        targets=parse_locales(to),
        out=out,
        fmt=fmt,
        xliff_version=xliff_version,
        source=source,
        read=ReadOptions(encoding=encoding, max_bytes=max_bytes, language=source),
        cache=cache,
        force=force,
        glossary=_glossary(glossary, sources),
    )
    report = export(sources, options)
    for path in report.written:
        click.echo(f"written  {path}")
    click.echo(
        f"{len(report.written)} {_n('file', 'files', len(report.written))}, {report.units} "
        f"{_n('segment', 'segments', report.units)} ({report.with_target} with a "
        "translation)",
        err=True,
    )
    report_failures(report.failures, report.notices)
    if not report.ok:
        sys.exit(EXIT_FAILURES)


@cli.command("import")
@click.argument("files", nargs=-1, required=True, type=click.Path())
@click.option("--cache", type=click.Path(dir_okay=False), help="The translation memory file.")
@read_options
def import_command(
    files: tuple[str, ...], cache: str | None, encoding: str | None, max_bytes: int
) -> None:
    """Take people's translations from edited XLIFF or PO files into the memory.

    A file is taken whole or not at all. Its units must still match the
    articles (a changed source sentence is reported stale and skipped), keep
    their protected spans and pass the QA checks; translated and reviewed
    units become human translations, which localize then uses before any
    model's.

    \b
    Example:
      translator import review/ && translator localize samples/ --to fr --out build/
    """
    from .exchange.roundtrip import import_files

    report = import_files(
        files, cache=cache, read=ReadOptions(encoding=encoding, max_bytes=max_bytes)
    )
    for result in report.files:
        click.echo(
            f"{result.path}: {result.imported} imported, {len(result.stale)} stale, "
            f"{len(result.rejected)} rejected, {result.skipped} not translated"
            + (f", {result.refused} not taken (the file was refused)" if result.refused else "")
        )
        for line in result.rejected:
            click.echo(f"warning: {result.path}: rejected {line}", err=True)
        for unit_id in result.stale[:SHOWN_STALE]:
            click.echo(
                f"warning: {result.path}: {unit_id}: the source changed since export", err=True
            )
        if len(result.stale) > SHOWN_STALE:
            click.echo(
                f"warning: {result.path}: and {len(result.stale) - SHOWN_STALE} more units "
                "whose source changed since export",
                err=True,
            )
    if report.files:
        click.echo(f"memory {os.path.relpath(report.memory)}")
    report_failures(report.failures, [])
    if not report.ok:
        sys.exit(EXIT_FAILURES)


@cli.group()
def cache() -> None:
    """Inspect or clear the translation memory.

    \b
    Example:
      translator cache stats
    """


cache_file_option = click.option(
    "--cache",
    "cache_file",
    type=click.Path(dir_okay=False),
    help="The memory file (default: the project's .translator/memory.sqlite3).",
)


@cache.command("stats")
@cache_file_option
def cache_stats(cache_file: str | None) -> None:
    """Show the memory's path, size and entries per model.

    \b
    Example:
      translator cache stats --cache build/memory.sqlite3
    """
    from .memory import memory_stats

    stats = memory_stats(cache_file)
    if not stats.exists:
        click.echo(f"{stats.path}: no translation memory yet")
        return
    click.echo(
        f"{stats.path}: {stats.entries} {_n('entry', 'entries', stats.entries)} "
        f"({stats.human} human, {stats.machine} machine), "
        f"{stats.size_bytes} bytes"
    )
    for model, count in stats.models.items():
        click.echo(f"  {model}: {count}")


@cache.command("export")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--format", "fmt", type=click.Choice(["tmx"]), default="tmx", show_default=True)
@cache_file_option
def cache_export(file: str, fmt: str, cache_file: str | None) -> None:
    """Write the whole memory as TMX 1.4b, for another tool or another machine.

    \b
    Example:
      translator cache export --format tmx memory.tmx
    """
    from .exchange.memory_tmx import export_tmx

    result = export_tmx(file, cache_file)
    click.echo(f"{result.path}: {result.units} {_n('unit', 'units', result.units)}")


@cache.command("import")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option(
    "--origin",
    type=click.Choice(["human", "machine"]),
    help="Take every unit as a person's or a machine's (default: as the file says, else human).",
)
@cache_file_option
def cache_import(file: str, origin: str | None, cache_file: str | None) -> None:
    """Read a TMX file into the memory (all of it, or nothing).

    \b
    Example:
      translator cache import from-omegat.tmx --origin human
    """
    from .exchange.memory_tmx import import_tmx

    result = import_tmx(file, cache_file, origin)
    click.echo(
        f"{result.path}: {result.imported} {_n('unit', 'units', result.imported)} imported, "
        f"{result.skipped_count} skipped"
    )
    for line in result.skipped:
        click.echo(f"warning: {file}: {line}", err=True)
    if result.skipped_count > len(result.skipped):
        click.echo(
            f"warning: {file}: and {result.skipped_count - len(result.skipped)} more", err=True
        )


def _interactive() -> bool:
    """Whether a person can answer a question (standard input is a terminal)."""
    return sys.stdin.isatty()


@cache.command("clear")
@cache_file_option
@click.option("--yes", is_flag=True, help="Do not ask first (asked only on a terminal).")
def cache_clear(cache_file: str | None, yes: bool) -> None:
    """Delete every entry of the translation memory, people's translations too.

    On a terminal it asks first; --yes does not.

    \b
    Example:
      translator cache clear --yes
    """
    from .memory import clear_memory, memory_stats

    if not yes and _interactive():
        try:
            stats = memory_stats(cache_file)
            question = (
                f"delete all {stats.entries} entries ({stats.human} human) of {stats.path}?"
                if stats.exists and stats.entries
                else None
            )
        except TranslatorError:  # a broken memory: clear sets it aside
            question = "set the broken translation memory aside and start anew?"
        if question:
            click.confirm(question, abort=True)
    result = clear_memory(cache_file)
    if result.set_aside is not None:
        click.echo(f"moved the broken memory aside to {result.set_aside}", err=True)
    click.echo(
        f"removed {result.removed} {_n('entry', 'entries', result.removed)} from {result.path}"
    )


@cli.command()
@click.argument("sources", nargs=-1, required=True, type=click.Path())
@click.option("--to", "to", metavar="LOCALES", help="Required locales: fr,ar,de.")
@click.option("--locales", "locales", hidden=True, help="The old name of --to.")
@click.option(
    "--out",
    type=click.Path(file_okay=False),
    help="Where the variants are (localize's --out; default: beside each source).",
)
@click.option(
    "--variants", type=click.Path(file_okay=False), hidden=True, help="Old name of --out."
)
@click.option(
    "--layout", type=click.Choice(["filename", "dir"]), default="filename", show_default=True
)
@click.option(
    "--catalogs",
    type=click.Path(file_okay=False),
    help="Gettext catalogs to check (default: ./locales if present).",
)
@click.option(
    "--min",
    "minimum",
    type=float,
    default=100.0,
    show_default=True,
    help="Percent of ok variants each locale needs.",
)
@click.option(
    "--min-reviewed",
    type=float,
    default=0.0,
    show_default=True,
    help="Percent of segments each locale needs translated or reviewed by people.",
)
@click.option(
    "--qa",
    "rerun_qa",
    is_flag=True,
    help="Run the QA checks again on every variant's body instead of trusting its qa field.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "junit"]),
    default="text",
    show_default=True,
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False),
    help="Write the report here instead of stdout.",
)
@glossary_option
def coverage(
    sources: tuple[str, ...],
    to: str | None,
    locales: str | None,
    out: str | None,
    variants: str | None,
    layout: str,
    catalogs: str | None,
    minimum: float,
    min_reviewed: float,
    rerun_qa: bool,
    fmt: str,
    output: str | None,
    glossary: tuple[str, ...],
) -> None:
    """Check that every article has a fresh, clean variant per locale (a CI gate).

    Exit 0 when every locale reaches --min and every catalog is complete and
    valid, 1 otherwise, 2 on usage errors.

    \b
    Example:
      translator coverage samples --out build --to fr,ar,de --format junit -o coverage.xml
    """
    from . import coverage as cov
    from .fsutil import write_atomic
    from .locales import parse_locales

    report = cov.coverage(
        sources,
        parse_locales(_one_of(to, locales, "--to", "--locales", required=True) or ""),
        variants=_one_of(out, variants, "--out", "--variants"),
        layout=layout,
        catalogs=catalogs,
        minimum=minimum,
        min_reviewed=min_reviewed,
        rerun_qa=rerun_qa,
        glossary=_glossary(glossary, sources),
    )
    text = cov.RENDERERS[fmt](report)
    if output:
        write_atomic(output, text)
        click.echo(f"{output}: {'PASSED' if report.passed else 'FAILED'}", err=True)
    else:
        click.echo(text, nl=False)
    if not report.passed:
        sys.exit(EXIT_FAILURES)


@cli.command("qa")
@click.argument("source", required=False, type=click.Path())
@click.argument("variant", required=False, type=click.Path())
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@click.option(
    "--severity",
    type=click.Choice(["error", "warning"]),
    default="warning",
    show_default=True,
    help="Show findings of this severity and above.",
)
@click.option("--list-checks", is_flag=True, help="List every check with its severity, and exit.")
@click.option(
    "--strict",
    is_flag=True,
    help="Exit 1 when the variant records another source than the one given.",
)
@skip_option
@glossary_option
@read_options
def qa_command(
    source: str | None,
    variant: str | None,
    fmt: str,
    severity: str,
    list_checks: bool,
    strict: bool,
    skip: str | None,
    glossary: tuple[str, ...],
    encoding: str | None,
    max_bytes: int,
) -> None:
    """Check an existing variant against its source, block by block.

    Numbers, protected spans, markup, untranslated or wrong-language text,
    repetition, empty targets and block counts are errors; length outliers
    and numbers spelled out in words are warnings.  Exit 1 when any error.

    \b
    Example:
      translator qa samples/fr-marche.md build/fr-marche.de.md
      translator qa --list-checks
    """
    from .qa import CHECKS, check_variant, parse_skip

    if list_checks:
        if fmt == "json":
            rows = [c.as_dict() for c in CHECKS.values()]
            click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        else:
            for c in CHECKS.values():
                click.echo(f"{c.id:16s} {c.severity:8s} {c.description}")
        return
    if source is None or variant is None:
        raise click.UsageError("give a SOURCE and a VARIANT (or --list-checks)")
    report = check_variant(
        source,
        variant,
        ReadOptions(encoding=encoding, max_bytes=max_bytes),
        parse_skip(skip),
        _glossary(glossary, [source]),
    )
    if fmt == "json":
        click.echo(json.dumps(report.as_dict(severity), ensure_ascii=False, indent=2))
    else:
        for f in report.shown(severity):
            click.echo(
                f"{source}:{f.line}: segment {f.segment}: {f.severity}: {f.check}: {f.message}"
            )
        click.echo(
            f"{report.errors} errors, {len(report.findings) - report.errors} warnings", err=True
        )
    if report.source_mismatch:
        click.echo(f"warning: {variant}: {report.source_mismatch}", err=True)
    for note in report.notes:
        click.echo(f"warning: {note}", err=True)
    if report.errors or (strict and report.source_mismatch):
        sys.exit(EXIT_FAILURES)


@cli.command()
@click.argument("source", type=click.Path())
@click.argument("variant", required=False, type=click.Path())
@click.option(
    "--to", "to", metavar="LANG", help="Translate on the fly into LANG (when no VARIANT)."
)
@click.option(
    "--from", "source_lang", metavar="LANG", help="Source language; detected when absent."
)
@click.option("--engine", type=click.Choice(list(ENGINES)), default="argos", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Where to write the page.")
@click.option("--open", "open_browser", is_flag=True, help="Open the page in the default browser.")
@click.option(
    "--cache",
    type=click.Path(dir_okay=False),
    help="The memory that says which segments are people's (default: the usual one).",
)
@skip_option
@glossary_option
@read_options
@decode_options
def preview(
    source: str,
    variant: str | None,
    to: str | None,
    source_lang: str | None,
    engine: str,
    output: str | None,
    open_browser: bool,
    skip: str | None,
    glossary: tuple[str, ...],
    cache: str | None,
    encoding: str | None,
    max_bytes: int,
    **decode: Any,
) -> None:
    """Write a side-by-side HTML page of a source and its translation, with QA flags.

    With VARIANT, the page aligns the source with that variant; without,
    it translates on the fly with --engine into --to.

    \b
    Example:
      translator preview samples/scraped-ticker.txt --to ar --engine pseudo -o build/preview.html
    """
    from .errors import UsageError
    from .preview import build_preview, default_output, write_preview
    from .qa import parse_skip

    ctx = click.get_current_context()
    if variant is not None:
        # with a variant the page shows it as written: what would translate has no effect
        given = [
            f"--{name.replace('_', '-')}"
            for name in (
                "engine",
                "beam",
                "device",
                "compute_type",
                "inter_threads",
                "intra_threads",
            )
            if ctx.get_parameter_source(name) == click.core.ParameterSource.COMMANDLINE
        ]
        if given:
            raise UsageError(
                f"{', '.join(given)} has no effect with VARIANT (the page shows the variant as "
                "written); leave it out, or preview without VARIANT to translate on the fly"
            )
    page = build_preview(
        source,
        variant,
        to=to,
        source_lang=source_lang,
        engine=engine,
        read=ReadOptions(encoding=encoding, max_bytes=max_bytes, language=source_lang),
        decode=make_decode(**decode),
        skip=parse_skip(skip),
        cache=cache,
        glossary=_glossary(glossary, [source]),
    )
    out = output or default_output(source, page.target.code)
    path = write_preview(page, out, open_browser=open_browser)
    click.echo(str(path))


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--to", "to", required=True, metavar="LOCALES", help="Locales to review: fr,de.")
@click.option(
    "--out",
    type=click.Path(file_okay=False),
    help="Where localize wrote the variants (default: beside the sources).",
)
@click.option(
    "--layout",
    type=click.Choice(["filename", "dir"]),
    default="filename",
    show_default=True,
    help="The layout localize wrote the variants in.",
)
@click.option(
    "--engine",
    type=click.Choice(list(ENGINES)),
    default="argos",
    show_default=True,
    help="For a variant not written yet; a variant is rewritten with its own engine.",
)
@click.option("--from", "source", metavar="LANG", help="Source language (default: detected).")
@click.option("--cache", type=click.Path(dir_okay=False), help="The translation memory file.")
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on; any but loopback needs the token printed at start.",
)
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8000,
    show_default=True,
    help="Port to listen on; 0 picks a free one.",
)
@skip_option
@glossary_option
@read_options
def review(
    paths: tuple[str, ...],
    to: str,
    out: str | None,
    layout: str,
    engine: str,
    source: str | None,
    cache: str | None,
    host: str,
    port: int,
    skip: str | None,
    glossary: tuple[str, ...],
    encoding: str | None,
    max_bytes: int,
) -> None:
    """Serve a local web app to fix the drafts side by side, in the browser.

    The first line printed is the app's URL. Each save is an import of one
    segment: checked like translator import, kept as a person's translation of
    that article and locale, and the variant rewritten. Stop with Ctrl+C.

    \b
    Example:
      translator review samples/ --to fr --out build/
    """
    from .locales import parse_locales
    from .qa import parse_skip
    from .review import Review, ReviewOptions
    from .review_web import prepare, serve

    options = ReviewOptions(
        targets=parse_locales(to),
        out=out,
        layout=layout,
        engine=engine,
        source=source,
        read=ReadOptions(encoding=encoding, max_bytes=max_bytes, language=source),
        cache=cache,
        skip=parse_skip(skip),
        glossary=_glossary(glossary, paths),
    )
    session = Review(paths, options)
    server, sock = prepare(host, port)
    click.echo(server.url)
    if server.token:
        click.echo(f"listening on {host}: every request needs the token in this URL", err=True)
    sys.stdout.flush()
    serve(session, server, sock)


@cli.group()
def models() -> None:
    """Manage Argos Translate packages (offline unless asked to download).

    \b
    Example:
      translator models install en_fr.argosmodel
      translator models list --format json
    """


@models.command("list")
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
def models_list(fmt: str) -> None:
    """List installed pairs: engine (argos, apertium), from, to, name, version, path.

    A broken package directory is reported on stderr and never hides the others.

    \b
    Example:
      translator models list --format json
    """
    from . import packages

    listing = packages.list_packages()
    rows = listing.as_dict()
    if fmt == "json":
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
    else:
        for r in rows:
            click.echo(
                f"{r['engine']:8s}  {r['from']}→{r['to']}  {r['name']}  {r['version']}  {r['path']}"
            )
        if not rows:
            click.echo("no packages installed", err=True)
    for b in listing.broken:
        click.echo(f"warning: {b.path}: broken package: {b.reason}", err=True)


@models.command("available")
@click.option("--from", "from_code", metavar="LANG", help="Only packages from this language.")
@click.option("--to", "to_code", metavar="LANG", help="Only packages into this language.")
@click.option("--refresh", is_flag=True, help="Download the package index first (network).")
@click.option(
    "--index",
    type=click.Path(dir_okay=False),
    help="Read this index.json (carried in by hand to a machine with no network).",
)
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
def models_available(
    from_code: str | None, to_code: str | None, refresh: bool, index: str | None, fmt: str
) -> None:
    """List the package index's models, marking those installed and newer ones.

    The index is --index FILE, else $ARGOS_PACKAGE_INDEX when it names a local
    file, else the copy kept when it was last downloaded (by --refresh or
    models install); only --refresh goes to the network.

    \b
    Example:
      translator models available --from en
    """
    from .packages import available_packages

    found = available_packages(refresh=refresh, from_code=from_code, to_code=to_code, index=index)
    if fmt == "json":
        click.echo(json.dumps(found.as_dict(), ensure_ascii=False, indent=2))
        return
    if found.offline:
        click.echo(f"offline: the index as kept in {found.source}", err=True)
    for row in found.rows:
        mark = ""
        if row.installed is not None:
            mark = f"installed {row.installed}" + (", newer available" if row.newer else "")
        click.echo(f"{row.from_code}→{row.to_code}  {row.name}  {row.version}  {mark}".rstrip())
    if not found.rows:
        click.echo("no package matches", err=True)


@models.command("install")
@click.argument("file", required=False, type=click.Path(dir_okay=False))
@click.option(
    "--from", "from_code", metavar="LANG", help="Download the package for this source language."
)
@click.option(
    "--to", "to_code", metavar="LANG", help="Download the package for this target language."
)
@click.option("--force", is_flag=True, help="Replace an installed package of the same pair.")
@click.option(
    "--max-size", type=click.IntRange(1), help="Largest uncompressed size in bytes (default 5 GiB)."
)
@click.option("--max-entries", type=click.IntRange(1), help="Most zip entries (default 10000).")
@click.option(
    "--max-ratio",
    type=click.FloatRange(1),
    help="Highest compression ratio of an entry (default 200).",
)
def models_install(
    file: str | None,
    from_code: str | None,
    to_code: str | None,
    force: bool,
    max_size: int | None,
    max_entries: int | None,
    max_ratio: float | None,
) -> None:
    """Install a package from FILE, or download one with --from and --to.

    The archive is validated before anything is extracted, then moved into
    the packages directory ($ARGOS_PACKAGES_DIR) in one step.

    \b
    Example:
      translator models install translate-en_fr-1_9.argosmodel
      translator models install --from en --to fr
    """
    from . import packages

    limits = packages.Limits.from_env(max_size, max_entries, max_ratio)
    if file and (from_code or to_code):
        raise click.UsageError("give either FILE or --from/--to, not both")
    if file:
        done = packages.install_archive(Path(file), force=force, limits=limits)
    elif from_code and to_code:
        with _download_bar() as progress:
            done = packages.install_from_index(
                from_code, to_code, force=force, limits=limits, progress=progress
            )
    else:
        raise click.UsageError("give a FILE.argosmodel, or both --from and --to")
    verb = "replaced" if done.replaced else "installed"
    click.echo(
        f"{verb} {done.from_code}→{done.to_code} ({done.name} {done.version}) at {done.path}"
    )


class _download_bar:
    """A click progress bar fed by (bytes done, bytes total) callbacks."""

    def __enter__(self) -> Any:
        self.bar: Any = None
        self.done = 0

        def progress(done: int, total: int | None) -> None:
            if self.bar is None:
                self.bar = click.progressbar(
                    length=total or 0, label="downloading", file=sys.stderr
                )
                self.bar.__enter__()
            self.bar.update(done - self.done)
            self.done = done

        return progress

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.__exit__(*exc)


@models.command("remove")
@click.option("--from", "from_code", required=True, metavar="LANG")
@click.option("--to", "to_code", required=True, metavar="LANG")
def models_remove(from_code: str, to_code: str) -> None:
    """Remove the installed package of one language pair.

    \b
    Example:
      translator models remove --from en --to fr
    """
    from . import packages

    path = packages.remove_pair(from_code, to_code)
    click.echo(f"removed {from_code}→{to_code} ({path})")


@models.command("verify")
@decode_options
def models_verify(**decode: Any) -> None:
    """Load every package and translate one sentence; exit 1 if any is broken.

    \b
    Example:
      translator models verify
    """
    from . import packages

    results = packages.verify_all(make_decode(**decode))
    for r in results:
        if r.ok:
            click.echo(f"ok      {r.name}  {r.path}")
        else:
            click.echo(f"broken  {r.name}  {r.path}: {r.message}")
    if not results:
        click.echo("no packages installed", err=True)
    if any(not r.ok for r in results):
        sys.exit(EXIT_FAILURES)


def _closed_pipe() -> None:
    """The reader of the output went away (``| head``): end quietly, as Unix
    tools do, with 141 (128 + SIGPIPE); what is left to print goes nowhere."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    raise click.exceptions.Exit(EXIT_CLOSED_PIPE)


def main() -> None:
    try:
        cli(prog_name="translator")
    except SystemExit:
        try:
            sys.stdout.flush()  # a reader gone: the last lines fail here, not at exit
        except BrokenPipeError:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            sys.exit(EXIT_CLOSED_PIPE)
        raise


if __name__ == "__main__":
    main()
