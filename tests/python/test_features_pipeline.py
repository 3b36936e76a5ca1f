"""Pipeline configuration: YAML, canonical blob and the pipeline ID shared with the C core."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from tinyml_tools.errors import InputError
from tinyml_tools.features.pipeline import (
    Kind,
    decode_pipeline,
    encode_pipeline,
    feature_names,
    load_pipeline,
    pipeline_id,
)
from tinyml_tools.native.features import NativePipeline, parse_blob
from tinyml_tools.native.library import NativeError

PIPELINES = sorted((Path(__file__).resolve().parents[2] / "models" / "pipelines").glob("*.yaml"))


def test_every_example_pipeline_exists() -> None:
    names = {p.stem for p in PIPELINES}
    assert {"knock_imu", "gesture_imu", "pump_vibration_current", "audio_logmel_16k"} <= names


@pytest.mark.parametrize("path", PIPELINES, ids=lambda p: p.stem)
def test_id_blob_and_counts_agree_with_c(path: Path) -> None:
    cfg = load_pipeline(path)
    native = NativePipeline(cfg)
    assert native.pipeline_id == pipeline_id(cfg)
    assert native.feature_count == cfg.feature_count == len(feature_names(cfg))
    assert native.input_len == cfg.input_len
    assert decode_pipeline(encode_pipeline(cfg)) == cfg


def test_id_ignores_the_name_but_not_the_computation() -> None:
    cfg = load_pipeline(PIPELINES[0])
    from dataclasses import replace

    assert pipeline_id(replace(cfg, name="other")) == pipeline_id(cfg)
    assert pipeline_id(replace(cfg, hop=cfg.hop // 2)) != pipeline_id(cfg)


def test_logmel_frames() -> None:
    cfg = load_pipeline(next(p for p in PIPELINES if p.stem == "audio_logmel_16k"))
    assert cfg.kind is Kind.LOGMEL
    assert cfg.n_frames == 49
    assert cfg.feature_count == 49 * 40


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("kind: spectral\nsample_rate_hz: 100\nwindow: 100\nfeatures: [rms]\n", "window 100"),
        ("sample_rate_hz: 100\nwindow: 64\nfeatures: [loud]\n", "'features' must list"),
        ("sample_rate_hz: 100\nwindow: 64\nfeatures: [rms]\ncolour: red\n", "unknown key"),
        ("sample_rate_hz: 100\nwindow: 64\nhop: 65\nfeatures: [rms]\n", "hop 65"),
        ("sample_rate_hz: 100\nwindow: 64\nfeatures: [band_power]\n", "band features need"),
        ("sample_rate_hz: 100\nwindow: 64\nfeatures: [rms]\npre_emphasis: 1.5\n", "pre_emphasis"),
        ("kind: logmel\nsample_rate_hz: 16000\nwindow: 512\n", "needs 'mel"),
        (
            "sample_rate_hz: 100\nwindow: 64\nfeatures: [spectrum]\nspectrum_bins: [a, 3]\n",
            "spectral settings",
        ),
        (
            "sample_rate_hz: 100\nwindow: 64\nfeatures: [band_power]\nbands_hz: [[.inf, 3]]\n",
            "spectral settings",
        ),
        ("sample_rate_hz: 100\nwindow: 64\nfeatures: [[rms]]\n", "spectral settings"),
        ("sample_rate_hz: 100\nwindow: 64\nfeatures: [peaks]\npeaks: 9\n", "peak count"),
        ("- just\n- a list\n", "YAML mapping"),
        ("window: [\n", "not valid YAML"),
    ],
)
def test_bad_yaml_names_file_and_problem(tmp_path: Path, text: str, problem: str) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(text)
    with pytest.raises(InputError) as err:
        load_pipeline(path)
    assert str(path) in str(err.value)
    assert problem in str(err.value)
    assert "\n" not in str(err.value)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot read"):
        load_pipeline(tmp_path / "absent.yaml")


def test_c_parser_rejects_what_python_never_writes() -> None:
    blob = bytearray(encode_pipeline(load_pipeline(PIPELINES[0])))
    blob[4] = 2  # version
    with pytest.raises(NativeError, match="tinyml_pipeline_parse"):
        parse_blob(bytes(blob))
    with pytest.raises(ValueError):
        decode_pipeline(bytes(blob))


def test_windows_cut_a_recording_like_the_firmware() -> None:
    from tinyml_tools.features.compute import windows

    cfg = load_pipeline(next(p for p in PIPELINES if p.stem == "knock_imu"))
    frames = np.arange(3 * 700, dtype=np.int64).reshape(700, 3) % 30000
    cut = list(windows(cfg, frames))
    # Starts 0, 128, ..., 384: the last one ends at 640 <= 700.
    assert len(cut) == 4
    for i, win in enumerate(cut):
        assert win.shape == (3 * 256,)
        start = i * cfg.hop
        np.testing.assert_array_equal(win[:256], frames[start : start + 256, 0])
        np.testing.assert_array_equal(win[512:], frames[start : start + 256, 2])
