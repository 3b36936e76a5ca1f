"""Features over a power spectrum (core/features_spectral.c, features_mel.c)."""

from __future__ import annotations

from functools import cache

import numpy as np

from tinyml_tools.features.fixed import LOG2_Q8_ZERO, IntArray, log2_q8

INT32_MAX = 0x7FFFFFFF


def log_power(p: IntArray, shift: int) -> IntArray:
    """log2_q8(p) - 512 shift; LOG2_Q8_ZERO for p = 0."""
    p = np.asarray(p, np.int64)
    return np.where(p == 0, LOG2_Q8_ZERO, log2_q8(p) - 512 * shift)


def band_log_power(pw: IntArray, lo: int, hi: int, shift: int) -> int:
    return int(log_power(np.array([int(pw[lo:hi].sum())]), shift)[0])


def ratio_q15(part: int, total: int) -> int:
    """part / total in Q15, both reduced to the 17 leading bits of total (as C)."""
    k = max(0, total.bit_length() - 17)
    t = total >> k
    return ((part >> k) << 15) // t if t else 0


def band_ratio_q15(pw: IntArray, lo: int, hi: int) -> int:
    return ratio_q15(int(pw[lo:hi].sum()), int(pw.sum()))


def spectral_crest_q8(mag: IntArray) -> int:
    body = mag[1:]
    total = int(body.sum())
    return (int(body.max()) * body.size << 8) // total if total else 0


def peaks(pw: IntArray, shift: int, k: int) -> tuple[list[int], list[int]]:
    """The k strongest bins of 1..n-1 (ties: lower bin first) and their log powers."""
    bins = np.arange(1, pw.size)
    order = np.lexsort((bins, -pw[1:]))[:k]
    chosen = [int(b) for b in bins[order]]
    logs = [int(v) for v in log_power(pw[chosen], shift)] if chosen else []
    missing = k - len(chosen)
    return chosen + [0] * missing, logs + [LOG2_Q8_ZERO] * missing


def harmonic_q15(num: int, den: int) -> int:
    """num / den in Q15, both reduced to the 16 leading bits of the larger (as C)."""
    k = max(0, max(num, den).bit_length() - 16)
    d = den >> k
    return ((num >> k) << 15) // d if d else INT32_MAX


def harmonics_q15(pw: IntArray, f0: int, count: int) -> list[int]:
    fund = int(pw[f0])
    parts = [int(pw[h * f0]) if h * f0 < pw.size else 0 for h in range(2, count + 2)]
    if fund == 0:
        return [0] * (count + 1)
    return [harmonic_q15(p, fund) for p in [*parts, sum(parts)]]


@cache
def mel_weights_q15(edges: tuple[int, ...], n_bins: int) -> IntArray:
    """(n_mels, n_bins) triangle weights in Q15 from bin edges, integer as in C."""
    n_mels = len(edges) - 2
    w = np.zeros((n_mels, n_bins), np.int64)
    for m in range(n_mels):
        lo, mid, hi = edges[m], edges[m + 1], edges[m + 2]
        for k in range(lo + 1, mid + 1):
            w[m, k] = ((k - lo) << 15) // (mid - lo)
        for k in range(mid + 1, hi):
            w[m, k] = ((hi - k) << 15) // (hi - mid)
    return w


def mel_log(pw: IntArray, weights: IntArray, shift: IntArray | int) -> IntArray:
    """Log-mel of power spectra (bins, frames...) with their shifts: (n_mels, frames...)."""
    energy = weights @ np.asarray(pw, np.int64)
    return np.where(energy == 0, LOG2_Q8_ZERO, log2_q8(energy) - 512 * shift - 15 * 256)
