"""Golden regression: each example's committed golden set, replayed, against its targets.

``models/<example>/targets.yaml`` holds two things measured on held-out conditions (never on
training data):

- ``targets``: the figures the example must meet (``*_min`` / ``*_max``);
- ``expected``: the exact figures the current feature code and model give on the golden set.
  Any change that moves them fails the golden test, even within the targets, so a change of
  behaviour is always a reviewed change: rerun with ``--update`` and commit the new figures.

    python -m tinyml_tools.replay.golden            # check every example
    python -m tinyml_tools.replay.golden --update   # rewrite the expected figures
"""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path
from typing import Any

import yaml

from ..errors import InputError, TinymlError
from ..paths import REPO_ROOT
from . import session

EXAMPLES = ("knock", "pump", "gesture", "pump_anomaly")
MODELS_DIR = REPO_ROOT / "models"
# model folder and golden-set folder of examples that are not models/<example>/ alone
_FOLDERS = {"pump_anomaly": ("pump/anomaly", "pump")}
TARGETS_FILE = "targets.yaml"
_EXACT = (
    "precision",
    "recall",
    "false_triggers_per_hour",
    "latency_ms_median",
    "int8_float_agreement",
    "events",
    "detections",
    "false_triggers",
)


def model_dir(example: str) -> Path:
    return MODELS_DIR / _FOLDERS.get(example, (example, example))[0]


def golden_dir(example: str) -> Path:
    return MODELS_DIR / _FOLDERS.get(example, (example, example))[1] / "golden"


def figures(example: str) -> dict[str, float]:
    """Replay the golden set of ``example`` with its committed package; the headline figures."""
    folder = model_dir(example)
    run = session.run(golden_dir(example), folder / f"{example}.pkg")
    data = run.to_json()
    m = data["metrics"]
    if m is None:
        raise InputError(golden_dir(example), "golden set has no labels")
    out: dict[str, float] = {  # an undefined rate (no detection, no event) counts as -1
        key: -1 if m[key] is None else m[key]
        for key in ("precision", "recall", "false_triggers_per_hour", "events")
    }
    out |= {
        "latency_ms_median": m["latency_ms_median"] if m["latency_ms_median"] is not None else -1,
        "int8_float_agreement": data["int8_float_agreement"] or 0.0,
        "detections": m["detections"],
        "false_triggers": m["false_triggers"],
    }
    return {k: round(float(v), 6) for k, v in out.items()}


def load_targets(example: str) -> dict[str, Any]:
    path = model_dir(example) / TARGETS_FILE
    try:
        data = yaml.safe_load(path.read_text())
    except (OSError, yaml.YAMLError) as err:
        raise InputError(path, f"cannot read targets ({err})") from None
    if not isinstance(data, dict) or not isinstance(data.get("targets"), dict):
        raise InputError(path, "needs a 'targets' mapping")
    return data


def problems(example: str, measured: dict[str, float]) -> list[str]:
    """Every target missed and every expected figure that moved, one line each."""
    data = load_targets(example)
    out: list[str] = []
    for key, bound in data["targets"].items():
        name, _, kind = key.rpartition("_")
        if name not in measured or kind not in ("min", "max"):
            out.append(f"{example}: unknown target '{key}'")
            continue
        value = measured[name]
        if (kind == "min" and value < bound) or (kind == "max" and value > bound):
            out.append(f"{example}: {name} {value:g} misses the target {key} {bound:g}")
    expected = data.get("expected") or {}
    for key in _EXACT:
        if key not in expected:
            out.append(f"{example}: no expected {key} in {TARGETS_FILE} (run with --update)")
        elif not math.isclose(measured[key], float(expected[key]), rel_tol=1e-9, abs_tol=1e-6):
            out.append(
                f"{example}: {key} moved from {expected[key]:g} to {measured[key]:g} "
                "(a feature or model change; review, then update the expected figures)"
            )
    return out


def update(example: str, measured: dict[str, float]) -> None:
    path = model_dir(example) / TARGETS_FILE
    text = path.read_text()
    head = text.split("\nexpected:")[0].rstrip("\n")
    block = yaml.safe_dump({"expected": {k: measured[k] for k in _EXACT}}, sort_keys=False)
    path.write_text(head + "\n" + block)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("examples", nargs="*", default=list(EXAMPLES))
    parser.add_argument("--update", action="store_true", help="rewrite the expected figures")
    args = parser.parse_args(argv)
    failed = False
    try:
        for example in args.examples:
            measured = figures(example)
            print(f"{example}: " + ", ".join(f"{k} {v:g}" for k, v in measured.items()))
            if args.update:
                update(example, measured)
            for line in problems(example, measured):
                failed = True
                print(f"  FAIL {line}")
    except TinymlError as err:
        print(f"golden: error: {err}", file=sys.stderr)
        return 1
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
