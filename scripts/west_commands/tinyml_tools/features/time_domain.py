"""Time-domain statistics and the fused FFT prep (core/features_time.c, features_prepare.c)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tinyml_tools.features.fixed import IntArray, bit_length, isqrt
from tinyml_tools.features.pipeline import WindowFn
from tinyml_tools.features.tables import HANN_Q14, TWIDDLE_N


@dataclass(frozen=True)
class TimeStats:
    mean: int
    rms: int
    peak: int
    zcr: int
    crest_q8: int


def time_stats(x: IntArray, dc_remove: bool) -> TimeStats:
    x = np.asarray(x, np.int64)
    n = x.size
    if n == 0 or n & (n - 1):
        raise ValueError("length must be a power of two")
    bits = n.bit_length() - 1
    mean = int(frame_mean(x, dc_remove))
    y = x - mean
    rms = int(isqrt(np.array([int((y * y).sum()) >> bits]))[0])
    peak = int(np.abs(y).max())
    neg = y < 0
    zcr = int(np.count_nonzero(neg[1:] != neg[:-1]))
    crest = (peak << 8) // rms if rms else 0
    return TimeStats(mean, rms, peak, zcr, crest)


def hann_q14(n: int) -> IntArray:
    """Periodic Hann window in Q14 (0..16384) from the twiddle table, as the C prep uses it."""
    i = np.arange(n)
    idx = np.where(i <= n // 2, i, n - i) * (TWIDDLE_N // n)
    return np.asarray(HANN_Q14[idx], np.int64)


def frame_mean(x: IntArray, dc_remove: bool) -> IntArray:
    """floor(sum x / n) over the last axis with DC removal, else 0 (n a power of two)."""
    x = np.asarray(x, np.int64)
    if not dc_remove:
        return np.zeros(x.shape[:-1], np.int64)
    return np.asarray(x.sum(axis=-1) >> (x.shape[-1].bit_length() - 1), np.int64)


def prepare(
    x: IntArray, dc_remove: bool, pre_emphasis_q15: int, window: WindowFn
) -> tuple[IntArray, IntArray]:
    """FFT input (|v| <= 2^14) and block-scaling shift of each frame (last axis)."""
    x = np.asarray(x, np.int64)
    y = x - frame_mean(x, dc_remove)[..., None]
    prev = np.concatenate([y[..., :1], y[..., :-1]], axis=-1)
    p = y - ((pre_emphasis_q15 * prev) >> 15)
    v = (p * hann_q14(x.shape[-1]) + 8192) >> 14 if window is WindowFn.HANN else p
    # Bit length of the OR of v ^ (v >> 31): |v| for v >= 0, |v| - 1 below (the C prep).
    mag = np.bitwise_or.reduce(v ^ (v >> 63), axis=-1)
    shift = np.where(mag == 0, 0, 14 - bit_length(mag))
    up = np.maximum(shift, 0)[..., None]
    down = np.maximum(-shift, 0)[..., None]
    return (v << up) >> down, shift
