"""Printing results: rich tables for people, JSON for machines.

People never see a Python repr: lists print as comma-separated items, mappings as
``key value`` pairs, floats in their shortest round-trip form, and long values (hashes, paths)
are never cut (they fold onto the next line instead of ending in an ellipsis).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping, Sequence
from typing import Any

from rich.console import Console
from rich.table import Table

console = Console()
err_console = Console(stderr=True)


def print_json(data: Any) -> None:
    json.dump(data, sys.stdout, indent=2, sort_keys=False, default=str)
    sys.stdout.write("\n")


def text(value: Any) -> str:
    """``value`` as a person reads it: no brackets, quotes or braces of a Python repr."""
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return repr(value)  # shortest repr that round-trips
    if isinstance(value, Mapping):
        return ", ".join(f"{k} {text(v)}" for k, v in value.items()) or "-"
    if isinstance(value, list | tuple | set | frozenset):
        return ", ".join(text(v) for v in value) or "-"
    return str(value)


def print_table(title: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    table = Table(title=title)
    for i, col in enumerate(columns):
        table.add_column(col, justify="left" if i == 0 else "right", overflow="fold")
    for row in rows:
        table.add_row(*(text(cell) for cell in row))
    console.print(table)


def print_fields(title: str, fields: Sequence[tuple[str, Any]]) -> None:
    """A titled list of ``field  value`` lines; values are printed whole (no wrapping)."""
    print(title)
    width = max((len(name) for name, _ in fields), default=0)
    for name, value in fields:
        print(f"  {name:<{width}}  {text(value)}")


def float32_text(value: float) -> float:
    """A float32 as written: the shortest decimal that round-trips the float32 (0.8, not
    0.800000011920929), as a Python float for JSON and tables."""
    import numpy as np

    return float(str(np.float32(value)))
