"""Instructions of the device's feature pipeline per window on the Cortex-M4F.

tinyml_pipeline_run() (modules/tinyml/core/pipeline.c) per axis: prepare (DC removal,
pre-emphasis, window, time statistics) over the window, a real FFT, the power of every bin,
then each selected feature; a log-mel pipeline repeats prepare + FFT + power per frame and sums
mel bands. The cost is linear in these counts; the coefficients are fitted on instruction
counts measured under QEMU for seeded random pipelines and the examples' pipelines
(tests/bench/profile_rig/measure_features.py, data/features_m4f.json).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..features.pipeline import Feature, Kind, PipelineConfig

DATA = Path(__file__).resolve().parent / "data" / "features_m4f.json"
DECISION_STEP_INSTRUCTIONS = 216  # signal.decision_step.instructions (docs/signal-chain.md)

SPECTRAL = (
    Feature.SPECTRUM,
    Feature.BAND_POWER,
    Feature.BAND_RATIO,
    Feature.SPECTRAL_CREST,
    Feature.PEAKS,
    Feature.HARMONICS,
)
TIME = (Feature.RMS, Feature.ZCR, Feature.CREST, Feature.PEAK)


def counts(cfg: PipelineConfig) -> dict[str, float]:
    """The counts the feature cost is linear in, for one window (one clip for log-mel)."""
    n = cfg.window_len
    nb = cfg.n_bins
    fft = n * math.log2(n)
    if cfg.kind is Kind.LOGMEL:
        frames = cfg.n_frames
        return {
            "calls": 1,
            "spectra": frames,
            "samples": frames * n,
            "fft": frames * fft,
            "bins": frames * nb,
            "mels": frames * cfg.n_mels,
            "mel_bins": frames * (cfg.mel_edges[-1] - cfg.mel_edges[0] if cfg.mel_edges else nb),
        }
    a = cfg.axes
    spectral = any(cfg.has(f) for f in SPECTRAL)
    c: dict[str, float] = {"calls": 1, "axes": a}
    if spectral:
        c.update(spectra=a, samples=a * n, fft=a * fft, bins=a * nb)
    else:
        c["time_samples"] = a * n
    c["time_feats"] = a * sum(cfg.has(f) for f in TIME)
    if cfg.has(Feature.SPECTRUM):
        c["spectrum"] = a * (cfg.spectrum_hi - cfg.spectrum_lo)
    if cfg.has(Feature.BAND_POWER) or cfg.has(Feature.BAND_RATIO):
        c["band_bins"] = a * sum(hi - lo for lo, hi in cfg.bands)
        c["bands"] = (
            a * len(cfg.bands) * (cfg.has(Feature.BAND_POWER) + cfg.has(Feature.BAND_RATIO))
        )
    if cfg.has(Feature.BAND_RATIO):
        c["ratio_bins"] = a * nb
    if cfg.has(Feature.SPECTRAL_CREST):
        c["crest_bins"] = a * nb
    if cfg.has(Feature.PEAKS):
        c["peak_bins"] = a * nb * max(cfg.n_peaks, 1)
    if cfg.has(Feature.HARMONICS):
        c["harmonics"] = a * (cfg.n_harmonics + 1)
    if cfg.has(Feature.RAW):
        c["raw"] = a * n
    return {k: float(v) for k, v in c.items()}


@dataclass(frozen=True)
class FeatureCostModel:
    coefficients: dict[str, float]
    meta: dict[str, Any]

    def window_instructions(self, cfg: PipelineConfig) -> float:
        return sum(self.coefficients.get(k, 0.0) * v for k, v in counts(cfg).items())


def load_feature_model(path: Path = DATA) -> FeatureCostModel:
    try:
        data = json.loads(path.read_text())
        coefs = {str(k): float(v) for k, v in data["coefficients"].items()}
    except FileNotFoundError:
        raise InputError(path, "no such feature cost model") from None
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as err:
        raise InputError(path, f"not a feature cost model ({err})") from None
    return FeatureCostModel(coefs, {k: v for k, v in data.items() if k != "coefficients"})
