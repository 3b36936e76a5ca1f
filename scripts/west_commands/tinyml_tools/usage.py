"""Argument parsing with the project's exit codes: a usage error exits with ``EXIT_USAGE``.

argparse exits 2 on a bad command line, which is also the code of a failed gate. Both the
``tinyml`` console script and the west extension install :func:`usage_exit` on every parser
and sub-parser of a command, so a usage error has a code of its own (docs/exit-codes.md).
"""

from __future__ import annotations

import argparse
import sys
from typing import NoReturn

from .errors import EXIT_USAGE


def usage_exit(parser: argparse.ArgumentParser) -> None:
    """Make ``parser`` and every sub-parser below it exit with EXIT_USAGE on errors."""

    def error(message: str) -> NoReturn:
        parser.print_usage(sys.stderr)
        parser.exit(EXIT_USAGE, f"{parser.prog}: error: {message}\n")

    parser.error = error  # type: ignore[method-assign]
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                usage_exit(sub)
