"""Typed errors of the library.

The library raises these; the CLI turns them into one-line messages and exit
codes in one place (``translator.cli``).  Exit codes:

* 0 -- all went well;
* 1 -- some inputs failed (:class:`InputError`, collected per file);
* 2 -- usage or configuration error, found before any work starts;
* 130 -- interrupted;
* 141 -- the reader of the output went away (``translator extract … | head``):
  ended quietly, as Unix tools end on SIGPIPE.
"""

from __future__ import annotations

EXIT_OK = 0
EXIT_FAILURES = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130
EXIT_CLOSED_PIPE = (
    141  # 128 + SIGPIPE: the reader of the output went away (| head), as Unix tools end
)


class TranslatorError(Exception):
    """Base class of every error the library raises on purpose."""

    exit_code = EXIT_FAILURES

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class UsageError(TranslatorError):
    """Bad options or configuration, detected before any work starts."""

    exit_code = EXIT_USAGE


class InputError(TranslatorError):
    """One input file cannot be used.  Names the file and, when known, where."""

    exit_code = EXIT_FAILURES

    def __init__(
        self,
        path: str,
        reason: str,
        *,
        line: int | None = None,
        byte: int | None = None,
    ) -> None:
        self.path = path
        self.reason = reason
        self.line = line
        self.byte = byte
        where = ""
        if line is not None:
            where = f":{line}"
        elif byte is not None:
            where = f": byte {byte}"
        super().__init__(f"{path}{where}: {reason}")

    def __reduce__(self) -> tuple[object, ...]:
        # rebuilt from its fields (a worker process sends it back pickled)
        return (
            _input_error,
            (type(self), self.path, self.reason, self.line, self.byte),
            self.__dict__,
        )


def _input_error(
    cls: type[InputError], path: str, reason: str, line: int | None, byte: int | None
) -> InputError:
    return cls(path, reason, line=line, byte=byte)


class NoTextError(InputError):
    """The file holds no article text (empty, only chrome, only numbers...)."""


class ClusterError(TranslatorError):
    """The Dask cluster went away mid-run (scheduler or every worker lost).

    Batches that finished are in the translation memory: the same command
    resumes from them.
    """

    exit_code = EXIT_FAILURES


class NetworkError(TranslatorError):
    """A download the user asked for could not be made."""

    exit_code = EXIT_FAILURES


class LockedError(UsageError):
    """Another run holds the output's lock (a ``localize``, or a save from
    ``translator review``): nothing was done."""


class NotAnArticle(InputError):
    """A file the tool wrote for people to look at (a preview page): never an
    article; a run passes over it with a notice, not a failure."""
