"""Train the gesture ring: a depthwise-separable CNN with quantization-aware training.

    python models/gesture/train.py           # reuse the committed model when unchanged
    python models/gesture/train.py --force   # retrain

The model sees the last 12 feature frames (about one second). Its convolution and dense
layers train with fake quantization (tensorflow-model-optimization), so the int8 model the
firmware runs is the one that was trained. The held-out split is never read here.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import generate  # type: ignore[import-not-found]
import numpy as np

from tinyml_tools.replay.training import ExampleSpec, standardize_layer, train_example

FRAMES = 12


def build(keras: Any, n_features: int, scale: np.ndarray, offset: np.ndarray, batch: int | None):
    layers = keras.layers
    inp = keras.Input(shape=(FRAMES, n_features), batch_size=batch, name="features")
    x = standardize_layer()(scale, offset, name="standardize")(inp)
    x = layers.Reshape((FRAMES, 1, n_features))(x)
    x = layers.Conv2D(24, (3, 1), padding="same", activation="relu")(x)
    for filters, stride in ((32, 1), (32, 2), (48, 2)):
        x = layers.DepthwiseConv2D((3, 1), strides=(stride, 1), padding="same", activation="relu")(
            x
        )
        x = layers.Conv2D(filters, (1, 1), activation="relu")(x)
    x = layers.GlobalAveragePooling2D()(x)
    out = layers.Dense(len(generate.CLASSES), activation="softmax", name="scores")(x)
    return keras.Model(inp, out, name="gesture")


def quantization_aware(model: Any) -> Any:
    """Fake-quantize the convolutions and the dense layer (the standardizing MUL/ADD stays
    float in training and is quantized after, from representative data)."""
    import tensorflow_model_optimization as tfmot
    import tf_keras

    quantizable = (tf_keras.layers.Conv2D, tf_keras.layers.DepthwiseConv2D, tf_keras.layers.Dense)

    def annotate(layer: Any) -> Any:
        if isinstance(layer, quantizable):
            return tfmot.quantization.keras.quantize_annotate_layer(layer)
        return layer

    annotated = tf_keras.models.clone_model(model, clone_function=annotate)
    with tfmot.quantization.keras.quantize_scope({"Standardize": standardize_layer()}):
        return tfmot.quantization.keras.quantize_apply(annotated)


SPEC = ExampleSpec(
    name="gesture",
    model_dir=Path(__file__).resolve().parent,
    classes=generate.CLASSES,
    channels=("ax", "ay", "az", "gx", "gy", "gz"),
    frames=FRAMES,
    session_seconds=150.0,
    epochs=20,
    min_overlap=0.8,
    build=build,
    sessions=generate.sessions,
    wrap=quantization_aware,
)

if __name__ == "__main__":
    sys.exit(train_example(SPEC))
