"""``model-pack``: turn a trained model into a signed, operator-checked model-only package."""

from __future__ import annotations

import argparse

from ..errors import TinymlError
from . import Command

DESCRIPTION = """\
Make, check, inspect and verify model-only packages for the firmware's model slots.

  check FILE.tflite [--manifest FILE]   can the firmware run this model? (ops, types, arena)
  build MODEL_DIR -o FILE               convert, quantize, check, size and sign a package
  inspect FILE                          show a package's metadata
  verify FILE --key PUBKEY              exit 0 only for an intact package signed by that key
"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    check = sub.add_parser("check", help="check a .tflite model against an operator manifest")
    check.add_argument("model", help="the .tflite file")
    check.add_argument("--manifest", help="operator manifest of another firmware")
    check.add_argument("--json", action="store_true", help="print JSON for machines")
    build = sub.add_parser("build", help="build a signed package from a model directory")
    build.add_argument("model_dir", help="directory holding model.yaml")
    build.add_argument("-o", "--output", required=True, help="package file to write")
    build.add_argument("--json", action="store_true", help="print JSON for machines")
    inspect = sub.add_parser("inspect", help="show a package's metadata")
    inspect.add_argument("package", help="the package file")
    inspect.add_argument("--json", action="store_true", help="print JSON for machines")
    verify = sub.add_parser("verify", help="verify a package's hash and signature")
    verify.add_argument("package", help="the package file")
    verify.add_argument("--key", required=True, help="public (or private) key file")


def run(args: argparse.Namespace) -> int:
    raise TinymlError(f"model-pack {args.action} is not implemented yet (issue 3)")


COMMAND = Command(
    name="model-pack",
    help="make, check, inspect and verify model-only packages",
    description=DESCRIPTION,
    add_arguments=add_arguments,
    run=run,
)
