"""release: a folder from the committed knock example, notes between two releases, the matrix."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from tinyml_tools.cli import main
from tinyml_tools.modelpack.manifest import load_manifest
from tinyml_tools.modelpack.metadata import Arena
from tinyml_tools.modelpack.package import make_image, parse_package
from tinyml_tools.modelpack.signing import DEV_KEY, load_signing_key
from tinyml_tools.release import compat
from tinyml_tools.release.compat import Verdict, check_compatibility

BOARD = "mps2/an386"
ARENA = 8192


def _firmware(tmp: Path, name: str, arena: int, version: str) -> Path:
    """A Zephyr-like build folder: a cross-compiled ELF carrying the firmware identity symbols
    (from the repository's operator manifest) and its imgtool-made MCUboot image."""
    manifest = load_manifest()
    digest = ", ".join(f"0x{b:02x}" for b in manifest.digest)
    src = tmp / f"{name}.c"
    src.write_text(
        "#include <stdint.h>\n"
        f"const uint32_t tinyml_runtime_id = 0x{manifest.runtime_id:08x}u;\n"
        f"const uint8_t tinyml_ops_manifest_digest[32] = {{{digest}}};\n"
        f"uint8_t tinyml_arena[{arena}] __attribute__((aligned(16)));\n"
        "void _start(void);\n"
        "void _start(void) { for (;;) { tinyml_arena[0] ^= (uint8_t)tinyml_runtime_id; } }\n"
    )
    build = tmp / name / "zephyr"
    build.mkdir(parents=True)
    elf = build / "zephyr.elf"
    gcc = shutil.which("arm-none-eabi-gcc")
    assert gcc is not None
    subprocess.run(
        [gcc, "-mcpu=cortex-m4", "-mthumb", "-nostdlib", "-O1", "-Wl,-e,_start",
         "-Wl,--no-gc-sections", "-o", str(elf), str(src)],
        check=True,
    )  # fmt: skip
    binary = build / "zephyr.bin"
    subprocess.run(["arm-none-eabi-objcopy", "-O", "binary", str(elf), str(binary)], check=True)
    imgtool = Path(shutil.which("imgtool") or Path(__file__).parents[2] / ".venv/bin/imgtool")
    subprocess.run(
        [str(imgtool), "sign", "--header-size", "0x200", "--align", "4", "--slot-size",
         "0x40000", "--version", version, "--pad-header", str(binary),
         str(build / "zephyr.signed.bin")],
        check=True, capture_output=True,
    )  # fmt: skip
    return tmp / name


@pytest.fixture(scope="module")
def releases(tmp_path_factory: pytest.TempPathFactory, repo: Path) -> tuple[Path, Path]:
    tmp = tmp_path_factory.mktemp("release")
    pkg = repo / "models" / "knock" / "knock.pkg"
    fw1 = _firmware(tmp, "fw1", ARENA, "1.0.0")
    r1 = tmp / "r1"
    argv = ["release", "assemble", str(r1), "--firmware", str(fw1), "--firmware-version",
            "1.0.0", "--board", BOARD, "--package", str(pkg), "--json"]  # fmt: skip
    assert main(argv) == 0
    # The next release: new firmware (bigger arena), the model re-packed as 1.1.0.
    parsed = parse_package(pkg)
    meta = replace(parsed.metadata, version=(1, 1, 0))
    new_pkg = tmp / "pkg2" / "knock.pkg"
    new_pkg.parent.mkdir()
    for name in ("detector.yaml", "pipeline.yaml", "baseline.json"):  # replay settings
        shutil.copy2(pkg.parent / name, new_pkg.parent / name)
    new_pkg.write_bytes(make_image(parsed.payload, meta, load_signing_key(DEV_KEY)))
    fw2 = _firmware(tmp, "fw2", 2 * ARENA, "1.1.0")
    r2 = tmp / "r2"
    argv = ["release", "assemble", str(r2), "--firmware", str(fw2), "--firmware-version",
            "1.1.0", "--board", BOARD, "--package", str(new_pkg), "--previous", str(r1),
            "--golden", str(repo / "models" / "knock" / "golden")]  # fmt: skip
    assert main(argv) == 0
    return r1, r2


def test_release_folder_holds_everything(releases: tuple[Path, Path], repo: Path) -> None:
    r1, _ = releases
    names = {p.relative_to(r1).as_posix() for p in r1.rglob("*") if p.is_file()}
    assert {
        "firmware/zephyr.signed.bin",
        "firmware/zephyr.elf",
        "models/knock.pkg",
        "memreport.json",
        "replay/knock.json",
        "compatibility.json",
        "release.json",
        "RELEASE_NOTES.md",
    } <= names
    assert (r1 / "models/knock.pkg").read_bytes() == (repo / "models/knock/knock.pkg").read_bytes()
    manifest = json.loads((r1 / "release.json").read_text())
    assert manifest["firmware"]["arena_bytes"] == ARENA
    assert manifest["firmware"]["runtime_id"] == f"0x{load_manifest().runtime_id:08x}"
    figures = manifest["figures"]
    assert figures["firmware.ram_bytes"] >= ARENA
    replay = json.loads((r1 / "replay/knock.json").read_text())
    assert figures["replay.knock.recall"] == replay["metrics"]["recall"] > 0.5
    matrix = compat.load_matrix(r1 / "compatibility.json")
    assert [(m.name, m.version, m.runs_on) for m in matrix.models] == [
        ("knock", "1.0.0", ((BOARD, "1.0.0"),))
    ]
    notes = (r1 / "RELEASE_NOTES.md").read_text()
    assert "first release" in notes
    if "profile" not in {p.split("/")[0] for p in names}:
        assert "profile" in notes and "not available" in notes


def test_notes_list_changes_between_releases(releases: tuple[Path, Path]) -> None:
    _, r2 = releases
    notes = (r2 / "RELEASE_NOTES.md").read_text()
    assert "compared with release r1" in notes
    assert "- firmware: 1.0.0 -> 1.1.0" in notes
    assert f"- firmware arena_bytes: {ARENA} -> {2 * ARENA}" in notes
    assert "- model knock version: 1.0.0 -> 1.1.0" in notes
    assert "firmware.ram_bytes:" in notes  # the arena grew, so RAM did


def test_matrix_grows_across_releases(releases: tuple[Path, Path]) -> None:
    _, r2 = releases
    matrix = compat.load_matrix(r2 / "compatibility.json")
    assert [(f.board, f.version) for f in matrix.firmware] == [(BOARD, "1.0.0"), (BOARD, "1.1.0")]
    runs = {m.version: m.runs_on for m in matrix.models}
    # The old model runs on both firmware versions, the new one too (same runtime, arena fits).
    assert runs == {"1.0.0": ((BOARD, "1.0.0"), (BOARD, "1.1.0")),
                    "1.1.0": ((BOARD, "1.0.0"), (BOARD, "1.1.0"))}  # fmt: skip


def _matrix_with(r: Path, tmp: Path, **changes: object) -> Path:
    data = json.loads((r / "compatibility.json").read_text())
    data["firmware"][-1].update(changes)
    out = tmp / "compat.json"
    out.write_text(json.dumps(data))
    return out


@pytest.mark.parametrize(
    ("changes", "board", "verdict", "needle"),
    [
        ({}, BOARD, Verdict.OK, "runs on firmware 1.1.0"),
        ({"runtime_id": "0x00000001"}, BOARD, Verdict.RUNTIME_MISMATCH, "runtime ID"),
        ({"manifest_digest": "0" * 64}, BOARD, Verdict.MANIFEST_MISMATCH, "operator manifest"),
        ({"pipeline_ids": ["0x12345678"]}, BOARD, Verdict.PIPELINE_MISMATCH, "0x12345678"),
        ({"arena_bytes": 1024}, BOARD, Verdict.ARENA_TOO_BIG, "has 1024"),
        ({}, "nrf52840dk/nrf52840", Verdict.UNKNOWN_BOARD, "nrf52840dk"),
    ],
)
def test_check_compatibility_refusals(
    releases: tuple[Path, Path], tmp_path: Path, repo: Path,
    changes: dict[str, object], board: str, verdict: Verdict, needle: str,
) -> None:  # fmt: skip
    _, r2 = releases
    matrix = compat.load_matrix(_matrix_with(r2, tmp_path, **changes))
    result = check_compatibility(r2 / "models/knock.pkg", matrix, board, "1.1.0")
    assert result.verdict is verdict
    assert needle in result.reason and "\n" not in result.reason


def test_check_refuses_unknown_firmware_and_other_pipeline(
    releases: tuple[Path, Path], repo: Path
) -> None:
    _, r2 = releases
    matrix = compat.load_matrix(r2 / "compatibility.json")
    pkg = repo / "models/knock/knock.pkg"
    assert check_compatibility(pkg, matrix, BOARD, "9.9.9").verdict is Verdict.UNKNOWN_FIRMWARE
    parsed = parse_package(pkg)
    other = replace(parsed, metadata=replace(parsed.metadata, feature_pipeline_id=7))
    assert check_compatibility(other, matrix, BOARD, "1.1.0").verdict is Verdict.PIPELINE_MISMATCH
    big = replace(parsed, metadata=replace(parsed.metadata, arena=Arena(1 << 20, 0, 0, 0)))
    assert check_compatibility(big, matrix, BOARD, "1.1.0").verdict is Verdict.ARENA_TOO_BIG


def test_check_cli_exit_codes(
    releases: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, r2 = releases
    pkg, good = str(r2 / "models/knock.pkg"), str(r2 / "compatibility.json")
    assert main(["release", "check", pkg, "--compat", good, "--board", BOARD, "--firmware",
                 "1.1.0"]) == 0  # fmt: skip
    bad = str(_matrix_with(r2, tmp_path, arena_bytes=100))
    assert main(["release", "check", pkg, "--compat", bad, "--board", BOARD, "--firmware",
                 "1.1.0"]) == 2  # fmt: skip
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "refused" in err[0] and "has 100" in err[0]
    broken = tmp_path / "broken.json"
    broken.write_text('{"schema": "tinyml-compatibility/1", "firmware": [{}], "models": []}')
    assert main(["release", "check", pkg, "--compat", str(broken), "--board", BOARD,
                 "--firmware", "1.1.0"]) == 1  # fmt: skip
    assert "firmware[0]: missing" in capsys.readouterr().err


def test_assemble_refuses_bad_inputs(
    releases: tuple[Path, Path], tmp_path: Path, repo: Path
) -> None:
    r1, _ = releases
    pkg = str(repo / "models/knock/knock.pkg")
    base = ["release", "assemble", "--firmware-version", "1.0.0", "--board", BOARD]
    before = sorted(p.name for p in r1.iterdir())
    # An existing folder is never touched.
    assert main([*base, str(r1), "--firmware", str(r1), "--package", pkg]) == 1
    assert sorted(p.name for p in r1.iterdir()) == before
    # A plain ELF is not a signed image.
    elf = str(r1 / "firmware" / "zephyr.elf")
    assert main([*base, str(tmp_path / "x"), "--firmware", elf, "--package", pkg]) == 1
    assert not (tmp_path / "x").exists()
    # A package that does not fit the firmware's arena is refused; nothing is left behind.
    fw = _firmware(tmp_path, "tiny", 64, "1.0.0")
    assert main([*base, str(tmp_path / "y"), "--firmware", str(fw), "--package", pkg]) == 2
    assert not (tmp_path / "y").exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_a_host_executable_is_an_emulator_build(tmp_path: Path) -> None:
    """native_sim's executable: release assemble notes it instead of asking memreport."""
    from tinyml_tools.release.firmware import is_host_executable

    assert is_host_executable(Path(sys.executable).resolve())
    arm = tmp_path / "fw.elf"
    src = tmp_path / "fw.c"
    src.write_text("void _start(void) { for (;;) { } }\n")
    subprocess.run(["arm-none-eabi-gcc", "-mcpu=cortex-m4", "-mthumb", "-nostdlib",
                    "-o", str(arm), str(src)], check=True)  # fmt: skip
    assert not is_host_executable(arm)
    assert not is_host_executable(src)  # not an ELF at all
