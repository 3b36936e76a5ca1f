"""Measure models on the profile rig: per-operator instructions and the smallest working arena.

For each .tflite: build the rig image (Makefile, TFLM + CMSIS-NN from the trees given), run it
under QEMU mps2-an386 with -icount shift=0 (one instruction = one virtual ns, so the port's cost
counter counts instructions), read the per-node CSV that tinyml::TflmProfiler prints, then bisect
the smallest static arena (16-byte steps) for which AllocateTensors() and Invoke() succeed and
the outputs equal those of the full arena. Writes one JSON file of rows the fit reads:

    python tests/bench/profile_rig/measure.py --tflm DIR --cmsis-nn DIR --out FILE.json M.tflite...
    python tests/bench/profile_rig/measure.py --refeature --out FILE.json M.tflite...

Never part of `make test` (it needs the fetched sources and minutes of QEMU time).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

RIG = Path(__file__).resolve().parent
REPO = RIG.parents[2]
sys.path.insert(0, str(REPO / "scripts" / "west_commands"))

from tinyml_tools.modelpack.tflite_model import load_tflite  # noqa: E402
from tinyml_tools.profile.features import layer_features  # noqa: E402

ARENA_MAX = 1048576
ARENA_RE = re.compile(r"^RIG ARENA (\d+) USED (\d+)", re.M)
INVOKE_RE = re.compile(r"^RIG INVOKE (\d+)", re.M)
OUTPUT_RE = re.compile(r"^RIG OUTPUT ([0-9a-f]+)", re.M)
CSV_ROW_RE = re.compile(r"^(\d+),([A-Z0-9_]+),(\d+)\s*$", re.M)


@dataclass
class Run:
    ok: bool
    output: str
    used: int = 0
    invoke: int = 0
    digest: str = ""


def build(model: Path, args: argparse.Namespace) -> Path:
    subprocess.run(
        [
            "make",
            "-s",
            "-C",
            str(RIG),
            f"TFLM_DIR={args.tflm}",
            f"CMSIS_NN_DIR={args.cmsis_nn}",
            f"BUILD={args.build.resolve()}",
            f"MODEL={model.resolve()}",
            f"ARENA_MAX={ARENA_MAX}",
            "image",
        ],
        check=True,
    )
    return args.build / f"{model.stem}.elf"


def run(elf: Path, arena: int, timeout: float = 600.0, quick: bool = False) -> Run:
    cmd = [
        "qemu-system-arm",
        "-M",
        "mps2-an386",
        "-nographic",
        "-monitor",
        "none",
        "-serial",
        "stdio",
        "-semihosting-config",
        f"enable=on,target=native,arg=rig,arg={arena}" + (",arg=quick" if quick else ""),
        "-icount",
        "shift=0",
        "-kernel",
        str(elf),
    ]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)
    out = proc.stdout
    ok = proc.returncode == 0 and "RIG OK" in out
    r = Run(ok, out)
    if m := ARENA_RE.search(out):
        r.used = int(m.group(2))
    if m := INVOKE_RE.search(out):
        r.invoke = int(m.group(1))
    if m := OUTPUT_RE.search(out):
        r.digest = m.group(1)
    return r


def smallest_arena(elf: Path, used: int) -> int:
    # Stateful models (LSTM variables) change their outputs from one Invoke() to the next:
    # compare like with like, one Invoke() at the full arena.
    reference = run(elf, ARENA_MAX, quick=True)
    if not reference.ok:
        raise RuntimeError(f"{elf}: quick run failed")

    def works(size: int) -> bool:
        r = run(elf, size, timeout=120.0, quick=True)
        return r.ok and r.digest == reference.digest

    hi = (used + 15) // 16 * 16
    while not works(hi):
        hi = (hi * 5 // 4 + 15) // 16 * 16
        if hi > ARENA_MAX:
            raise RuntimeError(f"{elf}: no working arena up to {ARENA_MAX}")
    lo = 0  # known not to work (or unknown below)
    while hi - lo > 16:
        mid = (lo + hi) // 2 // 16 * 16
        if mid <= lo:
            break
        if works(mid):
            hi = mid
        else:
            lo = mid
    return hi


def measure(model: Path, args: argparse.Namespace) -> dict:
    elf = build(model, args)
    ref = run(elf, ARENA_MAX)
    if not ref.ok:
        raise RuntimeError(f"{model}: rig run failed:\n{ref.output[-2000:]}")
    nodes = [(int(a), b, int(c)) for a, b, c in CSV_ROW_RE.findall(ref.output)]
    tfl = load_tflite(model)
    feats = layer_features(tfl)
    if len(nodes) != len(feats):
        raise RuntimeError(f"{model}: {len(nodes)} profiled nodes for {len(feats)} operators")
    rows = []
    for (index, op, instr), f in zip(nodes, feats, strict=True):
        if op != f.op:
            raise RuntimeError(f"{model}: node {index} is {op} on the rig, {f.op} in the file")
        rows.append({"node": index, "op": op, "instructions": instr, "features": f.as_dict()})
    entry = {
        "model": model.name,
        "sha256": hashlib.sha256(model.read_bytes()).hexdigest(),
        "invoke_instructions": ref.invoke,
        "arena_used_bytes": ref.used,
        "nodes": rows,
    }
    if not args.no_arena:
        entry["arena_smallest_bytes"] = smallest_arena(elf, ref.used)
    return entry


def refeature(out: Path, models: list[Path]) -> int:
    """Recompute the stored features of every measured model given (same SHA-256), keeping
    its instructions and arena figures: for a change to features.py that leaves the kernels
    alone. Entries whose model is not given are dropped (their features would be stale)."""
    data = json.loads(out.read_text())
    by_sha = {hashlib.sha256(p.read_bytes()).hexdigest(): p for p in models}
    kept = []
    for entry in data["models"]:
        path = by_sha.get(entry["sha256"])
        if path is None:
            print(f"  dropped {entry['model']}: model file not given", file=sys.stderr)
            continue
        feats = layer_features(load_tflite(path))
        if [n["op"] for n in entry["nodes"]] != [f.op for f in feats]:
            raise SystemExit(f"{path}: operators differ from the measured ones")
        for node, f in zip(entry["nodes"], feats, strict=True):
            node["features"] = f.as_dict()
        kept.append(entry)
    data["models"] = kept
    out.write_text(json.dumps(data, indent=1) + "\n")
    print(f"re-featured {len(kept)} models", file=sys.stderr)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("models", nargs="+", type=Path)
    parser.add_argument("--tflm", type=Path)
    parser.add_argument("--cmsis-nn", type=Path)
    parser.add_argument("--build", type=Path, default=REPO / "build" / "profile_rig")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--no-arena", action="store_true", help="skip the arena bisection")
    parser.add_argument("--tflm-rev", default="unknown", help="revision of the TFLM tree")
    parser.add_argument("--cmsis-nn-rev", default="unknown", help="revision of the CMSIS-NN tree")
    parser.add_argument(
        "--refeature",
        action="store_true",
        help="recompute the features of the models in --out (no QEMU), drop the others",
    )
    args = parser.parse_args(argv)
    if args.refeature:
        return refeature(args.out, args.models)
    if args.tflm is None or args.cmsis_nn is None:
        parser.error("--tflm and --cmsis-nn are required to measure")
    gcc = subprocess.run(["arm-none-eabi-gcc", "--version"], capture_output=True, text=True)
    provenance = {
        "target": "cortex-m4f (QEMU 7.2 mps2-an386, -icount shift=0)",
        "unit": "instructions",
        "tflm": args.tflm_rev,
        "cmsis_nn": args.cmsis_nn_rev,
        "compiler": gcc.stdout.splitlines()[0] if gcc.stdout else "arm-none-eabi-gcc",
        "flags": "-mcpu=cortex-m4 -mfpu=fpv4-sp-d16 -mfloat-abi=hard; TFLM -Os, CMSIS-NN -Ofast; "
        "-DTF_LITE_STATIC_MEMORY -DCMSIS_NN",
        "method": "mean of 4 Invoke() after a warm-up; per node by tinyml::TflmProfiler",
    }
    old = json.loads(args.out.read_text()) if args.out.exists() else {"models": []}
    done = {m["sha256"]: m for m in old["models"]}
    results = []
    for i, model in enumerate(args.models, 1):
        sha = hashlib.sha256(model.read_bytes()).hexdigest()
        if sha in done and (args.no_arena or "arena_smallest_bytes" in done[sha]):
            results.append(done[sha])
            continue
        print(f"[{i}/{len(args.models)}] {model.name}", file=sys.stderr, flush=True)
        try:
            results.append(measure(model, args))
        except (RuntimeError, subprocess.CalledProcessError) as err:
            print(f"  skipped: {str(err).splitlines()[0]}", file=sys.stderr)
            continue
        kept = [m for s, m in done.items() if s not in {r["sha256"] for r in results}]
        args.out.write_text(json.dumps({**provenance, "models": results + kept}, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
