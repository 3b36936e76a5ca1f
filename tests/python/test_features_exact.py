"""The C core (build/host/libtinyml_host.so) equals the numpy reference bit for bit: whole
pipelines on real-like, adversarial and random signals, random configurations, and each
building block on its own (property-based, bounded example counts)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from tinyml_tools.features import compute, fft, time_domain
from tinyml_tools.features.fixed import log2_q8
from tinyml_tools.features.pipeline import (
    FFT_LENGTHS,
    Feature,
    Kind,
    PipelineConfig,
    WindowFn,
    load_pipeline,
    mel_edges,
)
from tinyml_tools.native import features as native
from tinyml_tools.native.library import NativeError

PIPELINES = {
    p.stem: load_pipeline(p)
    for p in (Path(__file__).resolve().parents[2] / "models" / "pipelines").glob("*.yaml")
}
SETTINGS = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True
)


def adversarial(n: int) -> dict[str, np.ndarray]:
    i = np.arange(n)
    rng = np.random.default_rng(n)
    return {
        "silence": np.zeros(n, np.int16),
        "full_scale_square": np.where((i // 3) % 2 == 0, 32767, -32768).astype(np.int16),
        "alternating_extremes": np.where(i % 2 == 0, 32767, -32768).astype(np.int16),
        "dc_max": np.full(n, 32767, np.int16),
        "dc_min": np.full(n, -32768, np.int16),
        "clipped_sine": np.clip(90000 * np.sin(i * 0.05), -32768, 32767).astype(np.int16),
        "impulse": np.where(i == n // 3, 32767, 0).astype(np.int16),
        "tiny_noise": rng.integers(-2, 3, n).astype(np.int16),
        "white_full_scale": rng.integers(-32768, 32768, n).astype(np.int16),
    }


@pytest.mark.parametrize("name", sorted(PIPELINES))
def test_pipelines_on_adversarial_signals(name: str) -> None:
    cfg = PIPELINES[name]
    c = native.NativePipeline(cfg)
    for kind, x in adversarial(cfg.input_len).items():
        ref = compute.run_pipeline(cfg, x)
        assert ref.dtype == np.int32
        np.testing.assert_array_equal(c.run(x), ref, err_msg=f"{name}/{kind}")


@st.composite
def spectral_configs(draw: st.DrawFn) -> PipelineConfig:
    n = draw(st.sampled_from(FFT_LENGTHS))
    nb = n // 2 + 1
    feats = draw(st.sets(st.sampled_from(list(Feature)), min_size=1))
    mask = sum(f.bit for f in feats)
    extra: dict[str, object] = {}
    if Feature.SPECTRUM in feats:
        lo = draw(st.integers(0, nb - 1))
        extra["spectrum_lo"], extra["spectrum_hi"] = lo, draw(st.integers(lo + 1, nb))
    if Feature.BAND_POWER in feats or Feature.BAND_RATIO in feats:
        bands = []
        for _ in range(draw(st.integers(1, 8))):
            lo = draw(st.integers(0, nb - 1))
            bands.append((lo, draw(st.integers(lo + 1, nb))))
        extra["bands"] = tuple(bands)
    if Feature.PEAKS in feats:
        extra["n_peaks"] = draw(st.integers(1, 8))
    if Feature.HARMONICS in feats:
        extra["n_harmonics"] = draw(st.integers(1, 8))
        extra["fundamental_bin"] = draw(st.integers(1, nb - 1))
    return PipelineConfig(
        kind=Kind.SPECTRAL, sample_rate_hz=draw(st.integers(1, 48000)), window_len=n,
        hop=draw(st.integers(1, n)), axes=draw(st.integers(1, 3)),
        window_fn=draw(st.sampled_from(list(WindowFn))), dc_remove=draw(st.booleans()),
        pre_emphasis_q15=draw(st.sampled_from([0, 1, 16384, 31785, 32767])),
        feature_mask=mask, **extra,  # type: ignore[arg-type]
    )  # fmt: skip


@SETTINGS
@given(cfg=spectral_configs(), data=st.data())
def test_random_spectral_configs_on_random_signals(
    cfg: PipelineConfig, data: st.DataObject
) -> None:
    scale = data.draw(st.sampled_from([1, 40, 3000, 32768]))
    seed = data.draw(st.integers(0, 2**32 - 1))
    x = np.clip(np.random.default_rng(seed).normal(0, scale, cfg.input_len), -32768, 32767)
    x = x.astype(np.int16)
    np.testing.assert_array_equal(native.NativePipeline(cfg).run(x), compute.run_pipeline(cfg, x))


@settings(max_examples=8, deadline=None, derandomize=True)
@given(
    n_mels=st.integers(1, 64),
    window=st.sampled_from([128, 256, 512]),
    pre=st.sampled_from([0, 31785]),
    dc=st.booleans(),
    seed=st.integers(0, 2**32 - 1),
)
def test_random_logmel_configs(n_mels: int, window: int, pre: int, dc: bool, seed: int) -> None:
    cfg = replace(
        PIPELINES["audio_logmel_16k"], window_len=window, hop=window // 2, n_mels=n_mels,
        pre_emphasis_q15=pre, dc_remove=dc, clip_len=4 * window,
        mel_edges=mel_edges(n_mels, 0.0, 8000.0, window, 16000),
    )  # fmt: skip
    x = np.random.default_rng(seed).integers(-32768, 32768, cfg.input_len).astype(np.int16)
    np.testing.assert_array_equal(native.NativePipeline(cfg).run(x), compute.run_pipeline(cfg, x))


@SETTINGS
@given(
    n=st.sampled_from(FFT_LENGTHS),
    data=st.data(),
)
def test_fft_bit_exact_and_close_to_float(n: int, data: st.DataObject) -> None:
    x = data.draw(hnp.arrays(np.int64, n, elements=st.integers(-16384, 16384)))
    ours = fft.rfft_q15(x)
    np.testing.assert_array_equal(native.rfft_q15(x), ours)
    exact = np.fft.rfft(x) / n
    # Rounding down in log2(n) stages: a few units at most.
    assert np.abs(ours[:, 0] + 1j * ours[:, 1] - exact).max() < 2 + np.log2(n)


@SETTINGS
@given(
    n=st.sampled_from(FFT_LENGTHS),
    dc=st.booleans(),
    pre=st.integers(0, 32767),
    window=st.sampled_from(list(WindowFn)),
    data=st.data(),
)
def test_prepare_and_time_stats(
    n: int, dc: bool, pre: int, window: WindowFn, data: st.DataObject
) -> None:
    x = data.draw(hnp.arrays(np.int16, n, elements=st.integers(-32768, 32767)))
    v, shift = time_domain.prepare(x, dc, pre, window)
    cv, cshift, cstats = native.prepare(x, dc, pre, int(window))
    np.testing.assert_array_equal(cv, v)
    assert cshift == shift
    assert np.abs(v).max() <= 16384
    ts = time_domain.time_stats(x, dc)
    assert (cstats.mean, cstats.rms, cstats.peak, cstats.zcr, cstats.crest_q8) == (
        ts.mean, ts.rms, ts.peak, ts.zcr, ts.crest_q8,
    )  # fmt: skip
    alone = native.time_stats(x, dc)
    assert (alone.mean, alone.rms, alone.zcr) == (ts.mean, ts.rms, ts.zcr)


@SETTINGS
@given(x=st.integers(0, 2**62))
def test_log2_q8(x: int) -> None:
    assert native.log2_q8(x) == int(log2_q8(np.array([x]))[0])


def test_fft_length_errors_raise() -> None:
    with pytest.raises(NativeError):
        native.rfft_q15(np.zeros(24))
