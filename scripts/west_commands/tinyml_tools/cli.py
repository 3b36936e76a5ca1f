"""The ``tinyml`` console script: ``tinyml <command> ...``."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from . import __version__
from .commands import all_commands
from .errors import TinymlError


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tinyml",
        description="Tools for shipping tiny ML detectors on microcontrollers "
        "(the same commands run as west extensions: west model-pack, west memreport, ...).",
    )
    parser.add_argument("--version", action="version", version=f"tinyml {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for command in all_commands():
        cmd_parser = sub.add_parser(
            command.name,
            help=command.help,
            description=command.description,
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        command.add_arguments(cmd_parser)
        cmd_parser.set_defaults(_run=command.run)
    return parser


def run_guarded(run: object, args: argparse.Namespace, prog: str) -> int:
    """Run a command; a TinymlError becomes one line on stderr and its exit code."""
    try:
        return int(run(args))  # type: ignore[operator]
    except TinymlError as err:
        print(f"{prog}: error: {err}", file=sys.stderr)
        return err.exit_code
    except KeyboardInterrupt:
        print(f"{prog}: interrupted", file=sys.stderr)
        return 130


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return run_guarded(args._run, args, "tinyml")


if __name__ == "__main__":
    sys.exit(main())
