"""The main job on one bundled example, as ``make demo`` runs it (knock by default), on the
path a user takes with their own recordings (docs/dataset.md, docs/train.md):

1. the example's recordings as a user brings them: CSV files in physical units with labels
   and metadata sidecars (training conditions, and held-out conditions tagged set=heldout);
2. ``dataset import``, ``dataset info``, ``dataset split`` (by session, the held-out
   conditions held out whole);
3. ``train``: reuses the committed model when the dataset, pipeline and settings are
   unchanged, else trains and calibrates it;
4. pack it (``tinyml model-pack build``, signed with the development key);
5. replay the held-out part through the C features, TFLM and the C decisions;
6. print the figures; the report's path is the last line.

    python -m tinyml_tools.replay.demo [--example knock] [--seconds 120]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from ..errors import TinymlError
from ..output import print_table
from ..paths import BUILD_DIR, REPO_ROOT
from . import session


def _step(message: str) -> None:
    print(f"==> {message}", flush=True)


def _run(cmd: list[str], what: str, echo: bool = True) -> str:
    """Run a step; echo its progress lines indented; its stdout for the caller."""
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", PYTHONWARNINGS="ignore")
    proc = subprocess.run(cmd, cwd=REPO_ROOT, env=env, text=True, capture_output=True)
    if proc.returncode != 0:
        tail = (proc.stderr.strip().splitlines() or ["(no output)"])[-1]
        raise TinymlError(f"{what} failed: {tail}")
    for line in proc.stdout.splitlines() if echo else []:
        print(f"    {line.removeprefix('==> ')}", flush=True)
    return proc.stdout


def _user_path(name: str, out: Path, heldout_seconds: float) -> tuple[Path, Path]:
    """Steps 1-4: CSV recordings -> dataset import -> info -> split; the dataset and the
    held-out part (conditions training never sees)."""
    from ..dataset import info, store
    from ..dataset.importer import ImportOptions, import_files
    from ..dataset.split import SplitSpec, split
    from ..train import demo_data, recipe

    spec = _recipe(name)
    folder = out / "recordings"
    stamp = folder / ".generated"
    generator_file = REPO_ROOT / "models" / name / "generate.py"
    key = f"{spec} {heldout_seconds} {hashlib.sha256(generator_file.read_bytes()).hexdigest()}"
    if not stamp.is_file() or stamp.read_text() != key:
        shutil.rmtree(folder, ignore_errors=True)
        shutil.rmtree(out / "dataset", ignore_errors=True)
        _step(f"{name}: writing the recordings a user brings: CSV in g, labels, metadata sidecars")
        count = demo_data.write_user_folder(spec, folder, heldout_seconds)
        stamp.write_text(key)
        print(f"    {count} sessions in {folder}", flush=True)
    _step(f"{name}: dataset import {folder}")
    result = import_files(out / "dataset", [folder], ImportOptions())
    if result.refused:
        raise result.refused[0]
    print(f"    {len(result.added)} imported, {len(result.unchanged)} unchanged", flush=True)
    dataset = store.load(out / "dataset")
    summary = info.summarize(dataset)
    png = info.plot(summary, dataset.root / "info.png", name)
    _step(f"{name}: dataset info")
    print(
        f"    {summary.recordings} recordings, {summary.seconds / 3600:.2f} h, "
        + ", ".join(f"{k}: {g.events} events" for k, g in summary.classes.items())
        + f", {len(summary.conditions)} conditions; plot {png}",
        flush=True,
    )
    _step(f"{name}: dataset split by session, holding out set=heldout")
    parts = split(dataset, SplitSpec(val=spec.val, holdout=(recipe.HELDOUT_TAG,), seed=0))
    print(
        "    " + ", ".join(
            f"{p}: {len(v)} recordings ({sum(e.seconds for e in v) / 3600:.2f} h)"
            for p, v in parts.parts.items()
        ),
        flush=True,
    )  # fmt: skip
    return dataset.root, parts.folder / "test"


def _recipe(name: str) -> Any:
    from ..train.recipe import generator

    module_path = REPO_ROOT / "models" / name / "train.py"
    namespace: dict[str, Any] = {"__name__": "recipe"}
    generator(name)  # fails early with a clear message when the generator is missing
    exec(compile(module_path.read_text(), str(module_path), "exec"), namespace)
    return namespace.get("RECIPE") or namespace["CLASSIFIER"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--example", default="knock", choices=("knock", "pump", "gesture"))
    parser.add_argument("--seconds", type=float, default=120.0, help="per held-out session")
    args = parser.parse_args(argv)
    start = time.monotonic()
    name = args.example
    model_dir = REPO_ROOT / "models" / name
    out = BUILD_DIR / "demo" / name
    try:
        from ..commands.train import _RichUi
        from ..train.recipe import options
        from ..train.run import train

        dataset, heldout = _user_path(name, out, args.seconds)
        _step(f"{name}: train (reused when the dataset, pipeline and settings are unchanged)")
        trained = train(options(_recipe(name), dataset, False), _RichUi(quiet=False))
        f = trained.figures
        print(
            f"    {'reused' if trained.reused else 'trained'} {trained.out / (name + '.tflite')}: "
            f"{f.get('parameters')} parameters, threshold {f.get('threshold')} for "
            f"{f.get('target')} (validation recall {f.get('val_recall')}, "
            f"{f.get('val_false_triggers_per_hour')} false triggers/h)",
            flush=True,
        )
        package = out / f"{name}.pkg"
        py = sys.executable
        _step(f"{name}: packing {model_dir.relative_to(REPO_ROOT)} into {package}")
        packed = json.loads(
            _run(
                [py, "-m", "tinyml_tools", "model-pack", "build", str(model_dir), "-o",
                 str(package), "--json"],
                "packing", echo=False,
            )
        )  # fmt: skip
        print(
            f"    {packed['bytes']} B signed package, arena {packed['arena']['total']} B, "
            f"ops {', '.join(packed['ops'])}",
            flush=True,
        )
        _step(f"{name}: replaying the held-out split (C features, TFLM int8 model, C decisions)")
        run = session.run(
            heldout,
            package,
            settings_path=model_dir / "detector.yaml",
            float_model=model_dir / f"{name}_float.tflite",
            report_dir=out / "report",
            progress=lambda message: print(f"    {message}", flush=True),
        )
    except TinymlError as err:
        print(f"demo: error: {err}", file=sys.stderr)
        return 1
    data = run.to_json()
    m = data["metrics"]
    print_table(
        f"{name} detector on held-out conditions",
        ["figure", "value"],
        [
            ("recordings / seconds", f"{len(data['recordings'])} / {data['seconds']:.0f}"),
            ("labelled events", m["events"]),
            ("recall", "undefined" if m["recall"] is None else f"{m['recall']:.3f}"),
            ("precision", "undefined" if m["precision"] is None else f"{m['precision']:.3f}"),
            ("false triggers per hour of negative data", f"{m['false_triggers_per_hour']:.1f}"),
            ("median detection latency (ms)", f"{m['latency_ms_median']:.0f}"),
            ("int8-vs-float agreement", f"{data['int8_float_agreement']:.4f}"),
            ("model runs / windows", f"{data['model_runs']} / {data['windows']}"),
        ],
    )
    _step(f"demo: done in {time.monotonic() - start:.1f} s; report:")
    print(run.report_html)
    return 0


if __name__ == "__main__":
    sys.exit(main())
