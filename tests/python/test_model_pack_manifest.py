"""The operator manifest: generated C table, digest and runtime ID, read from the compiled
library and recomputed independently of the code generator."""

from __future__ import annotations

import ctypes
import hashlib
import struct
from pathlib import Path

import pytest
import yaml

from tinyml_tools.errors import InputError
from tinyml_tools.modelpack import codegen, schema
from tinyml_tools.modelpack.manifest import load_manifest
from tinyml_tools.native.library import library_path

LIBRARY = library_path()
ENTRY = struct.Struct("<HBBI")
HEAD = "format: 1\ntflm_version: x\noperators:\n  - "


@pytest.fixture(scope="module")
def lib() -> ctypes.CDLL:
    if not LIBRARY.is_file():
        pytest.fail(f"{LIBRARY} missing: run `make host` first")
    return ctypes.CDLL(str(LIBRARY))


def _compiled_table(lib: ctypes.CDLL) -> tuple[int, bytes, bytes, int, str]:
    count = ctypes.c_uint32.in_dll(lib, "tinyml_ops_manifest_count").value
    table = ctypes.string_at(
        ctypes.addressof(ctypes.c_uint8.in_dll(lib, "tinyml_ops_manifest_table")),
        ENTRY.size * count,
    )
    digest = ctypes.string_at(
        ctypes.addressof(ctypes.c_uint8.in_dll(lib, "tinyml_ops_manifest_digest")), 32
    )
    runtime_id = ctypes.c_uint32.in_dll(lib, "tinyml_runtime_id").value
    version = ctypes.c_char_p(
        ctypes.addressof(ctypes.c_char.in_dll(lib, "tinyml_ops_manifest_tflm_version"))
    ).value
    assert version is not None
    return count, table, digest, runtime_id, version.decode()


def test_compiled_digest_is_the_sha256_of_the_compiled_table(lib: ctypes.CDLL) -> None:
    count, table, digest, runtime_id, version = _compiled_table(lib)
    # Independent of the generator: hash the bytes the C compiler laid out.
    assert hashlib.sha256(struct.pack("<II", 1, count) + table).digest() == digest
    seed = hashlib.sha256(digest + version.encode()).digest()
    assert int.from_bytes(seed[:4], "little") == runtime_id


def test_compiled_table_matches_the_yaml(lib: ctypes.CDLL, repo: Path) -> None:
    _count, table, digest, runtime_id, version = _compiled_table(lib)
    source = yaml.safe_load((repo / "modules" / "tinyml" / "ops_manifest.yaml").read_text())
    expected = {}
    for op in source["operators"]:
        mask = 0
        for type_ in op["types"]:
            mask |= 1 << getattr(schema.TensorType, type_.upper())
        expected[getattr(schema.BuiltinOperator, op["name"])] = (*op["versions"], mask)
    compiled = {code: (lo, hi, mask) for code, lo, hi, mask in ENTRY.iter_unpack(table)}
    assert compiled == expected
    assert list(compiled) == sorted(compiled)
    assert version == source["tflm_version"]
    manifest = load_manifest()
    assert (manifest.digest, manifest.runtime_id) == (digest, runtime_id)


def test_lookup_in_the_compiled_library(lib: ctypes.CDLL) -> None:
    check = lib.tinyml_ops_manifest_check
    check.argtypes = [ctypes.c_uint16, ctypes.c_uint8, ctypes.c_uint8]
    check.restype = ctypes.c_int
    fc, int8, float32 = 9, 9, 0
    assert check(fc, 4, int8) == 0
    assert check(fc, 4, float32) == -95  # -ENOTSUP
    assert check(fc, 99, int8) == -34  # -ERANGE
    assert check(schema.BuiltinOperator.UNIDIRECTIONAL_SEQUENCE_LSTM, 1, int8) == -2  # -ENOENT


def test_codegen_writes_the_table_and_the_resolver(tmp_path: Path) -> None:
    assert codegen.main(["--manifest", str(load_manifest().path), "--out-dir", str(tmp_path)]) == 0
    resolver = (tmp_path / codegen.RESOLVER_FILE).read_text()
    manifest = load_manifest()
    assert f"kOpResolverSize = {len(manifest.ops)};" in resolver
    for op in manifest.ops:
        assert f"resolver.{op.resolver}();" in resolver
    table = (tmp_path / codegen.C_FILE).read_text()
    assert f"0x{manifest.runtime_id:08x}UL" in table
    before = (tmp_path / codegen.C_FILE).stat().st_mtime_ns
    assert codegen.main(["--manifest", str(manifest.path), "--out-dir", str(tmp_path)]) == 0
    assert (tmp_path / codegen.C_FILE).stat().st_mtime_ns == before  # unchanged: not rewritten


@pytest.mark.parametrize(
    "text, message",
    [
        (
            HEAD + "{name: NOPE, resolver: AddNope, versions: [1, 1], types: [int8]}\n",
            "operators[0].name: 'NOPE' is not a TFLite builtin operator",
        ),
        (
            HEAD + "{name: ADD, resolver: AddAdd, versions: [2, 1], types: [int8]}\n",
            "operators[0].versions",
        ),
        (
            HEAD + "{name: ADD, resolver: AddAdd, versions: [1, 1], types: [int7]}\n",
            "'int7' is not a TFLite tensor type",
        ),
        ("format: 2\n", "not an operator manifest"),
    ],
)
def test_bad_manifest_is_an_error_naming_the_entry(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "m.yaml"
    path.write_text(text)
    assert codegen.main(["--manifest", str(path), "--out-dir", str(tmp_path / "out")]) == 1
    with pytest.raises(InputError) as info:
        load_manifest(path)
    assert message in str(info.value)
