"""`model-pack check`: operator manifest, refusals with the right reason, arena figures."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from test_model_pack_factory import FLOAT32, INT8, INT16, Graph, gap_model, mlp

from tinyml_tools import cli
from tinyml_tools.modelpack import schema

SUPPORTED = [
    "hello_world_int8",
    "micro_speech_quantized",
    "mlperf_tiny_kws_ref_model",
    "mlperf_tiny_ad01_int8",
]

# Measured on the emulated Cortex-M4F (QEMU mps2-an386) with TFLM + CMSIS-NN built from the
# fetched sources (docs/model-pack.md, "Arena"): arena_used_bytes() after AllocateTensors, and
# the smallest static arena (16-byte steps) for which AllocateTensors succeeds.
TARGET_MEASURED = {
    "hello_world_int8": {"used": 772, "head": 32, "min_arena": 1168},
    "micro_speech_quantized": {"used": 6836, "head": 5968, "min_arena": 6848},
    "mlperf_tiny_kws_ref_model": {"used": 22820, "head": 16000, "min_arena": 22832},
    "mlperf_tiny_ad01_int8": {"used": 2580, "head": 768, "min_arena": 3024},
}


def run_check(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict]:
    code = cli.main(["model-pack", "check", *args, "--json"])
    return code, json.loads(capsys.readouterr().out)


@pytest.mark.parametrize("stem", SUPPORTED)
def test_supported_external_models_pass_with_a_safe_tight_arena(
    stem: str, external_models: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, report = run_check(capsys, str(external_models / f"{stem}.tflite"))
    assert code == 0
    assert report["compatible"] is True and report["problems"] == []
    assert all(":v" in op for op in report["ops"])
    arena = report["arena"]
    assert arena["total"] == arena["head"] + arena["tail"]
    assert arena["total"] % 16 == 0
    measured = TARGET_MEASURED[stem]
    assert arena["head"] == measured["head"]  # the greedy plan is TFLM's, byte for byte
    assert arena["lower_bound"] <= arena["head"]
    # Safe: a static arena of this size never fails AllocateTensors on the target.
    assert arena["total"] >= measured["min_arena"]
    # Tight: at most 10% above what the target really needs.
    assert arena["total"] <= 1.10 * measured["min_arena"]


def test_lstm_model_refused_by_a_manifest_without_lstm(
    external_models: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, report = run_check(capsys, str(external_models / "mnist_lstm_int8.tflite"))
    assert code != 0
    assert report["compatible"] is False
    assert len(report["problems"]) == 1
    assert "UNIDIRECTIONAL_SEQUENCE_LSTM:v1" in report["problems"][0]
    assert "not registered" in report["problems"][0]
    assert "UNIDIRECTIONAL_SEQUENCE_LSTM:v1" in report["ops"]


def test_manifest_option_checks_against_another_firmware(
    external_models: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    manifest = tmp_path / "other.yaml"
    manifest.write_text(
        "format: 1\ntflm_version: other\noperators:\n"
        "  - {name: UNIDIRECTIONAL_SEQUENCE_LSTM, resolver: AddUnidirectionalSequenceLSTM,"
        " versions: [1, 1], types: [int8, int16, int32]}\n"
        "  - {name: RESHAPE, resolver: AddReshape, versions: [1, 1], types: [int8, int32]}\n"
        "  - {name: SOFTMAX, resolver: AddSoftmax, versions: [1, 2], types: [int8]}\n"
    )
    lstm = str(external_models / "mnist_lstm_int8.tflite")
    code, report = run_check(capsys, lstm, "--manifest", str(manifest))
    # LSTM is now registered; FULLY_CONNECTED is what this other firmware lacks.
    assert code != 0
    assert [p for p in report["problems"] if "LSTM" in p] == []
    assert any("FULLY_CONNECTED:v4" in p for p in report["problems"])


def _write(tmp_path: Path, name: str, data: bytes) -> str:
    path = tmp_path / f"{name}.tflite"
    path.write_bytes(data)
    return str(path)


def _unsupported_op() -> bytes:
    g = Graph()
    x = g.tensor([1, 8], name="input")
    y = g.tensor([1, 8])
    g.op(schema.BuiltinOperator.EXP, [x], [y])
    return g.finish([x], [y])


def _op_version() -> bytes:
    g = Graph()
    x = g.tensor([1, 8], name="input")
    y = g.fully_connected(x, 4, version=12)
    return g.finish([x], [y])


def _tensor_type() -> bytes:
    g = Graph()
    a = g.tensor([1, 8], INT16, name="input")
    y = g.add(a, a)
    return g.finish([a], [y])


def _dynamic_shape() -> bytes:
    g = Graph()
    x = g.tensor([1, 8], signature=[1, -1], name="input")
    y = g.fully_connected(x, 4)
    return g.finish([x], [y])


def _custom_op() -> bytes:
    g = Graph()
    x = g.tensor([1, 8], name="input")
    y = g.tensor([1, 8])
    g.op(schema.BuiltinOperator.CUSTOM, [x], [y], custom="MyFancyOp")
    return g.finish([x], [y])


REFUSALS = {
    "unsupported op": (_unsupported_op, "operator #0 EXP:v1: operator not registered"),
    "op version": (_op_version, "op version 12 not supported"),
    "tensor type": (_tensor_type, "has type int16; ADD allows int8, int32"),
    "float model": (lambda: mlp(type_=FLOAT32, weights_type=FLOAT32), "float model"),
    "hybrid model": (lambda: mlp(type_=FLOAT32, weights_type=INT8), "hybrid model"),
    "dynamic shape": (_dynamic_shape, "dynamic shape [1, -1]"),
    "custom op": (_custom_op, "CUSTOM 'MyFancyOp': custom operator"),
}


@pytest.mark.parametrize("reason", sorted(REFUSALS))
def test_refusal_names_the_offending_operator_or_tensor(
    reason: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    make, expected = REFUSALS[reason]
    code, report = run_check(capsys, _write(tmp_path, reason.replace(" ", "_"), make()))
    assert code != 0
    assert report["compatible"] is False
    assert any(expected in p for p in report["problems"]), report["problems"]


def test_float_model_names_every_float_operator(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, report = run_check(capsys, _write(tmp_path, "f", mlp((16, 8, 4), FLOAT32, FLOAT32)))
    assert code != 0
    assert [p.split(":")[0] for p in report["problems"]] == [
        "operator #0 FULLY_CONNECTED",
        "operator #1 FULLY_CONNECTED",
        "operator #2 FULLY_CONNECTED",
    ]


@pytest.mark.parametrize(
    "damage, message",
    [
        (lambda b: b[: len(b) // 2], "truncated"),
        (lambda b: b[:4] + b"TFL3" + bytes(range(256)) * 4, "corrupt or truncated"),
        (lambda b: b[:4] + b"PK\x03\x04" + b[8:], "not a TFLite model"),
        (lambda b: b[:10], "not a TFLite model"),
    ],
    ids=["truncated", "corrupt", "wrong identifier", "tiny"],
)
def test_damaged_files_give_one_line_errors(
    damage: object, message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _write(tmp_path, "bad", damage(mlp()))  # type: ignore[operator]
    code = cli.main(["model-pack", "check", path, "--json"])
    err = capsys.readouterr().err
    assert code != 0
    assert err.count("\n") == 1 and path in err and message in err
    assert "Traceback" not in err


def test_missing_file_is_an_input_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = cli.main(["model-pack", "check", str(tmp_path / "nope.tflite")])
    assert code != 0
    assert "nope.tflite: file not found" in capsys.readouterr().err


def test_gap_model_reports_greedy_head_above_the_lower_bound(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, report = run_check(capsys, _write(tmp_path, "gap", gap_model()))
    assert code == 0
    assert report["arena"]["head"] == 512
    assert report["arena"]["lower_bound"] == 480


def test_table_output_for_people(external_models: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = cli.main(["model-pack", "check", str(external_models / "hello_world_int8.tflite")])
    out = capsys.readouterr().out
    assert code == 0
    assert "runnable" in out and "lower_bound" in out


def test_synthetic_int8_model_runs_in_tflm(tmp_path: Path) -> None:
    # The factory's models are real: TFLM loads and runs the int8 MLP the tests pack.
    from tflite_micro.python.tflite_micro import runtime

    interp = runtime.Interpreter.from_bytes(mlp(), arena_size=8192)
    interp.set_input(np.ones((1, 8), np.int8), 0)
    interp.invoke()
    assert interp.get_output(0).shape == (1, 4)


@pytest.mark.parametrize("stem, ok", [("micro_speech_quantized", True), ("mnist_lstm_int8", False)])
def test_west_model_pack_check_exit_code_and_json(
    stem: str, ok: bool, external_models: Path, repo: Path
) -> None:
    west = Path(sys.executable).parent / "west"
    model = external_models / f"{stem}.tflite"
    proc = subprocess.run(
        [str(west), "model-pack", "check", str(model), "--json"],
        cwd=repo,
        capture_output=True,
        text=True,
        check=False,
    )
    assert (proc.returncode == 0) is ok, proc.stderr
    report = json.loads(proc.stdout)
    assert report["compatible"] is ok
    assert set(report) >= {"compatible", "problems", "ops", "arena"}
    assert set(report["arena"]) == {"total", "head", "tail", "lower_bound"}
