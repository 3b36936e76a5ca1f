"""model-pack items of issue 15 that need more than a refusal: signing, output, extract, ops."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from test_model_pack_build import KNOCK_PIPELINE, MODEL_YAML, make_model_dir
from test_model_pack_factory import Graph, mlp

from tinyml_tools import cli
from tinyml_tools.errors import EXIT_USAGE
from tinyml_tools.modelpack import schema
from tinyml_tools.modelpack.package import TLV_KEYHASH, parse_package
from tinyml_tools.modelpack.signing import (
    DEV_KEY,
    development_keys,
    load_signing_key,
    public_key_hash,
)
from tinyml_tools.paths import REPO_ROOT


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    try:
        code = cli.main(list(args))
    except SystemExit as exc:
        code = int(exc.code or 0)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture()
def model_dir(tmp_path: Path) -> Path:
    return make_model_dir(tmp_path / "tiny", mlp())


def _own_key(path: Path) -> Path:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    key = ec.generate_private_key(ec.SECP256R1())
    path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return path


DEV_HASH = public_key_hash(load_signing_key(DEV_KEY))


def test_development_key_is_announced_on_every_run_with_its_hash(
    model_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "p.pkg"
    for _ in range(2):  # every run, not only the first
        code, stdout, err = run(capsys, "model-pack", "build", str(model_dir), "-o", str(out))
        assert code == 0
        assert "signed with the development key" in err and DEV_HASH in err
        assert f"signer_key_hash      {DEV_HASH}" in stdout
    assert parse_package(out).unprotected[TLV_KEYHASH].hex() == DEV_HASH
    code, stdout, err = run(capsys, "model-pack", "inspect", str(out))
    assert code == 0 and "development key" in err and DEV_HASH in stdout
    code, stdout, err = run(capsys, "model-pack", "inspect", str(out), "--json")
    assert json.loads(stdout)["signer_key_hash"] == DEV_HASH and "development key" in err
    pub = DEV_KEY.with_name(DEV_KEY.name.replace(".pem", ".pub.pem"))
    code, _, err = run(capsys, "model-pack", "verify", str(out), "--key", str(pub))
    assert code == 0 and "development key" in err


def test_a_copy_of_the_development_key_is_still_recognised(
    model_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    renamed = Path(shutil.copy(DEV_KEY, tmp_path / "product-signing.pem"))
    out = tmp_path / "p.pkg"
    code, _, err = run(
        capsys, "model-pack", "build", str(model_dir), "-o", str(out), "--key", str(renamed)
    )
    assert code == 0 and "signed with the development key" in err


def test_a_product_key_is_not_warned_about_and_its_hash_is_shown(
    model_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    key = _own_key(tmp_path / "product.pem")
    out = tmp_path / "p.pkg"
    code, stdout, err = run(
        capsys, "model-pack", "build", str(model_dir), "-o", str(out), "--key", str(key), "--json"
    )
    expected = public_key_hash(load_signing_key(key))
    assert code == 0 and err == ""
    assert json.loads(stdout)["signer_key_hash"] == expected != DEV_HASH
    code, stdout, err = run(capsys, "model-pack", "inspect", str(out), "--json")
    assert json.loads(stdout)["signer_key_hash"] == expected and err == ""
    code, stdout, _ = run(capsys, "model-pack", "build", str(model_dir), "-o", str(out),
                          "--unsigned", "--json")  # fmt: skip
    assert code == 0 and json.loads(stdout)["signer_key_hash"] is None


def test_every_committed_do_not_ship_key_counts_as_a_development_key(tmp_path: Path) -> None:
    """Detection is by public key against every DO-NOT-SHIP file, so per-purpose development
    keys added later are recognised without a code change."""
    committed = development_keys()
    assert DEV_HASH in committed
    for path in (REPO_ROOT / "app" / "keys").glob("*DO-NOT-SHIP*.pem"):
        assert path in committed.values() or path.name.endswith(".pub.pem")
    new = _own_key(tmp_path / "tinyml-dev-model-ecdsa-p256-DO-NOT-SHIP.pem")
    product = _own_key(tmp_path / "product.pem")
    found = development_keys(tmp_path)
    assert public_key_hash(load_signing_key(new)) in found
    assert public_key_hash(load_signing_key(product)) not in found


def test_key_and_unsigned_are_alternatives(
    model_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "p.pkg"
    code, _, err = run(capsys, "model-pack", "build", str(model_dir), "-o", str(out),
                       "--unsigned", "--key", str(DEV_KEY))  # fmt: skip
    assert code == EXIT_USAGE and "not allowed with argument" in err and not out.exists()


def test_human_output_has_no_python_reprs_full_hashes_and_thresholds_as_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    model_dir = make_model_dir(tmp_path / "m", mlp(), MODEL_YAML.replace("0.9}", "0.8}"))
    out = tmp_path / "p.pkg"
    code, built, _ = run(capsys, "model-pack", "build", str(model_dir), "-o", str(out))
    code, shown, _ = run(capsys, "model-pack", "inspect", str(out))
    assert code == 0
    for text in (built, shown):
        assert not re.search(r"\[['\"]|\{['\"]|\(['\"]", text), text  # ['..'], {'..'}, ('..')
        assert "0.800000011920929" not in text and "double 0.8" in text
    parsed = parse_package(out)
    assert parsed.sha256 in shown and len(parsed.sha256) == 64
    assert parsed.metadata.manifest_digest.hex() in shown
    assert "FULLY_CONNECTED:v4" in built and "total " in built


def test_json_answers_on_refusal_too(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    model_dir = make_model_dir(tmp_path / "m", mlp(), MODEL_YAML.replace("1.4.2", "x"))
    code, stdout, err = run(capsys, "model-pack", "build", str(model_dir), "-o",
                            str(tmp_path / "p.pkg"), "--json")  # fmt: skip
    refusal = json.loads(stdout)
    assert code == 1 and refusal["ok"] is False and refusal["exit_code"] == 1
    assert refusal["file"] == str(model_dir / "model.yaml") and refusal["error"] in err
    code, stdout, _ = run(capsys, "model-pack", "inspect", str(tmp_path / "none.pkg"), "--json")
    assert code == 1 and json.loads(stdout)["file"] == str(tmp_path / "none.pkg")


@pytest.mark.parametrize(
    "size, small",
    [("65536", "512"), ("64K", "1K"), ("64k", "1k"), ("0x10000", "0x200"), ("64KiB", "1KiB")],
)
def test_partition_size_is_written_as_budgets_write_it(
    size: str, small: str, model_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "p.pkg"
    args = ["model-pack", "build", str(model_dir), "-o", str(out), "--partition-size", size]
    assert run(capsys, *args)[0] == 0
    args[-1] = small
    code, _, err = run(capsys, *args)
    assert code == 2 and "holds" in err and str(out) in err


def test_extract_writes_the_packaged_tflite(
    model_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "p.pkg"
    assert run(capsys, "model-pack", "build", str(model_dir), "-o", str(out))[0] == 0
    target = tmp_path / "back.tflite"
    code, stdout, _ = run(capsys, "model-pack", "extract", str(out), "-o", str(target))
    assert code == 0 and str(target) in stdout
    assert target.read_bytes() == parse_package(out).payload
    assert target.read_bytes() == (model_dir / "model.tflite").read_bytes()
    assert oct(target.stat().st_mode & 0o777) == oct(0o644)


def _leaky_relu_model() -> bytes:
    g = Graph()
    x = g.tensor([1, 8], name="input")
    out = g.tensor([1, 8])
    g.op(schema.BuiltinOperator.LEAKY_RELU, [x], [out])
    return g.finish([x], [out])


def test_ops_lists_the_manifest_and_hints_common_refusals(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from tinyml_tools.modelpack.manifest import load_manifest

    code, stdout, _ = run(capsys, "model-pack", "ops", "--json")
    data = json.loads(stdout)
    assert code == 0
    assert [o["name"] for o in data["ops"]] == sorted(o.name for o in load_manifest().ops)
    assert "LEAKY_RELU" in data["hints"] and "RELU" not in data["hints"]
    code, stdout, _ = run(capsys, "model-pack", "ops")
    assert "FULLY_CONNECTED" in stdout and "LEAKY_RELU: use ReLU" in stdout
    model = tmp_path / "leaky.tflite"
    model.write_bytes(_leaky_relu_model())
    code, stdout, err = run(capsys, "model-pack", "check", str(model))
    assert code == 2 and "hint: use ReLU" in stdout and "leaky.tflite" in err


def test_build_keeps_the_int8_tflite_beside_the_package_but_never_rewrites_an_input(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    model_dir = make_model_dir(tmp_path / "m", mlp())
    out = tmp_path / "out" / "det.pkg"
    out.parent.mkdir()
    code, stdout, _ = run(capsys, "model-pack", "build", str(model_dir), "-o", str(out), "--json")
    assert code == 0
    assert (out.parent / "det.tflite").read_bytes() == parse_package(out).payload
    assert json.loads(stdout)["float_tflite"] is None  # a .tflite source has no float model
    # packed in place (models/<example>: knock.tflite is the source): the source is kept
    knock = shutil.copytree(REPO_ROOT / "models" / "knock", tmp_path / "knock")
    source = (knock / "knock.tflite").read_bytes()
    stamp = (knock / "knock.tflite").stat().st_mtime_ns
    assert run(capsys, "model-pack", "build", str(knock), "-o", str(knock / "knock.pkg"))[0] == 0
    assert (knock / "knock.tflite").read_bytes() == source
    assert (knock / "knock.tflite").stat().st_mtime_ns == stamp


def test_a_pipeline_that_cannot_fill_the_input_is_refused_at_build_as_replay_refuses_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The issue's case: input [1, 1] with the 1960-feature log-mel pipeline."""
    from tinyml_tools.features.pipeline import load_pipeline
    from tinyml_tools.modelpack import features
    from tinyml_tools.replay import runner

    g = Graph()
    x = g.tensor([1, 1], name="input")
    tiny = g.finish([x], [g.fully_connected(x, 4)])
    audio = REPO_ROOT / "models" / "pipelines" / "audio_logmel_16k.yaml"
    model_dir = make_model_dir(tmp_path / "m", tiny, pipeline=audio)
    out = tmp_path / "p.pkg"
    code, _, err = run(capsys, "model-pack", "build", str(model_dir), "-o", str(out))
    assert code == 1 and not out.exists()
    assert "model.tflite: model input [1, 1] (1 values) is not a whole number of " in err
    assert "1960-feature frames" in err
    assert runner.input_frames is features.input_frames  # replay runs the very same check
    assert features.input_frames(load_pipeline(KNOCK_PIPELINE), "p", (1, 8, 8), out) == 8
