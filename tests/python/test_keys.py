"""Per-purpose development keys and the key hash the firmware and the tools both print."""

from __future__ import annotations

import ctypes
import hashlib
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from tinyml_tools.modelpack.signing import (
    DEV_FIRMWARE_KEY,
    DEV_KEY,
    DEV_MODEL_KEY,
    DEV_SETTINGS_KEY,
    public_key_hash,
    public_key_hash_of_file,
    public_point,
)
from tinyml_tools.native.library import library_path

PURPOSE_KEYS = (DEV_FIRMWARE_KEY, DEV_MODEL_KEY, DEV_SETTINGS_KEY)


def _pub(path: Path) -> Path:
    return path.with_name(path.name.replace(".pem", ".pub.pem"))


def test_one_development_key_pair_per_purpose() -> None:
    points = set()
    for key in PURPOSE_KEYS:
        assert "DO-NOT-SHIP" in key.name and key.is_file() and _pub(key).is_file()
        private = serialization.load_pem_private_key(key.read_bytes(), password=None)
        public = serialization.load_pem_public_key(_pub(key).read_bytes())
        assert isinstance(private, ec.EllipticCurvePrivateKey)
        assert isinstance(private.curve, ec.SECP256R1)
        assert public_point(private) == public_point(public)  # the .pub.pem is its half
        points.add(public_point(public))
    assert len(points) == 3  # no key serves two purposes
    assert DEV_KEY == DEV_MODEL_KEY


def test_key_hash_is_sha256_of_the_subject_public_key_info() -> None:
    public = serialization.load_pem_public_key(_pub(DEV_MODEL_KEY).read_bytes())
    der = public.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    assert len(der) == 91 and der[-65] == 4  # a P-256 SubjectPublicKeyInfo ends with the point
    expected = hashlib.sha256(der).hexdigest()  # what imgtool puts in the KEYHASH TLV
    assert public_key_hash(public) == expected
    assert public_key_hash_of_file(DEV_MODEL_KEY) == expected
    assert public_key_hash_of_file(_pub(DEV_MODEL_KEY)) == expected


@pytest.mark.parametrize("key", PURPOSE_KEYS, ids=lambda p: p.name.split("-")[2])
def test_firmware_prints_the_same_key_hash(key) -> None:  # type: ignore[no-untyped-def]
    lib = ctypes.CDLL(str(library_path()))
    point = public_point(serialization.load_pem_public_key(_pub(key).read_bytes()))
    out = ctypes.create_string_buffer(65)
    assert lib.tinyml_key_hash_hex(point, out) == 0
    assert out.value.decode() == public_key_hash_of_file(key)
    bad = ctypes.create_string_buffer(b"\x02" + point[1:], 65)
    assert lib.tinyml_key_hash_hex(bad, out) != 0  # a compressed point is not a key here
