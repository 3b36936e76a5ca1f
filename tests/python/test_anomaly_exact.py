"""The anomaly score: C (core/anomaly.c through the host library) against the numpy
reference (tinyml_tools.features.anomaly), bit for bit, on random and extreme tensors."""

from __future__ import annotations

import numpy as np
import pytest

from tinyml_tools.features import anomaly as ref
from tinyml_tools.native.anomaly import NativeAnomaly
from tinyml_tools.native.library import NativeError


@pytest.mark.parametrize("seed", range(12))
def test_c_matches_numpy(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 700))
    cfg = ref.AnomalyConfig(
        int(rng.integers(-128, 128)),
        int(rng.integers(-128, 128)),
        int(rng.integers(1, ref.MAX_RATIO + 1)) if seed % 3 else 65536,
        int(rng.integers(1, 1 << 24)),
        n,
    )
    native = NativeAnomaly(
        cfg.input_zero_point, cfg.output_zero_point, cfg.output_ratio_q16, cfg.full_scale_q8, n
    )
    for _ in range(20):
        x = rng.integers(-128, 128, n).astype(np.int8)
        y = np.clip(x + rng.integers(-40, 41, n), -128, 127).astype(np.int8)
        assert native.error_q8(x, y) == ref.error_q8(cfg, x, y)
        assert native.scores_q15(x, y) == ref.scores_q15(cfg, x, y)


def test_extremes_do_not_overflow() -> None:
    n = ref.MAX_VALUES
    cfg = ref.AnomalyConfig(-128, 127, ref.MAX_RATIO, 1, n)
    native = NativeAnomaly(-128, 127, ref.MAX_RATIO, 1, n)
    x = np.full(n, 127, np.int8)
    y = np.full(n, -128, np.int8)
    expected = ref.error_q8(cfg, x, y)
    assert expected > 0
    assert native.error_q8(x, y) == expected
    assert native.scores_q15(x, y) == (0, 32767)


def test_bad_config_is_refused_by_c() -> None:
    with pytest.raises(NativeError):
        NativeAnomaly(0, 0, 0, 1, 4)
    assert ref.AnomalyConfig(0, 0, 0, 1, 4).problems()
