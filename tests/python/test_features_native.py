"""The ctypes layer: loader errors, decision logic and drift statistics run by the C core
(drift also against its Python twin), and the generated C tables and vectors being current."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tinyml_tools.errors import TinymlError
from tinyml_tools.features import tables
from tinyml_tools.features.drift import DriftStats
from tinyml_tools.native import library as lib
from tinyml_tools.native.decision import (
    TRIGGER_DELTA,
    DecisionSettings,
    NativeDecision,
    NativeTrigger,
)
from tinyml_tools.native.drift import NativeDrift
from tinyml_tools.native.library import NativeError

REPO = Path(__file__).resolve().parents[2]


def test_missing_library_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(lib.ENV_OVERRIDE, str(tmp_path / "libtinyml_host.so"))
    with pytest.raises(TinymlError, match="make host"):
        lib.library.__wrapped__()


def test_knock_decision_two_within_400_ms() -> None:
    d = NativeDecision(
        DecisionSettings(
            thresholds_q15=[0, 24000], background_class=0, confirm_k=2, confirm_span_ms=400,
            refractory_ms=1000,
        )
    )  # fmt: skip
    knock, rest = [2000, 30000], [30000, 2000]
    assert d.step(knock, 1000).event is None
    assert d.step(rest, 1100).candidate is None
    assert d.step(knock, 1300).event == 1
    assert d.step(knock, 1500).event is None  # refractory
    with pytest.raises(NativeError, match="Invalid argument"):
        d.step([1, 2, 3], 1600)


def test_bad_decision_settings_raise() -> None:
    with pytest.raises(NativeError):
        NativeDecision(DecisionSettings(thresholds_q15=[1, 2], vote_window=0))


def test_trigger_arms_on_motion() -> None:
    t = NativeTrigger(TRIGGER_DELTA, axes=3, threshold=500, hold_ms=100)
    rest = np.tile([0, 0, 16384], 8)
    assert not t.update(rest, 0)
    moved = rest.copy()
    moved[12:15] = [400, -300, 16384]
    assert t.update(moved, 10)
    assert t.update(rest[:3], 110)
    assert not t.update(rest, 200)


@settings(max_examples=25, deadline=None, derandomize=True)
@given(
    horizon=st.sampled_from([2, 16, 256, 4096]),
    rows=st.lists(
        st.lists(st.integers(-(2**31), 2**31 - 1), min_size=3, max_size=3),
        min_size=1,
        max_size=60,
    ),
)
def test_drift_c_equals_python(horizon: int, rows: list[list[int]]) -> None:
    c, py = NativeDrift(3, horizon), DriftStats(3, horizon)
    for row in rows:
        c.update(row)
        py.update(row)
    for i in range(3):
        assert c.stats(i) == py.stats(i)
    base_mean, base_std = [0, 100, -5000], [1, 256, 0]
    assert c.score_q8(base_mean, base_std) == py.score_q8(base_mean, base_std)


def test_c_tables_are_generated_from_the_reference() -> None:
    committed = (REPO / "modules" / "tinyml" / "core" / "signal_tables.c").read_text()
    assert committed == tables.render_c()


def test_golden_vectors_are_current() -> None:
    path = REPO / "tests" / "core" / "vectors" / "generate.py"
    spec = importlib.util.spec_from_file_location("generate_vectors", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert (path.parent / "signal_vectors.h").read_text() == module.render()
