"""The operator manifest (modules/tinyml/ops_manifest.yaml): loading, canonical bytes, digest.

The canonical byte form is defined in docs/model-package-format.md; it is also the memory
layout of the generated C table, so the firmware and this tool agree on the digest.
"""

from __future__ import annotations

import hashlib
import itertools
import struct
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from ..errors import InputError, not_utf8
from ..paths import MODULE_DIR
from . import schema

DEFAULT_MANIFEST = MODULE_DIR / "ops_manifest.yaml"
FORMAT = 1


@dataclass(frozen=True)
class ManifestOp:
    name: str
    code: int
    resolver: str
    min_version: int
    max_version: int
    types: tuple[str, ...]

    @property
    def type_mask(self) -> int:
        mask = 0
        for name in self.types:
            code = schema.type_code(name)
            assert code is not None
            mask |= 1 << code
        return mask


@dataclass(frozen=True)
class Manifest:
    path: Path
    tflm_version: str
    ops: tuple[ManifestOp, ...]  # sorted by builtin code

    def find(self, code: int) -> ManifestOp | None:
        for op in self.ops:
            if op.code == code:
                return op
        return None

    def canonical_bytes(self) -> bytes:
        out = struct.pack("<II", FORMAT, len(self.ops))
        for op in self.ops:
            out += struct.pack("<HBBI", op.code, op.min_version, op.max_version, op.type_mask)
        return out

    @property
    def digest(self) -> bytes:
        return hashlib.sha256(self.canonical_bytes()).digest()

    @property
    def runtime_id(self) -> int:
        seed = self.digest + self.tflm_version.encode("utf-8")
        return int.from_bytes(hashlib.sha256(seed).digest()[:4], "little")


def _op_from_entry(path: Path, index: int, entry: Any) -> ManifestOp:
    where = f"operators[{index}]"
    if not isinstance(entry, dict):
        raise InputError(path, f"{where}: expected a mapping")
    missing = {"name", "resolver", "versions", "types"} - set(entry)
    if missing:
        raise InputError(path, f"{where}: missing {', '.join(sorted(missing))}")
    name = str(entry["name"])
    code = schema.op_code(name)
    if code is None:
        raise InputError(path, f"{where}.name: {name!r} is not a TFLite builtin operator")
    versions = entry["versions"]
    if (
        not isinstance(versions, list)
        or len(versions) != 2
        or not all(isinstance(v, int) and 1 <= v <= 255 for v in versions)
        or versions[0] > versions[1]
    ):
        raise InputError(path, f"{where}.versions: expected [min, max] with 1 <= min <= max <= 255")
    types = entry["types"]
    if not isinstance(types, list) or not types:
        raise InputError(path, f"{where}.types: expected a non-empty list")
    for type_ in types:
        tcode = schema.type_code(str(type_))
        if tcode is None or tcode >= 32:
            raise InputError(path, f"{where}.types: {type_!r} is not a TFLite tensor type")
    resolver = str(entry["resolver"])
    if not resolver.startswith("Add") or not resolver.isidentifier():
        raise InputError(path, f"{where}.resolver: {resolver!r} is not an AddXxx method name")
    return ManifestOp(name, code, resolver, versions[0], versions[1], tuple(map(str, types)))


def load_manifest(path: str | Path | None = None) -> Manifest:
    file = Path(path) if path is not None else DEFAULT_MANIFEST
    try:
        data = yaml.safe_load(file.read_text(encoding="utf-8"))
    except OSError as err:
        raise InputError(file, f"cannot read operator manifest: {err.strerror}") from None
    except UnicodeDecodeError as err:
        raise not_utf8(file, err) from None
    except yaml.YAMLError as err:
        raise InputError(file, f"not valid YAML: {err}".splitlines()[0]) from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise InputError(file, f"not an operator manifest (expected 'format: {FORMAT}')")
    tflm_version = data.get("tflm_version")
    if not isinstance(tflm_version, str) or not tflm_version:
        raise InputError(file, "missing 'tflm_version'")
    entries = data.get("operators")
    if not isinstance(entries, list) or not entries:
        raise InputError(file, "missing 'operators' list")
    ops = sorted(
        (_op_from_entry(file, i, entry) for i, entry in enumerate(entries)), key=lambda o: o.code
    )
    for first, second in itertools.pairwise(ops):
        if first.code == second.code:
            raise InputError(file, f"operator {first.name} listed twice")
    return Manifest(file, tflm_version, tuple(ops))
