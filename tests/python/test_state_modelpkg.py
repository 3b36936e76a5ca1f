"""The C package parser against packages made by the Python packer (and, for malformed
metadata the packer refuses to write, by imgtool): every kind of valid and invalid package gets
exactly the verdict docs/model-package-format.md gives it, and no single-byte change of a
valid package is accepted."""

from __future__ import annotations

import pytest
import state_vectors as sv

from tinyml_tools.modelpack.manifest import load_manifest


@pytest.fixture(scope="module")
def keys() -> tuple[sv.ECDSA256P1, sv.ECDSA256P1]:
    return sv.dev_key(), sv.new_key()


@pytest.fixture(scope="module")
def verifier() -> sv.Verifier:
    if not sv.HOST_LIB.is_file():
        pytest.fail(f"{sv.HOST_LIB} missing: run make host first")
    return sv.Verifier()


@pytest.mark.parametrize(
    ("name", "build", "expected"), [pytest.param(*v, id=v[0]) for v in sv.vectors()]
)
def test_vector(
    name: str,
    build: sv.Callable[[sv.ECDSA256P1, sv.ECDSA256P1], bytes],
    expected: int,
    keys: tuple[sv.ECDSA256P1, sv.ECDSA256P1],
    verifier: sv.Verifier,
) -> None:
    key, other = keys
    pkg = build(key, other)
    fw = sv.Firmware(spki=sv.public_spki(key))
    assert verifier.verify(pkg, fw) == expected, name


def test_trailing_slot_bytes_are_ignored(
    keys: tuple[sv.ECDSA256P1, sv.ECDSA256P1], verifier: sv.Verifier
) -> None:
    key, _ = keys
    pkg = sv.build_package(sv.ModelMeta(), key)
    fw = sv.Firmware(spki=sv.public_spki(key))
    assert verifier.verify(pkg + b"\xff" * 4096, fw) == 0


def test_every_byte_flip_is_refused(
    keys: tuple[sv.ECDSA256P1, sv.ECDSA256P1], verifier: sv.Verifier
) -> None:
    key, _ = keys
    pkg = sv.build_package(sv.ModelMeta(), key)
    fw = sv.Firmware(spki=sv.public_spki(key))
    assert verifier.verify(pkg, fw) == 0
    tested, accepted = sv.mutation_sweep(pkg, fw, verifier)
    assert tested == len(pkg)
    assert accepted == 0


def test_packer_output_is_what_the_parser_reads(
    keys: tuple[sv.ECDSA256P1, sv.ECDSA256P1], verifier: sv.Verifier
) -> None:
    """The packer's package and the hand-built TLVs agree on every metadata byte."""
    key, _ = keys
    meta = sv.ModelMeta()
    by_packer = sv.build_package(meta, key)
    by_hand = sv.build_package(sv.replace(meta, extra_tlvs={0xB7: b"tiny"}), key)
    fw = sv.Firmware(spki=sv.public_spki(key))
    assert verifier.verify(by_packer, fw) == 0
    assert verifier.verify(by_hand, fw) == 0
    hdr_size, _, img_size = sv.struct.unpack_from("<HHI", by_packer, 8)
    body = hdr_size + img_size
    # same header (but the protected-area size), payload and metadata TLVs
    assert by_hand[:10] == by_packer[:10]
    assert by_hand[12:body] == by_packer[12:body]
    assert sv.protected_tlvs(by_hand) == [*sv.protected_tlvs(by_packer), (0xB7, b"tiny")]


def test_firmware_identity_matches_the_packer_manifest(
    keys: tuple[sv.ECDSA256P1, sv.ECDSA256P1], verifier: sv.Verifier
) -> None:
    """A package checked by the packer against ops_manifest.yaml verifies with the identity the
    C build generated from the same file; a changed manifest does not."""
    key, _ = keys
    manifest = load_manifest()
    meta = sv.ModelMeta(runtime_id=manifest.runtime_id, manifest_digest=manifest.digest)
    pkg = sv.build_package(meta, key)
    expect = verifier.firmware_expect(sv.public_spki(key), sv.PIPELINE_ID, sv.ARENA_BYTES)
    assert expect.runtime_id == manifest.runtime_id
    assert verifier.verify_expect(pkg, expect) == 0
    other = sv.build_package(sv.ModelMeta(manifest_digest=bytes(32)), key)
    assert verifier.verify_expect(other, expect) == -sv.errno.ENOTSUP


def test_packer_package_with_a_69_byte_signature_verifies(
    keys: tuple[sv.ECDSA256P1, sv.ECDSA256P1], verifier: sv.Verifier
) -> None:
    """About 1 package in 500 gets a DER signature shorter than 70 bytes (r or s with a
    leading zero byte); with deterministic signatures that package always does."""
    key, _ = keys
    fw = sv.Firmware(spki=sv.public_spki(key))
    for i in range(5000):
        meta = sv.ModelMeta(tflite=sv.ModelMeta().tflite + i.to_bytes(4, "little"))
        pkg = sv.build_package(meta, key)
        sig = dict(sv.split_tlvs(pkg)[1])[0x22]
        if len(sig) < 70:
            assert verifier.verify(pkg, fw) == 0
            return
    pytest.fail("no short signature in 5000 packages")
