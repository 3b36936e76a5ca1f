"""The project's one error type.

Every expected failure (bad input file, failed check, missing tool) raises a subclass of
:class:`TinymlError`; only the command-line entry points turn it into a one-line message and a
non-zero exit, never a traceback.
"""

from __future__ import annotations

from pathlib import Path


class TinymlError(Exception):
    """A failure the user can act on; ``str()`` is the whole one-line message."""

    exit_code: int = 1


class InputError(TinymlError):
    """A named input file is missing, unreadable or malformed."""

    def __init__(self, path: str | Path, problem: str) -> None:
        self.path = Path(path)
        self.problem = problem
        super().__init__(f"{path}: {problem}")


class CheckFailed(TinymlError):
    """A check ran to the end and its answer is no (a budget breach, an unsupported model)."""

    exit_code = 2


class ToolMissing(TinymlError):
    """An external program the command needs is not installed."""

    def __init__(self, tool: str, hint: str) -> None:
        super().__init__(f"{tool} not found: {hint}")
