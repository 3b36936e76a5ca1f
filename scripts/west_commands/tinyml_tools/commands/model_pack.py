"""``model-pack``: turn a trained model into a signed, operator-checked model-only package."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from ..errors import CheckFailed, InputError, TinymlError, UsageError
from ..output import console, print_fields, print_json, print_table
from . import Command

DESCRIPTION = """\
Make, check, inspect and verify model-only packages for the firmware's model slots.

  check FILE.tflite [--manifest FILE]   can the firmware run this model? (ops, types, arena)
  build MODEL_DIR -o FILE               convert, quantize, check, size and sign a package
  inspect FILE                          show a package's metadata and signer
  verify FILE --key PUBKEY              exit 0 only for an intact package signed by that key
  verify FILE --compat compatibility.json --board B --firmware V
                                        ... and one the release's matrix lets run there
  extract FILE -o MODEL.tflite          write the package's .tflite
  ops [--manifest FILE]                 the operators the firmware registers

Exit codes: 0 ok, 1 bad input, 2 a check said no, 64 usage (docs/exit-codes.md).
Package layout: docs/model-package-format.md. Guide: docs/model-pack.md.
"""


def _size(text: str) -> int:
    """``--partition-size``: bytes as budgets write them (65536, 64K, 0x10000, 1M)."""
    from ..memreport.sizes import parse_size

    try:
        value = parse_size(text)
    except ValueError as err:
        raise argparse.ArgumentTypeError(str(err)) from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"{text!r}: must be a positive number of bytes")
    return value


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
    signer = build.add_mutually_exclusive_group()
    signer.add_argument("--key", help="ECDSA P-256 private key (default: the development key)")
    signer.add_argument("--unsigned", action="store_true", help="no signature (development)")
    where = build.add_mutually_exclusive_group()
    where.add_argument("--board", help="refuse a package larger than this board's model slot")
    where.add_argument(
        "--partition-size", type=_size, help="model partition size (65536, 64K, 0x10000)"
    )
    build.add_argument(
        "--allow-chance-accuracy",
        action="store_true",
        help="pack even when the float model is no better than chance on evaluation_data",
    )
    build.add_argument("--json", action="store_true", help="print JSON for machines")
    inspect = sub.add_parser("inspect", help="show a package's metadata")
    inspect.add_argument("package", help="the package file")
    inspect.add_argument("--json", action="store_true", help="print JSON for machines")
    verify = sub.add_parser(
        "verify", help="verify a package's hash and signature, and/or its compatibility"
    )
    verify.add_argument("package", help="the package file")
    verify.add_argument("--key", help="public (or private) key file")
    verify.add_argument("--compat", help="compatibility.json of a release (west release)")
    verify.add_argument("--board", help="--compat: the board the package is meant for")
    verify.add_argument("--firmware", help="--compat: the firmware version running there")
    verify.add_argument("--json", action="store_true", help="print JSON for machines")
    extract = sub.add_parser("extract", help="write the .tflite a package carries")
    extract.add_argument("package", help="the package file")
    extract.add_argument("-o", "--output", required=True, help=".tflite file to write")
    extract.add_argument("--json", action="store_true", help="print JSON for machines")
    ops = sub.add_parser("ops", help="list the operators the firmware registers")
    ops.add_argument("--manifest", help="operator manifest of another firmware")
    ops.add_argument("--json", action="store_true", help="print JSON for machines")


def _warn(line: str | None) -> None:
    if line is not None:
        print(line, file=sys.stderr)


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
        console.print("ops: " + ", ".join(report["ops"]), soft_wrap=True, markup=False)
    if not result.compatible:
        failed = CheckFailed(
            f"{model.path}: not runnable by the firmware ({len(result.problems)} problem(s))"
        )
        failed.json_printed = args.json  # type: ignore[attr-defined]
        raise failed
    return 0


def _build(args: argparse.Namespace) -> int:
    from ..modelpack.boards import partition_size
    from ..modelpack.build import build_package
    from ..modelpack.manifest import load_manifest
    from ..modelpack.signing import DEV_KEY, development_key_warning, load_signing_key
    from ..output import float32_text

    manifest = load_manifest(args.manifest)
    key_path = None if args.unsigned else Path(args.key) if args.key else DEV_KEY
    key = load_signing_key(key_path) if key_path is not None else None
    partition: int | None = None
    where = ""
    if args.board:
        partition, where = partition_size(args.board), f"board {args.board}"
    elif args.partition_size is not None:
        partition, where = args.partition_size, "--partition-size"
    result = build_package(
        Path(args.model_dir),
        Path(args.output),
        manifest,
        key,
        partition,
        where,
        key_path=key_path,
        allow_chance_accuracy=args.allow_chance_accuracy,
    )
    meta = result.metadata
    conv = result.conversion
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
        "signer_key_hash": result.signer_key_hash,
        "thresholds": {meta.labels[i]: float32_text(v) for i, v in meta.thresholds},
        "float_accuracy": conv.float_accuracy,
        "int8_accuracy": conv.int8_accuracy,
        "accuracy_drop": conv.accuracy_drop,
        "chance_accuracy": result.chance_accuracy,
        "int8_tflite": None,
        "float_tflite": None,
    }
    for companion in result.written:
        report[f"{companion.kind}_tflite"] = str(companion.path)
    if result.config.quantization.training is not None:  # mode qat
        report["quantization"] = result.config.quantization.mode.value
        report["ptq_int8_accuracy"] = conv.ptq_int8_accuracy
        report["qat_float_layers"] = list(conv.qat_float_layers)
    _warn(development_key_warning(result.signer_key_hash, str(result.output)))
    if args.json:
        print_json(report)
    else:
        print(f"wrote {result.output} ({result.size} bytes)")
        print_fields("package", [(k, v) for k, v in report.items() if k != "output"])
    return 0


def _inspect_report(path: Path) -> dict[str, Any]:
    from ..modelpack.package import parse_package
    from ..modelpack.schema import type_name
    from ..modelpack.tflite_model import load_tflite
    from ..output import float32_text

    parsed = parse_package(path)
    meta = parsed.metadata
    model = load_tflite(path, parsed.payload)

    def tensor(t: Any) -> dict[str, Any]:
        return {
            "type": type_name(t.type),
            "shape": list(t.shape),
            "scale": float32_text(t.scale),
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
        "signer_key_hash": parsed.signer_key_hash,
        "arena": meta.arena.as_dict(),
        "offline_plan": meta.offline_plan,
        "ops": model.op_specs(),
        "tflite_bytes": meta.tflite_size,
        "inputs": [tensor(t) for t in meta.inputs],
        "outputs": [tensor(t) for t in meta.outputs],
        "labels": list(meta.labels),
        "thresholds": {
            meta.labels[i]: float32_text(v) for i, v in meta.thresholds if i < len(meta.labels)
        },
    }


def _tensor_text(t: dict[str, Any]) -> str:
    shape = "x".join(map(str, t["shape"]))
    return f"{t['type']} {shape}, scale {t['scale']!r}, zero point {t['zero_point']}"


def _inspect(args: argparse.Namespace) -> int:
    from ..modelpack.signing import development_key_warning

    report = _inspect_report(Path(args.package))
    _warn(development_key_warning(report["signer_key_hash"], args.package))
    if args.json:
        print_json(report)
    else:
        rows = [(k, v) for k, v in report.items() if k not in ("inputs", "outputs")]
        rows += [(f"input {i}", _tensor_text(t)) for i, t in enumerate(report["inputs"])]
        rows += [(f"output {i}", _tensor_text(t)) for i, t in enumerate(report["outputs"])]
        print_fields(f"model package {args.package}", rows)
    return 0


def _verify_args(args: argparse.Namespace) -> None:
    if args.key is None and args.compat is None:
        raise UsageError("model-pack verify: give --key PUBKEY, --compat MATRIX, or both")
    if args.compat is not None and (not args.board or not args.firmware):
        raise UsageError("model-pack verify --compat also needs --board B and --firmware V")
    if args.compat is None and (args.board or args.firmware):
        raise UsageError("model-pack verify: --board and --firmware go with --compat")


def _verify(args: argparse.Namespace) -> int:
    from ..modelpack.package import VerifyResult, parse_package, verify_package
    from ..modelpack.signing import development_key_warning, load_verify_key
    from ..release.compat import CompatResult, check_compatibility, load_matrix

    _verify_args(args)
    # Every input is read before any verdict, so a bad file is reported as bad input.
    key = load_verify_key(Path(args.key)) if args.key else None
    matrix = load_matrix(Path(args.compat)) if args.compat else None
    result = verify_package(Path(args.package), key) if key is not None else None
    compat: CompatResult | None = None
    if matrix is not None:
        compat = check_compatibility(Path(args.package), matrix, args.board, args.firmware)
    signed_ok = result is None or result is VerifyResult.OK
    ok = signed_ok and (compat is None or compat.ok)
    if result is VerifyResult.OK:
        signer = parse_package(Path(args.package)).signer_key_hash
        _warn(development_key_warning(signer, args.package))
    if args.json:
        report: dict[str, Any] = {"package": args.package, "ok": ok}
        if result is not None:
            report["result"] = result.name
        if compat is not None:
            report["compat"] = {
                "board": args.board,
                "firmware": args.firmware,
                "ok": compat.ok,
                "verdict": compat.verdict.name,
                "reason": compat.reason,
            }
        print_json(report)
        return 0 if ok else CheckFailed.exit_code
    if result is not None and result is not VerifyResult.OK:
        raise CheckFailed(f"{args.package}: {result.value} ({args.key})")
    if compat is not None and not compat.ok:
        raise CheckFailed(f"{args.package}: refused by {args.compat}: {compat.reason}")
    if result is not None:
        print(f"{args.package}: {result.value} ({args.key})")
    if compat is not None:
        print(f"{args.package}: {compat.reason} ({args.compat})")
    return 0


def _extract(args: argparse.Namespace) -> int:
    from ..modelpack.outputs import refuse_same_output
    from ..modelpack.package import parse_package
    from ..writefile import write_atomically

    source, output = Path(args.package), Path(args.output)
    refuse_same_output(output, source)
    parsed = parse_package(source)
    if not parsed.hash_ok:
        raise InputError(source, "SHA-256 mismatch: the package was modified or truncated")
    write_atomically(output, parsed.payload)
    if args.json:
        print_json({"package": str(source), "output": str(output), "bytes": len(parsed.payload)})
    else:
        print(f"wrote {output} ({len(parsed.payload)} bytes, the .tflite of {source})")
    return 0


def _ops(args: argparse.Namespace) -> int:
    from ..modelpack.manifest import load_manifest
    from ..modelpack.op_hints import HINTS

    manifest = load_manifest(args.manifest)
    ops = [
        {
            "name": op.name,
            "versions": [op.min_version, op.max_version],
            "types": list(op.types),
            "resolver": op.resolver,
        }
        for op in sorted(manifest.ops, key=lambda o: o.name)
    ]
    registered = {op.name for op in manifest.ops}
    hints = {name: text for name, text in HINTS.items() if name not in registered}
    if args.json:
        print_json(
            {
                "manifest": str(manifest.path),
                "runtime_id": f"0x{manifest.runtime_id:08x}",
                "tflm_version": manifest.tflm_version,
                "ops": ops,
                "hints": hints,
            }
        )
        return 0
    print(f"{manifest.path}: {len(ops)} operators, runtime ID 0x{manifest.runtime_id:08x}")
    print_table(
        "operators the firmware registers",
        ["operator", "versions", "tensor types", "resolver"],
        [
            (o["name"], f"v{o['versions'][0]}..v{o['versions'][1]}", o["types"], o["resolver"])
            for o in ops
        ],
    )
    print("not registered, and what to do instead:")
    for name, text in sorted(hints.items()):
        print(f"  {name}: {text}")
    return 0


_ACTIONS = {
    "check": _check,
    "build": _build,
    "inspect": _inspect,
    "verify": _verify,
    "extract": _extract,
    "ops": _ops,
}


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
