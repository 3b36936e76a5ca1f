"""Run every libFuzzer target of build/fuzz for a bounded time, each with its seed corpus.

A target named fuzz_<name> reads seeds from tests/fuzz/corpus/<name>/ (if present) and grows
a working corpus under build/fuzz/corpus/<name>/. Any crash, leak or sanitizer report fails.

A target that already ran clean for at least the asked time, and whose binary and seeds have not
changed since, is not run again (it says so); `--force` (FUZZ_FORCE=1 in make) runs it anyway,
and `make fuzz-long` runs every target for longer.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

SEEDS = Path(__file__).parent / "corpus"


def already_passed(stamp: Path, exe: Path, seeds: Path, seconds: int) -> bool:
    """True when the stamp of a clean run of at least ``seconds`` is newer than its inputs."""
    if not stamp.is_file():
        return False
    try:
        if int(stamp.read_text().strip()) < seconds:
            return False
    except ValueError:
        return False
    inputs = [exe, *(seeds.rglob("*") if seeds.is_dir() else [])]
    return all(p.stat().st_mtime <= stamp.stat().st_mtime for p in inputs)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--build", type=Path, required=True)
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--force", action="store_true", help="run even unchanged targets")
    args = parser.parse_args()
    sources = sorted(Path(__file__).parent.glob("fuzz_*.c"))
    if not sources:
        print("  no fuzz targets in tests/fuzz yet")
        return 0
    failures = []
    for src in sources:
        exe = args.build / src.stem
        if not exe.is_file():
            print(f"  {src.stem}: not built", file=sys.stderr)
            return 1
        name = src.stem.removeprefix("fuzz_")
        passed = args.build / f"passed-{name}"
        seeds = SEEDS / name
        if not args.force and already_passed(passed, exe, seeds, args.seconds):
            print(f"  {src.stem}: unchanged since its clean {passed.read_text().strip()} s run")
            continue
        work = args.build / "corpus" / name
        work.mkdir(parents=True, exist_ok=True)
        dirs = [str(work)] + ([str(seeds)] if seeds.is_dir() else [])
        cmd = [
            str(exe), f"-max_total_time={args.seconds}", "-print_final_stats=1",
            f"-artifact_prefix={args.build}/crash-{name}-", *dirs,
        ]  # fmt: skip
        proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
        runs = [
            ln for ln in proc.stderr.splitlines() if ln.startswith("stat::number_of_executed_units")
        ]
        figure = runs[-1].split(":")[-1].strip() if runs else "?"
        status = "ok" if proc.returncode == 0 else f"FAILED (exit {proc.returncode})"
        print(f"  {src.stem}: {figure} runs in {args.seconds} s: {status}")
        if proc.returncode != 0:
            sys.stderr.write(proc.stderr[-4000:])
            failures.append(src.stem)
            passed.unlink(missing_ok=True)
        else:
            passed.write_text(f"{args.seconds}\n")
    if failures:
        print(f"fuzz: {len(failures)} target(s) failed: {', '.join(failures)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
