"""Shared steps of the example training scripts (``models/<example>/train.py``).

Reproducible (seeds fixed, deterministic ops, data generated from fixed seeds), fast (small
models, few epochs) and incremental: a model directory records the SHA-256 of everything its
model depends on (generator, training script, pipeline, and what the feature code computes);
when that is unchanged and the artifacts exist, the committed model is reused instead of retrained.

TensorFlow is imported only by the functions that need it, through ``tf_keras`` (Keras 2, which
tensorflow-model-optimization's quantization-aware training needs).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from ..features.compute import run_pipeline
from ..features.pipeline import PipelineConfig, load_pipeline, pipeline_id
from ..paths import BUILD_DIR, REPO_ROOT
from . import trainset
from .synth import Session

SEED = 1234
DIGEST_FILE = "inputs.json"
# Code every example model depends on besides its own folder's generator/train/pipeline. The
# feature code enters through what it computes (feature_fingerprint), so a refactor of the
# reference that keeps its outputs does not force a retrain.
SHARED_INPUTS = (
    "scripts/west_commands/tinyml_tools/replay/synth.py",
    "scripts/west_commands/tinyml_tools/replay/generator.py",
    "scripts/west_commands/tinyml_tools/replay/dataset.py",
    "scripts/west_commands/tinyml_tools/replay/trainset.py",
    "scripts/west_commands/tinyml_tools/replay/training.py",
)
OWN_INPUTS = ("generate.py", "train.py", "pipeline.yaml")
_PROBE_WINDOWS = 24


def feature_fingerprint(pipeline_path: Path) -> str:
    """SHA-256 of the reference features of fixed probe windows (noise at several levels,
    sweeps, clipping): changes exactly when the feature code computes something else."""
    cfg = load_pipeline(pipeline_path)
    rng = np.random.default_rng(SEED)
    n = cfg.input_len
    t = np.arange(n) / n
    h = hashlib.sha256()
    for i in range(_PROBE_WINDOWS):
        level = 2.0 ** (i % 15)
        x = rng.normal(0.0, level, n) + level * 4 * np.sin(2 * np.pi * (3 + 40 * t) * t * (i + 1))
        window = np.clip(np.rint(x), -32768, 32767).astype(np.int16)
        h.update(run_pipeline(cfg, window).tobytes())
    return h.hexdigest()


def inputs_digest(model_dir: Path) -> dict[str, str]:
    """SHA-256 of each input file (repository-relative names), of the features, and of all."""
    files = [model_dir / name for name in OWN_INPUTS] + [REPO_ROOT / p for p in SHARED_INPUTS]
    digests: dict[str, str] = {}
    for f in files:
        rel = f.resolve().relative_to(REPO_ROOT).as_posix()
        digests[rel] = hashlib.sha256(f.read_bytes()).hexdigest() if f.is_file() else "missing"
    digests["feature_fingerprint"] = feature_fingerprint(model_dir / "pipeline.yaml")
    total = hashlib.sha256(json.dumps(digests, sort_keys=True).encode()).hexdigest()
    return {"inputs_sha256": total} | digests


def is_current(model_dir: Path, artifacts: Iterable[Path]) -> bool:
    """True when the recorded digest matches the inputs now and every artifact exists."""
    record = model_dir / DIGEST_FILE
    if not record.is_file() or not all(a.is_file() for a in artifacts):
        return False
    try:
        saved = json.loads(record.read_text()).get("inputs_sha256")
    except (OSError, ValueError):
        return False
    return bool(saved == inputs_digest(model_dir)["inputs_sha256"])


def record_inputs(model_dir: Path, extra: dict[str, Any]) -> None:
    data: dict[str, Any] = dict(inputs_digest(model_dir))
    data["training"] = extra
    (model_dir / DIGEST_FILE).write_text(json.dumps(data, indent=2, sort_keys=True) + "\n")


BASELINE_FILE = "baseline.json"


def write_baseline(path: Path, cfg: PipelineConfig, data: trainset.TrainSet) -> None:
    """Per-feature mean and standard deviation (Q8, as ``tinyml_drift`` keeps them) of the
    training split's background windows: the baseline the device's drift score compares to."""
    windows = data.x[data.y == 0][:, -1, :].astype(np.float64)
    record = {
        "pipeline_id": f"0x{pipeline_id(cfg):08x}",
        "source": "training split, background windows",
        "windows": int(windows.shape[0]),
        "mean_q8": [int(v) for v in np.rint(windows.mean(axis=0) * 256)],
        "std_q8": [int(v) for v in np.rint(windows.std(axis=0) * 256)],
    }
    path.write_text(json.dumps(record, indent=1) + "\n")


def keras() -> Any:
    """tf_keras with seeds fixed and deterministic kernels."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    os.environ["TF_USE_LEGACY_KERAS"] = "1"
    os.environ.setdefault("TF_DETERMINISTIC_OPS", "1")
    import tensorflow as tf
    import tf_keras

    try:
        tf.config.threading.set_inter_op_parallelism_threads(1)
        tf.config.threading.set_intra_op_parallelism_threads(2)
    except RuntimeError:
        pass  # TensorFlow already ran in this process: its thread pools are fixed by then
    tf_keras.utils.set_random_seed(SEED)
    tf.config.experimental.enable_op_determinism()
    return tf_keras


def standardizer(x: npt.NDArray[Any]) -> tuple[npt.NDArray[np.float32], npt.NDArray[np.float32]]:
    """Per-feature scale and offset that map training features to about zero mean, unit
    variance; the model applies them as its first layer (MUL + ADD), so the firmware feeds raw
    int32 features."""
    flat = x.reshape(-1, x.shape[-1]).astype(np.float64)
    mean = flat.mean(axis=0)
    std = flat.std(axis=0) + 1.0
    return (1.0 / std).astype(np.float32), (-mean / std).astype(np.float32)


def class_weights(y: npt.NDArray[np.int64], n_classes: int) -> dict[int, float]:
    counts = np.bincount(y[y >= 0], minlength=n_classes).astype(np.float64)
    counts[counts == 0] = 1.0
    weights = counts.sum() / (n_classes * counts)
    return {i: float(np.sqrt(w)) for i, w in enumerate(weights)}


def copy_unwrapped_weights(base: Any, wrapped: Any) -> None:
    """Give ``base`` (the plain architecture) the float weights of its quantization-aware twin
    so the float reference model holds exactly the
    weights the int8 model was trained from, without fake-quantization ops TFLM cannot run.
    Layers pair up in order (each tfmot wrapper has a ``.layer``); weights by their last name
    component (``kernel:0``, ``bias:0``), skipping the wrapper's quantizer variables."""
    plain = [layer for layer in base.layers if layer.weights]
    wrappers = [w for w in wrapped.layers if hasattr(w, "layer") and w.trainable_weights]
    for target, wrapper in zip(plain, wrappers, strict=True):
        source = {w.name.split("/")[-1]: w for w in wrapper.weights}
        target.set_weights([source[w.name.split("/")[-1]].numpy() for w in target.weights])


def to_tflite(
    model: Any,
    representative: npt.NDArray[Any],
    out_int8: Path,
    out_float: Path,
    float_model: Any = None,
) -> None:
    """Write the float model and the full-integer int8 model (int8 input and output)."""
    import tensorflow as tf

    def convert(int8: bool) -> bytes:
        source = model if int8 or float_model is None else float_model
        converter = tf.lite.TFLiteConverter.from_keras_model(source)
        if int8:
            converter.optimizations = [tf.lite.Optimize.DEFAULT]

            def rep() -> Iterable[list[npt.NDArray[np.float32]]]:
                for row in representative:
                    yield [row[None].astype(np.float32)]

            converter.representative_dataset = rep
            converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
            converter.inference_input_type = tf.int8
            converter.inference_output_type = tf.int8
        return bytes(converter.convert())

    out_int8.write_bytes(convert(True))
    out_float.write_bytes(convert(False))


def split_by_session(
    session_ids: npt.NDArray[np.int64], every: int = 5
) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.bool_]]:
    """Train/validation masks: every ``every``-th session is validation (same conditions as
    training, never the held-out split)."""
    val = session_ids % every == every - 1
    return ~val, val


def summary_line(name: str, metrics: dict[str, float], seconds: float) -> str:
    figures = ", ".join(f"{k} {v:.3f}" for k, v in metrics.items())
    return f"{name}: {figures} ({seconds:.0f} s)"


def accuracy(model: Any, x: npt.NDArray[Any], y: npt.NDArray[np.int64]) -> float:
    keep = y >= 0
    if not keep.any():
        return float("nan")
    pred = np.argmax(model.predict(x[keep].astype(np.float32), verbose=0), axis=1)
    return float(np.mean(pred == y[keep]))


def stack_inputs(parts: Sequence[npt.NDArray[Any]]) -> npt.NDArray[np.float32]:
    return np.concatenate(parts).astype(np.float32)


@dataclass(frozen=True)
class ExampleSpec:
    """What one example's train.py decides; :func:`train_example` does the rest."""

    name: str
    model_dir: Path
    classes: tuple[str, ...]
    channels: tuple[str, ...]
    frames: int
    session_seconds: float
    epochs: int
    min_overlap: float
    # build(keras, n_features, scale, offset, batch) -> a compiled-ready keras.Model
    build: Callable[[Any, int, npt.NDArray[np.float32], npt.NDArray[np.float32], int | None], Any]
    # sessions(split, seconds) -> generated sessions (the example's generator)
    sessions: Callable[[str, float], Sequence[Session]]
    # wrap(model) -> the model to train (quantization-aware training)
    wrap: Callable[[Any], Any] | None = None
    learning_rate: float = 3e-3
    batch_size: int = 64


def train_example(spec: ExampleSpec, argv: Sequence[str] | None = None) -> int:
    """The command line of ``models/<example>/train.py``: reuse or train, then export."""
    parser = argparse.ArgumentParser(description=f"Train the {spec.name} example model.")
    parser.add_argument("--force", action="store_true", help="retrain even when unchanged")
    args = parser.parse_args(argv)
    here = spec.model_dir
    int8_path, float_path = here / f"{spec.name}.tflite", here / f"{spec.name}_float.tflite"
    baseline_path = here / BASELINE_FILE
    if not args.force and is_current(here, [int8_path, float_path, baseline_path]):
        print(f"==> {spec.name}: inputs unchanged, reusing {int8_path.name}", flush=True)
        return 0
    start = time.monotonic()
    cfg = load_pipeline(here / "pipeline.yaml")
    print(f"==> {spec.name}: generating the training split", flush=True)
    sessions = spec.sessions("train", spec.session_seconds)
    print(f"==> {spec.name}: features of {len(sessions)} sessions (Python reference)", flush=True)
    data = trainset.build(
        sessions, cfg, spec.channels, spec.classes, spec.frames, spec.min_overlap,
        cache_dir=BUILD_DIR / "cache" / spec.name,
    )  # fmt: skip
    write_baseline(baseline_path, cfg, data)
    k = keras()
    train, val = split_by_session(data.session)
    keep = data.y >= 0
    x_tr, y_tr = data.x[train & keep].astype(np.float32), data.y[train & keep]
    x_va, y_va = data.x[val & keep].astype(np.float32), data.y[val & keep]
    scale, offset = standardizer(x_tr)
    n_features = cfg.feature_count
    model = spec.build(k, n_features, scale, offset, None)
    if spec.wrap is not None:
        model = spec.wrap(model)
    model.compile(
        optimizer=k.optimizers.Adam(spec.learning_rate),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    print(f"==> {spec.name}: training on {len(y_tr)} inputs ({spec.epochs} epochs)", flush=True)
    model.fit(
        x_tr, y_tr, epochs=spec.epochs, batch_size=spec.batch_size, shuffle=True, verbose=0,
        class_weight=class_weights(y_tr, len(spec.classes)),
    )  # fmt: skip
    val_acc = accuracy(model, x_va, y_va)
    single = spec.build(k, n_features, scale, offset, 1)
    plain = None
    if spec.wrap is not None:
        plain = single
        single = spec.wrap(spec.build(k, n_features, scale, offset, 1))
    single.set_weights(model.get_weights())
    if plain is not None:
        copy_unwrapped_weights(plain, single)
    rng = np.random.default_rng(SEED)
    rep = x_tr[rng.choice(len(x_tr), size=min(500, len(x_tr)), replace=False)]
    to_tflite(single, rep, int8_path, float_path, plain)
    seconds = time.monotonic() - start
    params = int((plain or single).count_params())
    record_inputs(
        here,
        {
            "parameters": params,
            "validation_accuracy": round(val_acc, 4),
            "training_inputs": len(y_tr),
            "epochs": spec.epochs,
        },
    )
    print(summary_line(spec.name, {"validation accuracy": val_acc}, seconds), flush=True)
    print(f"    {params} parameters; int8 model {int8_path.stat().st_size} B", flush=True)
    return 0


_STANDARDIZE: Any = None


def standardize_layer() -> Any:
    """The ``Standardize`` Keras layer: ``x * scale + offset`` per feature (MUL + ADD in the
    converted model). A real layer class, not a Lambda, so models can be cloned and wrapped
    for quantization-aware training."""
    global _STANDARDIZE
    if _STANDARDIZE is None:
        import tensorflow as tf
        import tf_keras

        class Standardize(tf_keras.layers.Layer):  # type: ignore[misc]
            def __init__(self, scale: Sequence[float], offset: Sequence[float], **kw: Any):
                super().__init__(**kw)
                self.scale_values = [float(v) for v in scale]
                self.offset_values = [float(v) for v in offset]

            def call(self, inputs: Any) -> Any:
                scale = tf.constant(self.scale_values, dtype=inputs.dtype)
                offset = tf.constant(self.offset_values, dtype=inputs.dtype)
                return inputs * scale + offset

            def get_config(self) -> dict[str, Any]:
                return dict(
                    super().get_config(), scale=self.scale_values, offset=self.offset_values
                )

        _STANDARDIZE = Standardize
    return _STANDARDIZE
