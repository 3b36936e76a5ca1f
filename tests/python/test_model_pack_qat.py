"""`model-pack build` with quantization-aware training (mode qat) of a tf_keras source."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from test_model_pack_keras import PIPELINE, _conv_weight_scales, synthetic_knocks

from tinyml_tools import cli
from tinyml_tools.modelpack import schema
from tinyml_tools.modelpack.package import parse_package
from tinyml_tools.modelpack.tflite_model import load_tflite

DATA_FILES = ("train.npz", "eval.npz", "pipeline.yaml")
QAT = (
    "quantization: {mode: qat, training_data: train.npz, epochs: 2, learning_rate: 0.001,"
    " max_accuracy_drop: 0.05}\n"
)


def _model_yaml(source: str, quantization: str) -> str:
    return (
        f"name: knock\nversion: 0.4.0\nsource: {{path: {source}, format: keras}}\n"
        f"{quantization}evaluation_data: eval.npz\nlabels: [none, single, double]\n"
        "feature_pipeline: pipeline.yaml\n"
    )


def _linked_copy(source: Path, target: Path, names: tuple[str, ...]) -> Path:
    """A model directory linking the named files of another one."""
    target.mkdir()
    for name in names:
        (target / name).symlink_to(source / name)
    return target


def _build_report(model_dir: Path, out: Path, capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    code = cli.main(["model-pack", "build", str(model_dir), "-o", str(out), "--json"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    report: dict[str, Any] = json.loads(captured.out)
    assert report["quantization"] == "qat" and out.is_file()
    return report


def write_qat_dir(root: Path) -> Path:
    """A float 2D CNN trained with tf_keras (Keras 2) on synthetic knocks, ready for QAT."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    import tf_keras as keras

    keras.utils.set_random_seed(0)
    x, y = synthetic_knocks(400, 0)
    model = keras.Sequential(
        [
            keras.Input((64, 1)),
            keras.layers.Reshape((64, 1, 1)),
            keras.layers.Conv2D(8, (5, 1), activation="relu"),
            keras.layers.MaxPooling2D((2, 1)),
            keras.layers.Conv2D(8, (3, 1), activation="relu"),
            keras.layers.GlobalAveragePooling2D(),
            keras.layers.Dense(3, activation="softmax"),
        ]
    )
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="sparse_categorical_crossentropy")
    model.fit(x, y, epochs=15, batch_size=32, verbose=0)
    root.mkdir(parents=True)
    model.save(root / "model.keras")
    np.savez(root / "train.npz", x=x, y=y)
    ex, ey = synthetic_knocks(200, 1)
    np.savez(root / "eval.npz", x=ex, y=ey)
    (root / "pipeline.yaml").write_text(PIPELINE.read_text())
    (root / "model.yaml").write_text(_model_yaml("model.keras", QAT))
    return root


@pytest.fixture(scope="session")
def qat_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_qat_dir(tmp_path_factory.mktemp("qat") / "knock")


def test_qat_model_is_int8_compatible_and_reports_the_accuracy_drop(
    qat_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "knock.pkg"
    report = _build_report(qat_dir, out, capsys)
    assert report["float_accuracy"] > 0.9  # the float model learned the synthetic task
    assert report["accuracy_drop"] == pytest.approx(
        report["float_accuracy"] - report["int8_accuracy"]
    )
    assert report["accuracy_drop"] <= 0.05
    assert 0.0 <= report["ptq_int8_accuracy"] <= 1.0
    assert report["qat_float_layers"] == []  # tfmot fake-quantized every layer of this model
    ops = {op.split(":")[0] for op in report["ops"]}
    assert ops == {"RESHAPE", "CONV_2D", "MAX_POOL_2D", "MEAN", "FULLY_CONNECTED", "SOFTMAX"}

    payload = parse_package(out).payload
    model = load_tflite(out, payload)
    inp, outp = model.tensors[model.inputs[0]], model.tensors[model.outputs[0]]
    assert inp.type == outp.type == schema.TensorType.INT8
    assert all(t.type != schema.TensorType.FLOAT32 for t in model.tensors)
    # The weights are the fake-quantized ones tfmot trained (per channel for the convolutions).
    names = " ".join(t.name for t in model.tensors)
    assert "FakeQuantWithMinMaxVarsPerChannel" in names
    assert _conv_weight_scales(out) == [8, 8]

    flat = tmp_path / "knock_qat.tflite"
    flat.write_bytes(payload)
    assert cli.main(["model-pack", "check", str(flat), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["compatible"] is True


def test_tf_keras_saved_model_source_per_tensor_weights(
    qat_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import tf_keras as keras

    model_dir = _linked_copy(qat_dir, tmp_path / "sm", DATA_FILES)
    keras.models.load_model(qat_dir / "model.keras").save(model_dir / "saved_model")
    (model_dir / "model.yaml").write_text(
        _model_yaml("saved_model", QAT)
        .replace("format: keras", "format: saved_model")
        .replace("mode: qat,", "mode: qat, per_channel: false,")
    )
    out = tmp_path / "sm.pkg"
    report = _build_report(model_dir, out, capsys)
    assert report["accuracy_drop"] <= 0.05 and "CONV_2D:v3" in report["ops"]
    assert _conv_weight_scales(out) == [1, 1]  # per_channel: false reaches tfmot's scheme


@pytest.mark.parametrize(
    ("quantization", "message"),
    [
        (
            "quantization: {mode: qat, epochs: 2}\n",
            "/quantization/training_data: required for mode qat",
        ),
        (
            "quantization: {mode: qat, training_data: train.npz, epochs: 0}\n",
            "/quantization/epochs: must be 1..1000 for mode qat, not 0",
        ),
        (
            "quantization: {mode: qat, training_data: train.npz, epochs: -3}\n",
            "/quantization/epochs: must be 1..1000 for mode qat, not -3",
        ),
        (
            "quantization: {mode: qat, training_data: missing.npz}\n",
            "missing.npz: training data not found",
        ),
        (
            "quantization: {mode: int8_ptq, representative_data: eval.npz, epochs: 3}\n",
            "/quantization/epochs: only used by mode qat",
        ),
        (
            "quantization: {mode: qat, training_data: wrong_shape.npz}\n",
            "wrong_shape.npz: training data: samples of shape [32, 1], but model.keras takes "
            "[64, 1] per sample",
        ),
        (
            "quantization: {mode: qat, training_data: bad_labels.npz}\n",
            "bad_labels.npz: training data: y holds label 3 (sample 3, 1 such samples); "
            "model.yaml has 3 labels, so y must be 0..2",
        ),
        (
            "quantization: {mode: quantize_please, training_data: train.npz}\n",
            "/quantization/mode",
        ),
    ],
)
def test_bad_qat_configs_are_refused_in_one_line(
    qat_dir: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    quantization: str,
    message: str,
) -> None:
    model_dir = _linked_copy(qat_dir, tmp_path / "bad", (*DATA_FILES, "model.keras"))
    np.savez(model_dir / "wrong_shape.npz", x=np.zeros((4, 32, 1), np.float32), y=np.zeros(4, int))
    np.savez(model_dir / "bad_labels.npz", x=np.zeros((4, 64, 1), np.float32), y=np.arange(4))
    (model_dir / "model.yaml").write_text(_model_yaml("model.keras", quantization))
    out = tmp_path / "bad.pkg"
    code = cli.main(["model-pack", "build", str(model_dir), "-o", str(out)])
    err = capsys.readouterr().err.strip()
    assert code == 1
    assert message in err and len(err.splitlines()) == 1
    assert not out.exists()


def test_keras3_and_exported_sources_are_refused_for_qat(
    qat_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import keras

    model_dir = _linked_copy(qat_dir, tmp_path / "k3", DATA_FILES)
    k3 = keras.Sequential([keras.Input((64, 1)), keras.layers.Flatten(), keras.layers.Dense(3)])
    k3.save(model_dir / "k3.keras")
    k3.save(model_dir / "k3.h5")
    exported = model_dir / "exported"  # what Keras 3 model.export() writes: no Keras metadata
    (exported / "variables").mkdir(parents=True)
    (exported / "saved_model.pb").write_bytes(b"")
    cases = {
        _model_yaml("k3.keras", QAT): f"{model_dir / 'k3.keras'}: QAT needs a model saved by "
        f"tf_keras (Keras 2); this file was saved by Keras {keras.__version__}",
        _model_yaml("k3.h5", QAT): f"{model_dir / 'k3.h5'}: QAT needs a model saved by "
        f"tf_keras (Keras 2); this file was saved by Keras {keras.__version__}",
        _model_yaml("exported", QAT).replace("format: keras", "format: saved_model"): (
            f"{exported}: QAT needs a model saved by tf_keras (Keras 2): this SavedModel has no "
            "keras_metadata.pb"
        ),
    }
    for yaml_text, message in cases.items():
        (model_dir / "model.yaml").write_text(yaml_text)
        code = cli.main(["model-pack", "build", str(model_dir), "-o", str(tmp_path / "x.pkg")])
        err = capsys.readouterr().err.strip()
        assert code == 1 and message in err and len(err.splitlines()) == 1, err
