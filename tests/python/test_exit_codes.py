"""One meaning per exit code, documented in docs/exit-codes.md, the same under west."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tinyml_tools import errors
from tinyml_tools.paths import REPO_ROOT


def _documented() -> dict[str, int]:
    text = (REPO_ROOT / "docs" / "exit-codes.md").read_text()
    block = text.split("<!-- exit-codes:begin -->")[1].split("<!-- exit-codes:end -->")[0]
    rows = [line.strip("|").split("|") for line in block.strip().splitlines()[2:]]
    return {name.strip().strip("`"): int(code) for code, name, _ in rows}


def test_the_documented_codes_are_the_codes_of_errors_py() -> None:
    documented = _documented()
    defined = {name: getattr(errors, name) for name in dir(errors) if name.startswith("EXIT_")}
    assert documented == defined
    assert len(set(defined.values())) == len(defined)  # one meaning each
    assert errors.InputError("f", "p").exit_code == errors.EXIT_BAD_INPUT
    assert errors.CheckFailed("x").exit_code == errors.EXIT_GATE
    assert errors.UsageError("x").exit_code == errors.EXIT_USAGE


def test_usage_errors_have_their_own_code_under_west_too(tmp_path: Path) -> None:
    west = Path(sys.executable).parent / "west"
    cases = [
        ["model-pack", "build", "m", "-o", "x.pkg", "--unsigned", "--key", "k.pem"],
        ["model-pack", "build", "m", "-o", "x.pkg", "--partition-size", "64Q"],
        ["memreport", "a.elf", "--no-such-option"],
        ["replay"],
    ]
    for args in cases:
        proc = subprocess.run(
            [str(west), *args], cwd=REPO_ROOT, capture_output=True, text=True, check=False
        )
        assert proc.returncode == errors.EXIT_USAGE, (args, proc.stderr)
        assert "Traceback" not in proc.stderr
    proc = subprocess.run(
        [str(west), "model-pack", "inspect", str(tmp_path / "none.pkg")],
        cwd=REPO_ROOT, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert proc.returncode == errors.EXIT_BAD_INPUT and "none.pkg" in proc.stderr
