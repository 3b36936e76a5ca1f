"""What a build writes besides the package, and the rule that no output replaces an input.

``build -o DIR/NAME.pkg`` also keeps ``DIR/NAME.tflite`` (the int8 model exactly as packed) and,
for Keras and SavedModel sources, ``DIR/NAME_float.tflite`` (the float model, batch 1): the
files replay looks for beside a package to report int8-vs-float agreement. A companion that
would replace one of the build's inputs (a .tflite source packed in place) is left as it is.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError
from ..writefile import refuse_inputs, same_file, write_atomically


@dataclass(frozen=True)
class Companion:
    kind: str  # "int8" or "float"
    path: Path
    data: bytes
    kept_input: bool  # the path is one of the build's inputs: not rewritten


def _matching_input(path: Path, inputs: Sequence[Path]) -> Path | None:
    for source in inputs:
        if same_file(path, source):
            return source
        if source.is_dir() and Path(os.path.abspath(path)).is_relative_to(os.path.abspath(source)):
            return source
    return None


def check_not_an_input(output: Path, inputs: Sequence[Path]) -> None:
    """Refuse an output path that is (or links to, or lies inside) one of the inputs."""
    source = _matching_input(output, inputs)
    if source is not None:
        how = "is" if os.path.abspath(output) == os.path.abspath(source) else "links to"
        if source.is_dir():
            how = "lies inside"
        raise InputError(output, f"refusing to write the package here: it {how} the input {source}")


def companion_paths(output: Path) -> tuple[Path, Path]:
    stem = output.with_suffix("") if output.suffix else output
    return stem.with_name(stem.name + ".tflite"), stem.with_name(stem.name + "_float.tflite")


def companions(
    output: Path, int8: bytes, float_tflite: bytes | None, inputs: Sequence[Path]
) -> list[Companion]:
    int8_path, float_path = companion_paths(output)
    found = []
    for kind, path, data in (("int8", int8_path, int8), ("float", float_path, float_tflite)):
        if data is None or same_file(path, output):
            continue
        found.append(Companion(kind, path, data, _matching_input(path, inputs) is not None))
    return found


def write_companions(found: Sequence[Companion]) -> list[Companion]:
    """Write the companions that are not inputs; the ones now beside the package with the
    right bytes (written, or an input that already holds them)."""
    present = []
    for companion in found:
        if not companion.kept_input:
            write_atomically(companion.path, companion.data)
            present.append(companion)
        elif companion.path.read_bytes() == companion.data:
            present.append(companion)
    return present


def refuse_same_output(output: Path, source: Path) -> None:
    """``extract``: the output must not be the package it reads."""
    refuse_inputs(output, [source])
