"""``memreport``: where every byte of flash and RAM went, what ML costs, and does it fit."""

from __future__ import annotations

import argparse

from ..errors import TinymlError
from . import Command

DESCRIPTION = """\
Read a built ELF (a bare ELF, a Zephyr build folder, or a sysbuild folder) and report flash and
RAM per region, section, symbol, file and ML category; check it against a budget file.

  memreport PATH [--budget FILE] [--json]
  memreport diff OLD NEW [--json]
"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("path", help="ELF file or build folder (or 'diff OLD NEW')")
    parser.add_argument("more", nargs="*", help=argparse.SUPPRESS)
    parser.add_argument("--budget", help="YAML budget file; exit non-zero on a breach")
    parser.add_argument("--json", action="store_true", help="print JSON for machines")


def run(args: argparse.Namespace) -> int:
    raise TinymlError("memreport is not implemented yet (issue 4)")


COMMAND = Command(
    name="memreport",
    help="memory report of a built ELF against a budget",
    description=DESCRIPTION,
    add_arguments=add_arguments,
    run=run,
)
