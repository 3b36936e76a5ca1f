"""Integer helpers with the exact results of modules/tinyml/core/fixed.c."""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

from tinyml_tools.features.tables import LOG2_TABLE

LOG2_Q8_ZERO = -8192

IntArray = npt.NDArray[np.int64]


def bit_length(x: IntArray) -> IntArray:
    """Bit length of each non-negative value (exact for any int64)."""
    x = np.asarray(x, np.int64)
    # Below 2^53 a float64 holds the value exactly, so frexp's exponent is the bit length.
    n = np.frexp(x.astype(np.float64))[1].astype(np.int64)
    big = x >= 1 << 53
    if np.any(big):
        n[big] = [int(v).bit_length() for v in x[big]]
    return n


def log2_q8(x: npt.ArrayLike) -> IntArray:
    """log2 in Q8.8: 256 floor(log2 x) + T[next 8 mantissa bits]; LOG2_Q8_ZERO for 0."""
    v = np.asarray(x, np.int64)
    if np.any(v < 0):
        raise ValueError("log2_q8 takes non-negative values")
    e = bit_length(v) - 1
    hi = v >> np.maximum(e - 8, 0)
    lo = v << np.maximum(8 - e, 0)
    idx = np.where(e >= 8, hi, lo) & 0xFF
    out = e * 256 + LOG2_TABLE[idx]
    return np.where(v == 0, LOG2_Q8_ZERO, out)


def isqrt(x: npt.ArrayLike) -> IntArray:
    """floor(sqrt(x)) of each non-negative value."""
    v = np.asarray(x, np.int64)
    return np.array([math.isqrt(int(i)) for i in v.ravel()], np.int64).reshape(v.shape)
