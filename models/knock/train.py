"""Train the knock detector: a small 1D CNN over the last 8 feature frames (320 ms).

    python models/knock/train.py           # reuse the committed model when inputs are unchanged
    python models/knock/train.py --force   # retrain

Generates the training split (conditions in generate.TRAIN; the held-out split is never
read here), computes features with the Python reference of the device pipeline, trains with
fixed seeds, and writes knock.tflite (int8, batch 1), knock_float.tflite and inputs.json.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

import generate  # type: ignore[import-not-found]
import numpy as np

from tinyml_tools.features.pipeline import load_pipeline
from tinyml_tools.paths import BUILD_DIR
from tinyml_tools.replay import trainset, training

HERE = Path(__file__).resolve().parent
NAME = "knock"
FRAMES = 8
CHANNELS = ("ax", "ay", "az")
SESSION_SECONDS = 40.0
EPOCHS = 14


def build(keras: Any, n_features: int, scale: np.ndarray, offset: np.ndarray, batch: int | None):
    inp = keras.Input(shape=(FRAMES, n_features), batch_size=batch, name="features")
    x = keras.layers.Lambda(lambda t: t * scale + offset, name="standardize")(inp)
    x = keras.layers.Conv1D(24, 3, padding="same", activation="relu")(x)
    x = keras.layers.Conv1D(32, 3, strides=2, padding="same", activation="relu")(x)
    x = keras.layers.Conv1D(32, 3, strides=2, padding="same", activation="relu")(x)
    x = keras.layers.Flatten()(x)
    x = keras.layers.Dense(24, activation="relu")(x)
    out = keras.layers.Dense(len(generate.CLASSES), activation="softmax", name="scores")(x)
    return keras.Model(inp, out, name=NAME)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--force", action="store_true", help="retrain even when unchanged")
    args = parser.parse_args(argv)
    int8_path, float_path = HERE / f"{NAME}.tflite", HERE / f"{NAME}_float.tflite"
    if not args.force and training.is_current(HERE, [int8_path, float_path]):
        print(f"==> {NAME}: inputs unchanged, reusing {int8_path.relative_to(HERE.parents[1])}")
        return 0
    start = time.monotonic()
    cfg = load_pipeline(HERE / "pipeline.yaml")
    print(f"==> {NAME}: generating the training split ({len(generate.TRAIN)} sessions)")
    sessions = generate.sessions("train", SESSION_SECONDS)
    print(f"==> {NAME}: features (Python reference of the device pipeline)")
    data = trainset.build(
        sessions, cfg, CHANNELS, generate.CLASSES, FRAMES, min_overlap=0.5,
        cache_dir=BUILD_DIR / "cache" / NAME,
    )  # fmt: skip
    keras = training.keras()
    train, val = training.split_by_session(data.session)
    keep = data.y >= 0
    x_tr, y_tr = data.x[train & keep].astype(np.float32), data.y[train & keep]
    x_va, y_va = data.x[val & keep].astype(np.float32), data.y[val & keep]
    scale, offset = training.standardizer(x_tr)
    model = build(keras, cfg.feature_count, scale, offset, None)
    model.compile(
        optimizer=keras.optimizers.Adam(3e-3),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    print(f"==> {NAME}: training on {len(y_tr)} inputs, validating on {len(y_va)}")
    model.fit(
        x_tr, y_tr, epochs=EPOCHS, batch_size=64, shuffle=True, verbose=0,
        class_weight=training.class_weights(y_tr, len(generate.CLASSES)),
        validation_data=(x_va, y_va),
    )  # fmt: skip
    val_acc = training.accuracy(model, x_va, y_va)
    single = build(keras, cfg.feature_count, scale, offset, 1)
    single.set_weights(model.get_weights())
    rng = np.random.default_rng(training.SEED)
    rep = x_tr[rng.choice(len(x_tr), size=min(500, len(x_tr)), replace=False)]
    training.to_tflite(single, rep, int8_path, float_path)
    seconds = time.monotonic() - start
    training.record_inputs(
        HERE,
        {
            "params": int(model.count_params()),
            "validation_accuracy": round(val_acc, 4),
            "inputs": len(y_tr),
            "epochs": EPOCHS,
        },
    )
    print(training.summary_line(NAME, {"validation accuracy": val_acc}, seconds))
    print(f"    {model.count_params()} parameters; {int8_path.stat().st_size} B int8 model")
    return 0


if __name__ == "__main__":
    sys.exit(main())
