"""The console script and the west extension commands: registry, help, and error reporting."""

from __future__ import annotations

import argparse
import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tinyml_tools import cli
from tinyml_tools.commands import all_commands
from tinyml_tools.errors import EXIT_USAGE, InputError


def test_every_west_command_imports_and_matches_the_registry(repo: Path) -> None:
    spec = yaml.safe_load((repo / "scripts" / "west-commands.yml").read_text())
    registered = {c.name for c in all_commands()}
    listed = set()
    for entry in spec["west-commands"]:
        path = repo / entry["file"]
        mod_spec = importlib.util.spec_from_file_location(path.stem, path)
        assert mod_spec is not None and mod_spec.loader is not None
        module = importlib.util.module_from_spec(mod_spec)
        mod_spec.loader.exec_module(module)
        for command in entry["commands"]:
            cls = getattr(module, command["class"])
            assert cls().name == command["name"]
            listed.add(command["name"])
    assert listed == registered


@pytest.mark.parametrize("name", [c.name for c in all_commands()])
def test_help_of_every_command(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        cli.main([name, "--help"])
    assert exc.value.code == 0
    assert name in capsys.readouterr().out


def test_project_error_is_one_line_and_nonzero(capsys: pytest.CaptureFixture[str]) -> None:
    def failing(args: argparse.Namespace) -> int:
        raise InputError("model.yaml", "missing field 'version'")

    code = cli.run_guarded(failing, argparse.Namespace(), "tinyml")
    err = capsys.readouterr().err
    assert code != 0
    assert err == "tinyml: error: model.yaml: missing field 'version'\n"


def test_console_script_usage_error_exits_nonzero(repo: Path) -> None:
    exe = Path(sys.executable).parent / "tinyml"
    proc = subprocess.run([str(exe), "no-such-command"], capture_output=True, text=True)
    assert proc.returncode == EXIT_USAGE == 64  # argparse's own 2 would mean "a gate failed"
    assert "Traceback" not in proc.stderr


@pytest.mark.parametrize("name", [c.name for c in all_commands()])
def test_west_runs_our_commands_from_the_repo_root(repo: Path, name: str) -> None:
    west = Path(sys.executable).parent / "west"
    proc = subprocess.run(
        [str(west), name, "--help"], cwd=repo, capture_output=True, text=True, check=False
    )
    assert proc.returncode == 0, proc.stderr
    assert f"usage: west {name}" in proc.stdout
