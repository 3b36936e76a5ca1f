"""`model-pack verify --compat`: a package checked against a release's compatibility matrix
(docs/release.md), with and without its signature check, and every bad input in one line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tinyml_tools.cli import main
from tinyml_tools.modelpack.package import parse_package

BOARD = "mps2/an386"
FW = "1.1.0"


@pytest.fixture(scope="module")
def package(repo: Path) -> Path:
    return repo / "models" / "knock" / "knock.pkg"


@pytest.fixture(scope="module")
def dev_pub(repo: Path) -> Path:
    return repo / "app" / "keys" / "tinyml-dev-model-ecdsa-p256-DO-NOT-SHIP.pub.pem"


def _matrix(package: Path, **firmware_changes: Any) -> dict[str, Any]:
    """A matrix whose firmware entry runs @p package exactly (its identity from the package)."""
    meta = parse_package(package).metadata
    fw = {
        "board": BOARD,
        "version": FW,
        "runtime_id": f"0x{meta.runtime_id:08x}",
        "manifest_digest": meta.manifest_digest.hex(),
        "pipeline_ids": [f"0x{meta.feature_pipeline_id:08x}"],
        "arena_bytes": meta.arena.total,
    }
    fw.update(firmware_changes)
    return {"schema": "tinyml-compatibility/1", "release": "r", "firmware": [fw], "models": []}


def _write(tmp: Path, data: Any) -> Path:
    path = tmp / "compatibility.json"
    path.write_text(json.dumps(data) if not isinstance(data, str) else data)
    return path


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["model-pack", "verify", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_compatible_package_passes_with_and_without_key(
    package: Path, dev_pub: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    matrix = str(_write(tmp_path, _matrix(package)))
    code, out, _ = _run(capsys, str(package), "--compat", matrix, "--board", BOARD,
                        "--firmware", FW)  # fmt: skip
    assert code == 0 and f"runs on firmware {FW} on {BOARD}" in out
    code, out, _ = _run(capsys, str(package), "--key", str(dev_pub), "--compat", matrix,
                        "--board", BOARD, "--firmware", FW, "--json")  # fmt: skip
    report = json.loads(out)
    assert code == 0 and report["ok"] is True and report["result"] == "OK"
    assert report["compat"]["verdict"] == "OK"


@pytest.mark.parametrize(
    ("changes", "board", "firmware", "verdict", "needle"),
    [
        ({"runtime_id": "0x00000001"}, BOARD, FW, "RUNTIME_MISMATCH", "runtime ID"),
        ({"manifest_digest": "0" * 64}, BOARD, FW, "MANIFEST_MISMATCH", "operator manifest"),
        ({"pipeline_ids": ["0x12345678"]}, BOARD, FW, "PIPELINE_MISMATCH", "0x12345678"),
        ({"arena_bytes": 64}, BOARD, FW, "ARENA_TOO_BIG", "has 64"),
        ({}, "nrf52840dk/nrf52840", FW, "UNKNOWN_BOARD", "nrf52840dk"),
        ({}, BOARD, "9.9.9", "UNKNOWN_FIRMWARE", "9.9.9"),
    ],
)
def test_incompatible_is_refused_with_the_reason(
    package: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
    changes: dict[str, Any], board: str, firmware: str, verdict: str, needle: str,
) -> None:  # fmt: skip
    matrix = str(_write(tmp_path, _matrix(package, **changes)))
    code, _, err = _run(capsys, str(package), "--compat", matrix, "--board", board,
                        "--firmware", firmware)  # fmt: skip
    lines = err.strip().splitlines()
    assert code == 2 and len(lines) == 1 and needle in lines[0] and "refused" in lines[0]
    code, out, _ = _run(capsys, str(package), "--compat", matrix, "--board", board,
                        "--firmware", firmware, "--json")  # fmt: skip
    report = json.loads(out)
    assert code == 2 and report["ok"] is False and report["compat"]["verdict"] == verdict


def test_signature_failure_wins_even_when_compatible(
    package: Path, tmp_path: Path, repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    other_key = repo / "app" / "keys" / "tinyml-dev-settings-ecdsa-p256-DO-NOT-SHIP.pub.pem"
    matrix = str(_write(tmp_path, _matrix(package)))
    code, _, err = _run(capsys, str(package), "--key", str(other_key), "--compat", matrix,
                        "--board", BOARD, "--firmware", FW)  # fmt: skip
    assert code == 2 and len(err.strip().splitlines()) == 1


BAD_MATRICES: list[tuple[str, Any, str]] = [
    ("not json", "{not json", "not valid JSON"),
    ("wrong schema", {"schema": "x", "firmware": [], "models": []}, "schema must be"),
    (
        "firmware not a list",
        {"schema": "tinyml-compatibility/1", "firmware": {}, "models": []},
        "must be lists",
    ),
    (
        "missing field",
        {"schema": "tinyml-compatibility/1", "firmware": [{}], "models": []},
        "firmware[0]: missing",
    ),
    ("bad id", "RUNTIME", "runtime_id"),
    ("empty", "", "not valid JSON"),
]


@pytest.mark.parametrize(("name", "data", "needle"), BAD_MATRICES, ids=[b[0] for b in BAD_MATRICES])
def test_bad_matrix_is_bad_input(
    package: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
    name: str, data: Any, needle: str,
) -> None:  # fmt: skip
    if data == "RUNTIME":
        data = _matrix(package, runtime_id="12345678")
    path = _write(tmp_path, data)
    code, _, err = _run(capsys, str(package), "--compat", str(path), "--board", BOARD,
                        "--firmware", FW)  # fmt: skip
    lines = err.strip().splitlines()
    assert code == 1 and len(lines) == 1 and str(path) in lines[0] and needle in lines[0]
    assert "Traceback" not in err


def test_missing_files_are_bad_input(
    package: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    matrix = str(_write(tmp_path, _matrix(package)))
    code, _, err = _run(capsys, str(tmp_path / "no.pkg"), "--compat", matrix, "--board",
                        BOARD, "--firmware", FW)  # fmt: skip
    assert code == 1 and "no.pkg" in err and len(err.strip().splitlines()) == 1
    code, _, err = _run(capsys, str(package), "--compat", str(tmp_path / "none.json"),
                        "--board", BOARD, "--firmware", FW)  # fmt: skip
    assert code == 1 and "none.json" in err and len(err.strip().splitlines()) == 1
    not_pkg = tmp_path / "junk.pkg"
    not_pkg.write_bytes(b"\x00" * 64)
    code, _, err = _run(capsys, str(not_pkg), "--compat", matrix, "--board", BOARD,
                        "--firmware", FW)  # fmt: skip
    assert code == 1 and "junk.pkg" in err and "Traceback" not in err


@pytest.mark.parametrize(
    "argv",
    [
        [],  # neither --key nor --compat
        ["--compat", "m.json"],  # no --board / --firmware
        ["--compat", "m.json", "--board", BOARD],
        ["--board", BOARD, "--firmware", FW],  # no --compat
    ],
)
def test_usage_errors(package: Path, capsys: pytest.CaptureFixture[str], argv: list[str]) -> None:
    code, _, err = _run(capsys, str(package), *argv)
    assert code == 64 and len(err.strip().splitlines()) == 1
