"""The Q15 real FFT of modules/tinyml/core/fft.c, step for step in int64 numpy.

Every function works on the last axis, so a batch of frames (or axes) is one call.
"""

from __future__ import annotations

from functools import cache

import numpy as np

from tinyml_tools.features.fixed import IntArray, isqrt
from tinyml_tools.features.tables import TWIDDLE_N, TWIDDLES

FFT_LENGTHS = (16, 32, 64, 128, 256, 512)


@cache
def _bit_reverse(m: int) -> IntArray:
    bits = m.bit_length() - 1
    return np.array([int(f"{i:0{bits}b}"[::-1], 2) if bits else 0 for i in range(m)], np.int64)


def rfft_q15(x: IntArray) -> IntArray:
    """Bins 0..n/2 of x (|x| <= 2^14) as (..., n/2 + 1, 2) (re, im) ~ DFT(x) / n."""
    x = np.asarray(x, np.int64)
    n = x.shape[-1]
    if n not in FFT_LENGTHS:
        raise ValueError(f"FFT length {n} not supported")
    lead = x.shape[:-1]
    m = n // 2
    rev = _bit_reverse(m)
    zr, zi = x[..., 0::2][..., rev], x[..., 1::2][..., rev]
    h = 1
    while h < m:
        step = (TWIDDLE_N // 2) // h
        j = np.arange(h)
        c = TWIDDLES[j * step, 0].copy()
        s = TWIDDLES[j * step, 1]
        c[0] = 32768  # t = b exactly for j = 0, as in the C code
        blocks_r = zr.reshape(*lead, m // (2 * h), 2 * h)
        blocks_i = zi.reshape(*lead, m // (2 * h), 2 * h)
        ar, ai = blocks_r[..., :h], blocks_i[..., :h]
        br, bi = blocks_r[..., h:], blocks_i[..., h:]
        tr = (br * c + bi * s) >> 15
        ti = (bi * c - br * s) >> 15
        zr = np.concatenate([(ar + tr) >> 1, (ar - tr) >> 1], axis=-1).reshape(*lead, m)
        zi = np.concatenate([(ai + ti) >> 1, (ai - ti) >> 1], axis=-1).reshape(*lead, m)
        h *= 2
    out = np.zeros((*lead, m + 1, 2), np.int64)
    out[..., 0, 0] = (zr[..., 0] + zi[..., 0]) >> 1
    out[..., m, 0] = (zr[..., 0] - zi[..., 0]) >> 1
    k = np.arange(1, m // 2 + 1)
    q = m - k
    step = TWIDDLE_N // (2 * m)
    c, s = TWIDDLES[k * step, 0], TWIDDLES[k * step, 1]
    er, ei = (zr[..., k] + zr[..., q]) >> 1, (zi[..., k] - zi[..., q]) >> 1
    dr, di = (zr[..., k] - zr[..., q]) >> 1, (zi[..., k] + zi[..., q]) >> 1
    u = (c * di - s * dr) >> 15
    v = (c * dr + s * di) >> 15
    # At k = q = m/2 both formulas give the same value (c = 0, dr = 0, ei = 0).
    out[..., q, 0] = (er - u) >> 1
    out[..., q, 1] = (-ei - v) >> 1
    out[..., k, 0] = (er + u) >> 1
    out[..., k, 1] = (ei - v) >> 1
    return out


def power(bins: IntArray) -> IntArray:
    """re^2 + im^2 of each bin ((..., bins, 2) -> (..., bins))."""
    b = np.asarray(bins, np.int64)
    return b[..., 0] * b[..., 0] + b[..., 1] * b[..., 1]


def magnitude(pw: IntArray) -> IntArray:
    """floor(sqrt(power)), saturated to 65535."""
    return np.minimum(isqrt(pw), 65535)
