"""The field loop on native_sim (`make zephyr`, step field): recording mode with the canned knock
recording, `field pull` of what it streamed against the recording's own samples, the false-
trigger report from the shell and the emulated button, and the event summaries read back as
`tinyml events dump` lines, checked against the events the device printed, then acknowledged.

SMP group 72 itself is not reachable here: native_sim's console UART is polled, and Zephyr
v4.1's shell passes SMP frames to mcumgr only from an interrupt-driven or async UART. The group
is tested through mcumgr's dummy transport (tests/zephyr/app) and the host poller through
smpclient's serial transport on a pseudo-terminal (tests/python/test_field_smp.py)."""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..errors import TinymlError
from ..fieldloop import events as summaries
from ..fieldloop import pull as field_pull
from ..fieldloop.events import EventSummary, Flags
from ..fieldloop.recstream import version_text
from ..paths import REPO_ROOT
from ..replay import recording as recording_io
from . import events as ev
from . import flashimage
from .builds import KNOCK_RECORDING, AppBuild
from .console import DeviceConsole
from .workspace import Workspace

BOOT_TIMEOUT_S = 120.0
RECORDING_TIMEOUT_S = 300.0
REC_LINE = re.compile(
    r"rec: seq (\d+) kind (window|snippet) frames (\d+) from stream frame (\d+), "
    r"trigger class (-?\d+)"
)
VERIFIED = r"model slot ([AB]) verified: version (\d+\.\d+\.\d+)"
TE_LINE = re.compile(r"@TE1:(\S+)")
WINDOWS = 2
SNIPPETS = 2


@dataclass(frozen=True)
class FieldRun:
    steps: list[str]


def _stream_positions(lines: list[str]) -> dict[int, tuple[str, int, int, int]]:
    """BEGIN sequence number -> (kind, frames, first stream frame, trigger class)."""
    found = (REC_LINE.search(line) for line in lines)
    return {int(m[1]): (m[2], int(m[3]), int(m[4]), int(m[5])) for m in found if m}


def check_recordings(
    lines: list[str], canned: np.ndarray, work: Path, windows: int = WINDOWS, snippets: int = 1
) -> tuple[list[str], set[tuple[int, int, int, int]]]:
    """`field pull` of the console; every pulled recording equals the canned recording's
    samples at the stream position the device announced for it (@p windows raw windows, at
    least @p snippets snippets). Also the (firmware, model, pipeline, runtime) the BEGIN frames
    carried."""
    capture = work / "field-console.log"
    capture.write_text("\n".join(lines) + "\n")
    result = field_pull.assemble(capture.read_text().splitlines())
    if result.issues:
        issues = "; ".join(f"line {i.line}: {i.message}" for i in result.issues)
        raise TinymlError(f"field pull reported: {issues}")
    positions = _stream_positions(lines)
    if len(result.recordings) != len(positions):
        raise TinymlError(
            f"{len(positions)} recordings announced, {len(result.recordings)} pulled complete"
        )
    kinds = {"window": 0, "snippet": 0}
    for rec in result.recordings:
        if rec.seq not in positions:
            raise TinymlError(f"pulled recording at seq {rec.seq} was never announced")
        kind, frames, first, trigger = positions[rec.seq]
        got = rec.recording.samples
        want = canned[first : first + frames]
        if got.shape != want.shape or not np.array_equal(got, want):
            differ = int(np.count_nonzero(got != want)) if got.shape == want.shape else -1
            raise TinymlError(
                f"recording seq {rec.seq} ({kind}, {frames} frames from {first}): samples "
                f"differ from {KNOCK_RECORDING} ({differ} values, shapes {got.shape}/{want.shape})"
            )
        if (rec.info.kind == 1) != (kind == "snippet"):
            raise TinymlError(f"recording seq {rec.seq}: BEGIN says kind {rec.info.kind}")
        if kind == "snippet" and rec.info.trigger_class != trigger:
            raise TinymlError(f"recording seq {rec.seq}: trigger class {rec.info.trigger_class}")
        kinds[kind] += 1
    if kinds["window"] != windows or kinds["snippet"] < snippets:
        raise TinymlError(f"expected {windows} windows and {snippets}+ snippets, pulled {kinds}")
    versions = {
        (r.info.fw_version, r.info.model_version, r.info.pipeline_id, r.info.runtime_id)
        for r in result.recordings
    }
    return [
        f"recording mode: {kinds['window']} raw windows and {kinds['snippet']} snippets "
        f"streamed, pulled by `field pull` and equal to {KNOCK_RECORDING} at the announced "
        f"stream frames ({sum(p[1] for p in positions.values())} frames in all)"
    ], versions


def check_summaries(
    dumped: list[EventSummary], device: list[ev.Event], flagged: int, what: str
) -> None:
    """Every printed event has its summary (class, score, time) in order, then the flagged
    copies; every summary carries the same versions."""
    plain = [s for s in dumped if not s.false_trigger]
    if len(plain) != len(device):
        raise TinymlError(f"{what}: {len(plain)} event summaries, the device printed {len(device)}")
    for s, e in zip(plain, device, strict=True):
        if (s.class_id, s.score_q15, s.time_s) != (e.class_id, e.score_q15, e.t_ms // 1000):
            raise TinymlError(f"{what}: summary seq {s.seq} is not event {e}")
    flags = [s for s in dumped if s.false_trigger]
    if len(flags) != flagged:
        raise TinymlError(f"{what}: {len(flags)} flagged summaries, expected {flagged}")
    versions = {(s.fw_version, s.model_version, s.pipeline_id, s.runtime_id) for s in dumped}
    if len(versions) != 1:
        raise TinymlError(f"{what}: summaries disagree on versions: {sorted(versions)}")
    seqs = [s.seq for s in dumped]
    if seqs != sorted(seqs) or len(set(seqs)) != len(seqs):
        raise TinymlError(f"{what}: sequence numbers not increasing: {seqs}")


def native_field_run(ws: Workspace, build: AppBuild, work: Path) -> FieldRun:
    package = REPO_ROOT / "models" / "knock" / "knock.pkg"
    layout = flashimage.layout(ws, build.build_dir)
    flash = work / "field_flash.bin"
    flash.write_bytes(flashimage.image(layout, {"model_slot_a": package.read_bytes()}))
    exe = build.app_dir / "zephyr" / "zephyr.exe"
    canned = recording_io.read(REPO_ROOT / KNOCK_RECORDING).samples
    steps: list[str] = []
    argv = [str(exe), f"--flash={flash}"]
    with DeviceConsole(argv, work / "console.log", "native_sim field") as dev:
        version = dev.expect(VERIFIED, BOOT_TIMEOUT_S)
        dev.expect("tinyml running", BOOT_TIMEOUT_S)
        dev.command(f"tinyml rec start window {WINDOWS}", r"rec: on|recording mode is on")
        dev.expect(r"rec: done, (\d+) streamed", RECORDING_TIMEOUT_S)
        dev.command(f"tinyml rec start snippet {SNIPPETS}", r"rec: on|recording mode is on")
        done = dev.expect(ev.DONE, RECORDING_TIMEOUT_S)
        if int(done[2]) != 0:
            raise TinymlError(f"{done[2]} capture blocks lost: the recording positions shift")
        dev.command("tinyml rec stop", r"rec: off, (\d+) streamed, (\d+) dropped")
        # native_sim logs to the shell and to the console backend: every line comes twice.
        printed = list(dict.fromkeys(ev.device_events(dev.lines)))
        if not printed:
            raise TinymlError("the device printed no event for the knock recording")
        pulled, rec_versions = check_recordings(dev.lines, canned, work)
        steps += pulled
        # False-trigger reports: the shell, a long press, a short press (ignored).
        dev.command("tinyml flag", r"last event flagged|no event to flag")
        dev.command("tinyml button hold 2500", r"button held 2500 ms: (-?\d+)", 60)
        dev.command("tinyml button hold 300", r"button held 300 ms: (-?\d+)", 60)
        while not any("windows fired (button)" in line for line in dev.lines):
            dev.expect(r"false trigger flagged", 10)  # the log is deferred
        first = len(dev.lines)
        dev.command("tinyml events dump", r"events: (\d+) pending, (\d+) dropped")
        found = (TE_LINE.search(line) for line in dev.lines[first:])
        dumped = [summaries.decode(base64.b64decode(m[1])) for m in found if m]
        # Two flagged copies: the shell's (bit 2) and the long press's; the short one is none.
        check_summaries(dumped, printed, 2, "tinyml events dump")
        flagged = [s for s in dumped if s.false_trigger]
        shell_flags = Flags.FALSE_TRIGGER | Flags.FLAGGED_FROM_SHELL
        if [s.flags for s in flagged] != [shell_flags, Flags.FALSE_TRIGGER]:
            raise TinymlError(f"flagged summaries: {[s.flags for s in flagged]}")
        if not flagged[0].features or flagged[0].features != flagged[1].features:
            raise TinymlError("a flagged summary carries no (or a different) feature summary")
        steps.append("tinyml flag and a 2.5 s button press flagged the last event; 0.3 s did not")
        s0 = dumped[0]
        ours = (s0.fw_version, s0.model_version, s0.pipeline_id, s0.runtime_id or 0)
        if rec_versions != {ours}:
            raise TinymlError(f"recordings carry versions {rec_versions}, summaries {ours}")
        if version_text(s0.model_version) != version[2]:
            raise TinymlError(
                f"summaries say model {version_text(s0.model_version)}, the "
                f"device verified {version[2]}"
            )
        steps.append(
            f"events dump: {len(dumped)} summaries = the {len(printed)} printed events + 2 "
            f"flagged (with {len(flagged[0].features)} feature mean/peak pairs); firmware "
            f"{version_text(s0.fw_version)}, model {version_text(s0.model_version)} "
            f"(slot {version[1]}: {version[2]}), pipeline 0x{s0.pipeline_id:08x}"
        )
        # Acknowledged up to the newest: nothing pending, as a gateway's SMP ack would leave it.
        newest = max(s.seq for s in dumped)
        acked = dev.command(f"tinyml events ack {newest}", r"events: (\d+) acknowledged, (\d+)")
        after = dev.command("tinyml events dump", r"events: (\d+) pending, (\d+) dropped")
        if int(acked[1]) != len(dumped) or int(after[1]) != 0:
            raise TinymlError(f"ack {newest}: {acked[0]}; then {after[0]}")
        steps.append(f"tinyml events ack {newest}: {acked[1]} removed, none pending")
    return FieldRun(steps)
