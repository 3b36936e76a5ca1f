"""West extension commands: thin wrappers over the west-free ``tinyml_tools`` package.

Each class only adapts west's parser and error reporting; the behaviour lives in
``tinyml_tools.commands`` and is shared with the ``tinyml`` console script.
"""

from __future__ import annotations

import argparse
from typing import Any

from west.commands import WestCommand

from tinyml_tools.cli import run_command
from tinyml_tools.commands import Command, find
from tinyml_tools.errors import TinymlError
from tinyml_tools.usage import usage_exit


class _TinymlWestCommand(WestCommand):
    COMMAND_NAME = ""

    def __init__(self) -> None:
        self.command: Command = find(self.COMMAND_NAME)
        super().__init__(self.command.name, self.command.help, self.command.description)

    def do_add_parser(self, parser_adder: Any) -> argparse.ArgumentParser:
        parser: argparse.ArgumentParser = parser_adder.add_parser(
            self.name,
            help=self.help,
            description=self.description,
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        self.command.add_arguments(parser)
        usage_exit(parser)
        return parser

    def do_run(self, args: argparse.Namespace, unknown: list[str]) -> None:
        try:
            code = run_command(self.command.run, args)
        except TinymlError as err:
            self.die(str(err), exit_code=err.exit_code)
        if code:
            raise SystemExit(code)


class ModelPack(_TinymlWestCommand):
    COMMAND_NAME = "model-pack"


class MemReport(_TinymlWestCommand):
    COMMAND_NAME = "memreport"


class Replay(_TinymlWestCommand):
    COMMAND_NAME = "replay"


class Profile(_TinymlWestCommand):
    COMMAND_NAME = "profile"


class Power(_TinymlWestCommand):
    COMMAND_NAME = "power"


class Field(_TinymlWestCommand):
    COMMAND_NAME = "field"


class Release(_TinymlWestCommand):
    COMMAND_NAME = "release"


class Dataset(_TinymlWestCommand):
    COMMAND_NAME = "dataset"


class Train(_TinymlWestCommand):
    COMMAND_NAME = "train"
