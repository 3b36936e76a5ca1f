"""Int8 and float TFLite files of a trained model: post-training quantization from
representative training inputs (PTQ), or quantization-aware training (QAT: the convolutions
and dense layers train with fake quantization, tensorflow-model-optimization, as
``model-pack``'s qat mode does), then full-integer conversion with int8 input and output."""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from ..errors import TinymlError
from ..replay.model import _quiet_stderr
from ..replay.training import copy_unwrapped_weights, keras, standardize_layer, to_tflite
from .templates import Norm, Template


def quantization_aware(model: Any) -> Any:
    """Fake-quantize the convolution and dense layers (the standardizing MUL/ADD and the
    elementwise ops stay float in training and are quantized after, from representative
    data)."""
    import tensorflow_model_optimization as tfmot  # type: ignore[import-untyped]
    import tf_keras

    quantizable = (tf_keras.layers.Conv1D, tf_keras.layers.Conv2D,
                   tf_keras.layers.DepthwiseConv2D, tf_keras.layers.Dense)  # fmt: skip

    def annotate(layer: Any) -> Any:
        if isinstance(layer, quantizable):
            return tfmot.quantization.keras.quantize_annotate_layer(layer)
        return layer

    annotated = tf_keras.models.clone_model(model, clone_function=annotate)
    try:
        with tfmot.quantization.keras.quantize_scope({"Standardize": standardize_layer()}):
            return tfmot.quantization.keras.quantize_apply(annotated)
    except (ValueError, RuntimeError, TypeError) as err:
        raise TinymlError(
            f"--qat: this template cannot be trained quantization-aware ({err})"
        ) from None


def export(
    template: Template,
    trained: Any,
    shape: tuple[int, int],
    n_out: int,
    norm: Norm,
    qat: bool,
    representative: npt.NDArray[np.float32],
    out_int8: Path,
    out_float: Path,
) -> int:
    """Write both files; the parameter count of the plain (unwrapped) model."""
    k = keras()
    single = template.build(k, shape, n_out, norm, 1)
    plain = None
    if qat:
        plain = single
        single = quantization_aware(template.build(k, shape, n_out, norm, 1))
    single.set_weights(trained.get_weights())
    if plain is not None:
        copy_unwrapped_weights(plain, single)
    with warnings.catch_warnings(), _quiet_stderr():
        warnings.simplefilter("ignore")
        to_tflite(single, representative, out_int8, out_float, plain)
    return int((plain or single).count_params())
