"""``model-pack``: turn a trained model into a signed, operator-checked model-only package."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from ..errors import CheckFailed, InputError, TinymlError
from ..output import console, print_json, print_table
from . import Command

DESCRIPTION = """\
Make, check, inspect and verify model-only packages for the firmware's model slots.

  check FILE.tflite [--manifest FILE]   can the firmware run this model? (ops, types, arena)
  build MODEL_DIR -o FILE               convert, quantize, check, size and sign a package
  inspect FILE                          show a package's metadata
  verify FILE --key PUBKEY              exit 0 only for an intact package signed by that key

Package layout: docs/model-package-format.md. Guide: docs/model-pack.md.
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
    build.add_argument("--manifest", help="operator manifest of the target firmware")
    build.add_argument("--key", help="ECDSA P-256 private key (default: the development key)")
    build.add_argument("--unsigned", action="store_true", help="no signature (development)")
    where = build.add_mutually_exclusive_group()
    where.add_argument("--board", help="refuse a package larger than this board's model slot")
    where.add_argument("--partition-size", type=int, help="model partition size in bytes")
    build.add_argument("--json", action="store_true", help="print JSON for machines")
    inspect = sub.add_parser("inspect", help="show a package's metadata")
    inspect.add_argument("package", help="the package file")
    inspect.add_argument("--json", action="store_true", help="print JSON for machines")
    verify = sub.add_parser("verify", help="verify a package's hash and signature")
    verify.add_argument("package", help="the package file")
    verify.add_argument("--key", required=True, help="public (or private) key file")
    verify.add_argument("--json", action="store_true", help="print JSON for machines")


def _check(args: argparse.Namespace) -> int:
    from ..modelpack.arena import estimate_arena
    from ..modelpack.checks import check_model
    from ..modelpack.manifest import load_manifest
    from ..modelpack.tflite_model import load_tflite

    manifest = load_manifest(args.manifest)
    model = load_tflite(Path(args.model))
    result = check_model(model, manifest)
    arena = estimate_arena(model).as_dict()
    report: dict[str, Any] = {
        "model": str(model.path),
        "compatible": result.compatible,
        "problems": list(result.problems),
        "ops": model.op_specs(),
        "arena": arena,
        "runtime_id": f"0x{manifest.runtime_id:08x}",
    }
    if args.json:
        print_json(report)
    else:
        verdict = "[green]runnable[/green]" if result.compatible else "[red]NOT runnable[/red]"
        console.print(f"{model.path}: {verdict} by the firmware ({manifest.path})", soft_wrap=True)
        for problem in result.problems:
            console.print(f"  - {problem}", soft_wrap=True, markup=False)
        print_table("arena (bytes, Cortex-M + CMSIS-NN)", ["part", "bytes"], list(arena.items()))
        console.print("ops: " + ", ".join(report["ops"]), soft_wrap=True)
    return 0 if result.compatible else CheckFailed.exit_code


def _build(args: argparse.Namespace) -> int:
    from ..modelpack.boards import partition_size
    from ..modelpack.build import build_package
    from ..modelpack.manifest import load_manifest
    from ..modelpack.signing import DEV_KEY, load_signing_key

    manifest = load_manifest(args.manifest)
    key = None if args.unsigned else load_signing_key(Path(args.key) if args.key else DEV_KEY)
    partition: int | None = None
    where = ""
    if args.board:
        partition, where = partition_size(args.board), f"board {args.board}"
    elif args.partition_size is not None:
        if args.partition_size <= 0:
            raise InputError("--partition-size", "must be a positive number of bytes")
        partition, where = args.partition_size, "--partition-size"
    result = build_package(Path(args.model_dir), Path(args.output), manifest, key, partition, where)
    meta = result.metadata
    report: dict[str, Any] = {
        "output": str(result.output),
        "bytes": result.size,
        "model_version": meta.version_text,
        "runtime_id": f"0x{meta.runtime_id:08x}",
        "feature_pipeline_id": f"0x{meta.feature_pipeline_id:08x}",
        "arena": meta.arena.as_dict(),
        "offline_plan": meta.offline_plan,
        "greedy_head": result.greedy_head,
        "ops": result.ops,
        "signed": key is not None,
        "float_accuracy": result.conversion.float_accuracy,
        "int8_accuracy": result.conversion.int8_accuracy,
        "accuracy_drop": result.conversion.accuracy_drop,
    }
    if result.config.quantization.training is not None:  # mode qat
        report["quantization"] = result.config.quantization.mode.value
        report["ptq_int8_accuracy"] = result.conversion.ptq_int8_accuracy
        report["qat_float_layers"] = list(result.conversion.qat_float_layers)
    if args.json:
        print_json(report)
    else:
        print(f"wrote {result.output} ({result.size} bytes)")
        print_table(
            "package", ["field", "value"], [(k, v) for k, v in report.items() if k != "output"]
        )
    return 0


def _inspect_report(path: Path) -> dict[str, Any]:
    from ..modelpack.package import parse_package
    from ..modelpack.schema import type_name
    from ..modelpack.tflite_model import load_tflite

    parsed = parse_package(path)
    meta = parsed.metadata
    model = load_tflite(path, parsed.payload)

    def tensor(t: Any) -> dict[str, Any]:
        return {
            "type": type_name(t.type),
            "shape": list(t.shape),
            "scale": t.scale,
            "zero_point": t.zero_point,
        }

    return {
        "package": str(path),
        "format_version": 1,
        "model_version": meta.version_text,
        "runtime_id": f"0x{meta.runtime_id:08x}",
        "feature_pipeline_id": f"0x{meta.feature_pipeline_id:08x}",
        "manifest_digest": meta.manifest_digest.hex(),
        "sha256": parsed.sha256,
        "hash_ok": parsed.hash_ok,
        "signed": parsed.signed,
        "arena": meta.arena.as_dict(),
        "offline_plan": meta.offline_plan,
        "ops": model.op_specs(),
        "tflite_bytes": meta.tflite_size,
        "inputs": [tensor(t) for t in meta.inputs],
        "outputs": [tensor(t) for t in meta.outputs],
        "labels": list(meta.labels),
        "thresholds": {meta.labels[i]: v for i, v in meta.thresholds if i < len(meta.labels)},
    }


def _inspect(args: argparse.Namespace) -> int:
    report = _inspect_report(Path(args.package))
    if args.json:
        print_json(report)
    else:
        print_table(f"model package {args.package}", ["field", "value"], list(report.items()))
    return 0


def _verify(args: argparse.Namespace) -> int:
    from ..modelpack.package import VerifyResult, verify_package
    from ..modelpack.signing import load_verify_key

    key = load_verify_key(Path(args.key))
    result = verify_package(Path(args.package), key)
    if args.json:
        print_json(
            {"package": args.package, "ok": result is VerifyResult.OK, "result": result.name}
        )
        return 0 if result is VerifyResult.OK else CheckFailed.exit_code
    if result is not VerifyResult.OK:
        raise CheckFailed(f"{args.package}: {result.value} ({args.key})")
    print(f"{args.package}: {result.value} ({args.key})")
    return 0


_ACTIONS = {"check": _check, "build": _build, "inspect": _inspect, "verify": _verify}


def run(args: argparse.Namespace) -> int:
    action = _ACTIONS.get(args.action)
    if action is None:
        raise TinymlError(f"unknown action {args.action}")
    return action(args)


COMMAND = Command(
    name="model-pack",
    help="make, check, inspect and verify model-only packages",
    description=DESCRIPTION,
    add_arguments=add_arguments,
    run=run,
)
