"""The ``tinyml`` console script: ``tinyml <command> ...``."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

from . import __version__
from .commands import all_commands
from .errors import EXIT_INTERRUPTED, TinymlError, file_error
from .output import print_json
from .usage import usage_exit


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
    usage_exit(parser)
    return parser


def run_command(run: Callable[[argparse.Namespace], int], args: argparse.Namespace) -> int:
    """Run a command: its exit code, or a TinymlError for the caller to print in one line.

    With ``--json``, a refusal is also a JSON object on stdout (``ok: false``, the message,
    the file it names and the exit code), unless the command already printed its own.
    """
    try:
        return int(run(args))
    except TinymlError as err:
        _json_refusal(args, err)
        raise
    except OSError as err:  # an unforeseen file problem still names its file in one line
        converted = file_error(err)
        if converted is None:
            raise
        _json_refusal(args, converted)
        raise converted from None


def _json_refusal(args: argparse.Namespace, err: TinymlError) -> None:
    if not getattr(args, "json", False) or getattr(err, "json_printed", False):
        return
    path = getattr(err, "path", None)
    print_json(
        {
            "ok": False,
            "exit_code": err.exit_code,
            "error": str(err),
            "file": str(path) if path is not None else None,
        }
    )


def run_guarded(run: object, args: argparse.Namespace, prog: str) -> int:
    """Run a command; a TinymlError becomes one line on stderr and its exit code."""
    try:
        return run_command(run, args)  # type: ignore[arg-type]
    except TinymlError as err:
        print(f"{prog}: error: {err}", file=sys.stderr)
        return err.exit_code
    except KeyboardInterrupt:
        print(f"{prog}: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return run_guarded(args._run, args, "tinyml")


if __name__ == "__main__":
    sys.exit(main())
