"""A native_sim build that runs one detector (detector.yaml) on a canned recording.

The firmware takes the detector's settings as Kconfig (pipeline file and axes, trigger,
decision); `west replay` reads the same detector.yaml next to the package. Both are derived
from the one file here, so the emulated device and the replay run the same detector.
"""

from __future__ import annotations

from pathlib import Path

from ..errors import InputError
from ..paths import REPO_ROOT
from ..replay import device as replay_device
from ..replay import recording as recording_io
from ..replay import settings as settings_io
from .builds import AppBuild


def _kconfig_path(path: Path) -> str:
    """Relative to the repository root when inside it (the build resolves it from there),
    else absolute."""
    try:
        return path.resolve().relative_to(REPO_ROOT.resolve()).as_posix()
    except ValueError:
        return str(path.resolve())


def kconfig_args(settings: settings_io.DetectorSettings) -> tuple[str, ...]:
    """-DCONFIG_... arguments of the firmware running @p settings."""
    dec = settings.decision
    if dec.vote_window != 1:
        raise InputError(settings.path, "the firmware votes over 1 window (decision.vote_window)")
    args = [
        f'-DCONFIG_TINYML_PIPELINE_FILE="{_kconfig_path(settings.pipeline_path)}"',
        f"-DCONFIG_TINYML_RING_AXES={settings.pipeline.axes}",
        f"-DCONFIG_TINYML_APP_CONFIRM_K={dec.confirm_k}",
        f"-DCONFIG_TINYML_APP_CONFIRM_SPAN_MS={dec.confirm_span_ms}",
        f"-DCONFIG_TINYML_APP_REFRACTORY_MS={dec.refractory_ms}",
        f"-DCONFIG_TINYML_APP_DECISION_MARGIN_Q15={replay_device.q15(dec.margin)}",
        f"-DCONFIG_TINYML_APP_DECISION_HYSTERESIS_Q15={replay_device.q15(dec.hysteresis)}",
    ]
    trig = settings.trigger
    if trig.mode is settings_io.TriggerMode.NONE:
        args.append("-DCONFIG_TINYML_APP_TRIGGER=n")
    else:
        mode = "RMS" if trig.mode is settings_io.TriggerMode.RMS else "DELTA"
        args += [
            "-DCONFIG_TINYML_APP_TRIGGER=y",
            f"-DCONFIG_TINYML_APP_TRIGGER_{mode}=y",
            f"-DCONFIG_TINYML_APP_TRIGGER_THRESHOLD={trig.threshold}",
            f"-DCONFIG_TINYML_APP_TRIGGER_HOLD_MS={trig.hold_ms}",
        ]
    return tuple(args)


def canned_build(
    name: str, detector: Path, recording: Path, extra: tuple[str, ...] = ()
) -> AppBuild:
    """native_sim with @p detector's settings, playing @p recording from sample 0 (no
    self-test set: the knock set does not fit another pipeline); @p extra CMake arguments."""
    settings = settings_io.load(detector)
    rec = recording_io.read(recording)
    if tuple(rec.channels) != settings.channels:
        raise InputError(
            recording,
            f"channels {list(rec.channels)}; the canned capture plays them as they are and "
            f"{detector.name} needs {list(settings.channels)}",
        )
    args = (
        *kconfig_args(settings),
        "-DCONFIG_TINYML_APP_CAPTURE_CANNED=y",
        f'-DCONFIG_TINYML_APP_CANNED_RECORDING="{_kconfig_path(recording)}"',
        '-DCONFIG_TINYML_APP_SELFTEST_FILE=""',
        *extra,
    )
    return AppBuild(name, "native_sim", args)
