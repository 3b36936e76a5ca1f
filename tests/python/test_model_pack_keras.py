"""`model-pack build` from Keras and SavedModel sources: int8 PTQ, accuracy drop, packaging."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from tinyml_tools import cli
from tinyml_tools.errors import CheckFailed
from tinyml_tools.modelpack.convert import Conversion, check_accuracy_drop
from tinyml_tools.modelpack.model_config import load_model_config
from tinyml_tools.paths import REPO_ROOT

PIPELINE = REPO_ROOT / "tests" / "python" / "fixtures" / "pipeline_8.yaml"  # 8 per frame


def synthetic_knocks(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Three classes of 64-sample windows: noise, one knock, two knocks."""
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 3, n)
    x = rng.normal(0.0, 0.1, (n, 64, 1)).astype(np.float32)
    for i, label in enumerate(y):
        for k in range(int(label)):
            at = 8 + 24 * k + int(rng.integers(0, 8))
            x[i, at : at + 6, 0] += np.hanning(6) * 2.0
    return x, y


def write_keras_dir(root: Path, fmt: str = "keras") -> Path:
    """A trained tiny 1D CNN (the shape of the knock detector) and its model.yaml."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    import tensorflow as tf

    tf.keras.utils.set_random_seed(0)
    x, y = synthetic_knocks(600, 0)
    model = tf.keras.Sequential(
        [
            tf.keras.Input((64, 1)),
            tf.keras.layers.Conv1D(8, 5, activation="relu"),
            tf.keras.layers.MaxPooling1D(2),
            tf.keras.layers.Conv1D(8, 3, activation="relu"),
            tf.keras.layers.GlobalAveragePooling1D(),
            tf.keras.layers.Dense(3, activation="softmax"),
        ]
    )
    model.compile(
        optimizer=tf.keras.optimizers.Adam(0.01),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    model.fit(x, y, epochs=20, batch_size=32, verbose=0)
    root.mkdir(parents=True)
    if fmt == "keras":
        model.save(root / "model.keras")
        source = "model.keras"
    else:
        model.export(root / "saved_model", verbose=False)
        source = "saved_model"
    np.save(root / "rep.npy", x[:100])
    ex, ey = synthetic_knocks(200, 1)
    np.savez(root / "eval.npz", x=ex, y=ey)
    (root / "pipeline.yaml").write_text(PIPELINE.read_text())
    (root / "model.yaml").write_text(
        f"name: knock\nversion: 0.3.0\nsource: {{path: {source}, format: {fmt}}}\n"
        "quantization: {mode: int8_ptq, per_channel: true, representative_data: rep.npy,"
        " max_accuracy_drop: 0.1}\n"
        "evaluation_data: eval.npz\nlabels: [none, single, double]\n"
        "thresholds: {single: 0.7, double: 0.7}\nfeature_pipeline: pipeline.yaml\n"
    )
    return root


@pytest.fixture(scope="session")
def keras_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_keras_dir(tmp_path_factory.mktemp("keras") / "knock")


def test_keras_model_converts_to_int8_and_reports_the_accuracy_drop(
    keras_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "knock.pkg"
    code = cli.main(["model-pack", "build", str(keras_dir), "-o", str(out), "--json"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    report = json.loads(captured.out)
    assert report["float_accuracy"] > 0.9  # the tiny CNN learned the synthetic task
    assert report["accuracy_drop"] == pytest.approx(
        report["float_accuracy"] - report["int8_accuracy"]
    )
    assert report["accuracy_drop"] <= 0.1
    assert report["model_version"] == "0.3.0"
    # Batch 1, int8 end to end: only manifest ops, no QUANTIZE/DEQUANTIZE at the edges.
    ops = {op.split(":")[0] for op in report["ops"]}
    assert ops <= {
        "CONV_2D",
        "MAX_POOL_2D",
        "MEAN",
        "FULLY_CONNECTED",
        "SOFTMAX",
        "RESHAPE",
        "EXPAND_DIMS",
        "SQUEEZE",
        "AVERAGE_POOL_2D",
    }
    assert "QUANTIZE" not in ops and "DEQUANTIZE" not in ops
    again = tmp_path / "again.pkg"
    assert cli.main(["model-pack", "build", str(keras_dir), "-o", str(again)]) == 0
    assert again.read_bytes() == out.read_bytes()  # conversion and signature are reproducible
    capsys.readouterr()
    code = cli.main(["model-pack", "inspect", str(out), "--json"])
    inspected = json.loads(capsys.readouterr().out)
    assert inspected["inputs"][0]["type"] == "int8"
    assert inspected["inputs"][0]["shape"] == [1, 64, 1]
    assert inspected["labels"] == ["none", "single", "double"]


def test_accuracy_drop_limit_is_enforced(keras_dir: Path) -> None:
    cfg = load_model_config(keras_dir)  # max_accuracy_drop: 0.1
    check_accuracy_drop(cfg, Conversion(b"", 0.95, 0.90))
    with pytest.raises(CheckFailed, match=r"int8 accuracy 0.800 is 0.150 below the float"):
        check_accuracy_drop(cfg, Conversion(b"", 0.95, 0.80))


def test_saved_model_source_converts(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    model_dir = write_keras_dir(tmp_path / "sm", fmt="saved_model")
    out = tmp_path / "sm.pkg"
    code = cli.main(["model-pack", "build", str(model_dir), "-o", str(out), "--json"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    report = json.loads(captured.out)
    assert "CONV_2D:v3" in report["ops"] and report["signed"] is True


def test_missing_representative_data_is_named(
    keras_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = tmp_path / "broken"
    broken.mkdir()
    for item in keras_dir.iterdir():
        if item.name not in ("model.yaml", "rep.npy"):
            (broken / item.name).symlink_to(item)
    (broken / "model.yaml").write_text((keras_dir / "model.yaml").read_text())
    code = cli.main(["model-pack", "build", str(broken), "-o", str(tmp_path / "x.pkg")])
    err = capsys.readouterr().err
    assert code != 0 and "rep.npy: representative data not found" in err


def _conv_weight_scales(package: Path) -> list[int]:
    from tinyml_tools.modelpack import schema
    from tinyml_tools.modelpack.package import parse_package
    from tinyml_tools.modelpack.tflite_model import load_tflite

    model = load_tflite(package, parse_package(package).payload)
    return [
        len(model.tensors[op.inputs[1]].scales)
        for op in model.operators
        if op.code == schema.BuiltinOperator.CONV_2D
    ]


def test_per_channel_option_controls_the_weight_scales(
    keras_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    per_tensor = tmp_path / "per_tensor"
    per_tensor.mkdir()
    for item in keras_dir.iterdir():
        if item.name != "model.yaml":
            (per_tensor / item.name).symlink_to(item)
    yaml_text = (keras_dir / "model.yaml").read_text()
    (per_tensor / "model.yaml").write_text(
        yaml_text.replace("per_channel: true", "per_channel: false")
    )
    outputs = {}
    for name, model_dir in (("channel", keras_dir), ("tensor", per_tensor)):
        outputs[name] = tmp_path / f"{name}.pkg"
        assert cli.main(["model-pack", "build", str(model_dir), "-o", str(outputs[name])]) == 0
    capsys.readouterr()
    assert _conv_weight_scales(outputs["channel"]) == [8, 8]  # one scale per output channel
    assert _conv_weight_scales(outputs["tensor"]) == [1, 1]


def _linked_copy(source: Path, target: Path, keep: tuple[str, ...]) -> Path:
    target.mkdir()
    for item in source.iterdir():
        if item.name in keep:
            (target / item.name).symlink_to(item)
    return target


def test_evaluation_no_better_than_chance_is_refused_unless_allowed(
    keras_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Labels in another order than model.yaml's: both accuracies collapse, the drop gate
    (which only compares them) would pass; the chance gate does not."""
    model_dir = _linked_copy(keras_dir, tmp_path / "m", ("model.keras", "rep.npy", "pipeline.yaml"))
    (model_dir / "model.yaml").write_text((keras_dir / "model.yaml").read_text())
    data = np.load(keras_dir / "eval.npz")
    np.savez(model_dir / "eval.npz", x=data["x"], y=(data["y"] + 1) % 3)
    out = tmp_path / "m.pkg"
    code = cli.main(["model-pack", "build", str(model_dir), "-o", str(out), "--json"])
    captured = capsys.readouterr()
    assert code == 2 and not out.exists()
    assert "eval.npz: the float model's accuracy" in captured.err
    assert "no better than chance" in captured.err and len(captured.err.splitlines()) == 1
    refusal = json.loads(captured.out)  # --json answers on refusal too
    assert refusal["ok"] is False and refusal["exit_code"] == 2
    code = cli.main(
        ["model-pack", "build", str(model_dir), "-o", str(out), "--allow-chance-accuracy", "--json"]
    )
    report = json.loads(capsys.readouterr().out)
    assert code == 0 and out.is_file()
    assert report["float_accuracy"] <= report["chance_accuracy"]


def test_build_keeps_the_int8_and_float_tflite_for_replay_agreement(
    keras_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from tinyml_tools.modelpack import schema
    from tinyml_tools.modelpack.package import parse_package
    from tinyml_tools.modelpack.tflite_model import load_tflite

    out = tmp_path / "det.pkg"
    assert cli.main(["model-pack", "build", str(keras_dir), "-o", str(out), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    int8, floats = tmp_path / "det.tflite", tmp_path / "det_float.tflite"
    assert report["int8_tflite"] == str(int8) and report["float_tflite"] == str(floats)
    assert int8.read_bytes() == parse_package(out).payload
    float_model = load_tflite(floats)
    assert float_model.tensors[float_model.inputs[0]].type == schema.TensorType.FLOAT32
    assert float_model.tensors[float_model.inputs[0]].shape == (1, 64, 1)
    # replay finds <package>_float.tflite beside the package and reports the agreement
    (tmp_path / "pipeline.yaml").write_text(PIPELINE.read_text())
    (tmp_path / "detector.yaml").write_text(
        "pipeline: pipeline.yaml\nchannels: [x]\ntrigger: {mode: none}\n"
    )
    rng = np.random.default_rng(3)
    t = np.arange(2 * 1600) / 1600
    rows = "\n".join(
        f"{ti:.6f},{int(v)}" for ti, v in zip(t, rng.normal(0, 300, t.size), strict=True)
    )
    recording = tmp_path / "noise.csv"
    recording.write_text("t,x\n" + rows + "\n")
    code = cli.main(["replay", str(recording), "--model", str(out), "--json"])
    data = json.loads(capsys.readouterr().out)
    assert code == 0 and data["model_runs"] > 0
    assert data["int8_float_agreement"] is not None and 0.0 <= data["int8_float_agreement"] <= 1


def test_bad_data_is_refused_before_tensorflow_is_imported(keras_dir: Path, tmp_path: Path) -> None:
    """Loading TensorFlow costs 15-20 s and 0.6 GB: no bad data file may cost that."""
    model_dir = _linked_copy(keras_dir, tmp_path / "m", ("model.keras", "rep.npy", "pipeline.yaml"))
    (model_dir / "model.yaml").write_text((keras_dir / "model.yaml").read_text())
    np.savez(model_dir / "eval.npz", x=np.zeros((3, 64, 1), np.float32), y=np.array([0, 1, 7]))
    script = (
        "import sys\nfrom tinyml_tools import cli\n"
        f"code = cli.main(['model-pack', 'build', {str(model_dir)!r}, '-o', 'x.pkg'])\n"
        "print(code, 'tensorflow' in sys.modules)\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=tmp_path, check=False
    )
    assert proc.stdout.split() == ["1", "False"], proc.stderr
    assert "eval.npz: evaluation data: y holds label 7" in proc.stderr
