"""Train the pump anomaly spotter: a small 1D CNN over the last 4 feature frames (1 s).

    python models/pump/train.py           # reuse the committed model when inputs are unchanged
    python models/pump/train.py --force   # retrain

Classes: normal, bearing (outer-race defect), cavitation. The held-out split is never read.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import generate  # type: ignore[import-not-found]
import numpy as np

from tinyml_tools.replay.training import ExampleSpec, standardize_layer, train_example

FRAMES = 4


def build(keras: Any, n_features: int, scale: np.ndarray, offset: np.ndarray, batch: int | None):
    inp = keras.Input(shape=(FRAMES, n_features), batch_size=batch, name="features")
    x = standardize_layer()(scale, offset, name="standardize")(inp)
    x = keras.layers.Conv1D(32, 2, padding="same", activation="relu")(x)
    x = keras.layers.Conv1D(32, 2, strides=2, padding="same", activation="relu")(x)
    x = keras.layers.Flatten()(x)
    x = keras.layers.Dense(24, activation="relu")(x)
    out = keras.layers.Dense(len(generate.CLASSES), activation="softmax", name="scores")(x)
    return keras.Model(inp, out, name="pump")


SPEC = ExampleSpec(
    name="pump",
    model_dir=Path(__file__).resolve().parent,
    classes=generate.CLASSES,
    channels=("ax", "ay", "az", "current"),
    frames=FRAMES,
    session_seconds=240.0,
    epochs=20,
    min_overlap=0.75,
    build=build,
    sessions=generate.sessions,
)

if __name__ == "__main__":
    sys.exit(train_example(SPEC))
