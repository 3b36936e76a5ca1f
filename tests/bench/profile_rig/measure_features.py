"""Measure the feature pipeline's instructions per window on the Cortex-M4F and fit its cost.

Seeded random pipelines (spectral with every feature kind, 1..8 axes, windows 16..512; log-mel
clips) plus the examples' pipelines are encoded, linked into the feature rig (Makefile target
`features`) and run under QEMU -icount shift=0. The counts of tinyml_tools.profile.feature_cost
are fitted to the measurements (non-negative, relative error) and written with them:

    python tests/bench/profile_rig/measure_features.py --out FILE.json [--count N]

Never part of `make test`.
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

RIG = Path(__file__).resolve().parent
REPO = RIG.parents[2]
sys.path.insert(0, str(REPO / "scripts" / "west_commands"))

from tinyml_tools.features.pipeline import encode_pipeline, load_pipeline, parse_pipeline  # noqa: E402
from tinyml_tools.profile.feature_cost import counts  # noqa: E402
from tinyml_tools.profile.fit import relative_nnls  # noqa: E402

FEATURES_RE = re.compile(r"^RIG FEATURES (\d+)", re.M)
NAMES = (
    "calls",
    "axes",
    "spectra",
    "samples",
    "fft",
    "bins",
    "time_samples",
    "time_feats",
    "spectrum",
    "band_bins",
    "bands",
    "ratio_bins",
    "crest_bins",
    "peak_bins",
    "harmonics",
    "raw",
    "mels",
    "mel_bins",
)
EXAMPLES = ("knock", "pump", "gesture")


def random_pipeline(rng: random.Random, i: int) -> dict[str, Any]:
    if i % 6 == 5:
        window = rng.choice([128, 256, 512])
        rate = rng.choice([8000, 16000])
        return {
            "name": f"logmel_{i}",
            "kind": "logmel",
            "sample_rate_hz": rate,
            "window": window,
            "hop": window // 2,
            "window_fn": "hann",
            "pre_emphasis": rng.choice([0.0, 0.97]),
            "mel": {
                "n_mels": rng.choice([10, 20, 40]),
                "fmin_hz": 20,
                "fmax_hz": rate // 2,
                "clip_samples": window * rng.choice([2, 4, 8]),
            },
        }
    window = rng.choice([16, 32, 64, 128, 256, 512])
    rate = rng.choice([100, 200, 400, 800, 1600, 3200])
    feats = rng.sample(
        [
            "rms",
            "zcr",
            "crest",
            "peak",
            "spectrum",
            "band_power",
            "band_ratio",
            "spectral_crest",
            "peaks",
            "harmonics",
            "raw",
        ],
        rng.randint(1, 5),
    )
    data: dict[str, Any] = {
        "name": f"spectral_{i}",
        "kind": "spectral",
        "sample_rate_hz": rate,
        "axes": rng.randint(1, 8),
        "window": window,
        "hop": window // 2,
        "window_fn": rng.choice(["hann", "rect"]),
        "dc_remove": rng.choice([True, False]),
        "features": feats,
    }
    nyq = rate / 2
    if "spectrum" in feats:
        hi = rng.randint(2, window // 2 + 1)
        data["spectrum_bins"] = [rng.randint(0, hi - 1), hi]
    if "band_power" in feats or "band_ratio" in feats:
        edges = sorted(rng.sample(range(1, 100), rng.randint(2, 8)))
        data["bands_hz"] = [
            [nyq * a / 100, nyq * b / 100] for a, b in itertools.pairwise(edges)
        ] or [[0, nyq]]
    if "peaks" in feats:
        data["peaks"] = rng.randint(1, 4)
    if "harmonics" in feats:
        data["harmonics"] = {"fundamental_hz": nyq / 16, "count": rng.randint(1, 6)}
    return data


def measure(blob: bytes, name: str, build: Path) -> int:
    path = build / "pipelines" / f"{name}.bin"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(blob)
    subprocess.run(
        ["make", "-s", "-C", str(RIG), f"BUILD={build}", f"FEATURES_BLOB={path}", "features"],
        check=True,
    )
    proc = subprocess.run(
        [
            "qemu-system-arm",
            "-M",
            "mps2-an386",
            "-nographic",
            "-monitor",
            "none",
            "-serial",
            "stdio",
            "-semihosting-config",
            "enable=on,target=native",
            "-icount",
            "shift=0",
            "-kernel",
            str(build / "features" / f"{name}.elf"),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    m = FEATURES_RE.search(proc.stdout)
    if proc.returncode != 0 or m is None:
        raise RuntimeError(f"{name}: feature rig failed: {proc.stdout[-300:]}")
    return int(m.group(1))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--count", type=int, default=36)
    parser.add_argument("--build", type=Path, default=REPO / "build" / "profile_rig")
    args = parser.parse_args(argv)
    rng = random.Random(7)
    rows = []
    cfgs = [
        (f"example_{n}", load_pipeline(REPO / "models" / n / "pipeline.yaml")) for n in EXAMPLES
    ]
    for i in range(args.count):
        data = random_pipeline(rng, i)
        try:
            cfgs.append((data["name"], parse_pipeline(data, data["name"])))
        except Exception as err:
            print(f"skip {data['name']}: {err}", file=sys.stderr)
    for k, (name, cfg) in enumerate(cfgs, 1):
        print(f"[{k}/{len(cfgs)}] {name}", file=sys.stderr, flush=True)
        try:
            instr = measure(encode_pipeline(cfg), name, args.build)
        except (RuntimeError, ValueError, subprocess.CalledProcessError) as err:
            print(f"  skipped: {err}", file=sys.stderr)
            continue
        rows.append({"pipeline": name, "counts": counts(cfg), "instructions": instr})
    coefs = relative_nnls(NAMES, [r["counts"] for r in rows], [r["instructions"] for r in rows])
    out = {
        "target": "cortex-m4f (QEMU mps2-an386, -icount shift=0)",
        "unit": "instructions per window (per clip for log-mel)",
        "build": "modules/tinyml/core at -O2, arm-none-eabi-gcc 12.2",
        "coefficients": coefs,
        "measurements": rows,
    }
    args.out.write_text(json.dumps(out, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
