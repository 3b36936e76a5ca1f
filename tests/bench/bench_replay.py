"""Figures of the example detectors on their held-out splits (conditions training never saw),
replayed through the C features, TFLM and the C decisions with the committed packages, and
the wall-clock time of the demo pipeline (``make demo``'s main job, models reused)."""

from __future__ import annotations

import os
import subprocess
import sys
import time

from tinyml_tools.paths import BUILD_DIR, REPO_ROOT
from tinyml_tools.replay import session

# Held-out session length per example, long enough for meaningful rates.
SECONDS = {"knock": 120, "pump": 240, "gesture": 150}


def run() -> dict[str, float]:
    figures: dict[str, float] = {}
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")
    for example, seconds in SECONDS.items():
        model_dir = REPO_ROOT / "models" / example
        split = BUILD_DIR / "bench" / "heldout" / example
        subprocess.run(
            [sys.executable, str(model_dir / "generate.py"), "--split", "heldout",
             "--seconds", str(seconds), "--out", str(split)],
            check=True, env=env,
        )  # fmt: skip
        result = session.run(split, model_dir / f"{example}.pkg")
        metrics = result.metrics
        assert metrics is not None
        for name, value in (("recall", metrics.recall), ("precision", metrics.precision)):
            if value is not None:  # undefined without events or without detections
                figures[f"replay.{example}.{name}"] = value
        figures[f"replay.{example}.false_triggers_per_hour"] = metrics.false_triggers_per_hour
        if example == "pump":  # the anomaly detector, on the same held-out split
            anomaly = session.run(split, model_dir / "anomaly" / "pump_anomaly.pkg").metrics
            assert anomaly is not None
            figures["replay.pump_anomaly.recall"] = anomaly.recall
            figures["replay.pump_anomaly.precision"] = anomaly.precision
            figures["replay.pump_anomaly.false_triggers_per_hour"] = anomaly.false_triggers_per_hour
    start = time.monotonic()
    subprocess.run(
        [sys.executable, "-m", "tinyml_tools.replay.demo", "--example", "knock"],
        check=True, env=env, cwd=REPO_ROOT, stdout=subprocess.DEVNULL,
    )  # fmt: skip
    figures["demo.seconds"] = time.monotonic() - start
    return figures
