from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
EXTERNAL_MODELS = REPO.parent / "shared" / "external-models"


@pytest.fixture(scope="session")
def repo() -> Path:
    return REPO


@pytest.fixture(scope="session")
def external_models() -> Path:
    if not EXTERNAL_MODELS.is_dir():
        pytest.fail(
            f"external models missing: {EXTERNAL_MODELS} (shared/ must sit beside the repo)"
        )
    return EXTERNAL_MODELS


def build_bare_m4f(tmp: Path, name: str, asm_body: str) -> Path:
    """Assemble a minimal Cortex-M4 image whose reset handler runs ``asm_body``."""
    src = tmp / f"{name}.S"
    src.write_text(
        ".syntax unified\n.thumb\n.text\n.word 0x20001000\n.word reset+1\n"
        ".text\n.thumb_func\nreset:\n" + asm_body + "\n"
    )
    elf = tmp / f"{name}.elf"
    gcc = shutil.which("arm-none-eabi-gcc")
    assert gcc is not None
    subprocess.run(
        [
            gcc,
            "-mcpu=cortex-m4",
            "-mthumb",
            "-nostdlib",
            "-Wl,-Ttext=0x0",
            "-Wl,-e,0",
            "-o",
            str(elf),
            str(src),
        ],
        check=True,
    )
    return elf
