"""Figures of the emulated Cortex-M4F: the self-test's total instructions and every FIGURE the
bench image prints (instructions per call, from the deterministic cost counter)."""

from __future__ import annotations

from tinyml_tools.paths import BUILD_DIR
from tinyml_tools.qemu_run import run_image


def run() -> dict[str, float]:
    figures: dict[str, float] = {}
    selftest = run_image(BUILD_DIR / "m4f" / "tinyml_selftest.elf", timeout=300)
    if not selftest.ok:
        raise SystemExit("bench: the self-test image failed; run make test")
    figures["target.selftest.instructions"] = selftest.cost
    bench = run_image(BUILD_DIR / "m4f" / "tinyml_bench.elf", timeout=600)
    if not bench.ok:
        raise SystemExit("bench: the bench image failed")
    figures.update(bench.figures)
    return figures
