"""Synthetic calibration models for the profile rig (int8, plus int16x8 and LSTM).

The cost model of `west profile` is fitted per operator kind; the real models alone show each
kernel at a handful of shapes. These seeded random networks (Conv1D/Conv2D of several kernel
sizes, strides and channel counts, depthwise, pools, dense, ADD/MUL, softmax, LSTM) widen the
range. The real models are never fitted on their own layers when their error is reported
(leave-one-model-out, fit.py).

    python tests/bench/profile_rig/calib_models.py OUT_DIR [--count N]
"""

from __future__ import annotations

import argparse
import os
import sys
from functools import partial
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np


def _tf():  # type: ignore[no-untyped-def]
    import tensorflow as tf

    return tf


def _convert(model, shape: tuple[int, ...], int16: bool = False) -> bytes:  # type: ignore[no-untyped-def]
    tf = _tf()
    rng = np.random.default_rng(0)

    def rep():  # type: ignore[no-untyped-def]
        for _ in range(16):
            yield [rng.normal(0, 1, (1, *shape)).astype(np.float32)]

    conv = tf.lite.TFLiteConverter.from_keras_model(model)
    conv.optimizations = [tf.lite.Optimize.DEFAULT]
    conv.representative_dataset = rep
    if int16:
        conv.target_spec.supported_ops = [
            tf.lite.OpsSet.EXPERIMENTAL_TFLITE_BUILTINS_ACTIVATIONS_INT16_WEIGHTS_INT8
        ]
        conv.inference_input_type = tf.int16
        conv.inference_output_type = tf.int16
        # TFLM's FULLY_CONNECTED takes per-channel weights for int8 inputs only.
        conv._experimental_disable_per_channel_quantization_for_dense_layers = True
    else:
        conv.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
        conv.inference_input_type = tf.int8
        conv.inference_output_type = tf.int8
    return bytes(conv.convert())


def cnn2d(rng: np.random.Generator):  # type: ignore[no-untyped-def]
    k = _tf().keras
    h = int(rng.choice([8, 12, 16, 24, 32]))
    w = int(rng.choice([8, 12, 16, 24, 32]))
    c = int(rng.choice([1, 2, 3, 4, 8]))
    shape = (h, w, c)
    x = inp = k.Input(shape, batch_size=1)
    for _ in range(int(rng.integers(3, 6))):
        kind = rng.choice(["conv", "conv", "dw", "pw", "pool", "add"])
        size = int(rng.choice([1, 3, 5])) if kind == "conv" else 3
        stride = int(rng.choice([1, 1, 2])) if x.shape[1] >= 6 and x.shape[2] >= 6 else 1
        pad = str(rng.choice(["same", "valid"])) if x.shape[1] > 5 and x.shape[2] > 5 else "same"
        if kind == "conv":
            x = k.layers.Conv2D(
                int(rng.choice([4, 8, 12, 16, 24, 32])), size, stride, pad, activation="relu"
            )(x)
        elif kind == "dw":
            x = k.layers.DepthwiseConv2D(
                int(rng.choice([3, 5])) if x.shape[1] > 5 else 3,
                stride,
                "same",
                depth_multiplier=int(rng.choice([1, 1, 2])),
                activation="relu",
            )(x)
        elif kind == "pw":
            x = k.layers.Conv2D(int(rng.choice([8, 16, 32, 48])), 1, activation="relu")(x)
        elif kind == "pool" and x.shape[1] >= 4 and x.shape[2] >= 4:
            layer = k.layers.AveragePooling2D if rng.random() < 0.5 else k.layers.MaxPooling2D
            x = layer(2)(x)
        elif kind == "add":
            y = k.layers.Conv2D(int(x.shape[-1]), 3, padding="same")(x)
            x = k.layers.Add()([x, y]) if rng.random() < 0.6 else k.layers.Multiply()([x, y])
    pool = rng.random() < 0.5
    x = k.layers.GlobalAveragePooling2D()(x) if pool else k.layers.Flatten()(x)
    x = k.layers.Dense(int(rng.choice([4, 8, 10, 16])), activation="softmax")(x)
    return k.Model(inp, x), shape


def cnn1d(rng: np.random.Generator):  # type: ignore[no-untyped-def]
    k = _tf().keras
    n = int(rng.choice([32, 64, 100, 128, 256]))
    c = int(rng.choice([1, 3, 6, 8]))
    shape = (n, c)
    x = inp = k.Input(shape, batch_size=1)
    for _ in range(int(rng.integers(2, 5))):
        kind = rng.choice(["conv", "conv", "pool", "add"])
        if kind == "conv":
            x = k.layers.Conv1D(
                int(rng.choice([4, 8, 12, 16, 24, 32])),
                int(rng.choice([3, 5, 7, 9])),
                int(rng.choice([1, 2])),
                str(rng.choice(["same", "valid"])),
                activation="relu",
            )(x)
        elif kind == "pool" and x.shape[1] >= 4:
            layer = k.layers.AveragePooling1D if rng.random() < 0.5 else k.layers.MaxPooling1D
            x = layer(2)(x)
        elif kind == "add":
            y = k.layers.Conv1D(int(x.shape[-1]), 3, padding="same")(x)
            x = k.layers.Add()([x, y]) if rng.random() < 0.6 else k.layers.Multiply()([x, y])
    x = k.layers.GlobalAveragePooling1D()(x) if rng.random() < 0.5 else k.layers.Flatten()(x)
    x = k.layers.Dense(int(rng.choice([16, 32])), activation="relu")(x)
    x = k.layers.Dense(int(rng.choice([2, 4, 8])), activation="softmax")(x)
    return k.Model(inp, x), shape


def dw_mult(rng: np.random.Generator):  # type: ignore[no-untyped-def]
    """Depthwise convolutions with a depth multiplier (CMSIS-NN's generic kernel), as
    micro_speech's first layer."""
    k = _tf().keras
    shape = (
        int(rng.choice([20, 32, 49])),
        int(rng.choice([10, 16, 20])),
        int(rng.choice([1, 2, 4])),
    )
    x = inp = k.Input(shape, batch_size=1)
    x = k.layers.DepthwiseConv2D(
        (int(rng.choice([3, 5, 8, 10])), int(rng.choice([3, 4, 8]))),
        int(rng.choice([1, 2])),
        "same",
        depth_multiplier=int(rng.choice([2, 4, 8])),
        activation="relu",
    )(x)
    x = k.layers.Flatten()(x)
    x = k.layers.Dense(4, activation="softmax")(x)
    return k.Model(inp, x), shape


DW_BRANCHES = ("3x3", "opt", "mult4", "generic", "dilated")
CONV_BRANCHES = ("1x1s2", "dilated", "tall", "fc_seq")


def dw_branch(rng: np.random.Generator, branch: str):  # type: ignore[no-untyped-def]
    """One depthwise layer per CMSIS-NN dispatch branch (arm_depthwise_conv_wrapper_s8): 3x3
    with padding <= 1, the optimised kernel (multiplier 1, other sizes), the multiplier-of-4
    kernel, the generic one (other multipliers, dilation); "same" and "valid" padding, so the
    kernels that skip padded taps are seen with and without them."""
    k = _tf().keras
    if branch == "opt1d":  # a 1-D sequence of many channels, as the bundled detectors' layers
        t, c = int(rng.choice([3, 6, 12, 24])), int(rng.choice([16, 24, 32, 48, 64]))
        x = inp = k.Input((t, 1, c), batch_size=1)
        kernel = (int(rng.choice([3, 5])), 1)
        x = k.layers.DepthwiseConv2D(kernel, (int(rng.choice([1, 2])), 1), "same")(x)
        x = k.layers.Flatten()(x)
        x = k.layers.Dense(4, activation="softmax")(x)
        return k.Model(inp, x), (t, 1, c)
    shape = (
        int(rng.choice([8, 12, 20, 32])),
        int(rng.choice([6, 10, 16])),
        int(rng.choice([1, 3, 4, 8, 16]))
        if branch in ("3x3", "opt", "dilated")
        else int(rng.choice([1, 2, 4])),
    )
    mult = {"mult4": int(rng.choice([4, 8, 12])), "generic": int(rng.choice([2, 3, 5]))}.get(
        branch, 1
    )
    size = {
        "3x3": (3, 3),
        "opt": (int(rng.choice([1, 3, 5, 7])), int(rng.choice([2, 5]))),
        "dilated": (3, 3),
    }.get(branch, (int(rng.choice([3, 5, 8])), int(rng.choice([3, 4]))))
    stride = 1 if branch == "dilated" else int(rng.choice([1, 2]))
    x = inp = k.Input(shape, batch_size=1)
    x = k.layers.DepthwiseConv2D(
        size,
        stride,
        str(rng.choice(["same", "valid"])) if min(shape[:2]) > max(size) + 2 else "same",
        depth_multiplier=mult,
        dilation_rate=2 if branch == "dilated" else 1,
        activation="relu",
    )(x)
    x = k.layers.Flatten()(x)
    x = k.layers.Dense(4, activation="softmax")(x)
    return k.Model(inp, x), shape


def conv_branch(rng: np.random.Generator, branch: str):  # type: ignore[no-untyped-def]
    """Convolutions per arm_convolve_wrapper_s8 branch not common in the CNNs above: 1x1 with
    stride 2 (arm_convolve_1x1_s8), dilated (generic), tall kernels on one input channel; and a
    Dense layer on a sequence (FULLY_CONNECTED with a 3-D output, run as a 1x1 convolution)."""
    k = _tf().keras
    if branch == "fc_seq":
        shape: tuple[int, ...] = (int(rng.choice([8, 16, 30])), int(rng.choice([8, 12, 32])))
        x = inp = k.Input(shape, batch_size=1)
        x = k.layers.Dense(int(rng.choice([8, 16, 24])), activation="relu")(x)
        x = k.layers.Flatten()(x)
        x = k.layers.Dense(4, activation="softmax")(x)
        return k.Model(inp, x), shape
    shape = (
        int(rng.choice([12, 16, 24])),
        int(rng.choice([8, 12, 16])),
        int(rng.choice([1, 3, 8])),
    )
    x = inp = k.Input(shape, batch_size=1)
    if branch == "wide":  # a per-channel 1x1 conv of many channels on a tiny input: its
        # Prepare's temporary quantization arrays, not the activations, set the arena
        shape = (1, 1, int(rng.choice([8, 16])))
        x = inp = k.Input(shape, batch_size=1)
        x = k.layers.Conv2D(int(rng.choice([384, 512])), 1, activation="relu")(x)
        x = k.layers.Flatten()(x)
        x = k.layers.Dense(4, activation="softmax")(x)
        return k.Model(inp, x), shape
    if branch == "1x1s2":
        x = k.layers.Conv2D(int(rng.choice([8, 16])), 1, 2, activation="relu")(x)
    elif branch == "dilated":
        x = k.layers.Conv2D(int(rng.choice([8, 12])), 3, 1, "same", dilation_rate=2)(x)
    else:
        x = k.layers.Conv2D(int(rng.choice([8, 16])), (int(rng.choice([5, 8])), 3), (2, 1))(x)
    x = k.layers.Flatten()(x)
    x = k.layers.Dense(4, activation="softmax")(x)
    return k.Model(inp, x), shape


def _affine(features: int, rng: np.random.Generator):  # type: ignore[no-untyped-def]
    """A per-feature scale and offset (MUL and ADD by constant vectors, broadcast)."""
    k = _tf().keras
    scale = rng.uniform(0.5, 2, features)
    offset = rng.uniform(-1, 1, features)

    class Affine(k.layers.Layer):  # type: ignore[misc, name-defined]
        def build(self, shape):  # type: ignore[no-untyped-def]
            init = k.initializers.Constant
            self.scale = self.add_weight(
                shape=(features,), initializer=init(scale), trainable=False
            )
            self.offset = self.add_weight(
                shape=(features,), initializer=init(offset), trainable=False
            )

        def call(self, x):  # type: ignore[no-untyped-def]
            return x * self.scale + self.offset

    return Affine()


def reduce_branch(rng: np.random.Generator):  # type: ignore[no-untyped-def]
    """The TFLM reference kernels around the CMSIS-NN ones, at several sizes: broadcast
    MUL/ADD by constant vectors (a normalisation, as the bundled detectors start), a
    broadcast MUL by a per-channel vector (squeeze-excite), large average and max pools,
    global average pooling (MEAN over 1-D and 2-D), softmax over more classes."""
    k = _tf().keras
    if rng.random() < 0.5:
        shape: tuple[int, ...] = (int(rng.choice([8, 16, 32, 64])), int(rng.choice([6, 12, 30])))
        x = inp = k.Input(shape, batch_size=1)
        x = _affine(shape[-1], rng)(x)
        x = k.layers.Conv1D(int(rng.choice([8, 16, 24])), 3, padding="same", activation="relu")(x)
        if rng.random() < 0.5:
            x = k.layers.MaxPooling1D(int(rng.choice([2, 4])))(x)
        x = k.layers.GlobalAveragePooling1D()(x)
    else:
        shape = (int(rng.choice([8, 12, 16, 24])), int(rng.choice([8, 12, 16])), 3)
        x = inp = k.Input(shape, batch_size=1)
        x = _affine(3, rng)(x)
        x = k.layers.Conv2D(int(rng.choice([8, 16, 32])), 3, padding="same", activation="relu")(x)
        gate = k.layers.GlobalAveragePooling2D(keepdims=True)(x)
        gate = k.layers.Conv2D(int(x.shape[-1]), 1, activation="sigmoid")(gate)
        x = k.layers.Multiply()([x, gate])
        pool = int(rng.choice([2, 3, 4]))
        layer = k.layers.AveragePooling2D if rng.random() < 0.5 else k.layers.MaxPooling2D
        x = layer(pool)(x)
        x = k.layers.GlobalAveragePooling2D()(x)
    x = k.layers.Dense(int(rng.choice([4, 12, 32, 64])), activation="softmax")(x)
    return k.Model(inp, x), shape


def ops_branch(rng: np.random.Generator):  # type: ignore[no-untyped-def]
    """The manifest's other operators at several sizes: PAD (explicit padding before a
    convolution), CONCATENATION of two branches, standalone RELU / RELU6 (after a reshape, where
    the converter cannot fuse them), TANH after a dense layer."""
    k = _tf().keras
    shape = (
        int(rng.choice([8, 12, 16, 24])),
        int(rng.choice([8, 12, 16])),
        int(rng.choice([1, 3, 8])),
    )
    x = inp = k.Input(shape, batch_size=1)
    x = k.layers.ZeroPadding2D(((1, 2), (2, 1)))(x)  # asymmetric: stays a PAD
    x = k.layers.Conv2D(int(rng.choice([8, 16])), 3, activation="relu")(x)
    a = k.layers.Conv2D(int(rng.choice([4, 8])), 1, activation="relu")(x)
    b = k.layers.Conv2D(int(rng.choice([4, 8, 12])), 3, padding="same", activation="relu")(x)
    x = k.layers.Concatenate()([a, b])
    x = k.layers.Reshape((int(x.shape[1]) * int(x.shape[2]), int(x.shape[3])))(x)
    x = k.layers.ReLU(6.0 if rng.random() < 0.5 else None)(x)
    x = k.layers.GlobalAveragePooling1D()(x)
    x = k.layers.Dense(int(rng.choice([16, 32, 64])), activation="tanh")(x)
    x = k.layers.Dense(4, activation="softmax")(x)
    return k.Model(inp, x), shape


def dense(rng: np.random.Generator):  # type: ignore[no-untyped-def]
    k = _tf().keras
    n = int(rng.choice([10, 32, 64, 128, 250, 490, 640]))
    x = inp = k.Input((n,), batch_size=1)
    for _ in range(int(rng.integers(2, 5))):
        x = k.layers.Dense(int(rng.choice([8, 16, 32, 64, 128, 256])), activation="relu")(x)
    x = k.layers.Dense(int(rng.choice([2, 4, 12])), activation="softmax")(x)
    return k.Model(inp, x), (n,)


def lstm(rng: np.random.Generator):  # type: ignore[no-untyped-def]
    import tf_keras as k  # Keras 3's LSTM crashes the converter; tf_keras converts it

    t = int(rng.choice([8, 16, 28]))
    f = int(rng.choice([8, 16, 28]))
    x = inp = k.Input((t, f), batch_size=1)
    x = k.layers.LSTM(int(rng.choice([8, 16, 20, 32])))(x)
    x = k.layers.Dense(int(rng.choice([4, 10])), activation="softmax")(x)
    return k.Model(inp, x), (t, f)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out", type=Path)
    parser.add_argument("--count", type=int, default=8, help="CNNs of each kind (2D, 1D)")
    parser.add_argument(
        "--branches", type=int, default=40, help="single-kernel models per dispatch branch set"
    )
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    _tf().keras.utils.set_random_seed(1)
    plan = (
        [("cnn2d", cnn2d, i, False) for i in range(args.count)]
        + [("cnn1d", cnn1d, i, False) for i in range(args.count)]
        + [("dense", dense, i, False) for i in range(3)]
        + [("dwmult", dw_mult, i, False) for i in range(3)]
        + [("lstm", lstm, i, False) for i in range(5)]
        # Each dispatch branch in turn (seed i runs branch i mod their number).
        + [
            ("dwbranch", partial(dw_branch, branch=DW_BRANCHES[i % len(DW_BRANCHES)]), i, False)
            for i in range(args.branches)
        ]
        + [
            (
                "convbranch",
                partial(conv_branch, branch=CONV_BRANCHES[i % len(CONV_BRANCHES)]),
                i,
                False,
            )
            for i in range(args.branches)
        ]
        + [("convwide", partial(conv_branch, branch="wide"), i, False) for i in range(2)]
        + [("reduce", reduce_branch, i, False) for i in range(args.branches // 2)]
        + [("dwopt1d", partial(dw_branch, branch="opt1d"), i, False) for i in range(8)]
        + [("ops", ops_branch, i, False) for i in range(8)]
        + [
            ("dwbranch_i16", partial(dw_branch, branch=DW_BRANCHES[i % 5]), 200 + i, True)
            for i in range(15)
        ]
        + [("cnn2d_i16", cnn2d, 100 + i, True) for i in range(2)]
        + [("dense_i16", dense, 100, True), ("cnn1d_i16", cnn1d, 100, True)]
    )
    for name, build, seed, int16 in plan:
        path = args.out / f"calib_{name}_{seed}.tflite"
        if path.exists():
            continue
        model, shape = build(np.random.default_rng(seed))
        try:
            path.write_bytes(_convert(model, shape, int16))
        except Exception as err:
            print(f"skip {path.name}: {str(err).splitlines()[0][:100]}", file=sys.stderr)
            continue
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
