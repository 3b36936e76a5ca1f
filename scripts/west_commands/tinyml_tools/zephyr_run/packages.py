"""Model packages for the update test: the knock model at other versions, and one that
verifies but classifies wrong (its self-test must fail and the device roll back)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import flatbuffers
import numpy as np
import yaml

from ..errors import TinymlError
from ..modelpack import schema
from ..paths import REPO_ROOT

KNOCK_DIR = REPO_ROOT / "models" / "knock"


def _model_dir(work: Path, version: str) -> Path:
    out = work / f"knock-{version}"
    if out.exists():
        shutil.rmtree(out)
    shutil.copytree(KNOCK_DIR, out, ignore=shutil.ignore_patterns("golden", "*.pkg"))
    meta = yaml.safe_load((out / "model.yaml").read_text())
    meta["version"] = version
    (out / "model.yaml").write_text(yaml.safe_dump(meta, sort_keys=False))
    return out


def model_pack_build(model_dir: Path, out: Path) -> Path:
    """`tinyml model-pack build MODEL_DIR -o OUT` as a user runs it; a failure names the folder."""
    argv = [sys.executable, "-m", "tinyml_tools", "model-pack", "build", str(model_dir)]
    done = subprocess.run([*argv, "-o", str(out)], capture_output=True, text=True)
    if done.returncode != 0:
        raise TinymlError(f"model-pack build {model_dir}: {done.stderr.strip()}")
    return out


def knock_package(work: Path, version: str) -> Path:
    """The committed knock model, packaged as @p version."""
    return model_pack_build(_model_dir(work, version), work / f"knock-{version}.pkg")


def always_background(tflite: bytes) -> bytes:
    """The model with the bias of its last FULLY_CONNECTED raised for class 0 so far that
    class 0 (background) wins on every input: a valid model that fails its self-test."""
    model = schema.ModelT.InitFromPackedBuf(tflite, 0)
    graph = model.subgraphs[0]
    fc = [
        op
        for op in graph.operators
        if model.operatorCodes[op.opcodeIndex].builtinCode == schema.BuiltinOperator.FULLY_CONNECTED
    ]
    if not fc or len(fc[-1].inputs) < 3 or fc[-1].inputs[2] < 0:
        raise TinymlError("the knock model has no FULLY_CONNECTED with a bias to change")
    bias = graph.tensors[fc[-1].inputs[2]]
    values = np.frombuffer(bytes(model.buffers[bias.buffer].data), dtype="<i4").copy()
    values[0] = np.iinfo(np.int32).max // 4
    model.buffers[bias.buffer].data = np.frombuffer(values.tobytes(), dtype=np.uint8)
    builder = flatbuffers.Builder(len(tflite) + 1024)
    builder.Finish(model.Pack(builder), file_identifier=b"TFL3")
    return bytes(builder.Output())


def mistrained_package(work: Path, version: str) -> Path:
    """A signed package at @p version whose model always says background."""
    model_dir = _model_dir(work, version)
    source = model_dir / "knock.tflite"
    source.write_bytes(always_background(source.read_bytes()))
    return model_pack_build(model_dir, work / f"knock-{version}-mistrained.pkg")
