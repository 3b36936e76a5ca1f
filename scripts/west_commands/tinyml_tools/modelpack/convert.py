"""Keras / SavedModel -> full-integer int8 .tflite, with the accuracy drop of the int8 model.

TensorFlow is imported here only, when a conversion is needed: `check`, `inspect` and
`verify` never load it.
"""

from __future__ import annotations

import contextlib
import io
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import CheckFailed, InputError
from .data_files import Samples, check_against_input
from .files import read_input
from .model_config import ModelConfig, QuantMode, SourceFormat


@dataclass(frozen=True)
class Conversion:
    tflite: bytes
    float_accuracy: float | None
    int8_accuracy: float | None
    # mode qat only: the accuracy the same float model gets with int8 PTQ instead, for
    # comparison, and the layers tfmot could not fake-quantize (quantized post-training).
    ptq_int8_accuracy: float | None = None
    qat_float_layers: tuple[str, ...] = ()
    # the float model as a batch-1 .tflite (Keras and SavedModel sources), kept beside the
    # package so replay can report int8-vs-float agreement
    float_tflite: bytes | None = None

    @property
    def accuracy_drop(self) -> float | None:
        if self.float_accuracy is None or self.int8_accuracy is None:
            return None
        return self.float_accuracy - self.int8_accuracy


def _load_array(path: Path, what: str) -> Any:
    try:
        data = np.load(path, allow_pickle=False)
    except FileNotFoundError:
        raise InputError(path, f"{what} not found") from None
    except (OSError, ValueError) as err:
        raise InputError(path, f"{what} is not a .npy/.npz file ({err})") from None
    return data


def _representative(cfg: ModelConfig) -> Any:
    path, what = cfg.quantization.representative_data, "representative data"
    if path is None:  # mode qat: the training inputs calibrate what was not trained quantized
        assert cfg.quantization.training is not None
        path, what = cfg.quantization.training.data, "training data"
    data = _load_array(path, what)
    samples = data["x"] if hasattr(data, "files") else data
    if samples.ndim < 2 or len(samples) == 0:
        raise InputError(path, f"{what} must be an array of samples (N, ...)")
    return samples[: cfg.quantization.representative_samples].astype(np.float32)


def _evaluation(cfg: ModelConfig) -> tuple[Any, Any] | None:
    if cfg.evaluation_data is None:
        return None
    data = _load_array(cfg.evaluation_data, "evaluation data")
    if not hasattr(data, "files") or "x" not in data.files or "y" not in data.files:
        raise InputError(cfg.evaluation_data, "evaluation data must be an .npz with x and y")
    return data["x"].astype(np.float32), data["y"].astype(np.int64)


def _quiet_tensorflow() -> Any:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    import tensorflow as tf

    tf.get_logger().setLevel("ERROR")
    return tf


def _converter(tf: Any, cfg: ModelConfig) -> tuple[Any, Any]:
    """The TFLite converter of the source, and the float model (Keras only)."""
    source = cfg.source_path
    if not source.exists():
        raise InputError(source, "source model not found")
    if cfg.source_format is SourceFormat.SAVED_MODEL:
        try:
            return tf.lite.TFLiteConverter.from_saved_model(str(source)), None
        except (OSError, ValueError, RuntimeError) as err:
            raise InputError(source, f"cannot load SavedModel: {err}".splitlines()[0]) from None
    # Keras names tensors from process-wide counters, and the names end up in the flatbuffer:
    # a fresh session makes a second conversion in the same process give the same bytes.
    tf.keras.backend.clear_session()
    try:
        model = tf.keras.models.load_model(source, compile=False)
    except (OSError, ValueError, TypeError) as err:
        raise InputError(source, f"cannot load Keras model: {err}".splitlines()[0]) from None
    return tf.lite.TFLiteConverter.from_keras_model(_fixed_batch(tf.keras, model)), model


def _fixed_batch(keras: Any, model: Any) -> Any:
    """The model behind an input with a batch of 1: far fewer ops (no dynamic-shape plumbing)."""
    inputs = keras.Input(shape=model.inputs[0].shape[1:], batch_size=1, name="input")
    return keras.Model(inputs, model(inputs))


def _int8_accuracy(tf: Any, tflite: bytes, x: Any, y: Any) -> float:
    interp = tf.lite.Interpreter(
        model_content=tflite,
        experimental_op_resolver_type=tf.lite.experimental.OpResolverType.BUILTIN_WITHOUT_DEFAULT_DELEGATES,
    )
    interp.allocate_tensors()
    inp, out = interp.get_input_details()[0], interp.get_output_details()[0]
    scale, zero = inp["quantization"]
    correct = 0
    for sample, label in zip(x, y, strict=True):
        q = np.clip(np.round(sample / scale + zero), -128, 127).astype(np.int8)
        interp.set_tensor(inp["index"], q.reshape(inp["shape"]))
        interp.invoke()
        correct += int(np.argmax(interp.get_tensor(out["index"])) == label)
    return correct / len(y)


def _to_int8(tf: Any, cfg: ModelConfig, converter: Any, samples: Any) -> bytes:
    """Full-integer int8 conversion: int8 input and output, int8 builtin kernels only."""

    def representative() -> Iterator[list[Any]]:
        for sample in samples:
            yield [sample[np.newaxis, ...]]

    converter.optimizations = [tf.lite.Optimize.DEFAULT]
    converter.representative_dataset = representative
    converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
    converter.inference_input_type = tf.int8
    converter.inference_output_type = tf.int8
    if not cfg.quantization.per_channel:
        converter._experimental_disable_per_channel = True
    try:
        with contextlib.redirect_stdout(io.StringIO()):  # the Keras export prints its endpoints
            return bytes(converter.convert())
    except Exception as err:  # the converter raises ConverterError, ValueError, ...
        raise InputError(
            cfg.source_path, f"int8 conversion failed: {err}".splitlines()[0]
        ) from None


def _to_float(cfg: ModelConfig, converter: Any) -> bytes:
    """The float model as a .tflite (no quantization), for replay's int8-vs-float figure."""
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            return bytes(converter.convert())
    except Exception as err:  # the converter raises ConverterError, ValueError, ...
        raise InputError(
            cfg.source_path, f"float conversion failed: {err}".splitlines()[0]
        ) from None


def _float_converter(tf: Any, cfg: ModelConfig, float_model: Any) -> Any:
    if float_model is not None:
        return tf.lite.TFLiteConverter.from_keras_model(_fixed_batch(tf.keras, float_model))
    return tf.lite.TFLiteConverter.from_saved_model(str(cfg.source_path))


def _input_shape(tflite: bytes) -> tuple[int, ...]:
    from .tflite_model import load_tflite

    model = load_tflite("(converted)", tflite)
    return model.tensors[model.inputs[0]].shape


def _check_samples(
    cfg: ModelConfig, samples: list[Samples], tflite: bytes, float_model: Any
) -> None:
    """The data files fit the converted model (and the Keras model itself) before it runs."""
    shape = _input_shape(tflite)
    check_against_input(samples, tuple(shape[1:]), cfg.source_path, exact=False)
    if float_model is not None:
        keras_shape = tuple(float_model.inputs[0].shape[1:])
        if all(isinstance(d, int) for d in keras_shape):
            check_against_input(samples, keras_shape, cfg.source_path, exact=True)


def _float_accuracy(float_model: Any, x: Any, y: Any) -> float:
    return float(np.mean(np.argmax(float_model.predict(x, verbose=0), axis=-1) == y))


def _convert_qat(tf: Any, cfg: ModelConfig, samples: Any, checked: list[Samples]) -> Conversion:
    from .qat import fine_tune

    models = fine_tune(cfg)
    trained = _fixed_batch(models.keras, models.trained)
    tflite = _to_int8(tf, cfg, tf.lite.TFLiteConverter.from_keras_model(trained), samples)
    _check_samples(cfg, checked, tflite, models.float_model)
    fixed_float = _fixed_batch(models.keras, models.float_model)
    float_tflite = _to_float(cfg, tf.lite.TFLiteConverter.from_keras_model(fixed_float))
    evaluation = _evaluation(cfg)
    if evaluation is None:
        return Conversion(
            tflite, None, None, qat_float_layers=models.float_layers, float_tflite=float_tflite
        )
    x, y = evaluation
    # The PTQ figure of the same float model, for comparison (one more conversion, seconds).
    ptq = _to_int8(tf, cfg, tf.lite.TFLiteConverter.from_keras_model(fixed_float), samples)
    result = Conversion(
        tflite,
        _float_accuracy(models.float_model, x, y),
        _int8_accuracy(tf, tflite, x, y),
        ptq_int8_accuracy=_int8_accuracy(tf, ptq, x, y),
        qat_float_layers=models.float_layers,
        float_tflite=float_tflite,
    )
    check_accuracy_drop(cfg, result)
    return result


def convert(cfg: ModelConfig, checked: list[Samples] | None = None) -> Conversion:
    """The int8 .tflite (and the float one); ``checked``: the data files, already read and
    checked by ``data_files`` before this imports TensorFlow."""
    if cfg.source_format is SourceFormat.TFLITE:
        return Conversion(read_input(cfg.source_path, "source model"), None, None)
    checked = checked or []
    tf = _quiet_tensorflow()
    samples = _representative(cfg)
    if cfg.quantization.mode is QuantMode.QAT:
        return _convert_qat(tf, cfg, samples, checked)
    converter, float_model = _converter(tf, cfg)
    tflite = _to_int8(tf, cfg, converter, samples)
    _check_samples(cfg, checked, tflite, float_model)
    float_tflite = _to_float(cfg, _float_converter(tf, cfg, float_model))
    evaluation = _evaluation(cfg)
    if evaluation is None or float_model is None:
        return Conversion(tflite, None, None, float_tflite=float_tflite)
    x, y = evaluation
    result = Conversion(
        tflite,
        _float_accuracy(float_model, x, y),
        _int8_accuracy(tf, tflite, x, y),
        float_tflite=float_tflite,
    )
    check_accuracy_drop(cfg, result)
    return result


def check_accuracy_drop(cfg: ModelConfig, result: Conversion) -> None:
    drop = result.accuracy_drop
    if drop is not None and drop > cfg.quantization.max_accuracy_drop:
        raise CheckFailed(
            f"{cfg.directory / 'model.yaml'}: int8 accuracy {result.int8_accuracy:.3f} is "
            f"{drop:.3f} below the float model's {result.float_accuracy:.3f} "
            f"(max_accuracy_drop {cfg.quantization.max_accuracy_drop})"
        )
