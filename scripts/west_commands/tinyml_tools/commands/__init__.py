"""The registry of commands shared by the ``tinyml`` console script and the west extension."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module


@dataclass(frozen=True)
class Command:
    """One command: its name (as typed after ``tinyml`` or ``west``), help and behaviour."""

    name: str
    help: str
    description: str
    add_arguments: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace], int]


# Module names under tinyml_tools.commands; each defines COMMAND.
_COMMAND_MODULES: tuple[str, ...] = (
    "model_pack",
    "memreport",
    "replay",
    "dataset",
    "train",
    "profile",
    "power",
    "field",
    "release",
)


def all_commands() -> list[Command]:
    return [import_module(f"{__name__}.{mod}").COMMAND for mod in _COMMAND_MODULES]


def find(name: str) -> Command:
    for command in all_commands():
        if command.name == name:
            return command
    raise KeyError(name)
