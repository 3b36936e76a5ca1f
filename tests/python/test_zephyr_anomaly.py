"""The parts of `make zephyr`'s anomaly step that need no Zephyr workspace: the firmware
configuration derived from a detector.yaml (so the device runs what `west replay` runs), the
refusal of a canned recording whose channels do not fit, the event lines that name the class,
and the regression package the firmware must refuse."""

from __future__ import annotations

import errno
import re
from pathlib import Path

import numpy as np
import pytest
import state_vectors as sv

from conftest import REPO
from tinyml_tools.errors import InputError
from tinyml_tools.features.pipeline import load_pipeline, pipeline_id
from tinyml_tools.modelpack.metadata import OUTPUT_REGRESSION
from tinyml_tools.modelpack.package import parse_package
from tinyml_tools.replay import recording as recording_io
from tinyml_tools.replay import settings as settings_io
from tinyml_tools.zephyr_run import anomaly_run, detector_build

PUMP_ANOMALY = REPO / "models" / "pump" / "anomaly" / "detector.yaml"
KNOCK = REPO / "models" / "knock" / "detector.yaml"


def args_of(detector: Path) -> dict[str, str]:
    out = {}
    for arg in detector_build.kconfig_args(settings_io.load(detector)):
        key, _, value = arg.removeprefix("-D").partition("=")
        out[key] = value.strip('"')
    return out


def test_pump_anomaly_firmware_runs_its_detector_settings() -> None:
    got = args_of(PUMP_ANOMALY)
    assert got["CONFIG_TINYML_PIPELINE_FILE"] == "models/pump/anomaly/pipeline.yaml"
    assert got["CONFIG_TINYML_RING_AXES"] == "4"
    assert got["CONFIG_TINYML_APP_TRIGGER"] == "n"  # trigger: {mode: none}
    assert (got["CONFIG_TINYML_APP_CONFIRM_K"], got["CONFIG_TINYML_APP_CONFIRM_SPAN_MS"]) == (
        "3",
        "2000",
    )
    assert got["CONFIG_TINYML_APP_REFRACTORY_MS"] == "10000"
    assert got["CONFIG_TINYML_APP_DECISION_MARGIN_Q15"] == "0"
    assert got["CONFIG_TINYML_APP_DECISION_HYSTERESIS_Q15"] == "655"  # round(0.02 * 32768)


def test_knock_settings_are_the_firmware_defaults() -> None:
    """The knock detector is what the default build runs: its derived values must equal the
    Kconfig defaults (app/Kconfig), or the qemu step compares two different detectors."""
    kconfig = (REPO / "app" / "Kconfig").read_text()
    got = args_of(KNOCK)
    assert got["CONFIG_TINYML_APP_TRIGGER_DELTA"] == "y"
    for key, value in got.items():
        name = key.removeprefix("CONFIG_")
        if name in ("TINYML_PIPELINE_FILE", "TINYML_RING_AXES", "TINYML_APP_TRIGGER"):
            continue
        if name.startswith("TINYML_APP_TRIGGER_") and value == "y":
            continue
        block = kconfig.split(f"config {name}\n", 1)[1].split("\nconfig ", 1)[0]
        assert f"default {value}\n" in block, f"{name}: knock's {value} is not the default"


def test_recording_whose_channels_differ_is_refused(tmp_path: Path) -> None:
    rec = tmp_path / "swapped.npz"
    samples = np.zeros((512, 4), dtype=np.int16)
    recording_io.write(
        rec, recording_io.Recording(samples, 512.0, ("current", "ax", "ay", "az"), {})
    )
    with pytest.raises(InputError, match="channels"):
        detector_build.canned_build("x", PUMP_ANOMALY, rec)


def test_files_outside_the_repository_are_named_absolutely(tmp_path: Path) -> None:
    settings = settings_io.load(PUMP_ANOMALY)
    moved = settings_io.DetectorSettings(
        **{**settings.__dict__, "pipeline_path": tmp_path / "pipeline.yaml"}
    )
    args = detector_build.kconfig_args(moved)
    assert f'-DCONFIG_TINYML_PIPELINE_FILE="{(tmp_path / "pipeline.yaml").resolve()}"' in args


def test_native_sim_log_records_are_read_once() -> None:
    event = "[00:00:05.880,000] <inf> tinyml_app: event: t_ms=5250 class=1 score_q15=32767"
    later = "[00:00:25.760,000] <inf> tinyml_app: event: t_ms=23000 class=1 score_q15=32767"
    twice = [f"uart:~$ {event}", event, "uart:~$ ", later, f"uart:~$ {later}", "uart:~$ "]
    assert anomaly_run.log_records(twice) == [f"uart:~$ {event}", "uart:~$ ", later, "uart:~$ "]


def test_event_and_score_lines_are_parsed() -> None:
    line = (
        "[00:00:12.000,000] <inf> tinyml_app: event: t_ms=12000 class=1 score_q15=28000 "
        "label=anomaly (anomaly score)"
    )
    found = anomaly_run.LABELLED_EVENT.search(line)
    assert found is not None and f"{found[1]}{found[2]}" == "anomaly (anomaly score)"
    lines = [
        "[00:00:01.000,000] <inf> tinyml_app: scores: t_ms=1000 q15=30000,2767",
        "uart:~$ [00:00:01.250,000] <inf> tinyml_app: scores: t_ms=1250 q15=-5,7,32767",
        line,
    ]
    assert anomaly_run.device_scores(lines) == [(1000, (30000, 2767)), (1250, (-5, 7, 32767))]
    dump = "uart:~$ 0: t=5s class 1 (anomaly) score 32767 margin 32767 model 0x01000000 boot 1"
    logged = re.search(anomaly_run.LOGGED_EVENT, dump)
    assert logged is not None and logged[1] == "anomaly"
    assert re.search(anomaly_run.LOGGED_EVENT, "0: t=5s class 1 score 32767 margin 0") is None


def test_regression_package_is_refused_by_the_c_parser(tmp_path: Path) -> None:
    pkg = anomaly_run.regression_package(tmp_path)
    meta = parse_package(pkg).metadata
    assert meta.output_kind is not None and meta.output_kind.kind == OUTPUT_REGRESSION
    verifier = sv.Verifier()
    spki = sv.public_spki(sv.dev_key())
    pipeline = load_pipeline(REPO / "models" / "pump" / "pipeline.yaml")
    expect = verifier.firmware_expect(spki, pipeline_id(pipeline), 64 * 1024)
    assert verifier.verify_expect(pkg.read_bytes(), expect) == -errno.ENOTSUP
    # the anomaly package the step runs passes the same firmware identity
    package = anomaly_run.anomaly_package(tmp_path)
    assert verifier.verify_expect(package.read_bytes(), expect) == 0
    expect.output_kinds = 0
    assert verifier.verify_expect(package.read_bytes(), expect) == -errno.ENOTSUP


def test_replay_side_of_the_step_finds_the_abnormal_episodes(tmp_path: Path) -> None:
    """What the device is compared with: `west replay` of the package the step builds, on the
    recording it plays, finds an anomaly (class 1) in each episode and none outside, and its
    score trace has unsaturated normal scores (else the comparison would prove little)."""
    from tinyml_tools.zephyr_run import events

    rec = anomaly_run.recording(tmp_path)
    package = anomaly_run.anomaly_package(tmp_path)
    replayed = events.replay_events(rec, package, 32, tmp_path)
    labels = rec.with_name(f"{anomaly_run.SESSION}.labels.csv").read_text().splitlines()[1:]
    episodes = [(float(a), float(b)) for a, b, _ in (row.split(",") for row in labels)]
    assert replayed and {e.class_id for e in replayed} == {1}
    for start, end in episodes:
        assert any(start * 1000 <= e.t_ms <= (end + 2.0) * 1000 for e in replayed)
    for e in replayed:
        assert any(start * 1000 <= e.t_ms <= (end + 2.0) * 1000 for start, end in episodes)
    trace = anomaly_run.replay_scores(rec, package, 32, tmp_path)
    assert [t for t, _ in trace] == sorted({t for t, _ in trace})
    assert all(t % 250 == 0 and a + b == 32767 for t, (a, b) in trace)  # 0.25 s windows
    anomaly = [b for _, (_, b) in trace]
    assert min(anomaly) < 8192 and max(anomaly) == 32767
