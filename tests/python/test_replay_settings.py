"""detector.yaml: the device settings around a model; every mistake is one line naming the file."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tinyml_tools.errors import InputError
from tinyml_tools.replay import model, runner, settings

MODELS = Path(__file__).resolve().parents[2] / "models"


def _copy(tmp_path: Path, example: str) -> Path:
    folder = tmp_path / example
    shutil.copytree(MODELS / example, folder, ignore=shutil.ignore_patterns("golden"))
    return folder


@pytest.mark.parametrize(
    ("old", "new", "problem"),
    [
        ("match_tolerance_s: 0.4", "match_tolerance: 0.4", "unknown key(s): match_tolerance"),
        ("channels: [ax, ay, az]", "channels: [ax, ay]", "2 channels but the pipeline takes 3"),
        ("mode: delta", "mode: edge", "'trigger.mode' must be delta, rms or none"),
        ("confirm_k: 2", "confirm_k: -2", "'decision.confirm_k' must be a non-negative number"),
        ("pipeline: pipeline.yaml", "pipeline: nowhere.yaml", "nowhere.yaml"),
    ],
)
def test_bad_settings(tmp_path: Path, old: str, new: str, problem: str) -> None:
    folder = _copy(tmp_path, "knock")
    path = folder / "detector.yaml"
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))
    with pytest.raises(InputError) as err:
        settings.load(path)
    assert problem in str(err.value) and "\n" not in str(err.value)


def test_drift_horizon_and_baseline(tmp_path: Path) -> None:
    folder = _copy(tmp_path, "pump")
    path = folder / "detector.yaml"
    loaded = settings.load(path)
    assert loaded.drift is not None and loaded.drift.horizon == 256
    assert len(loaded.drift.mean_q8) == loaded.pipeline.feature_count
    path.write_text(path.read_text().replace("horizon: 256", "horizon: 250"))
    with pytest.raises(InputError, match="power of two"):
        settings.load(path)
    path.write_text(path.read_text().replace("horizon: 250", "horizon: 256"))
    (folder / "baseline.json").write_text('{"mean_q8": [1], "std_q8": [1]}')
    with pytest.raises(InputError, match="baseline has 1 features, pipeline 32"):
        settings.load(path)


def test_a_model_of_another_pipeline_is_refused(tmp_path: Path) -> None:
    """As the firmware does: the package's pipeline ID must be the detector's pipeline's."""
    knock = settings.load(MODELS / "knock" / "detector.yaml")
    pump_model = model.load(MODELS / "pump" / "pump.pkg")
    with pytest.raises(InputError, match="trained on pipeline 0x9ae2c39d"):
        runner.DevicePipeline(knock, pump_model)
