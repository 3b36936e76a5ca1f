"""model-pack figures: wall time and peak memory of a pack, and the arena of every external model.

pack.<example>.seconds / .peak_mb: one `tinyml model-pack build` in a fresh process (peak RSS
from wait4), for a Keras source (int8 conversion + accuracy check), a tf_keras source with
quantization-aware fine-tuning (mode qat) and a .tflite source.
arena.<stem>.total / .lower_bound: the pack-time arena figure (bytes) of each external model.
pack.committed.<example>.package_bytes / .tflite_bytes / .arena_{total,head,tail}_bytes: a
fresh `tinyml model-pack build models/<example>` of each committed example model (the figures
docs/model-pack.md quotes; tests/python/test_docs_figures.py checks them).
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

from tinyml_tools.modelpack.arena import estimate_arena
from tinyml_tools.modelpack.tflite_model import load_tflite
from tinyml_tools.paths import REPO_ROOT

EXTERNAL = REPO_ROOT.parent / "shared" / "external-models"
TESTS = REPO_ROOT / "tests" / "python"
AUDIO_PIPELINE = REPO_ROOT / "models" / "pipelines" / "audio_logmel_16k.yaml"


# A fresh, small parent process runs the build: Linux counts a child's peak RSS from its fork,
# so forking the build from this (TensorFlow-sized) process would report our size, not its.
_MEASURE = (
    "import resource, subprocess, sys, time\n"
    "start = time.monotonic()\n"
    "code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL).returncode\n"
    "seconds = time.monotonic() - start\n"
    "peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss\n"
    "print(code, seconds, peak)\n"
)


def _timed_build(model_dir: Path, out: Path) -> tuple[float, float]:
    build = ["-m", "tinyml_tools", "model-pack", "build", str(model_dir), "-o", str(out)]
    proc = subprocess.run(
        [sys.executable, "-c", _MEASURE, sys.executable, *build],
        capture_output=True,
        text=True,
        check=False,
    )
    code, seconds, peak_kib = proc.stdout.split()
    if int(code) != 0 or not out.is_file():
        raise SystemExit(f"bench: pack of {model_dir} failed: {proc.stderr.strip()}")
    return float(seconds), int(peak_kib) / 1024.0  # ru_maxrss is in KiB on Linux


def _example_dirs(root: Path) -> dict[str, Path]:
    sys.path.insert(0, str(TESTS))
    from test_model_pack_build import make_model_dir
    from test_model_pack_keras import write_keras_dir
    from test_model_pack_qat import write_qat_dir

    speech = (EXTERNAL / "micro_speech_quantized.tflite").read_bytes()
    yaml_text = (
        "name: micro-speech\nversion: 1.0.0\nsource: {path: model.tflite, format: tflite}\n"
        "labels: [silence, unknown, 'yes', 'no']\nfeature_pipeline: pipeline.yaml\n"
    )
    return {
        "knock_keras": write_keras_dir(root / "knock"),
        "knock_qat": write_qat_dir(root / "knock_qat"),
        "micro_speech_tflite": make_model_dir(root / "speech", speech, yaml_text, AUDIO_PIPELINE),
    }


COMMITTED = ("knock", "pump", "gesture")


def committed_figures(root: Path) -> dict[str, float]:
    """Build each committed example model with the tool and read the package back."""
    import json

    figures: dict[str, float] = {}
    for example in COMMITTED:
        out = root / f"{example}.pkg"
        build = [sys.executable, "-m", "tinyml_tools", "model-pack", "build"]
        subprocess.run(
            [*build, str(REPO_ROOT / "models" / example), "-o", str(out)],
            check=True,
            capture_output=True,
        )
        inspect = subprocess.run(
            [sys.executable, "-m", "tinyml_tools", "model-pack", "inspect", str(out), "--json"],
            check=True,
            capture_output=True,
            text=True,
        )
        data = json.loads(inspect.stdout)
        key = f"pack.committed.{example}"
        figures[f"{key}.package_bytes"] = out.stat().st_size
        figures[f"{key}.tflite_bytes"] = data["tflite_bytes"]
        for part in ("total", "head", "tail"):
            figures[f"{key}.arena_{part}_bytes"] = data["arena"][part]
    return figures


def run() -> dict[str, float]:
    figures: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name, model_dir in _example_dirs(Path(tmp)).items():
            seconds, peak_mb = _timed_build(model_dir, Path(tmp) / f"{name}.pkg")
            figures[f"pack.{name}.seconds"] = round(seconds, 2)
            figures[f"pack.{name}.peak_mb"] = round(peak_mb, 1)
        figures |= committed_figures(Path(tmp))
    for path in sorted(EXTERNAL.glob("*.tflite")):
        arena = estimate_arena(load_tflite(path))
        figures[f"arena.{path.stem}.total"] = arena.total
        figures[f"arena.{path.stem}.lower_bound"] = arena.lower_bound
    return figures
