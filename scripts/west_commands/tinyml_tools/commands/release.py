"""``release``: assemble a release folder; check a package against its compatibility matrix."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..errors import CheckFailed, UsageError
from ..output import err_console, print_json, print_table
from . import Command

DESCRIPTION = """\
Assemble everything a release ships into one folder (docs/release.md): the signed firmware
image, the signed model packages, the memory report, the replay report of each model's golden
set, the profile (when the `profile` command is installed), release notes generated against
the previous release, and compatibility.json (which model versions run on which firmware
versions on which boards). Check a package against such a matrix before installing it.

  release assemble OUT --firmware IMAGE|BUILD_DIR [--elf ELF] --firmware-version V --board B
                   --package PKG [--package PKG ...] [--previous DIR] [--name NAME]
                   [--arena-bytes N] [--pipeline-id ID ...] [--golden DIR]
  release check PKG --compat compatibility.json --board B --firmware V

Exit codes: 0 ok, 1 bad input, 2 a check said no (check: the package may not be installed;
assemble: a package does not run on the firmware).
"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    asm = sub.add_parser("assemble", help="build a release folder")
    asm.add_argument("out", help="release folder to create (must not exist)")
    asm.add_argument("--firmware", required=True, help="signed image or Zephyr build folder")
    asm.add_argument("--elf", help="the firmware's ELF (default: zephyr.elf of the build)")
    asm.add_argument("--firmware-version", required=True, help="firmware version (x.y.z)")
    asm.add_argument("--board", required=True, help="board the firmware is built for")
    asm.add_argument("--package", action="append", default=[], help="signed model package")
    asm.add_argument("--previous", help="previous release folder (for notes and the matrix)")
    asm.add_argument("--name", help="release name (default: the folder name)")
    asm.add_argument("--arena-bytes", type=int, help="the firmware's tensor arena size")
    asm.add_argument("--pipeline-id", action="append", default=[], help="pipeline ID it runs")
    asm.add_argument("--golden", help="golden set (default: golden/ beside the package)")
    asm.add_argument("--json", action="store_true", help="print JSON for machines")

    chk = sub.add_parser("check", help="may a package be installed on a board/firmware?")
    chk.add_argument("package", help="model package")
    chk.add_argument("--compat", required=True, help="compatibility.json")
    chk.add_argument("--board", required=True, help="board of the device")
    chk.add_argument("--firmware", required=True, help="firmware version of the device")
    chk.add_argument("--json", action="store_true", help="print JSON for machines")


def _assemble(args: argparse.Namespace) -> int:
    from ..release.assemble import ReleaseInputs, assemble, parse_ids
    from ..release.compat import _VERSION

    if not _VERSION.match(args.firmware_version):
        raise UsageError(f"--firmware-version {args.firmware_version}: expected x.y.z")
    if not args.package:
        raise UsageError("release assemble: a release needs at least one --package")
    out = Path(args.out)
    inputs = ReleaseInputs(
        out=out,
        name=args.name or out.name,
        board=args.board,
        firmware_version=args.firmware_version,
        firmware=Path(args.firmware),
        packages=tuple(Path(p) for p in args.package),
        elf=Path(args.elf) if args.elf else None,
        previous=Path(args.previous) if args.previous else None,
        arena_bytes=args.arena_bytes,
        pipeline_ids=parse_ids(args.pipeline_id),
        golden=Path(args.golden) if args.golden else None,
    )

    def progress(message: str) -> None:
        if not args.json:
            err_console.print(f"[dim]{message}[/dim]")

    result = assemble(inputs, progress)
    if args.json:
        print_json({"out": str(result.out), "release": result.manifest, "changes": result.changes})
        return 0
    print_table(f"release {result.manifest['name']}", ["change"], [(c,) for c in result.changes])
    for note in result.notes:
        err_console.print(f"note: {note}")
    print(result.out)
    return 0


def _check(args: argparse.Namespace) -> int:
    from ..release.compat import check_compatibility, load_matrix

    matrix = load_matrix(Path(args.compat))
    result = check_compatibility(Path(args.package), matrix, args.board, args.firmware)
    if args.json:
        print_json({"ok": result.ok, "verdict": result.verdict.name, "reason": result.reason})
    elif result.ok:
        print(f"{args.package}: {result.reason}")
    if not result.ok:
        raise CheckFailed(f"{args.package}: refused: {result.reason}")
    return 0


def run(args: argparse.Namespace) -> int:
    return _assemble(args) if args.action == "assemble" else _check(args)


COMMAND = Command(
    name="release",
    help="assemble a release folder with a compatibility matrix, check packages against it",
    description=DESCRIPTION,
    add_arguments=add_arguments,
    run=run,
)
