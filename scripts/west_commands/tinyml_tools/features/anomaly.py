"""Anomaly score of a reconstructing model exactly as core/anomaly.c (integer arithmetic).

The arithmetic is defined in ``modules/tinyml/include/tinyml/anomaly.h``: the mean squared
difference between the model's int8 input and its int8 output (output rescaled to input steps
by a Q16 ratio of the two tensor scales), in input steps squared, Q8; the score is that error
over a full scale, in Q15, saturated.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

MAX_VALUES = 65535
MAX_RATIO = 1 << 20
Q15_MAX = 32767


@dataclass(frozen=True)
class AnomalyConfig:
    """``struct tinyml_anomaly_config``."""

    input_zero_point: int
    output_zero_point: int
    output_ratio_q16: int
    full_scale_q8: int
    n_values: int

    def problems(self) -> list[str]:
        out = []
        if not (-128 <= self.input_zero_point <= 127 and -128 <= self.output_zero_point <= 127):
            out.append("zero points must be int8")
        if not 1 <= self.output_ratio_q16 <= MAX_RATIO:
            out.append(
                f"output/input scale ratio {self.output_ratio_q16 / 65536:g} is outside "
                f"1/65536..{MAX_RATIO >> 16}"
            )
        if self.full_scale_q8 < 1 or self.full_scale_q8 > 0xFFFFFFFF:
            out.append("full scale must be 1..2^32-1 (Q8)")
        if not 1 <= self.n_values <= MAX_VALUES:
            out.append(f"{self.n_values} values compared (1..{MAX_VALUES} allowed)")
        return out


def ratio_q16(input_scale: float, output_scale: float) -> int:
    """Output scale / input scale in Q16, as the packer writes it (round half to even)."""
    if input_scale <= 0 or output_scale <= 0:
        return 0
    return int(np.rint(np.float64(output_scale) / np.float64(input_scale) * 65536.0))


def error_q8(
    cfg: AnomalyConfig, model_input: npt.NDArray[np.int8], model_output: npt.NDArray[np.int8]
) -> int:
    a = model_input.reshape(-1).astype(np.int64) - cfg.input_zero_point
    b = model_output.reshape(-1).astype(np.int64) - cfg.output_zero_point
    if a.size != cfg.n_values or b.size != cfg.n_values:
        raise ValueError(f"expected {cfg.n_values} values, got {a.size} and {b.size}")
    d = a * 65536 - b * cfg.output_ratio_q16
    u = (np.abs(d) + 128) >> 8
    total = int(np.sum(u * u, dtype=np.int64))
    return min(total // (cfg.n_values * 256), 0xFFFFFFFF)


def score_q15(cfg: AnomalyConfig, error: int) -> int:
    return min(Q15_MAX, (error << 15) // cfg.full_scale_q8)


def scores_q15(
    cfg: AnomalyConfig, model_input: npt.NDArray[np.int8], model_output: npt.NDArray[np.int8]
) -> tuple[int, int]:
    """(normal, anomaly) in Q15: the pair the decision chain takes."""
    s = score_q15(cfg, error_q8(cfg, model_input, model_output))
    return Q15_MAX - s, s
