"""Per-operator timings from the device: the CSV tinyml::TflmProfiler prints.

    node,op,cycles          header: the third column names the unit
    0,CONV_2D,123456        one row per node, in execution order
    ...
    total,,654321           optional
    overflow,,128           present when the device's table was too small

Shell prompts, log prefixes and blank lines around the table are ignored, so a copy of a
console session works. Rows are checked against the model: node count and operator names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError
from ..modelpack.tflite_model import TfliteModel

HEADER_RE = re.compile(r"node,op,([A-Za-z_][\w ]*)\s*$")
ROW_RE = re.compile(r"(\d+),([A-Z0-9_:]+),(\d+)\s*$")
TOTAL_RE = re.compile(r"total,,(\d+)\s*$")
OVERFLOW_RE = re.compile(r"overflow,,(\d+)\s*$")


@dataclass(frozen=True)
class Measured:
    unit: str
    nodes: dict[int, tuple[str, float]]  # node -> (op, cost per run)
    total: float | None


def parse_measured(path: Path, text: str | None = None) -> Measured:
    if text is None:
        try:
            text = path.read_text(errors="replace")
        except FileNotFoundError:
            raise InputError(path, "no such measurement file") from None
        except OSError as err:
            raise InputError(path, f"unreadable ({err.strerror})") from None
    unit = None
    nodes: dict[int, tuple[str, float]] = {}
    total = None
    for lineno, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if unit is None:
            m = HEADER_RE.search(line)
            if m:
                unit = m.group(1).strip()
            continue
        if OVERFLOW_RE.search(line):
            raise InputError(
                path,
                f"line {lineno}: the device's profiler table overflowed "
                "(raise TINYML_TFLM_PROFILER_MAX_EVENTS)",
            )
        if total is not None:
            break  # the table ended with its total line
        if m := ROW_RE.search(line):
            node = int(m.group(1))
            if node in nodes:
                raise InputError(path, f"line {lineno}: node {node} appears twice")
            nodes[node] = (m.group(2), float(m.group(3)))
        elif m := TOTAL_RE.search(line):
            total = float(m.group(1))
        elif line and "," in line and line[0].isdigit():
            raise InputError(path, f"line {lineno}: not a 'node,op,count' row: {line[:60]!r}")
    if unit is None:
        raise InputError(path, "no 'node,op,<unit>' header (the profiler's CSV)")
    if not nodes:
        raise InputError(path, "no node rows after the header")
    return Measured(unit, nodes, total)


def match_model(measured: Measured, model: TfliteModel, path: Path) -> dict[int, float]:
    """Node -> measured cost, after checking the rows are this model's operators."""
    ops = model.operators
    if sorted(measured.nodes) != list(range(len(ops))):
        raise InputError(
            path,
            f"{len(measured.nodes)} node rows for a model of {len(ops)} operators "
            "(a different model, or a model with subgraphs)",
        )
    for node, (op, _) in sorted(measured.nodes.items()):
        if op != ops[node].name:
            raise InputError(
                path, f"node {node} is {op} on the device, {ops[node].name} in the model"
            )
    return {node: cost for node, (_, cost) in measured.nodes.items()}
