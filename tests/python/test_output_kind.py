"""Output kinds of model.yaml: MLPerf Tiny's AD01 (the ToyCar anomaly-detection autoencoder)
builds into a package that carries an anomaly score, the C parser accepts it, and a model.yaml
whose kind does not fit the model is refused in one line naming the field."""

from __future__ import annotations

from pathlib import Path

import pytest
import state_vectors as sv

from tinyml_tools import cli
from tinyml_tools.features.pipeline import load_pipeline, pipeline_id
from tinyml_tools.modelpack.manifest import load_manifest
from tinyml_tools.modelpack.metadata import OUTPUT_ANOMALY_SCORE
from tinyml_tools.modelpack.package import parse_package
from tinyml_tools.modelpack.signing import DEV_KEY

# AD01 takes 5 frames of 128 log-mel energies (640 values); our pipelines stop at 64 mels, so
# the package names a 64-mel x 10-frame pipeline of the same size (a device running AD01 as
# MLPerf Tiny trained it needs the 128-mel front end).
PIPELINE = """\
name: ad01_logmel
kind: logmel
sample_rate_hz: 16000
window: 512
hop: 512
window_fn: hann
mel: {n_mels: 64, fmin_hz: 50, fmax_hz: 8000, clip_samples: 5120}
"""
AD01_YAML = """\
name: ad01
version: 1.0.0
source: {path: ad01.tflite, format: tflite}
labels: [normal, anomaly]
thresholds: {anomaly: 0.6}
feature_pipeline: pipeline.yaml
"""


def ad01_dir(root: Path, external_models: Path, extra: str) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "ad01.tflite").write_bytes(
        (external_models / "mlperf_tiny_ad01_int8.tflite").read_bytes()
    )
    (root / "pipeline.yaml").write_text(PIPELINE)
    (root / "model.yaml").write_text(AD01_YAML + extra)
    return root


def build(capsys: pytest.CaptureFixture[str], folder: Path, out: Path) -> tuple[int, str]:
    code = cli.main(["model-pack", "build", str(folder), "-o", str(out), "--json"])
    return code, capsys.readouterr().err


def test_ad01_packs_as_an_anomaly_score(
    tmp_path: Path, external_models: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = ad01_dir(
        tmp_path / "ad01", external_models, "output: {kind: anomaly_score, full_scale_q8: 25600}\n"
    )
    out = tmp_path / "ad01.pkg"
    code, err = build(capsys, folder, out)
    assert code == 0, err
    meta = parse_package(out).metadata
    assert meta.labels == ("normal", "anomaly")
    assert meta.output_kind is not None
    assert meta.output_kind.kind == OUTPUT_ANOMALY_SCORE
    assert meta.output_kind.full_scale_q8 == 25600
    ratio = meta.outputs[0].scale / meta.inputs[0].scale
    assert abs(meta.output_kind.output_ratio_q16 / 65536 - ratio) < 1e-4
    # The C parser reads OUTPUT_KIND and accepts the anomaly score ...
    verifier = sv.Verifier()
    manifest = load_manifest()
    spki = sv.public_spki(sv.dev_key())
    assert DEV_KEY.is_file()
    expect = verifier.firmware_expect(
        spki, pipeline_id(load_pipeline(folder / "pipeline.yaml")), 64 * 1024
    )
    assert expect.runtime_id == manifest.runtime_id
    assert verifier.verify_expect(out.read_bytes(), expect) == 0
    # ... as the firmware's anomaly path runs it; a firmware that runs class scores only
    # refuses it instead of running an autoencoder as a 2-class classifier.
    assert expect.output_kinds == sv.OUTPUT_KIND_ANOMALY_BIT
    expect.output_kinds = 0
    assert verifier.verify_expect(out.read_bytes(), expect) == -sv.errno.ENOTSUP


def test_ad01_without_an_output_kind_is_refused_in_one_line(
    tmp_path: Path, external_models: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = ad01_dir(tmp_path / "ad01", external_models, "")
    out = tmp_path / "ad01.pkg"
    code, err = build(capsys, folder, out)
    assert code != 0
    assert len(err.strip().splitlines()) == 1
    assert "model.yaml" in err and "/output/kind" in err
    assert not out.exists()


@pytest.mark.parametrize(
    ("extra", "needle"),
    [
        ("output: {kind: anomaly_score}\n", "/output/full_scale_q8"),
        ("output: {kind: classes, full_scale_q8: 10}\n", "only used by kind anomaly_score"),
        ("output: {kind: regression}\n", "/thresholds"),
        ("output: {kind: ranking}\n", "ranking"),
    ],
)
def test_bad_output_sections_name_the_field(
    tmp_path: Path,
    external_models: Path,
    capsys: pytest.CaptureFixture[str],
    extra: str,
    needle: str,
) -> None:
    folder = ad01_dir(tmp_path / "ad01", external_models, extra)
    code, err = build(capsys, folder, tmp_path / "x.pkg")
    assert code != 0
    assert needle in err and len(err.strip().splitlines()) == 1
