"""Quantization-aware fine-tuning (mode qat) of a tf_keras model with tensorflow-model-optimization.

tfmot 0.8 wraps tf_keras (Keras 2) layers only, so the source must have been saved by tf_keras:
a Keras 3 file is refused before TensorFlow is asked to train anything.
"""

from __future__ import annotations

import importlib
import json
import os
import warnings
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import InputError
from .model_config import ModelConfig, SourceFormat, Training

_NEEDS_TF_KERAS = "QAT needs a model saved by tf_keras (Keras 2)"


@dataclass(frozen=True)
class QatModels:
    keras: Any  # the tf_keras module the models belong to
    float_model: Any  # the source model as loaded, the accuracy reference
    trained: Any  # the fine-tuned quantization-aware model
    float_layers: tuple[str, ...]  # layers tfmot cannot fake-quantize (quantized after, by PTQ)


def _saved_keras_version(source: Path) -> str | None:
    """The Keras version recorded in a .keras or .h5 file (None when the file records none)."""
    if source.suffix == ".keras":
        try:
            with zipfile.ZipFile(source) as archive:
                meta = json.loads(archive.read("metadata.json"))
        except (OSError, KeyError, ValueError, zipfile.BadZipFile) as err:
            raise InputError(source, f"not a readable .keras archive ({err})") from None
        version = meta.get("keras_version") if isinstance(meta, dict) else None
        return str(version) if version is not None else None
    if source.suffix in (".h5", ".hdf5"):
        h5py = importlib.import_module("h5py")
        try:
            with h5py.File(source, "r") as h5:
                version = h5.attrs.get("keras_version")
        except OSError as err:
            raise InputError(source, f"not a readable HDF5 file ({err})") from None
        if isinstance(version, bytes):
            version = version.decode()
        return str(version) if version is not None else None
    return None


def check_tf_keras_source(cfg: ModelConfig) -> None:
    source = cfg.source_path
    if not source.exists():
        raise InputError(source, "source model not found")
    if cfg.source_format is SourceFormat.SAVED_MODEL:
        if not (source / "keras_metadata.pb").is_file():
            raise InputError(
                source,
                f"{_NEEDS_TF_KERAS}: this SavedModel has no keras_metadata.pb "
                "(save it with tf_keras model.save(dir), or use mode int8_ptq)",
            )
        return
    version = _saved_keras_version(source)
    if version is not None and not version.startswith("2."):
        raise InputError(
            source,
            f"{_NEEDS_TF_KERAS}; this file was saved by Keras {version} "
            "(save it with tf_keras, or use mode int8_ptq)",
        )


def load_training_data(training: Training, classes: int) -> tuple[Any, Any]:
    path = training.data
    try:
        data = np.load(path, allow_pickle=False)
    except FileNotFoundError:
        raise InputError(path, "training data not found") from None
    except (OSError, ValueError) as err:
        raise InputError(path, f"training data is not a .npz file ({err})") from None
    if not hasattr(data, "files") or "x" not in data.files or "y" not in data.files:
        raise InputError(path, "training data must be an .npz with x (N, ...) and labels y (N,)")
    x, y = data["x"], data["y"]
    if x.ndim < 2 or len(x) == 0 or y.shape != (len(x),):
        raise InputError(path, f"training data: x {x.shape} and y {y.shape} do not pair up")
    if not np.issubdtype(y.dtype, np.integer) or y.min() < 0 or y.max() >= classes:
        raise InputError(path, f"training data: y must hold class indices 0..{classes - 1}")
    return x.astype(np.float32), y.astype(np.int64)


def _tfmot() -> Any:
    # tfmot sets TF_USE_LEGACY_KERAS=1 process-wide when imported and then touches `tf.keras`,
    # which TensorFlow resolves lazily on first use: resolve it first and restore the variable,
    # so that `tf.keras` stays Keras 3 in this process and in child processes.
    tf = importlib.import_module("tensorflow")
    tf.keras.Model  # noqa: B018 (the attribute access loads the lazy module)
    saved = os.environ.get("TF_USE_LEGACY_KERAS")
    try:
        with warnings.catch_warnings():  # tfmot 0.8.1 still uses distutils.version
            warnings.simplefilter("ignore", DeprecationWarning)
            return importlib.import_module("tensorflow_model_optimization")
    finally:
        if saved is None:
            os.environ.pop("TF_USE_LEGACY_KERAS", None)
        else:
            os.environ["TF_USE_LEGACY_KERAS"] = saved


def _tf_keras() -> Any:
    return importlib.import_module("tf_keras")


def _outputs_probabilities(model: Any, x: Any) -> bool:
    scores = model.predict(x[:32], verbose=0)
    return bool(scores.min() >= 0.0 and np.allclose(scores.sum(axis=-1), 1.0, atol=1e-3))


def _pre_activation(layer: Any, inputs: Any) -> Any:
    linear = type(layer).from_config({**layer.get_config(), "activation": "linear"})
    linear.build(inputs.shape)
    linear.set_weights(layer.get_weights())
    return np.asarray(linear(inputs))


def _calibrate_ranges(keras: Any, float_model: Any, trainable: Any, x: Any) -> None:
    """Start every activation range at what the float model produces on the training inputs.

    tfmot starts them at [-6, 6] and moves them by a 0.999 moving average: a few epochs of
    fine-tuning leave larger activations clipped (and their gradients zero), and the int8 model
    is then worse than plain PTQ. Layers tfmot fused or renamed keep its defaults."""
    probed = [
        layer for layer in float_model.layers if not isinstance(layer, keras.layers.InputLayer)
    ]
    probe = keras.Model(float_model.inputs, [[layer.input, layer.output] for layer in probed])
    values = probe.predict(x, verbose=0)
    seen = {layer.name: (layer, io[0], io[1]) for layer, io in zip(probed, values, strict=True)}
    for wrapper in trainable.layers:
        inner = getattr(wrapper, "layer", None)
        entry = seen.get(inner.name) if inner is not None else None
        for var in wrapper.weights:
            kind = var.name.split("/")[-1].split(":")[0]
            if inner is None and kind.endswith(("_min", "_max")):  # the input QuantizeLayer
                observed = x
            elif entry is not None and kind.startswith(("post_activation_", "output_")):
                observed = entry[2]
            elif entry is not None and kind.startswith("pre_activation_"):
                observed = _pre_activation(entry[0], entry[1])
            else:
                continue
            if kind.endswith("_min"):
                var.assign(min(float(np.min(observed)), 0.0))
            elif kind.endswith("_max"):
                var.assign(max(float(np.max(observed)), 0.0))


def _check_inputs_fit(model: Any, x: Any, path: Path) -> None:
    if len(model.inputs) != 1:
        raise InputError(path, f"the model has {len(model.inputs)} inputs; QAT trains one")
    expected = tuple(model.inputs[0].shape[1:])
    fits = len(expected) == x.ndim - 1 and all(
        e is None or e == d for e, d in zip(expected, x.shape[1:], strict=True)
    )
    if not fits:
        shape = tuple(-1 if e is None else e for e in expected)
        raise InputError(
            path, f"training samples have shape {x.shape[1:]}, the model takes {shape}"
        )


def fine_tune(cfg: ModelConfig) -> QatModels:
    """Load the tf_keras source, wrap every layer tfmot supports in fake quantization, train it
    on the training data."""
    training = cfg.quantization.training
    assert training is not None
    check_tf_keras_source(cfg)
    x, y = load_training_data(training, len(cfg.labels))
    tfmot = _tfmot()
    keras = _tf_keras()
    keras.backend.clear_session()  # tensor names come from process-wide counters
    keras.utils.set_random_seed(training.seed)
    source = cfg.source_path
    try:
        model = keras.models.load_model(source, compile=False)
    except (OSError, ValueError, TypeError) as err:
        raise InputError(source, f"cannot load tf_keras model: {err}".splitlines()[0]) from None
    _check_inputs_fit(model, x, training.data)
    quant = tfmot.quantization.keras
    registry = quant.default_8bit.Default8BitQuantizeRegistry()
    float_layers = tuple(
        layer.name
        for layer in model.layers
        if not isinstance(layer, keras.layers.InputLayer) and not registry.supports(layer)
    )

    def annotate(layer: Any) -> Any:
        return quant.quantize_annotate_layer(layer) if registry.supports(layer) else layer

    scheme = quant.default_8bit.Default8BitQuantizeScheme(
        disable_per_axis=not cfg.quantization.per_channel
    )
    try:
        annotated = keras.models.clone_model(model, clone_function=annotate)
        annotated.set_weights(model.get_weights())
        trainable = quant.quantize_apply(annotated, scheme)
    except (ValueError, RuntimeError, TypeError) as err:
        raise InputError(source, f"tfmot cannot wrap this model: {err}".splitlines()[0]) from None
    _calibrate_ranges(keras, model, trainable, x[: cfg.quantization.representative_samples])
    trainable.compile(
        optimizer=keras.optimizers.Adam(training.learning_rate),
        loss=keras.losses.SparseCategoricalCrossentropy(
            from_logits=not _outputs_probabilities(model, x)
        ),
    )
    trainable.fit(
        x, y, epochs=training.epochs, batch_size=training.batch_size, shuffle=True, verbose=0
    )
    return QatModels(keras=keras, float_model=model, trained=trainable, float_layers=float_layers)
