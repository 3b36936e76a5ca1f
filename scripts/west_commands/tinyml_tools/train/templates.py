"""Model templates: small architectures that convert to TFLM builtin int8 ops only.

Every template starts with the ``Standardize`` layer (MUL + ADD with per-feature constants
fitted on the training split), so the firmware feeds the raw int32 features. Build functions
take ``(keras, shape, n_out, norm, batch)``; ``batch=1`` is the export form (fewer ops).

- ``cnn1d``: three 1D convolutions and a dense layer (the knock example's shape).
- ``dscnn``: a standard convolution, then depthwise-separable blocks, global average pooling.
- ``gru``: a GRU (24 units) unrolled over the frames into FULLY_CONNECTED, LOGISTIC, TANH,
  MUL and ADD (1 - z computed as sigmoid(-a)), so TFLM needs no recurrent kernel.
- ``autoencoder``: a dense autoencoder over the stacked frames, trained on normal data only;
  its output is the reconstruction in feature units, and the device scores the squared
  difference between input and output (``<tinyml/anomaly.h>``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from ..replay.training import standardize_layer

CLASSIFIER = "classifier"
AUTOENCODER = "autoencoder"


@dataclass(frozen=True)
class Norm:
    """Per-feature x * scale + offset (standardizes training features)."""

    scale: npt.NDArray[np.float32]
    offset: npt.NDArray[np.float32]


BuildFn = Callable[[Any, tuple[int, int], int, Norm, "int | None"], Any]


@dataclass(frozen=True)
class Template:
    name: str
    kind: str
    summary: str
    build: BuildFn


def _input(keras: Any, shape: tuple[int, int], norm: Norm, batch: int | None) -> tuple[Any, Any]:
    inp = keras.Input(shape=shape, batch_size=batch, name="features")
    return inp, standardize_layer()(norm.scale, norm.offset, name="standardize")(inp)


def cnn1d(keras: Any, shape: tuple[int, int], n_out: int, norm: Norm, batch: int | None) -> Any:
    layers = keras.layers
    inp, x = _input(keras, shape, norm, batch)
    x = layers.Conv1D(16, 3, padding="same", activation="relu")(x)
    x = layers.Conv1D(24, 3, strides=2, padding="same", activation="relu")(x)
    x = layers.Conv1D(32, 3, strides=2, padding="same", activation="relu")(x)
    x = layers.Flatten()(x)
    x = layers.Dense(24, activation="relu")(x)
    out = layers.Dense(n_out, activation="softmax", name="scores")(x)
    return keras.Model(inp, out, name="cnn1d")


def dscnn(keras: Any, shape: tuple[int, int], n_out: int, norm: Norm, batch: int | None) -> Any:
    layers = keras.layers
    frames, n_features = shape
    inp, x = _input(keras, shape, norm, batch)
    x = layers.Reshape((frames, 1, n_features))(x)
    x = layers.Conv2D(24, (3, 1), padding="same", activation="relu")(x)
    for filters, stride in ((32, 1), (32, 2), (48, 2)):
        # TensorFlow's CPU depthwise kernel takes equal strides only; along the width of 1 a
        # stride of 2 with "same" padding changes nothing.
        x = layers.DepthwiseConv2D(
            (3, 1), strides=(stride, stride), padding="same", activation="relu"
        )(x)
        x = layers.Conv2D(filters, (1, 1), activation="relu")(x)
    x = layers.GlobalAveragePooling2D()(x)
    out = layers.Dense(n_out, activation="softmax", name="scores")(x)
    return keras.Model(inp, out, name="dscnn")


GRU_UNITS = 24


def gru(keras: Any, shape: tuple[int, int], n_out: int, norm: Norm, batch: int | None) -> Any:
    layers = keras.layers
    frames, _ = shape
    inp, x = _input(keras, shape, norm, batch)
    units = GRU_UNITS
    wz, wr, wh = (layers.Dense(units, name=f"w_{g}") for g in "zrh")
    uz, ur, uh = (layers.Dense(units, use_bias=False, name=f"u_{g}") for g in "zrh")
    sigmoid, tanh = layers.Activation("sigmoid"), layers.Activation("tanh")
    negate = layers.Rescaling(-1.0)
    h = None
    for t in range(frames):
        xt = layers.Lambda(lambda v, t=t: v[:, t, :], name=f"frame{t}")(x)
        if h is None:
            az, ah = wz(xt), wh(xt)
            h = layers.Multiply()([sigmoid(negate(az)), tanh(ah)])
            continue
        az = layers.Add()([wz(xt), uz(h)])
        ar = layers.Add()([wr(xt), ur(h)])
        r = sigmoid(ar)
        hh = tanh(layers.Add()([wh(xt), uh(layers.Multiply()([r, h]))]))
        keep = layers.Multiply()([sigmoid(az), h])
        new = layers.Multiply()([sigmoid(negate(az)), hh])
        h = layers.Add()([keep, new])
    out = layers.Dense(n_out, activation="softmax", name="scores")(h)
    return keras.Model(inp, out, name="gru")


def autoencoder(
    keras: Any, shape: tuple[int, int], n_out: int, norm: Norm, batch: int | None
) -> Any:
    """Dense 32-16-32 autoencoder; ``n_out`` is ignored (the output has the input's size)."""
    layers = keras.layers
    frames, n_features = shape
    inp = keras.Input(shape=shape, batch_size=batch, name="features")
    x = layers.Flatten()(inp)
    scale = np.tile(norm.scale, frames)
    offset = np.tile(norm.offset, frames)
    x = standardize_layer()(scale, offset, name="standardize")(x)
    x = layers.Dense(32, activation="relu")(x)
    x = layers.Dense(16, activation="relu")(x)
    x = layers.Dense(32, activation="relu")(x)
    x = layers.Dense(frames * n_features)(x)
    out = standardize_layer()(1.0 / scale, -offset / scale, name="reconstruction")(x)
    return keras.Model(inp, out, name="autoencoder")


TEMPLATES: dict[str, Template] = {
    t.name: t
    for t in (
        Template("cnn1d", CLASSIFIER, "1D CNN: 3 convolutions + dense", cnn1d),
        Template("dscnn", CLASSIFIER, "depthwise-separable CNN", dscnn),
        Template("gru", CLASSIFIER, f"GRU ({GRU_UNITS} units) unrolled into builtin ops", gru),
        Template("autoencoder", AUTOENCODER, "dense autoencoder (anomaly score)", autoencoder),
    )
}
