"""`model-pack build / inspect / verify`: signed, reproducible packages imgtool accepts."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import struct
import subprocess
import sys
from pathlib import Path

import pytest
from test_model_pack_factory import gap_model, mlp

from tinyml_tools import cli
from tinyml_tools.features.pipeline import load_pipeline, pipeline_id
from tinyml_tools.modelpack.manifest import load_manifest
from tinyml_tools.modelpack.signing import DEV_KEY
from tinyml_tools.paths import REPO_ROOT

# 8 features per frame: the test models (8, 48 and 64 inputs) are whole frames of it.
KNOCK_PIPELINE = REPO_ROOT / "tests" / "python" / "fixtures" / "pipeline_8.yaml"
DEV_PUB = DEV_KEY.with_name(DEV_KEY.name.replace(".pem", ".pub.pem"))
IMGTOOL = str(Path(sys.executable).parent / "imgtool")

MODEL_YAML = """\
name: tiny-mlp
version: 1.4.2
source: {path: model.tflite, format: tflite}
labels: [idle, knock, double, other]
thresholds: {knock: 0.75, double: 0.9}
feature_pipeline: pipeline.yaml
"""


def make_model_dir(
    root: Path, tflite: bytes, yaml_text: str = MODEL_YAML, pipeline: Path = KNOCK_PIPELINE
) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "model.tflite").write_bytes(tflite)
    (root / "pipeline.yaml").write_text(pipeline.read_text())
    (root / "model.yaml").write_text(yaml_text)
    return root


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = cli.main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture()
def model_dir(tmp_path: Path) -> Path:
    return make_model_dir(tmp_path / "tiny", mlp())


@pytest.fixture()
def package(model_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    out = tmp_path / "tiny.pkg"
    code, _, err = run(capsys, "model-pack", "build", str(model_dir), "-o", str(out))
    assert code == 0, err
    return out


def test_build_inspect_round_trip(
    package: Path, model_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "model-pack", "inspect", str(package), "--json")
    assert code == 0
    report = json.loads(out)
    manifest = load_manifest()
    assert report["model_version"] == "1.4.2"
    assert report["runtime_id"] == f"0x{manifest.runtime_id:08x}"
    assert report["manifest_digest"] == manifest.digest.hex()
    expected_pipeline = pipeline_id(load_pipeline(KNOCK_PIPELINE))  # the signal chain's ID
    assert report["feature_pipeline_id"] == f"0x{expected_pipeline:08x}"
    assert report["signed"] is True and report["hash_ok"] is True
    assert report["ops"] == ["FULLY_CONNECTED:v4"]
    assert report["labels"] == ["idle", "knock", "double", "other"]
    assert report["thresholds"] == {"double": 0.9, "knock": 0.75}  # as written, not float32
    assert report["inputs"][0]["shape"] == [1, 8] and report["inputs"][0]["type"] == "int8"
    assert report["outputs"][0]["shape"] == [1, 4]
    assert set(report["arena"]) == {"total", "head", "tail", "lower_bound"}
    data = package.read_bytes()
    # The SHA-256 TLV covers header, payload and protected TLVs (docs/model-package-format.md).
    hdr_size, prot_size, img_size = struct.unpack_from("<HHI", data, 8)
    hashed = data[: hdr_size + img_size + prot_size]
    assert report["sha256"] == hashlib.sha256(hashed).hexdigest()
    assert (
        data[hdr_size : hdr_size + report["tflite_bytes"]]
        == (model_dir / "model.tflite").read_bytes()
    )


def test_key_hash_tlv_is_the_sha256_of_the_public_key_der(package: Path) -> None:
    from cryptography.hazmat.primitives import serialization

    from tinyml_tools.modelpack.package import TLV_KEYHASH, parse_package

    public = serialization.load_pem_public_key(DEV_PUB.read_bytes())
    der = public.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    assert len(der) == 91
    assert parse_package(package).unprotected[TLV_KEYHASH] == hashlib.sha256(der).digest()


def test_same_inputs_and_key_give_the_same_bytes(
    model_dir: Path, package: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    again = tmp_path / "again.pkg"
    assert run(capsys, "model-pack", "build", str(model_dir), "-o", str(again))[0] == 0
    assert again.read_bytes() == package.read_bytes()


def test_imgtool_verify_and_dumpinfo_accept_the_package(package: Path) -> None:
    verify = subprocess.run(
        [IMGTOOL, "verify", "-k", str(DEV_PUB), str(package)], capture_output=True, text=True
    )
    assert verify.returncode == 0, verify.stdout + verify.stderr
    assert "Image version: 1.4.2" in verify.stdout
    dump = subprocess.run(
        [IMGTOOL, "dumpinfo", str(package)], capture_output=True, text=True, check=True
    )
    assert "0x96f3b83d" in dump.stdout
    for tag in ("0xa0", "0xa1", "0xa2", "0xa3", "0xa4"):
        assert f"({tag})" in dump.stdout


def test_verify_accepts_the_right_key(package: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "model-pack", "verify", str(package), "--key", str(DEV_PUB))
    assert code == 0 and "intact and signed" in out


def test_verify_refuses_another_key(
    package: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    other = tmp_path / "other.pem"
    subprocess.run([IMGTOOL, "keygen", "-k", str(other), "-t", "ecdsa-p256"], check=True)
    code, _, err = run(capsys, "model-pack", "verify", str(package), "--key", str(other))
    assert code != 0 and "does not verify with this key" in err


def test_package_signed_with_own_key_verifies_only_with_it(
    model_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    mine = tmp_path / "mine.pem"
    subprocess.run([IMGTOOL, "keygen", "-k", str(mine), "-t", "ecdsa-p256"], check=True)
    out = tmp_path / "mine.pkg"
    args = ["model-pack", "build", str(model_dir), "-o", str(out), "--key", str(mine)]
    assert run(capsys, *args)[0] == 0
    assert run(capsys, "model-pack", "verify", str(out), "--key", str(mine))[0] == 0
    assert run(capsys, "model-pack", "verify", str(out), "--key", str(DEV_PUB))[0] != 0


@pytest.mark.parametrize("where", ["payload", "metadata", "signature"])
def test_verify_refuses_a_modified_package(
    package: Path, where: str, capsys: pytest.CaptureFixture[str]
) -> None:
    data = bytearray(package.read_bytes())
    hdr_size, _prot_size, img_size = struct.unpack_from("<HHI", data, 8)
    offset = {
        "payload": hdr_size + 100,
        "metadata": hdr_size + img_size + 4 + 4 + 20,  # arena_total in MODEL_META
        "signature": len(data) - 10,
    }[where]
    data[offset] ^= 0x01
    package.write_bytes(bytes(data))
    code, _, err = run(capsys, "model-pack", "verify", str(package), "--key", str(DEV_PUB))
    assert code != 0
    reason = "does not verify" if where == "signature" else "SHA-256 mismatch"
    assert reason in err


def test_unsigned_package_is_refused_by_verify(
    model_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "unsigned.pkg"
    assert run(capsys, "model-pack", "build", str(model_dir), "-o", str(out), "--unsigned")[0] == 0
    code, out_json, _ = run(capsys, "model-pack", "inspect", str(out), "--json")
    assert json.loads(out_json)["signed"] is False
    code, _, err = run(capsys, "model-pack", "verify", str(out), "--key", str(DEV_PUB))
    assert code != 0 and "not signed" in err


def test_truncated_package_is_an_input_error(
    package: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    package.write_bytes(package.read_bytes()[:300])
    code, _, err = run(capsys, "model-pack", "inspect", str(package))
    assert code != 0 and str(package) in err and "corrupt model package" in err


@pytest.mark.parametrize(
    "edit, expected",
    [
        (lambda y: y.replace("version: 1.4.2\n", ""), "Cannot find required key 'version'"),
        (
            lambda y: y.replace("format: tflite", "format: onnx"),
            "Enum: ['keras', 'saved_model', 'tflite']",
        ),
        (lambda y: y.replace("version: 1.4.2", "version: one"), "Path: '/version'"),
        (lambda y: y + "colour: red\n", "Key 'colour' was not defined"),
        (lambda y: y.replace("knock: 0.75", "knock: 1.5"), "Path: '/thresholds/knock'"),
        (lambda y: y.replace("knock: 0.75", "kick: 0.5"), "/thresholds/kick: not a label"),
        (lambda y: y.replace("other]", "other, more]"), "5 labels but"),
    ],
    ids=["missing field", "bad enum", "bad version", "unknown field", "range", "label", "count"],
)
def test_bad_model_yaml_names_the_field(
    tmp_path: Path, edit: object, expected: str, capsys: pytest.CaptureFixture[str]
) -> None:
    model_dir = make_model_dir(tmp_path / "m", mlp(), edit(MODEL_YAML))  # type: ignore[operator]
    out = tmp_path / "x.pkg"
    code, _, err = run(capsys, "model-pack", "build", str(model_dir), "-o", str(out))
    assert code != 0
    assert "model.yaml" in err and expected in err
    assert err.count("\n") == 1
    assert not out.exists()


def test_bad_feature_pipeline_is_named(
    model_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (model_dir / "pipeline.yaml").write_text("kind: spectral\nsample_rate_hz: 1000\n")
    code, _, err = run(capsys, "model-pack", "build", str(model_dir), "-o", str(tmp_path / "x.pkg"))
    assert code != 0 and "pipeline.yaml" in err and err.count("\n") == 1
    (model_dir / "pipeline.yaml").unlink()
    code, _, err = run(capsys, "model-pack", "build", str(model_dir), "-o", str(tmp_path / "x.pkg"))
    assert code != 0 and "pipeline.yaml: feature pipeline config not found" in err


def test_missing_model_yaml(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "empty").mkdir()
    code, _, err = run(capsys, "model-pack", "build", str(tmp_path / "empty"), "-o", "x.pkg")
    assert code != 0 and "model.yaml: missing" in err


def test_unsupported_model_is_refused_at_build(
    tmp_path: Path, external_models: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lstm = (external_models / "mnist_lstm_int8.tflite").read_bytes()
    yaml_text = MODEL_YAML.replace("[idle, knock, double, other]", "[a,b,c,d,e,f,g,h,i,j]")
    yaml_text = yaml_text.replace("thresholds: {knock: 0.75, double: 0.9}\n", "")
    model_dir = make_model_dir(tmp_path / "lstm", lstm, yaml_text)
    out = tmp_path / "lstm.pkg"
    code, _, err = run(capsys, "model-pack", "build", str(model_dir), "-o", str(out))
    assert code != 0 and "UNIDIRECTIONAL_SEQUENCE_LSTM:v1" in err
    assert not out.exists()


def test_package_larger_than_the_partition_is_refused_with_both_sizes(
    model_dir: Path, package: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    size = package.stat().st_size
    out = tmp_path / "big.pkg"
    args = ["model-pack", "build", str(model_dir), "-o", str(out), "--partition-size", "1024"]
    code, _, err = run(capsys, *args)
    assert code != 0
    assert f"package is {size} bytes" in err and "holds 1024 bytes" in err
    assert not out.exists()
    args[-2:] = ["--board", "nrf52840dk/nrf52840"]
    assert run(capsys, *args)[0] == 0  # a board whose model slot is large enough


def test_unwritable_output_leaves_no_partial_file(
    model_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing_dir = tmp_path / "no" / "such" / "dir" / "x.pkg"
    code, _, err = run(capsys, "model-pack", "build", str(model_dir), "-o", str(missing_dir))
    assert code != 0 and "cannot write" in err
    not_a_dir = tmp_path / "plain-file"
    not_a_dir.write_text("x")
    code, _, err = run(
        capsys, "model-pack", "build", str(model_dir), "-o", str(not_a_dir / "x.pkg")
    )
    assert code != 0 and "cannot write" in err and err.count("\n") == 1


def test_write_failure_midway_removes_the_temporary_file(
    model_dir: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def disk_full(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", disk_full)
    out = tmp_path / "out" / "x.pkg"
    out.parent.mkdir()
    code, _, err = run(capsys, "model-pack", "build", str(model_dir), "-o", str(out))
    assert code != 0 and "No space left on device" in err
    assert list(out.parent.iterdir()) == []


def test_existing_output_is_kept_when_the_build_fails(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    model_dir = make_model_dir(tmp_path / "m", mlp(), MODEL_YAML.replace("1.4.2", "x"))
    out = tmp_path / "keep.pkg"
    out.write_bytes(b"previous package")
    assert run(capsys, "model-pack", "build", str(model_dir), "-o", str(out))[0] != 0
    assert out.read_bytes() == b"previous package"


def _tflm_head(model: bytes) -> int:
    """TFLM's own head figure for the model (print_allocations on the C-level stderr)."""
    from tflite_micro.python.tflite_micro import runtime

    read, write = os.pipe()
    saved = os.dup(2)
    os.dup2(write, 2)
    try:
        interp = runtime.Interpreter.from_bytes(model, arena_size=16384)
        interp.print_allocations()
    finally:
        os.dup2(saved, 2)
        os.close(write)
        os.close(saved)
    text = os.read(read, 1 << 16).decode()
    os.close(read)
    line = next(x for x in text.splitlines() if "Arena allocation head" in x)
    return int(line.split()[-2])


def test_offline_plan_closes_the_gap_and_tflm_runs_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import numpy as np
    from tflite_micro.python.tflite_micro import runtime

    model = gap_model()
    model_dir = make_model_dir(tmp_path / "gap", model)
    out = tmp_path / "gap.pkg"
    code, out_json, err = run(
        capsys, "model-pack", "build", str(model_dir), "-o", str(out), "--json"
    )
    assert code == 0, err
    report = json.loads(out_json)
    assert report["offline_plan"] is True
    assert report["greedy_head"] == 512
    assert report["arena"]["head"] == report["arena"]["lower_bound"] == 480
    _, inspect_json, _ = run(capsys, "model-pack", "inspect", str(out), "--json")
    inspected = json.loads(inspect_json)
    assert inspected["offline_plan"] is True
    data = out.read_bytes()
    hdr_size = struct.unpack_from("<H", data, 8)[0]
    planned = data[hdr_size : hdr_size + inspected["tflite_bytes"]]
    # TFLM itself follows the embedded plan: its head shrinks to the lower bound...
    assert _tflm_head(model) == 512
    assert _tflm_head(planned) == 480
    # ...and the planned model computes the same outputs.
    outputs = []
    for blob in (model, planned):
        interp = runtime.Interpreter.from_bytes(blob, arena_size=16384)
        interp.set_input(np.arange(48, dtype=np.int8).reshape(1, 48), 0)
        interp.invoke()
        outputs.append(interp.get_output(0))
    assert (outputs[0] == outputs[1]).all()


def test_bad_key_file_is_an_input_error(
    model_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.pem"
    bad.write_text("not a key\n")
    args = ["model-pack", "build", str(model_dir), "-o", str(tmp_path / "x.pkg"), "--key", str(bad)]
    code, _, err = run(capsys, *args)
    assert code != 0 and "bad.pem: not a usable key" in err


def test_west_runs_model_pack(package: Path, repo: Path) -> None:
    west = Path(sys.executable).parent / "west"
    proc = subprocess.run(
        [str(west), "model-pack", "inspect", str(package), "--json"],
        cwd=repo,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["model_version"] == "1.4.2"


def test_dev_key_is_named_as_such() -> None:
    assert "DO-NOT-SHIP" in DEV_KEY.name and DEV_KEY.is_file() and DEV_PUB.is_file()
    assert shutil.which(IMGTOOL) is not None
