"""model.yaml: the schema-checked description of a model directory."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any

import yaml
from pykwalify.core import Core
from pykwalify.errors import PyKwalifyException

from ..errors import InputError, not_utf8

SCHEMA_FILE = Path(__file__).with_name("model_schema.yaml")
MODEL_FILE = "model.yaml"


class SourceFormat(Enum):
    KERAS = "keras"
    SAVED_MODEL = "saved_model"
    TFLITE = "tflite"


class OutputKind(Enum):
    """What the model's first output tensor holds."""

    CLASSES = "classes"
    ANOMALY_SCORE = "anomaly_score"
    REGRESSION = "regression"


@dataclass(frozen=True)
class Output:
    kind: OutputKind = OutputKind.CLASSES
    full_scale_q8: int | None = None  # anomaly_score: the error that scores 1.0


class QuantMode(Enum):
    INT8_PTQ = "int8_ptq"
    QAT = "qat"


@dataclass(frozen=True)
class Training:
    """Quantization-aware fine-tuning settings (mode qat)."""

    data: Path
    epochs: int
    batch_size: int
    learning_rate: float
    seed: int


@dataclass(frozen=True)
class Quantization:
    mode: QuantMode
    per_channel: bool
    representative_data: Path | None
    representative_samples: int
    max_accuracy_drop: float
    training: Training | None = None


@dataclass(frozen=True)
class ModelConfig:
    directory: Path
    name: str
    version: tuple[int, int, int]
    source_path: Path
    source_format: SourceFormat
    quantization: Quantization
    evaluation_data: Path | None
    labels: tuple[str, ...]
    thresholds: dict[str, float]
    feature_pipeline: Path
    output: Output = Output()

    @property
    def version_text(self) -> str:
        return ".".join(map(str, self.version))


def _schema_errors(data: Any) -> list[str]:
    # pykwalify logs every error at ERROR level itself and returns the data even when invalid:
    # silence its logger and read validation_errors.
    logging.getLogger("pykwalify").setLevel(logging.CRITICAL + 1)
    core = Core(source_data=data, schema_files=[str(SCHEMA_FILE)])
    try:
        core.validate(raise_exception=False)
    except PyKwalifyException as err:
        return [str(err.msg)]
    return [str(e) for e in (core.validation_errors or [])]


def load_model_config(model_dir: str | Path) -> ModelConfig:
    directory = Path(model_dir)
    file = directory / MODEL_FILE
    if not directory.is_dir():
        raise InputError(directory, "model directory not found")
    try:
        data = yaml.safe_load(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(file, "missing (a model directory needs a model.yaml)") from None
    except OSError as err:
        raise InputError(file, f"cannot read: {err.strerror}") from None
    except yaml.YAMLError as err:
        raise InputError(file, f"not valid YAML: {err}".replace("\n", " ")) from None
    except UnicodeDecodeError as err:
        raise not_utf8(file, err) from None
    if not isinstance(data, dict):
        raise InputError(file, "expected a mapping at the top level")
    errors = _schema_errors(data)
    if errors:
        raise InputError(file, "; ".join(errors))
    return _from_valid(directory, file, data)


def _from_valid(directory: Path, file: Path, data: dict[str, Any]) -> ModelConfig:
    major, minor, patch = (int(x) for x in str(data["version"]).split("."))
    if major > 255 or minor > 255 or patch > 65535:
        raise InputError(file, "/version: major and minor must be <= 255, patch <= 65535")
    labels = tuple(str(label) for label in data["labels"])
    if not 1 <= len(labels) <= 64 or len(set(labels)) != len(labels):
        raise InputError(file, "/labels: expected 1..64 distinct labels")
    if any(len(label.encode("utf-8")) > 63 for label in labels):
        raise InputError(file, "/labels: a label is longer than 63 UTF-8 bytes")
    thresholds = {str(k): float(v) for k, v in (data.get("thresholds") or {}).items()}
    for label in thresholds:
        if label not in labels:
            raise InputError(
                file, f"/thresholds/{label}: not a label; allowed: {', '.join(labels)}"
            )
    quant = data.get("quantization") or {}
    source = data["source"]
    source_format = SourceFormat(source["format"])
    mode = QuantMode(quant.get("mode", "int8_ptq"))
    rep = quant.get("representative_data")
    training = _training(directory, file, quant, source_format) if mode is QuantMode.QAT else None
    for key in _QAT_ONLY:
        if training is None and key in quant:
            raise InputError(file, f"/quantization/{key}: only used by mode qat")
    needs_rep = source_format is not SourceFormat.TFLITE and training is None
    if needs_rep and rep is None:
        raise InputError(
            file, "/quantization/representative_data: required to quantize a non-tflite source"
        )
    evaluation = data.get("evaluation_data")
    return ModelConfig(
        directory=directory,
        name=str(data["name"]),
        version=(major, minor, patch),
        source_path=directory / str(source["path"]),
        source_format=source_format,
        quantization=Quantization(
            mode=mode,
            per_channel=bool(quant.get("per_channel", True)),
            representative_data=directory / rep if rep is not None else None,
            representative_samples=int(quant.get("representative_samples", 200)),
            max_accuracy_drop=float(quant.get("max_accuracy_drop", 0.05)),
            training=training,
        ),
        evaluation_data=directory / evaluation if evaluation is not None else None,
        labels=labels,
        thresholds=thresholds,
        feature_pipeline=directory / str(data["feature_pipeline"]),
        output=_output(file, data, labels, thresholds),
    )


def _output(
    file: Path, data: dict[str, Any], labels: tuple[str, ...], thresholds: dict[str, float]
) -> Output:
    section = data.get("output") or {}
    kind = OutputKind(section.get("kind", "classes"))
    full_scale = section.get("full_scale_q8")
    if kind is OutputKind.ANOMALY_SCORE:
        if full_scale is None:
            raise InputError(
                file, "/output/full_scale_q8: required for kind anomaly_score (the error of 1.0)"
            )
        if len(labels) != 2:
            raise InputError(
                file, "/labels: kind anomaly_score needs two labels, [normal, anomaly]"
            )
        if labels[0] in thresholds:
            raise InputError(file, f"/thresholds/{labels[0]}: the normal class takes no threshold")
    elif full_scale is not None:
        raise InputError(file, "/output/full_scale_q8: only used by kind anomaly_score")
    if kind is OutputKind.REGRESSION and thresholds:
        raise InputError(file, "/thresholds: kind regression has no thresholds")
    return Output(kind, int(full_scale) if full_scale is not None else None)


_QAT_ONLY = ("training_data", "epochs", "batch_size", "learning_rate", "seed")


def _training(
    directory: Path, file: Path, quant: dict[str, Any], source_format: SourceFormat
) -> Training:
    if source_format is SourceFormat.TFLITE:
        raise InputError(
            file, "/quantization/mode: qat needs a Keras or SavedModel source, not a .tflite"
        )
    data = quant.get("training_data")
    if data is None:
        raise InputError(
            file, "/quantization/training_data: required for mode qat (an .npz with x and y)"
        )
    epochs = int(quant.get("epochs", 3))
    if not 1 <= epochs <= 1000:
        raise InputError(file, f"/quantization/epochs: must be 1..1000 for mode qat, not {epochs}")
    return Training(
        data=directory / str(data),
        epochs=epochs,
        batch_size=int(quant.get("batch_size", 32)),
        learning_rate=float(quant.get("learning_rate", 1e-4)),
        seed=int(quant.get("seed", 0)),
    )
