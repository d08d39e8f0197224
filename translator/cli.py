"""The ``translator`` command line: thin commands over :mod:`translator.pipeline`.

Every library error is turned into a one-line message and an exit code here,
in :class:`Group.invoke`, and nowhere else.
"""

from __future__ import annotations

import json
import sys
from typing import Any

import click

from . import __version__, pipeline
from .errors import EXIT_FAILURES, EXIT_INTERRUPTED, TranslatorError
from .textio import DEFAULT_MAX_BYTES


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
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except Exception as exc:
            if ctx.obj and ctx.obj.get("debug"):
                raise
            name = type(exc).__name__
            raise CommandError(
                f"unexpected {name}: {exc} (run again with --debug for the traceback)",
                EXIT_FAILURES,
            ) from exc


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
        help="Decode input with this encoding instead of strict UTF-8.",
    )(func)
    return func


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
    Example:
      translator detect samples/ --format json
    """
    ctx.ensure_object(dict)
    ctx.obj["debug"] = debug


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@read_options
def detect(paths: tuple[str, ...], fmt: str, encoding: str | None, max_bytes: int) -> None:
    """Report each article's language, blocks and page chrome.

    PATH is a file or a directory, walked recursively for .txt, .md,
    .markdown, .html and .htm files in sorted order.

    \b
    Example:
      translator detect samples/ --format json
    """
    options = pipeline.ReadOptions(encoding=encoding, max_bytes=max_bytes)
    report = pipeline.detect_paths(paths, options)
    if fmt == "json":
        out = [pipeline.detect_summary(r) for r in report.results]
        click.echo(json.dumps(out, ensure_ascii=False, indent=2))
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


def main() -> None:
    cli(prog_name="translator")


if __name__ == "__main__":
    main()
