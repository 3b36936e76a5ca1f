"""Run a bare-metal Cortex-M4F image under QEMU (mps2-an386) and check what it reports.

The image prints ``TTEST ...`` lines on UART0 and exits through semihosting with its status.
A run passes only when QEMU exits 0, the summary line is present and reports no failure, and it
finished within the time limit; anything else (a hang, a fault, a missing summary) fails.
Under ``-icount shift=0`` one guest instruction is one virtual nanosecond, which makes the
image's cost counter count instructions (docs/cost-counter.md).
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from .errors import CheckFailed, InputError, TinymlError, ToolMissing

QEMU = "qemu-system-arm"
SUMMARY_RE = re.compile(
    r"^TTEST SUMMARY passed=(\d+) failed=(\d+) cost=(\d+) unit=(\w+)\s*$", re.MULTILINE
)
FIGURE_RE = re.compile(r"^FIGURE (\S+) (-?\d+)\s*$", re.MULTILINE)


@dataclass
class QemuResult:
    elf: Path
    exit_code: int
    output: str
    seconds: float
    passed: int = 0
    failed: int = 0
    cost: int = 0
    cost_unit: str = ""
    figures: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.exit_code == 0 and self.failed == 0 and self.passed > 0


def qemu_command(elf: Path) -> list[str]:
    return [
        QEMU, "-M", "mps2-an386", "-nographic", "-monitor", "none", "-serial", "stdio",
        "-semihosting-config", "enable=on,target=native", "-icount", "shift=0",
        "-kernel", str(elf),
    ]  # fmt: skip


def run_image(elf: Path, timeout: float, echo: bool = False) -> QemuResult:
    if not elf.is_file():
        raise InputError(elf, "no such image (build it with `make m4f`)")
    if shutil.which(QEMU) is None:
        raise ToolMissing(QEMU, "install qemu-system-arm (make setup does)")
    start = time.monotonic()
    try:
        proc = subprocess.run(
            qemu_command(elf), capture_output=True, text=True, timeout=timeout,
            stdin=subprocess.DEVNULL, check=False,
        )  # fmt: skip
    except subprocess.TimeoutExpired as err:
        out = err.stdout.decode(errors="replace") if isinstance(err.stdout, bytes) else ""
        if echo:
            sys.stdout.write(out)
        raise CheckFailed(f"{elf}: no result after {timeout:.0f} s (hang?)") from None
    result = QemuResult(elf, proc.returncode, proc.stdout, time.monotonic() - start)
    if echo:
        sys.stdout.write(proc.stdout)
        sys.stderr.write(proc.stderr)
    summary = SUMMARY_RE.search(proc.stdout)
    if summary:
        result.passed, result.failed, result.cost = (int(summary.group(i)) for i in (1, 2, 3))
        result.cost_unit = summary.group(4)
    result.figures = {m.group(1): int(m.group(2)) for m in FIGURE_RE.finditer(proc.stdout)}
    if summary is None:
        raise CheckFailed(f"{elf}: no TTEST SUMMARY line (exit code {proc.returncode})")
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("elf", type=Path)
    parser.add_argument("--timeout", type=float, default=120.0)
    args = parser.parse_args(argv)
    try:
        result = run_image(args.elf, args.timeout, echo=True)
    except TinymlError as err:
        print(f"qemu-run: error: {err}", file=sys.stderr)
        return 1
    verdict = "PASS" if result.ok else "FAIL"
    print(
        f"QEMU {verdict}: {result.passed} passed, {result.failed} failed, exit code "
        f"{result.exit_code}, {result.cost} {result.cost_unit} in {result.seconds:.1f} s"
    )
    return 0 if result.ok else 1


if __name__ == "__main__":
    sys.exit(main())
