"""Held-out architectures for the profile rig: networks shaped like real tinyML models
(MobileNet-style, ResNet-style, a 1-D DS-CNN, a dense autoencoder) that the cost model is never
fitted on. Their measurements (profile/data/validation_m4f.json, measure.py) check the fit on
models it has not seen (tests/python/test_profile_fit.py, `make bench`).

    python tests/bench/profile_rig/validation_models.py OUT_DIR
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from calib_models import _convert, _tf


def mobilenet():  # type: ignore[no-untyped-def]
    k = _tf().keras
    x = inp = k.Input((48, 48, 1), batch_size=1)
    x = k.layers.Conv2D(16, 3, 2, "same", activation="relu")(x)
    for ch, s in ((32, 1), (64, 2), (64, 1), (96, 2)):
        x = k.layers.DepthwiseConv2D(3, s, "same", activation="relu")(x)
        x = k.layers.Conv2D(ch, 1, activation="relu")(x)
    x = k.layers.GlobalAveragePooling2D()(x)
    x = k.layers.Dense(2, activation="softmax")(x)
    return k.Model(inp, x), (48, 48, 1)


def resnet():  # type: ignore[no-untyped-def]
    k = _tf().keras
    x = inp = k.Input((32, 32, 3), batch_size=1)
    x = k.layers.Conv2D(16, 3, 1, "same", activation="relu")(x)
    for ch in (16, 32):
        y = k.layers.Conv2D(ch, 3, 2 if ch == 32 else 1, "same", activation="relu")(x)
        y = k.layers.Conv2D(ch, 3, 1, "same")(y)
        if ch == 32:
            x = k.layers.Conv2D(ch, 1, 2)(x)
        x = k.layers.ReLU()(k.layers.Add()([x, y]))
    x = k.layers.AveragePooling2D(4)(x)
    x = k.layers.Flatten()(x)
    x = k.layers.Dense(10, activation="softmax")(x)
    return k.Model(inp, x), (32, 32, 3)


def dscnn1d():  # type: ignore[no-untyped-def]
    k = _tf().keras
    x = inp = k.Input((98, 13), batch_size=1)
    x = k.layers.Conv1D(48, 9, 2, "same", activation="relu")(x)
    x = k.layers.Reshape((49, 1, 48))(x)
    for _ in range(2):
        x = k.layers.DepthwiseConv2D((5, 1), 1, "same", activation="relu")(x)
        x = k.layers.Conv2D(48, 1, activation="relu")(x)
    x = k.layers.MaxPooling2D((2, 1))(x)
    x = k.layers.GlobalAveragePooling2D()(x)
    x = k.layers.Dense(32, activation="relu")(x)
    x = k.layers.Dense(8, activation="softmax")(x)
    return k.Model(inp, x), (98, 13)


def autoenc():  # type: ignore[no-untyped-def]
    k = _tf().keras
    x = inp = k.Input((320,), batch_size=1)
    for units in (96, 48, 16, 48, 96):
        x = k.layers.Dense(units, activation="relu")(x)
    x = k.layers.Dense(320)(x)
    return k.Model(inp, x), (320,)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out", type=Path)
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    _tf().keras.utils.set_random_seed(7)
    for name, build in (
        ("valid_mobilenet", mobilenet),
        ("valid_resnet", resnet),
        ("valid_dscnn1d", dscnn1d),
        ("valid_autoenc", autoenc),
    ):
        model, shape = build()
        path = args.out / f"{name}.tflite"
        path.write_bytes(_convert(model, shape))
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
