"""The project's one error type and its exit codes.

Every expected failure (bad input file, failed check, missing tool) raises a subclass of
:class:`TinymlError`; only the command-line entry points turn it into a one-line message and a
non-zero exit, never a traceback. Exit codes (docs/exit-codes.md), one meaning each:

- ``EXIT_OK`` 0: the command did what was asked;
- ``EXIT_BAD_INPUT`` 1: an input file or option value is missing, unreadable or malformed;
- ``EXIT_GATE`` 2: a check ran to the end and its answer is no (not runnable, budget exceeded,
  verification failed, accuracy gate);
- ``EXIT_USAGE`` 64: the command line itself is wrong (argparse; sysexits' EX_USAGE);
- ``EXIT_INTERRUPTED`` 130: Ctrl-C.
"""

from __future__ import annotations

from pathlib import Path

EXIT_OK = 0
EXIT_BAD_INPUT = 1
EXIT_GATE = 2
EXIT_USAGE = 64
EXIT_INTERRUPTED = 130


class TinymlError(Exception):
    """A failure the user can act on; ``str()`` is the whole one-line message."""

    exit_code: int = EXIT_BAD_INPUT


class InputError(TinymlError):
    """A named input file is missing, unreadable or malformed."""

    def __init__(self, path: str | Path, problem: str) -> None:
        self.path = Path(path)
        self.problem = problem
        super().__init__(f"{path}: {problem}")


class CheckFailed(TinymlError):
    """A check ran to the end and its answer is no (a budget breach, an unsupported model)."""

    exit_code = EXIT_GATE


class UsageError(TinymlError):
    """Options that cannot go together, found after argparse (same code as argparse's)."""

    exit_code = EXIT_USAGE


class ToolMissing(TinymlError):
    """An external program the command needs is not installed."""

    def __init__(self, tool: str, hint: str) -> None:
        super().__init__(f"{tool} not found: {hint}")


def one_line(err: BaseException) -> str:
    """The message of ``err`` on one line (a multi-line message keeps its first line)."""
    text = str(err).strip()
    return text.splitlines()[0] if text else type(err).__name__


def file_error(err: OSError) -> TinymlError | None:
    """An OSError that names a file, as the project's one-line input error; else None."""
    if err.filename is None:
        return None
    return InputError(err.filename, err.strerror or one_line(err))


def not_utf8(path: str | Path, err: UnicodeDecodeError) -> InputError:
    """A text file that is not UTF-8, as one line naming where it stops being UTF-8."""
    return InputError(
        path, f"not UTF-8 text (byte 0x{err.object[err.start]:02x} at offset {err.start})"
    )
