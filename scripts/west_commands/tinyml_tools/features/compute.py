"""Whole pipelines, exactly as tinyml_pipeline_run(): what training code calls.

``run_pipeline(cfg, samples)`` takes the same input as the C function (axis-major window for
SPECTRAL, a mono clip for LOGMEL); ``windows(cfg, frames)`` cuts a (T, axes) recording into the
windows the firmware's tinyml_window would produce.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import numpy.typing as npt

from tinyml_tools.features import fft, spectral
from tinyml_tools.features.fixed import IntArray
from tinyml_tools.features.pipeline import Feature, Kind, PipelineConfig
from tinyml_tools.features.time_domain import prepare, time_stats


def _power(cfg: PipelineConfig, frames: IntArray) -> tuple[IntArray, IntArray]:
    """Power spectra and shifts of a batch of frames (rows)."""
    v, shift = prepare(frames, cfg.dc_remove, cfg.pre_emphasis_q15, cfg.window_fn)
    return fft.power(fft.rfft_q15(v)), shift


def _axis_features(cfg: PipelineConfig, x: IntArray, pw: IntArray, shift: int) -> list[int]:
    ts = time_stats(x, cfg.dc_remove)
    out: list[int] = []
    for feat in Feature:
        if not cfg.has(feat):
            continue
        if feat is Feature.RMS:
            out.append(ts.rms)
        elif feat is Feature.ZCR:
            out.append(ts.zcr)
        elif feat is Feature.CREST:
            out.append(ts.crest_q8)
        elif feat is Feature.PEAK:
            out.append(ts.peak)
        elif feat is Feature.SPECTRUM:
            lo, hi = cfg.spectrum_lo, cfg.spectrum_hi
            out += [int(v) for v in spectral.log_power(pw[lo:hi], shift)]
        elif feat is Feature.BAND_POWER:
            out += [spectral.band_log_power(pw, lo, hi, shift) for lo, hi in cfg.bands]
        elif feat is Feature.BAND_RATIO:
            out += [spectral.band_ratio_q15(pw, lo, hi) for lo, hi in cfg.bands]
        elif feat is Feature.SPECTRAL_CREST:
            out.append(spectral.spectral_crest_q8(fft.magnitude(pw)))
        elif feat is Feature.PEAKS:
            bins, logs = spectral.peaks(pw, shift, cfg.n_peaks)
            for b, lp in zip(bins, logs, strict=True):
                out += [b, lp]
        elif feat is Feature.HARMONICS:
            out += spectral.harmonics_q15(pw, cfg.fundamental_bin, cfg.n_harmonics)
        elif feat is Feature.RAW:
            out += [int(v) for v in x]
    return out


def run_pipeline(cfg: PipelineConfig, samples: npt.ArrayLike) -> npt.NDArray[np.int32]:
    """The int32 features of one window (SPECTRAL, axis-major) or clip (LOGMEL)."""
    x = np.asarray(samples, np.int64).ravel()
    if x.size != cfg.input_len:
        raise ValueError(f"pipeline takes {cfg.input_len} samples, got {x.size}")
    if np.any((x < -32768) | (x > 32767)):
        raise ValueError("samples must be int16")
    n = cfg.window_len
    out: list[int] = []
    if cfg.kind is Kind.LOGMEL:
        weights = spectral.mel_weights_q15(cfg.mel_edges, cfg.n_bins)
        starts = np.arange(cfg.n_frames) * cfg.hop
        pw, shifts = _power(cfg, x[starts[:, None] + np.arange(n)])
        mel = spectral.mel_log(pw.T, weights, shifts)  # (n_mels, frames)
        return np.ascontiguousarray(mel.T).ravel().astype(np.int32)
    rows = x.reshape(cfg.axes, n)
    pw, shifts = _power(cfg, rows)
    for axis in range(cfg.axes):
        out += _axis_features(cfg, rows[axis], pw[axis], int(shifts[axis]))
    return np.array(out, np.int32)


def windows(cfg: PipelineConfig, frames: npt.ArrayLike) -> Iterator[npt.NDArray[np.int16]]:
    """Axis-major windows of a (T, axes) int16 recording, every hop frames (as tinyml_window)."""
    data = np.asarray(frames, np.int16).reshape(-1, cfg.axes)
    for start in range(0, data.shape[0] - cfg.window_len + 1, cfg.hop):
        yield np.ascontiguousarray(data[start : start + cfg.window_len].T).ravel()
