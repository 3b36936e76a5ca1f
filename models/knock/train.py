"""Train the knock detector: a small 1D CNN over the last 8 feature frames (360 ms of signal).

    python models/knock/train.py           # reuse the committed model when inputs are unchanged
    python models/knock/train.py --force   # retrain

Generates the training split (conditions in generate.TRAIN; the held-out split is never
read here), computes features with the Python reference of the device pipeline, trains with
fixed seeds, and writes knock.tflite (int8, batch 1), knock_float.tflite and inputs.json.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import generate  # type: ignore[import-not-found]
import numpy as np

from tinyml_tools.replay.training import ExampleSpec, standardize_layer, train_example

FRAMES = 8


def build(keras: Any, n_features: int, scale: np.ndarray, offset: np.ndarray, batch: int | None):
    inp = keras.Input(shape=(FRAMES, n_features), batch_size=batch, name="features")
    x = standardize_layer()(scale, offset, name="standardize")(inp)
    x = keras.layers.Conv1D(24, 3, padding="same", activation="relu")(x)
    x = keras.layers.Conv1D(32, 3, strides=2, padding="same", activation="relu")(x)
    x = keras.layers.Conv1D(32, 3, strides=2, padding="same", activation="relu")(x)
    x = keras.layers.Flatten()(x)
    x = keras.layers.Dense(24, activation="relu")(x)
    out = keras.layers.Dense(len(generate.CLASSES), activation="softmax", name="scores")(x)
    return keras.Model(inp, out, name="knock")


SPEC = ExampleSpec(
    name="knock",
    model_dir=Path(__file__).resolve().parent,
    classes=generate.CLASSES,
    channels=("ax", "ay", "az"),
    frames=FRAMES,
    session_seconds=40.0,
    epochs=14,
    min_overlap=0.5,
    build=build,
    sessions=generate.sessions,
)

if __name__ == "__main__":
    sys.exit(train_example(SPEC))
