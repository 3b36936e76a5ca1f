"""`west power` figures of the bundled detectors, against the seed's case sketches.

power.<example>.<board>.total_ua / .battery_days / .inference_uj: the average current, the life
of the cell, and the energy of one inference, with the trigger's duty from a replay of the
example's first held-out recording; radio: one summary packet a minute plus the replay's
detections. knock: nRF52840 DK on a CR2032 (the seed's door panel, BLE once a minute).
gesture: nRF52840 on a 100 mAh LiPo (the seed's ring, two weeks a charge); also with the
gyroscope off between motions (lsm6dso_accel) to show what the sensor costs.
pump: STM32U575 on 2xAA (no radio on the board; reporting is the gateway's).
"""

from __future__ import annotations

import argparse

from tinyml_tools.commands.power import _replay_activity
from tinyml_tools.features.pipeline import load_pipeline
from tinyml_tools.paths import REPO_ROOT
from tinyml_tools.power.budget import Activity, RadioUse, power_budget
from tinyml_tools.power.parts import default_sensor, find_cell, find_sensor
from tinyml_tools.profile.boards import find_board
from tinyml_tools.profile.costmodel import load_cost_model
from tinyml_tools.profile.feature_cost import load_feature_model
from tinyml_tools.profile.report import build_profile, pipeline_cost, read_model

CASES = (
    # example, board, cell, sensor (None: the pipeline's default), report every s, tag
    ("knock", "nrf52840dk/nrf52840", "cr2032", None, 60.0, "nrf52840"),
    ("gesture", "nrf52840dk/nrf52840", "lipo_100", None, 60.0, "nrf52840"),
    ("gesture", "nrf52840dk/nrf52840", "lipo_100", "lsm6dso_accel", 60.0, "nrf52840_accel_only"),
    ("pump", "nucleo_u575zi_q", "2xaa", None, None, "u575"),
)


def run() -> dict[str, float]:
    figures: dict[str, float] = {}
    cost = load_cost_model()
    feats = load_feature_model()
    for name, board_name, cell, sensor, report_s, tag in CASES:
        folder = REPO_ROOT / "models" / name
        pkg = folder / f"{name}.pkg"
        cfg = load_pipeline(folder / "pipeline.yaml")
        board = find_board(board_name)
        profile = build_profile(pkg, read_model(pkg), cost, pipeline_cost(cfg, feats), board)
        recording = sorted((folder / "golden").glob("heldout_*.npz"))[0]
        args = argparse.Namespace(recording=recording, model=pkg, detector=folder / "detector.yaml")
        armed, events, source = _replay_activity(args)
        if board.radio is None:
            events = 0.0
        part = (
            find_sensor(sensor)
            if sensor
            else default_sensor(cfg.axes, cfg.sample_rate_hz, cfg.kind.name.lower())
        )
        b = power_budget(
            profile,
            board,
            part,
            Activity(armed, events, source),
            RadioUse(20, 0.2, report_s if board.radio else None),
            find_cell(cell),
        )
        key = f"power.{name}.{tag}"
        figures[f"{key}.total_ua"] = round(b.total_ma * 1e3, 2)
        figures[f"{key}.battery_days"] = round(b.hours / 24, 1)
        figures[f"{key}.inference_uj"] = round(b.inference_uj, 2)
        figures[f"{key}.inference_ms"] = round(b.inference_ms, 3)
        figures[f"{key}.armed.percent"] = round(100 * armed, 1)
        figures[f"{key}.dominant_share.percent"] = round(
            100 * b.parts_ma[b.dominant] / b.total_ma, 1
        )
    return figures
