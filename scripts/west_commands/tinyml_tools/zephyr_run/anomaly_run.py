"""The pump anomaly detector on native_sim: its package in model slot A, a pump recording with
abnormal episodes played by the canned capture, the device's events and the score of every
inference against `west replay` of the same recording and package; then a package of an output
kind the firmware does not run (regression values) uploaded to slot B must be refused while the
anomaly model runs on."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import yaml

from ..errors import TinymlError
from ..paths import REPO_ROOT
from ..replay import device as replay_device
from ..replay import recording as recording_io
from ..replay import session
from . import events as ev
from . import flashimage
from .builds import AppBuild
from .console import DeviceConsole
from .detector_build import canned_build
from .emulated import BOOT_TIMEOUT_S, RECORDING_TIMEOUT_S, VERIFIED, upload
from .packages import model_pack_build
from .workspace import Workspace

ANOMALY_DIR = REPO_ROOT / "models" / "pump" / "anomaly"
DETECTOR = ANOMALY_DIR / "detector.yaml"
CLASSIFIER_DIR = REPO_ROOT / "models" / "pump"
GENERATOR = CLASSIFIER_DIR / "generate.py"
# The validation split's first session (seeded): pump p5 on its casing stud in a quiet plant,
# a condition the detector was calibrated for, with a bearing fault and then cavitation. (On
# the held-out pump and mount every score saturates, so a trace there would prove little.)
SESSION = "val_00"
SESSION_SECONDS = 45
LABELLED_EVENT = re.compile(r"event: t_ms=\d+ class=\d+ score_q15=-?\d+ label=(\S*)(.*)$")
SCORES = re.compile(r"scores: t_ms=(\d+) q15=(-?\d+(?:,-?\d+)*)")
LOGGED_EVENT = r"\d+: t=\d+s class 1 \((\S+)\) score \d+"
LOG_FLUSH_TRIES = 10  # the event log flushes a batch at most a minute after its first event
REFUSED_KIND = r"model slot B refused \(-ENOTSUP\): its model outputs ([a-z ]+), which"

Trace = list[tuple[int, tuple[int, ...]]]  # (window end in ms, Q15 scores) per inference


@dataclass(frozen=True)
class AnomalyRun:
    package: Path
    slot: str
    version: str
    output: str  # `tinyml model info`'s output line
    events: list[ev.Event]
    labels: list[str]  # label and kind of each event line, as the device printed it
    replay: list[ev.Event]
    scores: Trace
    replay_scores: Trace
    frames: int
    overflows: int
    refusal: str  # what the device said of the regression package
    logged: str  # the class name `tinyml log dump` gave the first logged event


def recording(work: Path) -> Path:
    """SESSION as the pump generator writes it (seeded: the same samples every time)."""
    out = work / "recording"
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT / "scripts" / "west_commands")}
    argv = [sys.executable, str(GENERATOR), "--split", "val", "--out", str(out)]
    argv += ["--seconds", str(SESSION_SECONDS)]
    done = subprocess.run(argv, capture_output=True, text=True, env=env)
    path = out / f"{SESSION}.npz"
    if done.returncode != 0 or not path.is_file():
        raise TinymlError(f"{GENERATOR.name}: no {path.name}: {done.stderr.strip()[-300:]}")
    return path


def build(rec: Path) -> AppBuild:
    """native_sim running the pump anomaly detector on @p rec, every inference's scores logged."""
    return canned_build(
        "native_sim_pump_anomaly", DETECTOR, rec, ("-DCONFIG_TINYML_APP_LOG_SCORES=y",)
    )


def anomaly_package(work: Path) -> Path:
    """The committed pump anomaly model, packaged by this tree's packer and signed with the
    development key the firmware trusts (the committed .pkg may predate either), next to the
    detector settings `west replay` reads with it."""
    out = work / "pump_anomaly"
    out.mkdir(parents=True, exist_ok=True)
    for name in ("detector.yaml", "pipeline.yaml", "baseline.json"):
        shutil.copy(ANOMALY_DIR / name, out / name)
    return model_pack_build(ANOMALY_DIR, out / "pump_anomaly.pkg")


def regression_package(work: Path) -> Path:
    """The pump classifier packaged as regression values: same pipeline, an output kind the
    firmware does not run."""
    out = work / "pump-regression"
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    meta = yaml.safe_load((CLASSIFIER_DIR / "model.yaml").read_text())
    for name in (meta["source"]["path"], meta["feature_pipeline"]):
        shutil.copy(CLASSIFIER_DIR / name, out / name)
    meta.pop("thresholds", None)
    meta.update(name="pump_regression", version="9.0.0", output={"kind": "regression"})
    (out / "model.yaml").write_text(yaml.safe_dump(meta, sort_keys=False))
    return model_pack_build(out, work / "pump-regression.pkg")


def log_records(lines: list[str]) -> list[str]:
    """Each log record once. native_sim prints every record twice on stdout, through the
    shell's log backend and its own native one; a record is its uptime stamp and text, and
    no two records of one run share both (events and scores carry their window's time)."""
    seen: set[str] = set()
    out = []
    for line in lines:
        record = line.removeprefix("uart:~$ ").strip()
        if record.startswith("[") and record in seen:
            continue
        seen.add(record)
        out.append(line)
    return out


def device_scores(lines: list[str]) -> Trace:
    found = (SCORES.search(line) for line in lines)
    return [(int(m[1]), tuple(int(v) for v in m[2].split(","))) for m in found if m]


def replay_scores(rec_path: Path, package: Path, block: int, work: Path) -> Trace:
    """The Q15 scores `west replay` feeds its decisions, per inference, on the frames the
    device saw (whole capture blocks from sample 0), timed as the device times them."""
    rec = recording_io.read(rec_path)
    whole = rec.samples.shape[0] - rec.samples.shape[0] % block
    played = work / f"{rec_path.stem}.scores.npz"
    recording_io.write(
        played,
        recording_io.Recording(
            np.ascontiguousarray(rec.samples[:whole]), rec.sample_rate_hz, rec.channels, rec.meta
        ),
    )
    run = session.run(played, package, settings_path=session.default_settings_path(package))
    result = run.sessions[0].result
    rate = rec.sample_rate_hz
    return [
        (
            round(float(t) * rate) * 1000 // int(rate),
            tuple(replay_device.q15(float(s)) for s in row),
        )
        for t, row in zip(result.run_times_s, result.scores, strict=True)
    ]


def native_anomaly_run(ws: Workspace, app: AppBuild, rec: Path, work: Path) -> AnomalyRun:
    layout = flashimage.layout(ws, app.build_dir)
    package = anomaly_package(work)
    flash = work / "native_sim_flash.bin"
    flash.write_bytes(flashimage.image(layout, {"model_slot_a": package.read_bytes()}))
    regression = regression_package(work)
    config = app.config()
    chunk = int(config["CONFIG_TINYML_APP_UPLOAD_CHUNK_MAX"])
    exe = app.app_dir / "zephyr" / "zephyr.exe"
    # --no-rt: simulated time runs as fast as the host allows (native_sim's code takes no
    # simulated time, so the capture never overruns and the events are the same).
    argv = [str(exe), f"--flash={flash}", "--no-rt"]
    with DeviceConsole(argv, work / "console.log", "native_sim pump anomaly") as dev:
        verified = dev.expect(VERIFIED, BOOT_TIMEOUT_S)
        dev.expect("tinyml running", BOOT_TIMEOUT_S)
        done = dev.expect(ev.DONE, RECORDING_TIMEOUT_S)
        lines = log_records(list(dev.lines))
        dev.send("")
        output = dev.command("tinyml model info", r"output: (.*)")[1]
        logged = _first_logged_event(dev)
        upload(dev, "b", regression, chunk)
        refused = dev.command("tinyml model activate b", rf"{REFUSED_KIND}|slot b active", 120)
        if refused[1] is None:
            raise TinymlError("a regression package was activated on the anomaly firmware")
        info = dev.command("tinyml model info", r"slot ([AB]): version (\d+\.\d+\.\d+)")
        if (info[1], info[2]) != (verified[1], verified[2]):
            raise TinymlError(f"after the refusal slot {info[1]} {info[2]} runs")
    block = int(config["CONFIG_TINYML_RING_BLOCK_SAMPLES"])
    labels = [f"{m[1]}{m[2]}" for m in (LABELLED_EVENT.search(x) for x in lines) if m]
    return AnomalyRun(
        package=package,
        slot=verified[1],
        version=verified[2],
        output=output,
        events=ev.device_events(lines),
        labels=labels,
        replay=ev.replay_events(rec, package, block, work),
        scores=device_scores(lines),
        replay_scores=replay_scores(rec, package, block, work),
        frames=int(done[1]),
        overflows=int(done[2]),
        refusal=refused[1],
        logged=logged,
    )


def _first_logged_event(dev: DeviceConsole) -> str:
    """The class name of the first event in the flash log (`tinyml log dump`), once the log
    has flushed its pending batch."""
    for _ in range(LOG_FLUSH_TRIES):
        try:
            return dev.command("tinyml log dump", LOGGED_EVENT, 5.0)[1]
        except TinymlError:
            continue  # nothing flushed yet: simulated time runs on while we wait
    raise TinymlError(f"no event in `tinyml log dump` after {LOG_FLUSH_TRIES} tries")
