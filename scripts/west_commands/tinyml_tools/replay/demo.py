"""The main job on one bundled example, as ``make demo`` runs it (knock by default):

1. generate the held-out split (conditions training never sees) from its fixed seeds;
2. train the model, or reuse the committed one when its inputs are unchanged;
3. pack it (``tinyml model-pack build``, signed with the development key);
4. replay the held-out split through the C features, TFLM and the C decisions;
5. print the figures; the report's path is the last line.

    python -m tinyml_tools.replay.demo [--example knock] [--seconds 120]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time

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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--example", default="knock", choices=("knock", "pump", "gesture"))
    parser.add_argument("--seconds", type=float, default=120.0, help="per held-out session")
    args = parser.parse_args(argv)
    start = time.monotonic()
    name = args.example
    model_dir = REPO_ROOT / "models" / name
    out = BUILD_DIR / "demo" / name
    heldout = out / "heldout"
    py = sys.executable
    try:
        _step(f"{name}: generating the held-out split ({args.seconds:.0f} s per session)")
        _run(
            [py, str(model_dir / "generate.py"), "--split", "heldout", "--seconds",
             str(args.seconds), "--out", str(heldout)],
            "generating data",
        )  # fmt: skip
        _step(f"{name}: train or reuse the model")
        _run([py, str(model_dir / "train.py")], "training")
        package = out / f"{name}.pkg"
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
