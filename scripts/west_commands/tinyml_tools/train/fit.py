"""Training with fixed seeds and a progress bar (tf_keras, deterministic kernels)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from ..replay.training import class_weights, keras
from .templates import AUTOENCODER, Norm, Template


@dataclass(frozen=True)
class FitSettings:
    epochs: int
    batch_size: int
    learning_rate: float
    seed: int


@dataclass
class Fitted:
    model: Any  # the trained Keras model (batch size free)
    history: dict[str, list[float]] = field(default_factory=dict)


def standardizer(x: npt.NDArray[Any]) -> Norm:
    """Per-feature scale and offset to about zero mean and unit variance on training data."""
    flat = x.reshape(-1, x.shape[-1]).astype(np.float64)
    mean = flat.mean(axis=0)
    std = flat.std(axis=0) + 1.0
    return Norm((1.0 / std).astype(np.float32), (-mean / std).astype(np.float32))


def reconstruction_loss(k: Any, variance: float) -> Any:
    """Mean squared error in feature units over one constant (the device scores the same
    unweighted error, in input steps)."""
    import tensorflow as tf

    def loss(y_true: Any, y_pred: Any) -> Any:
        return tf.reduce_mean(tf.square(y_true - y_pred), axis=-1) / variance

    return loss


def fit(
    template: Template,
    wrap: Callable[[Any], Any] | None,
    x_train: npt.NDArray[np.float32],
    y_train: npt.NDArray[np.int64],
    x_val: npt.NDArray[np.float32],
    y_val: npt.NDArray[np.int64],
    n_out: int,
    norm: Norm,
    settings: FitSettings,
    on_epoch: Callable[[int, dict[str, float]], None] | None = None,
) -> Fitted:
    k = keras()
    k.utils.set_random_seed(settings.seed)
    shape = (int(x_train.shape[1]), int(x_train.shape[2]))
    model = template.build(k, shape, n_out, norm, None)
    if wrap is not None:
        model = wrap(model)
    autoencoder = template.kind == AUTOENCODER
    target_tr: npt.NDArray[Any]
    target_va: npt.NDArray[Any]
    if autoencoder:
        target_tr = x_train.reshape(len(x_train), -1)
        target_va = x_val.reshape(len(x_val), -1)
        variance = float(np.var(target_tr)) or 1.0
        model.compile(
            optimizer=k.optimizers.Adam(settings.learning_rate),
            loss=reconstruction_loss(k, variance),
        )
        weights = None
    else:
        target_tr, target_va = y_train, y_val
        model.compile(
            optimizer=k.optimizers.Adam(settings.learning_rate),
            loss="sparse_categorical_crossentropy",
            metrics=["accuracy"],
        )
        weights = class_weights(y_train, n_out)

    class Progress(k.callbacks.Callback):  # type: ignore[misc,name-defined]
        def on_epoch_end(self, epoch: int, logs: dict[str, float] | None = None) -> None:
            if on_epoch is not None:
                on_epoch(epoch + 1, dict(logs or {}))

    history = model.fit(
        x_train, target_tr,
        validation_data=(x_val, target_va) if len(x_val) else None,
        epochs=settings.epochs, batch_size=settings.batch_size, shuffle=True, verbose=0,
        class_weight=weights, callbacks=[Progress()],
    )  # fmt: skip
    return Fitted(model, {k_: [float(v) for v in vs] for k_, vs in history.history.items()})
