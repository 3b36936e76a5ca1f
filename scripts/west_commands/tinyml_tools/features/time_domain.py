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
    mean = frame_mean(x, dc_remove)
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


def frame_mean(x: IntArray, dc_remove: bool) -> int:
    """floor(sum x / n) with DC removal, else 0 (n a power of two)."""
    return int(np.asarray(x, np.int64).sum()) >> (x.size.bit_length() - 1) if dc_remove else 0


def prepare(
    x: IntArray, dc_remove: bool, pre_emphasis_q15: int, window: WindowFn
) -> tuple[IntArray, int]:
    """FFT input (|v| <= 2^14) and the block-scaling shift of one frame."""
    x = np.asarray(x, np.int64)
    y = x - frame_mean(x, dc_remove)
    prev = np.concatenate([y[:1], y[:-1]])
    p = y - ((pre_emphasis_q15 * prev) >> 15)
    v = (p * hann_q14(x.size) + 8192) >> 14 if window is WindowFn.HANN else p
    # Bit length of the OR of v ^ (v >> 31): |v| for v >= 0, |v| - 1 below (the C prep).
    mag = int(np.bitwise_or.reduce(v ^ (v >> 63)))
    shift = 0 if mag == 0 else 14 - int(bit_length(np.array([mag]))[0])
    out = v << shift if shift >= 0 else v >> -shift
    return out, shift
