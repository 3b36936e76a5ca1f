"""Running statistics and drift score exactly as core/drift.c (integer arithmetic)."""

from __future__ import annotations

from collections.abc import Sequence

CLAMP = 1 << 16
MAX_HORIZON = 4096
INT64_MAX = (1 << 63) - 1
INT32_MAX = (1 << 31) - 1


def _div_trunc(a: int, b: int) -> int:
    """C division: truncates toward zero."""
    q = abs(a) // abs(b)
    return q if (a >= 0) == (b >= 0) else -q


class DriftStats:
    """Welford in fixed point (mean Q8, m2 Q16), forgetting past ``horizon`` windows."""

    def __init__(self, n_features: int, horizon: int) -> None:
        if n_features <= 0 or horizon < 2 or horizon > MAX_HORIZON or horizon & (horizon - 1):
            raise ValueError("n_features > 0 and a power-of-two horizon in 2..4096")
        self.horizon = horizon
        self.count = 0
        self.mean_q8 = [0] * n_features
        self.m2_q16 = [0] * n_features

    def update(self, features: Sequence[int]) -> None:
        if len(features) != len(self.mean_q8):
            raise ValueError("feature count differs")
        forgetting = self.count >= self.horizon
        if not forgetting:
            self.count += 1
        n = self.count
        for i, raw in enumerate(features):
            xq = max(-CLAMP, min(CLAMP, int(raw))) * 256
            m2 = self.m2_q16[i]
            if forgetting:
                m2 -= _div_trunc(m2, n)
            d = xq - self.mean_q8[i]
            self.mean_q8[i] += _div_trunc(d, n)
            add = d * (xq - self.mean_q8[i])
            self.m2_q16[i] = INT64_MAX if add > INT64_MAX - m2 else m2 + add

    def stats(self, i: int) -> tuple[int, int]:
        """(mean, std) of feature i in Q8."""
        from math import isqrt

        if self.count == 0:
            raise ValueError("no window yet")
        return self.mean_q8[i], isqrt(_div_trunc(self.m2_q16[i], self.count))

    def score_q8(self, base_mean_q8: Sequence[int], base_std_q8: Sequence[int]) -> int:
        if self.count == 0:
            raise ValueError("no window yet")
        total = sum(
            (abs(m - bm) << 8) // max(bs, 1)
            for m, bm, bs in zip(self.mean_q8, base_mean_q8, base_std_q8, strict=True)
        )
        return min(total // len(self.mean_q8), INT32_MAX)
