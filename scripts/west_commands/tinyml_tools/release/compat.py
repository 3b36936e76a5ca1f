"""compatibility.json: which model packages run on which firmware on which board.

Schema (docs/release.md)::

    {"schema": "tinyml-compatibility/1", "release": "...",
     "firmware": [{"board", "version", "runtime_id", "manifest_digest", "pipeline_ids",
                   "arena_bytes", "image", "sha256"}],
     "models": [{"name", "version", "package", "sha256", "runtime_id", "manifest_digest",
                 "pipeline_id", "arena_bytes", "runs_on": [{"board", "firmware"}]}]}

IDs are "0x%08x" text, digests lowercase hex. :func:`check_compatibility` answers one question
(may this package be installed on this board running this firmware?) with a reason.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..modelpack.package import ParsedPackage, parse_package

SCHEMA = "tinyml-compatibility/1"
_HEX32 = re.compile(r"^0x[0-9a-f]{8}$")
_DIGEST = re.compile(r"^[0-9a-f]{64}$")
_VERSION = re.compile(r"^\d+\.\d+\.\d+([+-][0-9A-Za-z.+-]+)?$")


@dataclass(frozen=True)
class FirmwareEntry:
    board: str
    version: str
    runtime_id: int
    manifest_digest: str
    pipeline_ids: tuple[int, ...]
    arena_bytes: int
    image: str = ""
    sha256: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "board": self.board,
            "version": self.version,
            "runtime_id": f"0x{self.runtime_id:08x}",
            "manifest_digest": self.manifest_digest,
            "pipeline_ids": [f"0x{p:08x}" for p in self.pipeline_ids],
            "arena_bytes": self.arena_bytes,
            "image": self.image,
            "sha256": self.sha256,
        }


@dataclass(frozen=True)
class ModelEntry:
    name: str
    version: str
    package: str
    sha256: str
    runtime_id: int
    manifest_digest: str
    pipeline_id: int
    arena_bytes: int
    runs_on: tuple[tuple[str, str], ...]  # (board, firmware version)

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "version": self.version,
            "package": self.package,
            "sha256": self.sha256,
            "runtime_id": f"0x{self.runtime_id:08x}",
            "manifest_digest": self.manifest_digest,
            "pipeline_id": f"0x{self.pipeline_id:08x}",
            "arena_bytes": self.arena_bytes,
            "runs_on": [{"board": b, "firmware": v} for b, v in self.runs_on],
        }


@dataclass(frozen=True)
class Matrix:
    release: str
    firmware: tuple[FirmwareEntry, ...]
    models: tuple[ModelEntry, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "schema": SCHEMA,
            "release": self.release,
            "firmware": [f.to_json() for f in self.firmware],
            "models": [m.to_json() for m in self.models],
        }


class Verdict(Enum):
    OK = "compatible"
    UNKNOWN_BOARD = "board not in the matrix"
    UNKNOWN_FIRMWARE = "firmware version not in the matrix for this board"
    RUNTIME_MISMATCH = "runtime ID differs"
    MANIFEST_MISMATCH = "operator manifest digest differs"
    PIPELINE_MISMATCH = "feature pipeline not supported"
    ARENA_TOO_BIG = "arena larger than the firmware's"


@dataclass(frozen=True)
class CompatResult:
    verdict: Verdict
    reason: str  # one line, for people

    @property
    def ok(self) -> bool:
        return self.verdict is Verdict.OK


def model_entry(
    name: str, package_file: str, parsed: ParsedPackage, runs_on: tuple[tuple[str, str], ...]
) -> ModelEntry:
    meta = parsed.metadata
    return ModelEntry(
        name=name,
        version=meta.version_text,
        package=package_file,
        sha256=parsed.sha256,
        runtime_id=meta.runtime_id,
        manifest_digest=meta.manifest_digest.hex(),
        pipeline_id=meta.feature_pipeline_id,
        arena_bytes=meta.arena.total,
        runs_on=runs_on,
    )


def fits(entry: ModelEntry, fw: FirmwareEntry) -> CompatResult:
    """Does a model (its identity from the package metadata) run on one firmware entry?"""
    where = f"firmware {fw.version} on {fw.board}"
    if entry.runtime_id != fw.runtime_id:
        return CompatResult(
            Verdict.RUNTIME_MISMATCH,
            f"runtime ID 0x{entry.runtime_id:08x} of the package differs from "
            f"0x{fw.runtime_id:08x} of {where}",
        )
    if entry.manifest_digest != fw.manifest_digest:
        return CompatResult(
            Verdict.MANIFEST_MISMATCH,
            f"operator manifest {entry.manifest_digest[:12]}... differs from "
            f"{fw.manifest_digest[:12]}... of {where}",
        )
    if entry.pipeline_id not in fw.pipeline_ids:
        known = ", ".join(f"0x{p:08x}" for p in fw.pipeline_ids) or "none"
        return CompatResult(
            Verdict.PIPELINE_MISMATCH,
            f"feature pipeline 0x{entry.pipeline_id:08x} is not one of {where} ({known})",
        )
    if entry.arena_bytes > fw.arena_bytes:
        return CompatResult(
            Verdict.ARENA_TOO_BIG,
            f"needs a {entry.arena_bytes}-byte arena, {where} has {fw.arena_bytes}",
        )
    return CompatResult(Verdict.OK, f"runs on {where}")


def check_compatibility(
    package: Path | ParsedPackage, matrix: Matrix, board: str, firmware_version: str
) -> CompatResult:
    """May ``package`` be installed on ``board`` running ``firmware_version``?"""
    parsed = package if isinstance(package, ParsedPackage) else parse_package(Path(package))
    entry = model_entry("", "", parsed, ())
    boards = [f for f in matrix.firmware if f.board == board]
    if not boards:
        known = ", ".join(sorted({f.board for f in matrix.firmware})) or "none"
        return CompatResult(
            Verdict.UNKNOWN_BOARD, f"board '{board}' is not in the matrix (boards: {known})"
        )
    match = [f for f in boards if f.version == firmware_version]
    if not match:
        known = ", ".join(f.version for f in boards)
        return CompatResult(
            Verdict.UNKNOWN_FIRMWARE,
            f"firmware {firmware_version} is not in the matrix for {board} (versions: {known})",
        )
    return fits(entry, match[0])


# --- reading a matrix -----------------------------------------------------------------------


def _field(path: Path, obj: dict[str, Any], key: str, where: str) -> Any:
    if key not in obj:
        raise InputError(path, f"{where}: missing '{key}'")
    return obj[key]


def _hex32(path: Path, value: Any, where: str) -> int:
    if not isinstance(value, str) or not _HEX32.match(value):
        raise InputError(path, f"{where}: expected 0x followed by 8 lowercase hex digits")
    return int(value, 16)


def _text(path: Path, value: Any, where: str) -> str:
    if not isinstance(value, str) or not value:
        raise InputError(path, f"{where}: expected text")
    return value


def _digest(path: Path, value: Any, where: str) -> str:
    if not isinstance(value, str) or not _DIGEST.match(value):
        raise InputError(path, f"{where}: expected 64 lowercase hex digits")
    return value


def _size(path: Path, value: Any, where: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
        raise InputError(path, f"{where}: expected a positive byte count")
    return value


def _version(path: Path, value: Any, where: str) -> str:
    if not isinstance(value, str) or not _VERSION.match(value):
        raise InputError(path, f"{where}: expected a version major.minor.patch")
    return value


def _firmware(path: Path, i: int, fw: Any) -> FirmwareEntry:
    w = f"firmware[{i}]"
    if not isinstance(fw, dict):
        raise InputError(path, f"{w}: expected an object")
    pipes = _field(path, fw, "pipeline_ids", w)
    if not isinstance(pipes, list):
        raise InputError(path, f"{w}.pipeline_ids: expected a list")
    return FirmwareEntry(
        board=_text(path, _field(path, fw, "board", w), f"{w}.board"),
        version=_version(path, _field(path, fw, "version", w), f"{w}.version"),
        runtime_id=_hex32(path, _field(path, fw, "runtime_id", w), f"{w}.runtime_id"),
        manifest_digest=_digest(
            path, _field(path, fw, "manifest_digest", w), f"{w}.manifest_digest"
        ),
        pipeline_ids=tuple(_hex32(path, p, f"{w}.pipeline_ids[{j}]") for j, p in enumerate(pipes)),
        arena_bytes=_size(path, _field(path, fw, "arena_bytes", w), f"{w}.arena_bytes"),
        image=str(fw.get("image", "")),
        sha256=str(fw.get("sha256", "")),
    )


def _model(path: Path, i: int, m: Any) -> ModelEntry:
    w = f"models[{i}]"
    if not isinstance(m, dict):
        raise InputError(path, f"{w}: expected an object")
    runs = _field(path, m, "runs_on", w)
    if not isinstance(runs, list) or not all(
        isinstance(r, dict)
        and isinstance(r.get("board"), str)
        and isinstance(r.get("firmware"), str)
        for r in runs
    ):
        raise InputError(path, f"{w}.runs_on: expected a list of {{board, firmware}}")
    return ModelEntry(
        name=_text(path, _field(path, m, "name", w), f"{w}.name"),
        version=_version(path, _field(path, m, "version", w), f"{w}.version"),
        package=_text(path, _field(path, m, "package", w), f"{w}.package"),
        sha256=str(m.get("sha256", "")),
        runtime_id=_hex32(path, _field(path, m, "runtime_id", w), f"{w}.runtime_id"),
        manifest_digest=_digest(
            path, _field(path, m, "manifest_digest", w), f"{w}.manifest_digest"
        ),
        pipeline_id=_hex32(path, _field(path, m, "pipeline_id", w), f"{w}.pipeline_id"),
        arena_bytes=_size(path, _field(path, m, "arena_bytes", w), f"{w}.arena_bytes"),
        runs_on=tuple((r["board"], r["firmware"]) for r in runs),
    )


def load_matrix(path: Path) -> Matrix:
    """Read and check compatibility.json; InputError naming the field that is wrong."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(path, "no such compatibility matrix") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        raise InputError(path, f"not valid JSON ({err})") from None
    if not isinstance(data, dict) or data.get("schema") != SCHEMA:
        raise InputError(path, f"not a compatibility matrix (schema must be '{SCHEMA}')")
    fws = _field(path, data, "firmware", "matrix")
    models = _field(path, data, "models", "matrix")
    if not isinstance(fws, list) or not isinstance(models, list):
        raise InputError(path, "'firmware' and 'models' must be lists")
    firmware = tuple(_firmware(path, i, fw) for i, fw in enumerate(fws))
    seen = set()
    for fw in firmware:
        if (fw.board, fw.version) in seen:
            raise InputError(path, f"firmware {fw.version} on {fw.board} listed twice")
        seen.add((fw.board, fw.version))
    return Matrix(
        release=str(data.get("release", "")),
        firmware=firmware,
        models=tuple(_model(path, i, m) for i, m in enumerate(models)),
    )


def write_matrix(path: Path, matrix: Matrix) -> None:
    path.write_text(json.dumps(matrix.to_json(), indent=2) + "\n")
