"""`make zephyr`: every check that needs a Zephyr workspace, in order, each step one line.

    python -m tinyml_tools.zephyr_run.check [--only STEP ...] [--jobs N]

Steps: build (mps2/an386 with TFLM + CMSIS-NN, native_sim), memreport, qemu (factory model,
canned recording, device vs replay, cost), update (native_sim: upload, trial, confirm,
rollback, resets), field (native_sim: recording mode, field pull vs the canned recording,
false-trigger reports, event summaries by `tinyml events dump`, acknowledged), loop (native_sim:
one whole field loop on the knock example: record, pull, import, retrain, release, verify
against the compatibility matrix, install, events back with the new versions), keys (a
release build refuses the development keys), twister (tests/zephyr and app/ on both
platforms), sysbuild (nrf52840dk/nrf52840 with MCUboot, build only, memreport of the sysbuild
folder), anomaly (native_sim built for the pump anomaly detector: its package on a pump
recording with abnormal episodes, device vs replay; a regression package refused).
Exit 0 when every step passed, 1 on a bad setup, 2 when a check failed.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from ..errors import CheckFailed, TinymlError
from ..paths import BENCH_RESULTS, REPO_ROOT
from . import anomaly_run, builds, emulated, stacks
from . import events as device_events
from .builds import MPS2, NATIVE_SIM, NRF52840_SYSBUILD, ZEPHYR_BUILD
from .workspace import Workspace, find, zephyr_version

STEPS = (
    "build", "memreport", "qemu", "update", "field", "loop", "keys", "twister", "sysbuild",
    "anomaly",
)  # fmt: skip
# The board's budget: a file of app/boards/budgets/, else a built-in tier.
BOARD_BUDGETS = REPO_ROOT / "app" / "boards" / "budgets"
BUDGETS = {
    MPS2.name: str(BOARD_BUDGETS / "mps2_an386.yaml"),
    NRF52840_SYSBUILD.name: str(BOARD_BUDGETS / "nrf52840dk_nrf52840.yaml"),
}


def say(message: str) -> None:
    print(f"==> zephyr: {message}", flush=True)


def step_build(ws: Workspace, jobs: int) -> None:
    for build in (MPS2, NATIVE_SIM):
        start = time.monotonic()
        builds.west_build(build, ws, jobs)
        say(f"built {build.board} in {time.monotonic() - start:.0f} s: {build.elf}")


def memreport(elf_or_dir: Path, budget: str | None, out: Path) -> None:
    argv = [sys.executable, "-m", "tinyml_tools", "memreport", str(elf_or_dir), "--top", "8"]
    if budget:
        argv += ["--budget", budget]
    done = subprocess.run(argv, capture_output=True, text=True)
    out.write_text(done.stdout + done.stderr)
    print(done.stdout, end="")
    if done.returncode != 0:
        raise CheckFailed(f"memreport {elf_or_dir}: {done.stderr.strip() or 'failed'}")


def step_memreport(ws: Workspace, jobs: int) -> None:
    del ws, jobs
    # native_sim's image is an x86 host process, not firmware: memreport refuses it by design.
    say("native_sim: a host executable, no firmware memory report")
    budget = BUDGETS[MPS2.name]
    say(f"memory report of {MPS2.board} against {budget}")
    memreport(MPS2.elf, budget, MPS2.build_dir.with_suffix(".memreport.txt"))


def write_bench(figures: dict[str, float]) -> None:
    results: dict[str, float] = {}
    if BENCH_RESULTS.is_file():
        results = json.loads(BENCH_RESULTS.read_text())
    results.update(figures)
    BENCH_RESULTS.parent.mkdir(parents=True, exist_ok=True)
    BENCH_RESULTS.write_text(json.dumps(dict(sorted(results.items())), indent=2) + "\n")


def step_qemu(ws: Workspace, jobs: int) -> None:
    del jobs
    work = ZEPHYR_BUILD / "qemu-run"
    work.mkdir(parents=True, exist_ok=True)
    (work / "console.log").unlink(missing_ok=True)
    package = REPO_ROOT / "models" / "knock" / "knock.pkg"
    run = emulated.qemu_canned_run(ws, MPS2, package, work)
    say(
        f"slot {run.slot} verified (knock {run.version}), self-test {run.selftest[0]}/"
        f"{run.selftest[1]} passed, model confirmed; {run.frames} frames played, "
        f"{run.overflows} ring overflows"
    )
    for e in run.events:
        say(f"  device event t={e.t_ms} ms class {e.class_id} score_q15 {e.score_q15}")
    problems = device_events.compare(run.events, run.replay)
    if run.overflows:
        problems.append(f"{run.overflows} capture blocks dropped: the device missed samples")
    if not run.events:
        problems.append("the device printed no event for the knock recording")
    if problems:
        raise CheckFailed("device vs replay: " + "; ".join(problems))
    say(f"device vs replay: {len(run.events)} events equal one for one (time, class, score)")
    for use in run.stacks:
        say(f"  stack {use.name:<20} {use.used:>5} of {use.size:>5} B used")
    stack_problems = stacks.problems(run.stacks)
    if stack_problems:
        raise CheckFailed("thread stacks: " + "; ".join(stack_problems))
    c = run.cost
    k = run.instructions_per_cycle
    figures = {
        "zephyr.knock.events": float(len(run.events)),
        "zephyr.knock.windows": float(c.windows),
        "zephyr.knock.inferences": float(c.inferences),
        "zephyr.knock.features.instructions_per_window": k * c.features / c.windows,
        "zephyr.knock.inference.instructions_per_inference": k * c.inference / c.inferences,
        "zephyr.knock.invoke.instructions_per_inference": k * c.invoke / c.inferences,
        "zephyr.knock.decisions.instructions_per_inference": k * c.decisions / c.inferences,
        "zephyr.knock.window_with_inference.instructions": k
        * (c.features / c.windows + (c.inference + c.decisions) / c.inferences),
        "zephyr.knock.window_mean.instructions": k * c.window_total / c.windows,
        "zephyr.knock.counter_resolution.instructions": k,
        **stacks.figures(run.stacks),
    }
    write_bench(figures)
    for name, value in figures.items():
        say(f"  {name:<52} {value:>12,.0f}")


def step_update(ws: Workspace, jobs: int) -> None:
    del jobs
    work = ZEPHYR_BUILD / "update-run"
    work.mkdir(parents=True, exist_ok=True)
    (work / "console.log").unlink(missing_ok=True)
    run = emulated.native_update_run(ws, NATIVE_SIM, work)
    for line in run.steps:
        say(f"  {line}")


def step_field(ws: Workspace, jobs: int) -> None:
    del jobs
    from .field_run import native_field_run

    work = ZEPHYR_BUILD / "field-run"
    work.mkdir(parents=True, exist_ok=True)
    (work / "console.log").unlink(missing_ok=True)
    run = native_field_run(ws, NATIVE_SIM, work)
    for line in run.steps:
        say(f"  {line}")


def app_version() -> str:
    """The application's own version (app/VERSION), the one its event summaries carry."""
    fields = dict(
        (key.strip(), value.strip())
        for key, _, value in (
            line.partition("=") for line in (REPO_ROOT / "app" / "VERSION").read_text().splitlines()
        )
    )
    return f"{fields['VERSION_MAJOR']}.{fields['VERSION_MINOR']}.{fields['PATCHLEVEL']}"


def step_loop(ws: Workspace, jobs: int) -> None:
    del jobs
    from .loop_run import native_loop_run

    run = native_loop_run(ws, NATIVE_SIM, ZEPHYR_BUILD / "loop-run", app_version())
    for line in run.steps:
        say(f"  {line}")


def step_twister(ws: Workspace, jobs: int) -> None:
    out = ZEPHYR_BUILD / "twister"
    argv = [
        str(ws.west), "twister", "-T", str(REPO_ROOT / "tests" / "zephyr"),
        "-T", str(REPO_ROOT / "app"), "-p", "native_sim", "-p", "mps2/an386",
        "-j", str(jobs), "-O", str(out), "--inline-logs", "-v",
        "-x", f"ZEPHYR_EXTRA_MODULES={REPO_ROOT}",
        "-x", "CONFIG_COMPILER_WARNINGS_AS_ERRORS=y",
    ]  # fmt: skip
    builds.run(argv, ws, out.with_suffix(".log"), "west twister")
    summary = [
        line
        for line in out.with_suffix(".log").read_text().splitlines()
        if "test configurations passed" in line or "executed test cases passed" in line
    ]
    for line in summary:
        say(f"  twister: {line.split('INFO')[-1].strip(' -')}")
    # v4.1's mps2/an386 board file names only Arm's FVP as its simulator, so Twister builds
    # the mps2 scenarios and runs none: run each under QEMU here.
    failures = emulated.run_mps2_twister_builds(out / "mps2_an386", out / "qemu-runs.log")
    for name, verdict in failures.items():
        say(f"  qemu {name}: {verdict}")
    bad = [name for name, verdict in failures.items() if not verdict.startswith("passed")]
    if bad:
        raise CheckFailed(f"under QEMU: {', '.join(bad)} failed (log {out / 'qemu-runs.log'})")


def step_sysbuild(ws: Workspace, jobs: int) -> None:
    start = time.monotonic()
    builds.west_build(NRF52840_SYSBUILD, ws, jobs)
    mcuboot = NRF52840_SYSBUILD.build_dir / "mcuboot" / "zephyr" / "zephyr.elf"
    if not mcuboot.is_file():
        raise CheckFailed(f"sysbuild produced no MCUboot image ({mcuboot})")
    say(f"sysbuild nrf52840dk/nrf52840 + MCUboot built in {time.monotonic() - start:.0f} s")
    memreport(
        NRF52840_SYSBUILD.build_dir,
        BUDGETS[NRF52840_SYSBUILD.name],
        NRF52840_SYSBUILD.build_dir.with_suffix(".memreport.txt"),
    )


def step_keys(ws: Workspace, jobs: int) -> None:
    """A release build that still trusts a development key must not configure."""
    del jobs
    out = ZEPHYR_BUILD / "release-keys"
    argv = [
        str(ws.west), "build", "--cmake-only", "-p", "always", "-b", MPS2.board, "-d", str(out),
        "--no-sysbuild", str(REPO_ROOT / "app"), "--", *builds.common_args(),
        f"-DEXTRA_CONF_FILE={REPO_ROOT / 'zephyr-config' / 'release.conf'}",
    ]  # fmt: skip
    log = out.with_suffix(".log")
    try:
        builds.run(argv, ws, log, "release configuration")
    except TinymlError:
        text = log.read_text(errors="replace")
        if re.search(r"is\s+a\s+development\s+key", text):  # CMake wraps its messages
            say("release build with the development keys refused at configuration")
            return
        raise
    raise CheckFailed(f"a release build configured with the development keys (log {log})")


def step_anomaly(ws: Workspace, jobs: int) -> None:
    work = ZEPHYR_BUILD / "anomaly-run"
    work.mkdir(parents=True, exist_ok=True)
    (work / "console.log").unlink(missing_ok=True)
    rec = anomaly_run.recording(work)
    app = anomaly_run.build(rec)
    start = time.monotonic()
    builds.west_build(app, ws, jobs)
    say(f"built {app.board} for the pump anomaly detector in {time.monotonic() - start:.0f} s")
    run = anomaly_run.native_anomaly_run(ws, app, rec, work)
    say(
        f"slot {run.slot} verified (pump anomaly {run.version}, {run.output}); "
        f"{rec.name}: {run.frames} frames played, {run.overflows} ring overflows"
    )
    for e, label in zip(run.events, run.labels, strict=False):
        say(f"  device event t={e.t_ms} ms class {e.class_id} ({label}) score_q15 {e.score_q15}")
    problems = device_events.compare(run.events, run.replay)
    if not run.events:
        problems.append("the device printed no event for the pump recording")
    if run.overflows:
        problems.append(f"{run.overflows} capture blocks dropped: the device missed samples")
    if not run.output.startswith("anomaly score"):
        problems.append(f"the device runs the package as '{run.output}', not an anomaly score")
    named = [x for x in run.labels if x != "anomaly (anomaly score)"]
    if named or len(run.labels) != len(run.events):
        problems.append(f"events not named as anomalies: {named or run.labels}")
    differ = [
        f"{dev} vs {rep}"
        for dev, rep in zip(run.scores, run.replay_scores, strict=False)
        if dev != rep
    ]
    if differ or len(run.scores) != len(run.replay_scores):
        problems.append(
            f"score traces differ: {len(run.scores)} device, {len(run.replay_scores)} replay "
            f"inferences, {len(differ)} different (first: {differ[:3]})"
        )
    if problems:
        raise CheckFailed("pump anomaly device vs replay: " + "; ".join(problems))
    anomaly = [s[1] for _, s in run.scores]
    say(
        f"device vs replay: {len(run.events)} anomaly events and {len(run.scores)} score pairs "
        f"equal one for one (anomaly score_q15 {min(anomaly)}..{max(anomaly)})"
    )
    say(f"regression package in slot B refused: the model outputs {run.refusal}")
    if run.logged != "anomaly":
        raise CheckFailed(f"`tinyml log dump` names the anomaly event '{run.logged}'")
    say(f"event log: the first event reads back as class 1 ({run.logged})")
    write_bench(
        {
            "zephyr.pump_anomaly.events": float(len(run.events)),
            "zephyr.pump_anomaly.inferences": float(len(run.scores)),
        }
    )


RUNNERS: dict[str, Callable[[Workspace, int], None]] = {
    "keys": step_keys,
    "build": step_build,
    "memreport": step_memreport,
    "qemu": step_qemu,
    "update": step_update,
    "field": step_field,
    "loop": step_loop,
    "twister": step_twister,
    "sysbuild": step_sysbuild,
    "anomaly": step_anomaly,
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", nargs="+", choices=STEPS, help="run only these steps")
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args(argv)
    try:
        ws = find()
        say(f"workspace {ws.root}, Zephyr {zephyr_version(ws)}")
        failed = []
        for name in args.only or STEPS:
            start = time.monotonic()
            say(f"{name} ...")
            try:
                RUNNERS[name](ws, args.jobs)
            except TinymlError as exc:  # a failed step; the others still run
                print(f"zephyr: {name}: FAILED: {exc}", file=sys.stderr)
                failed.append(name)
                continue
            say(f"{name}: ok ({time.monotonic() - start:.0f} s)")
    except TinymlError as exc:
        print(f"zephyr: {exc}", file=sys.stderr)
        return exc.exit_code
    if failed:
        print(f"zephyr: failed steps: {', '.join(failed)}", file=sys.stderr)
        return 2
    say("every step passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
