"""Budgets of the signal chain on the emulated Cortex-M4F, and the desktop replay speed.

The bench image (tests/bench/target/bench_signal.c) prints the exact instruction counts, which
bench_target.py collects as ``signal.*.instructions``; this benchmark checks them against the
issue's budgets (a breach fails ``make bench``) and adds derived figures: the IMU window's cost
relative to the CMSIS-DSP anchor and its headroom under the requirement, and how many knock
windows per second the C core runs on the host through ctypes (the replay tool's speed).
"""

from __future__ import annotations

import time

import numpy as np

from tinyml_tools.features.pipeline import load_pipeline
from tinyml_tools.native.features import NativePipeline
from tinyml_tools.paths import BUILD_DIR, REPO_ROOT
from tinyml_tools.qemu_run import run_image

# Instructions on the emulated Cortex-M4F (issue 5).
BUDGETS = {
    "signal.ringbuf_push.instructions": 50,
    "signal.features_imu_3x256.instructions": 128_000,
}
IMU_AIM = 80_000
CMSIS_ANCHOR = 53_458  # 3 x (arm_rfft_q15 256 + arm_cmplx_mag_q15 129), CMSIS-DSP -O2


def _host_windows_per_second() -> float:
    cfg = load_pipeline(REPO_ROOT / "models" / "pipelines" / "knock_imu.yaml")
    pipe = NativePipeline(cfg)
    x = np.random.default_rng(1).integers(-3000, 3000, cfg.input_len).astype(np.int16)
    runs = 2000
    start = time.perf_counter()
    for _ in range(runs):
        pipe.run(x)
    return runs / (time.perf_counter() - start)


def run() -> dict[str, float]:
    bench = run_image(BUILD_DIR / "m4f" / "tinyml_bench.elf", timeout=600)
    if not bench.ok:
        raise SystemExit("bench_signal: the bench image failed")
    figures = {k: v for k, v in bench.figures.items() if k.startswith("signal.")}
    breaches = [
        f"{name} = {figures.get(name)} (budget < {limit})"
        for name, limit in BUDGETS.items()
        if figures.get(name) is None or figures[name] >= limit
    ]
    if breaches:
        raise SystemExit("bench_signal: over budget: " + "; ".join(breaches))
    imu = figures["signal.features_imu_3x256.instructions"]
    return {
        "signal.budget.features_imu_3x256.headroom_instructions": 128_000 - imu,
        "signal.budget.features_imu_3x256.vs_aim_80k": imu / IMU_AIM,
        "signal.budget.features_imu_3x256.vs_cmsis_fft_mag": imu / CMSIS_ANCHOR,
        "signal.budget.ringbuf_push.headroom_instructions": 50
        - figures["signal.ringbuf_push.instructions"],
        "signal.host.knock_windows_per_second": round(_host_windows_per_second(), 1),
    }
