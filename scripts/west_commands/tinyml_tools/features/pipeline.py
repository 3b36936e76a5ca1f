"""Feature pipeline configuration: YAML in, canonical blob and pipeline ID out.

The blob layout is the one ``tinyml_pipeline_parse()`` reads (docs/signal-chain.md); the
pipeline ID is ``zlib.crc32(blob)``, which equals the C ``tinyml_pipeline_id()`` (same IEEE
CRC-32 over the same bytes). The name is not part of the ID: two configurations that compute
the same features have the same ID.
"""

from __future__ import annotations

import itertools
import math
import struct
import zlib
from dataclasses import dataclass, field
from enum import Enum, IntEnum
from pathlib import Path
from typing import Any

import yaml

from tinyml_tools.errors import InputError, not_utf8

MAGIC = b"TMPC"
BLOB_VERSION = 1
HEADER = struct.Struct("<4sBBBBBBBBBBHHHHHHHII4x")
MAX_AXES = 8
MAX_BANDS = 8
MAX_PEAKS = 8
MAX_HARMONICS = 8
MAX_MELS = 64
FFT_LENGTHS = (16, 32, 64, 128, 256, 512)


class Kind(IntEnum):
    SPECTRAL = 1
    LOGMEL = 2


class WindowFn(IntEnum):
    RECT = 0
    HANN = 1


class Feature(Enum):
    """Spectral features in output order, with their bit in the C feature_mask."""

    RMS = ("rms", 0)
    ZCR = ("zcr", 1)
    CREST = ("crest", 2)
    PEAK = ("peak", 3)
    SPECTRUM = ("spectrum", 4)
    BAND_POWER = ("band_power", 5)
    BAND_RATIO = ("band_ratio", 6)
    SPECTRAL_CREST = ("spectral_crest", 7)
    PEAKS = ("peaks", 8)
    HARMONICS = ("harmonics", 9)
    RAW = ("raw", 10)

    @property
    def key(self) -> str:
        return self.value[0]

    @property
    def bit(self) -> int:
        return 1 << int(self.value[1])


@dataclass(frozen=True)
class PipelineConfig:
    """One pipeline; the fields mirror ``struct tinyml_pipeline_config``."""

    kind: Kind
    sample_rate_hz: int
    window_len: int
    hop: int
    axes: int = 1
    window_fn: WindowFn = WindowFn.HANN
    dc_remove: bool = False
    pre_emphasis_q15: int = 0
    feature_mask: int = 0
    spectrum_lo: int = 0
    spectrum_hi: int = 0
    fundamental_bin: int = 0
    n_harmonics: int = 0
    n_peaks: int = 0
    bands: tuple[tuple[int, int], ...] = ()
    n_mels: int = 0
    clip_len: int = 0
    mel_edges: tuple[int, ...] = ()
    name: str = field(default="", compare=False)

    @property
    def n_bins(self) -> int:
        return self.window_len // 2 + 1

    def has(self, feature: Feature) -> bool:
        return bool(self.feature_mask & feature.bit)

    @property
    def n_frames(self) -> int:
        """LOGMEL: frames per clip."""
        return 1 + (self.clip_len - self.window_len) // self.hop

    @property
    def input_len(self) -> int:
        return self.clip_len if self.kind is Kind.LOGMEL else self.axes * self.window_len

    @property
    def feature_count(self) -> int:
        return len(feature_names(self))


def feature_names(cfg: PipelineConfig) -> list[str]:
    """The name of each int32 the pipeline outputs, in order."""
    if cfg.kind is Kind.LOGMEL:
        return [f"frame{f}.mel{m}" for f in range(cfg.n_frames) for m in range(cfg.n_mels)]
    names: list[str] = []
    for axis in range(cfg.axes):
        pre = f"axis{axis}."
        for feat in Feature:
            if not cfg.has(feat):
                continue
            if feat is Feature.SPECTRUM:
                names += [f"{pre}spectrum{k}" for k in range(cfg.spectrum_lo, cfg.spectrum_hi)]
            elif feat in (Feature.BAND_POWER, Feature.BAND_RATIO):
                names += [f"{pre}{feat.key}{b}" for b in range(len(cfg.bands))]
            elif feat is Feature.PEAKS:
                for p in range(cfg.n_peaks):
                    names += [f"{pre}peak{p}.bin", f"{pre}peak{p}.log_power"]
            elif feat is Feature.HARMONICS:
                names += [f"{pre}harmonic{h}" for h in range(2, cfg.n_harmonics + 2)]
                names.append(f"{pre}harmonic_sum")
            elif feat is Feature.RAW:
                names += [f"{pre}raw{i}" for i in range(cfg.window_len)]
            else:
                names.append(pre + feat.key)
    return names


def validate(cfg: PipelineConfig) -> str | None:
    """The problem with ``cfg`` (the same rules as ``tinyml_pipeline_validate()``), or None."""
    nb = cfg.n_bins
    if cfg.window_len not in FFT_LENGTHS:
        return f"window {cfg.window_len} is not one of {', '.join(map(str, FFT_LENGTHS))}"
    if not 1 <= cfg.hop <= cfg.window_len:
        return f"hop {cfg.hop} must be 1..window ({cfg.window_len})"
    if not 0 < cfg.sample_rate_hz < 2**32:
        return "sample_rate_hz must be a positive 32-bit integer"
    if not 0 <= cfg.pre_emphasis_q15 <= 32767:
        return "pre_emphasis must be in [0, 1)"
    if cfg.kind is Kind.LOGMEL:
        if cfg.axes != 1:
            return "a logmel pipeline has one axis"
        if cfg.feature_mask or cfg.bands or cfg.n_peaks or cfg.n_harmonics or cfg.spectrum_hi:
            return "a logmel pipeline takes no spectral features"
        if not 1 <= cfg.n_mels <= MAX_MELS:
            return f"n_mels must be 1..{MAX_MELS}"
        if len(cfg.mel_edges) != cfg.n_mels + 2:
            return "mel edges must number n_mels + 2"
        if any(b < a for a, b in itertools.pairwise(cfg.mel_edges)) or cfg.mel_edges[-1] >= nb:
            return "mel edges must be non-decreasing bins below window/2 + 1"
        if not cfg.window_len <= cfg.clip_len <= 1 << 20:
            return "clip_samples must be window..2^20"
        return None
    if not 1 <= cfg.axes <= MAX_AXES:
        return f"axes must be 1..{MAX_AXES}"
    if cfg.n_mels or cfg.mel_edges or cfg.clip_len:
        return "a spectral pipeline takes no mel settings"
    if cfg.feature_mask == 0 or cfg.feature_mask >> len(Feature):
        return "features must name at least one known feature"
    if cfg.has(Feature.SPECTRUM):
        if not 0 <= cfg.spectrum_lo < cfg.spectrum_hi <= nb:
            return f"spectrum bins must satisfy 0 <= lo < hi <= {nb}"
    elif cfg.spectrum_lo or cfg.spectrum_hi:
        return "spectrum bins given without the spectrum feature"
    if cfg.has(Feature.BAND_POWER) or cfg.has(Feature.BAND_RATIO):
        if not 1 <= len(cfg.bands) <= MAX_BANDS:
            return f"band features need 1..{MAX_BANDS} bands"
        for lo, hi in cfg.bands:
            if not 0 <= lo < hi <= nb:
                return f"band bins [{lo}, {hi}) must satisfy 0 <= lo < hi <= {nb}"
    elif cfg.bands:
        return "bands given without a band feature"
    if cfg.has(Feature.PEAKS) != (1 <= cfg.n_peaks <= MAX_PEAKS):
        return f"the peaks feature needs a peak count of 1..{MAX_PEAKS} (and only it)"
    if cfg.has(Feature.HARMONICS):
        if not 1 <= cfg.n_harmonics <= MAX_HARMONICS:
            return f"harmonics count must be 1..{MAX_HARMONICS}"
        if not 1 <= cfg.fundamental_bin < nb:
            return f"fundamental bin {cfg.fundamental_bin} must be 1..{nb - 1}"
    elif cfg.n_harmonics or cfg.fundamental_bin:
        return "harmonic settings given without the harmonics feature"
    return None


def encode_pipeline(cfg: PipelineConfig) -> bytes:
    """The canonical blob (what the firmware parses and the ID hashes)."""
    problem = validate(cfg)
    if problem is not None:
        raise ValueError(problem)
    head = HEADER.pack(
        MAGIC, BLOB_VERSION, int(cfg.kind), cfg.axes, int(cfg.window_fn), int(cfg.dc_remove),
        len(cfg.bands), cfg.n_peaks, cfg.n_harmonics, cfg.n_mels, 0,
        cfg.window_len, cfg.hop, cfg.pre_emphasis_q15, cfg.feature_mask,
        cfg.spectrum_lo, cfg.spectrum_hi, cfg.fundamental_bin,
        cfg.sample_rate_hz, cfg.clip_len,
    )  # fmt: skip
    body = b"".join(struct.pack("<HH", lo, hi) for lo, hi in cfg.bands)
    body += b"".join(struct.pack("<H", e) for e in cfg.mel_edges)
    return head + body


def pipeline_id(cfg: PipelineConfig) -> int:
    """The pipeline ID (uint32): CRC-32 of the canonical blob, as the C core computes it."""
    return zlib.crc32(encode_pipeline(cfg)) & 0xFFFFFFFF


def decode_pipeline(blob: bytes, name: str = "") -> PipelineConfig:
    """Parse a canonical blob (e.g. from a model pack); ValueError when malformed."""
    if len(blob) < HEADER.size:
        raise ValueError("pipeline blob truncated")
    f = HEADER.unpack_from(blob)
    if f[0] != MAGIC or f[1] != BLOB_VERSION or f[10] != 0 or blob[36:40] != bytes(4):
        raise ValueError("not a version 1 pipeline blob")
    n_bands, n_mels = f[6], f[9]
    n_edges = n_mels + 2 if n_mels else 0
    if len(blob) != HEADER.size + 4 * n_bands + 2 * n_edges:
        raise ValueError("pipeline blob length does not match its counts")
    off = HEADER.size
    bands = tuple(struct.unpack_from("<HH", blob, off + 4 * i) for i in range(n_bands))
    off += 4 * n_bands
    edges = struct.unpack_from(f"<{n_edges}H", blob, off)
    cfg = PipelineConfig(
        kind=Kind(f[2]), axes=f[3], window_fn=WindowFn(f[4]), dc_remove=bool(f[5]),
        n_peaks=f[7], n_harmonics=f[8], n_mels=n_mels,
        window_len=f[11], hop=f[12], pre_emphasis_q15=f[13], feature_mask=f[14],
        spectrum_lo=f[15], spectrum_hi=f[16], fundamental_bin=f[17],
        sample_rate_hz=f[18], clip_len=f[19], bands=bands, mel_edges=tuple(edges), name=name,
    )  # fmt: skip
    problem = validate(cfg)
    if problem is not None:
        raise ValueError(problem)
    return cfg


def hz_to_bin(hz: float, window_len: int, sample_rate_hz: int) -> int:
    """Nearest FFT bin of a frequency: floor(hz * n / fs + 1/2)."""
    return math.floor(hz * window_len / sample_rate_hz + 0.5)


def mel_edges(n_mels: int, fmin: float, fmax: float, window_len: int, rate: int) -> tuple[int, ...]:
    """Bins of n_mels + 2 points equally spaced on the HTK mel scale from fmin to fmax."""

    def to_mel(f: float) -> float:
        return 2595.0 * math.log10(1.0 + f / 700.0)

    lo, hi = to_mel(fmin), to_mel(fmax)
    points = [lo + (hi - lo) * i / (n_mels + 1) for i in range(n_mels + 2)]
    hz = [700.0 * (10.0 ** (m / 2595.0) - 1.0) for m in points]
    return tuple(min(hz_to_bin(f, window_len, rate), window_len // 2) for f in hz)


_KEYS = {
    "name", "kind", "sample_rate_hz", "axes", "window", "hop", "window_fn", "dc_remove",
    "pre_emphasis", "features", "spectrum_bins", "bands_hz", "peaks", "harmonics", "mel",
}  # fmt: skip


def parse_pipeline(data: Any, source: str | Path = "<pipeline>") -> PipelineConfig:
    """Build a configuration from the YAML mapping; InputError naming @p source on mistakes."""

    def fail(problem: str) -> InputError:
        return InputError(source, problem)

    if not isinstance(data, dict):
        raise fail("a pipeline is a YAML mapping")
    unknown = sorted(set(data) - _KEYS)
    if unknown:
        raise fail(f"unknown key(s): {', '.join(map(str, unknown))}")

    def integer(key: str, default: int | None = None) -> int:
        value = data.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int):
            raise fail(f"'{key}' must be an integer")
        return value

    try:
        kind = Kind[str(data.get("kind", "spectral")).upper()]
        window_fn = WindowFn[str(data.get("window_fn", "hann")).upper()]
    except KeyError as exc:
        raise fail(f"unknown kind or window_fn {exc}") from None
    rate = integer("sample_rate_hz")
    window = integer("window")
    if window not in FFT_LENGTHS:
        raise fail(f"window {window} is not one of {', '.join(map(str, FFT_LENGTHS))}")
    pre = data.get("pre_emphasis", 0.0)
    if isinstance(pre, bool) or not isinstance(pre, int | float) or not 0.0 <= pre < 1.0:
        raise fail("'pre_emphasis' must be a number in [0, 1)")
    dc = data.get("dc_remove", False)
    if not isinstance(dc, bool):
        raise fail("'dc_remove' must be true or false")
    common: dict[str, Any] = {
        "kind": kind, "sample_rate_hz": rate, "window_len": window,
        "hop": integer("hop", window), "window_fn": window_fn, "dc_remove": dc,
        "pre_emphasis_q15": min(round(float(pre) * 32768), 32767),
        "name": str(data.get("name", Path(str(source)).stem)),
    }  # fmt: skip
    if kind is Kind.LOGMEL:
        mel = data.get("mel")
        if not isinstance(mel, dict):
            raise fail("a logmel pipeline needs 'mel: {n_mels, fmin_hz, fmax_hz, clip_samples}'")
        try:
            n_mels, fmin, fmax = int(mel["n_mels"]), float(mel["fmin_hz"]), float(mel["fmax_hz"])
            clip = int(mel["clip_samples"])
        except (KeyError, TypeError, ValueError) as exc:
            raise fail(f"mel settings: missing or not a number: {exc}") from None
        if not (0 <= fmin < fmax <= rate / 2) or not 1 <= n_mels <= MAX_MELS:
            raise fail(f"mel needs 0 <= fmin < fmax <= {rate / 2} and 1..{MAX_MELS} bands")
        cfg = PipelineConfig(
            **common, n_mels=n_mels, clip_len=clip,
            mel_edges=mel_edges(n_mels, fmin, fmax, window, rate),
        )  # fmt: skip
    else:
        try:
            mask, extra = _spectral_settings(data, window, rate)
        except (TypeError, ValueError, OverflowError) as exc:
            raise fail(f"spectral settings: {exc}") from None
        cfg = PipelineConfig(**common, axes=integer("axes", 1), feature_mask=mask, **extra)
    problem = validate(cfg)
    if problem is not None:
        raise fail(problem)
    return cfg


def _spectral_settings(data: dict[str, Any], window: int, rate: int) -> tuple[int, dict[str, Any]]:
    """feature_mask and the spectral fields; ValueError/TypeError on malformed values."""
    names = data.get("features")
    keys = {f.key: f for f in Feature}
    if not isinstance(names, list) or not names or any(n not in keys for n in names):
        raise ValueError(f"'features' must list some of: {', '.join(keys)}")
    mask = sum({keys[n].bit for n in names})
    extra: dict[str, Any] = {}
    if "spectrum_bins" in data:
        lo_hi = data["spectrum_bins"]
        if not (isinstance(lo_hi, list) and len(lo_hi) == 2):
            raise ValueError("'spectrum_bins' must be [lo, hi]")
        extra["spectrum_lo"], extra["spectrum_hi"] = int(lo_hi[0]), int(lo_hi[1])
    bands = data.get("bands_hz", [])
    if not isinstance(bands, list) or any(not (isinstance(b, list) and len(b) == 2) for b in bands):
        raise ValueError("'bands_hz' must be a list of [lo_hz, hi_hz]")
    extra["bands"] = tuple(
        (hz_to_bin(float(lo), window, rate), hz_to_bin(float(hi), window, rate)) for lo, hi in bands
    )
    if "peaks" in data:
        peaks = data["peaks"]
        if isinstance(peaks, bool) or not isinstance(peaks, int):
            raise ValueError("'peaks' must be an integer")
        extra["n_peaks"] = peaks
    harm = data.get("harmonics")
    if harm is not None:
        if not isinstance(harm, dict) or "fundamental_hz" not in harm or "count" not in harm:
            raise ValueError("'harmonics' must be {fundamental_hz, count}")
        extra["fundamental_bin"] = hz_to_bin(float(harm["fundamental_hz"]), window, rate)
        extra["n_harmonics"] = int(harm["count"])
    return mask, extra


def load_pipeline(path: str | Path) -> PipelineConfig:
    """Read a pipeline YAML file (models/pipelines/*.yaml)."""
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError(path, f"cannot read: {exc.strerror}") from None
    except yaml.YAMLError as exc:
        raise InputError(path, f"not valid YAML: {str(exc).splitlines()[0]}") from None
    except UnicodeDecodeError as exc:
        raise not_utf8(path, exc) from None
    return parse_pipeline(data, path)
