"""The QEMU runner passes only a finished, summarised, all-green run; hangs and crashes fail."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import build_bare_m4f
from tinyml_tools.errors import CheckFailed, InputError
from tinyml_tools.paths import BUILD_DIR
from tinyml_tools.qemu_run import run_image

SELFTEST = BUILD_DIR / "m4f" / "tinyml_selftest.elf"


def test_selftest_image_passes_with_exact_cost_counter() -> None:
    result = run_image(SELFTEST, timeout=120)
    assert result.ok, result.output
    assert "TTEST PASS cost_counter.counts_instructions_exactly" in result.output
    assert result.cost_unit == "instructions"
    assert result.cost > 0


def test_a_hang_fails_after_the_time_limit(tmp_path: Path) -> None:
    elf = build_bare_m4f(tmp_path, "hang", "b .")
    with pytest.raises(CheckFailed, match="no result after"):
        run_image(elf, timeout=3)


def test_exit_without_summary_fails(tmp_path: Path) -> None:
    # SYS_EXIT_EXTENDED with status 0, but no TTEST SUMMARY was printed.
    body = (
        "ldr r1, =blk\nmovs r0, #0x20\nbkpt 0xab\nb .\n.data\n.balign 4\n"
        "blk: .word 0x20026\n.word 0\n"
    )
    elf = build_bare_m4f(tmp_path, "silent", body)
    with pytest.raises(CheckFailed, match="no TTEST SUMMARY"):
        run_image(elf, timeout=10)


def test_missing_image_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError):
        run_image(tmp_path / "nope.elf", timeout=1)
