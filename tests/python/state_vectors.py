"""Model-package test vectors for the C parser, and the ctypes binding that checks them.

Every package the packer (`west model-pack`, tinyml_tools.modelpack.package.make_image) can
make is made by it: the valid ones and those that differ from the firmware (runtime ID,
manifest, pipeline, arena, version, key). Packages with malformed metadata, which the packer
refuses to make, are made by imgtool's own API with hand-built custom TLVs laid out as
docs/model-package-format.md says. Each invalid kind breaks one rule and is signed, so the C
parser must find exactly that rule broken.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import hashlib
import io
import struct
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from imgtool import image as imgtool_image
from imgtool import version as imgtool_version
from imgtool.keys import ECDSA256P1

from tinyml_tools.modelpack.metadata import Arena, ModelMetadata, TensorInfo
from tinyml_tools.modelpack.package import make_image
from tinyml_tools.modelpack.signing import DEV_KEY, load_signing_key
from tinyml_tools.native.library import library_path

HOST_LIB = library_path()

TLV_META, TLV_MANIFEST, TLV_TENSORS, TLV_LABELS, TLV_THRESHOLDS = 0xA0, 0xA1, 0xA2, 0xA3, 0xA4
RUNTIME_ID = 0x1234ABCD
PIPELINE_ID = 0x0BADF00D
MANIFEST_DIGEST = hashlib.sha256(b"tinyml test operator manifest").digest()
ARENA_BYTES = 64 * 1024


@dataclass(frozen=True)
class ModelMeta:
    """Fields of the package, each a knob an invalid vector turns."""

    version: tuple[int, int, int] = (1, 2, 3)
    meta_version: tuple[int, int, int] | None = None  # None: same as the header
    format_version: int = 1
    tflite: bytes = bytes(range(256)) * 3 + b"TFL3"
    runtime_id: int = RUNTIME_ID
    pipeline_id: int = PIPELINE_ID
    arena_total: int = 40 * 1024
    manifest_digest: bytes = MANIFEST_DIGEST
    labels: tuple[str, ...] = ("silence", "knock", "glass")
    label_blob: bytes | None = None  # None: NUL-terminated labels
    thresholds: tuple[tuple[int, float], ...] = ((1, 0.7), (2, 0.8))
    n_tensors: tuple[int, int] = (1, 1)
    tensor_blob_len: int | None = None
    drop_tlv: int | None = None
    extra_tlvs: dict[int, bytes] = field(default_factory=dict)

    @property
    def packer_can_make(self) -> bool:
        """False for the malformed kinds, which only hand-built TLVs can express."""
        return (
            self.meta_version is None
            and self.format_version == 1
            and self.label_blob is None
            and self.tensor_blob_len is None
            and self.drop_tlv is None
            and not self.extra_tlvs
        )


def _tensor(direction: int) -> TensorInfo:
    return TensorInfo(direction, 9, 0, (1, 49), 0.0078125, -128)


def packer_metadata(m: ModelMeta) -> ModelMetadata:
    total = m.arena_total
    return ModelMetadata(
        version=m.version,
        tflite_size=len(m.tflite),
        runtime_id=m.runtime_id,
        feature_pipeline_id=m.pipeline_id,
        arena=Arena(total, total * 3 // 4, total // 4, total // 2),
        manifest_digest=m.manifest_digest,
        inputs=tuple(_tensor(0) for _ in range(m.n_tensors[0])),
        outputs=tuple(_tensor(1) for _ in range(m.n_tensors[1])),
        labels=m.labels,
        thresholds=m.thresholds,
    )


def _meta_tlvs(m: ModelMeta) -> dict[int, bytes]:
    major, minor, patch = m.meta_version or m.version
    n_in, n_out = m.n_tensors
    meta = struct.pack(
        "<HHIBBHIIIIIIHHHHI",
        m.format_version, 0, len(m.tflite), major, minor, patch, m.runtime_id,
        m.pipeline_id, m.arena_total, m.arena_total * 3 // 4, m.arena_total // 4,
        m.arena_total // 2, n_in, n_out, len(m.labels), len(m.thresholds), 0,
    )  # fmt: skip
    tensors = b"".join(
        struct.pack("<BBBB5ifi", direction, 9, 2, 0, 1, 49, 0, 0, 0, 0.0078125, -128)
        for direction in [0] * n_in + [1] * n_out
    )
    if m.tensor_blob_len is not None:
        tensors = (tensors * 2)[: m.tensor_blob_len]
    labels = m.label_blob
    if labels is None:
        labels = b"".join(s.encode() + b"\0" for s in m.labels)
        labels += bytes(-len(labels) % 4)
    thresholds = b"".join(struct.pack("<HHf", i, 0, t) for i, t in m.thresholds)
    tlvs = {
        TLV_META: meta,
        TLV_MANIFEST: m.manifest_digest,
        TLV_TENSORS: tensors,
        TLV_LABELS: labels,
        TLV_THRESHOLDS: thresholds,
        **m.extra_tlvs,
    }
    if m.drop_tlv is not None:
        del tlvs[m.drop_tlv]
    return tlvs


def new_key() -> ECDSA256P1:
    return ECDSA256P1.generate()


def dev_key() -> ECDSA256P1:
    """The packer's development key, with its deterministic signatures."""
    key: ECDSA256P1 = load_signing_key(DEV_KEY)
    return key


def public_spki(key: ECDSA256P1) -> bytes:
    return bytes(key.get_public_bytes())


def build_package(meta: ModelMeta, key: ECDSA256P1 | None) -> bytes:
    """A package by the packer, or by imgtool for malformed metadata; ``key=None``: unsigned."""
    if meta.packer_can_make:
        return make_image(meta.tflite, packer_metadata(meta), key)
    payload = meta.tflite + bytes(-len(meta.tflite) % 16)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "model.bin"
        path.write_bytes(payload)
        img = imgtool_image.Image(
            version=imgtool_version.decode_version(".".join(str(v) for v in meta.version)),
            header_size=128,
            pad_header=True,
            erased_val="0",
            non_bootable=True,
        )
        with contextlib.redirect_stdout(io.StringIO()):  # imgtool prints from its API
            img.load(str(path))
            img.create(key, "hash", None, custom_tlvs=_meta_tlvs(meta))
        return bytes(img.payload)


def split_tlvs(pkg: bytes) -> tuple[bytes, list[tuple[int, bytes]]]:
    """The signed part of a package and its unprotected TLVs."""
    hdr_size, prot_size, img_size = struct.unpack_from("<HHI", pkg, 8)
    end = hdr_size + img_size + prot_size
    magic, total = struct.unpack_from("<HH", pkg, end)
    assert magic == 0x6907
    tlvs, off = [], end + 4
    while off < end + total:
        kind, length = struct.unpack_from("<HH", pkg, off)
        tlvs.append((kind, pkg[off + 4 : off + 4 + length]))
        off += 4 + length
    return pkg[:end], tlvs


def protected_tlvs(pkg: bytes) -> list[tuple[int, bytes]]:
    """The protected TLVs of a package, in order."""
    hdr_size, prot_size, img_size = struct.unpack_from("<HHI", pkg, 8)
    start = hdr_size + img_size
    tlvs, off = [], start + 4
    while off < start + prot_size:
        kind, length = struct.unpack_from("<HH", pkg, off)
        tlvs.append((kind, pkg[off + 4 : off + 4 + length]))
        off += 4 + length
    return tlvs


def join_tlvs(signed: bytes, tlvs: list[tuple[int, bytes]]) -> bytes:
    body = b"".join(struct.pack("<HH", k, len(v)) + v for k, v in tlvs)
    return signed + struct.pack("<HH", 0x6907, 4 + len(body)) + body


class Expect(ctypes.Structure):
    _fields_ = [
        ("signing_key_spki", ctypes.c_char_p),
        ("manifest_digest", ctypes.c_char_p),
        ("runtime_id", ctypes.c_uint32),
        ("feature_pipeline_id", ctypes.c_uint32),
        ("arena_bytes", ctypes.c_uint32),
        ("min_version", ctypes.c_uint32),
        ("output_kinds", ctypes.c_uint32),
    ]


# tinyml_modelpkg_expect.output_kinds: the bit of each output kind besides class scores
OUTPUT_KIND_ANOMALY_BIT = 1 << 1


def packed_version(major: int, minor: int, patch: int) -> int:
    return (major << 24) | (minor << 16) | patch


@dataclass(frozen=True)
class Firmware:
    """What the firmware under test expects of a model."""

    spki: bytes
    runtime_id: int = RUNTIME_ID
    pipeline_id: int = PIPELINE_ID
    manifest_digest: bytes = MANIFEST_DIGEST
    arena_bytes: int = ARENA_BYTES
    min_version: int = packed_version(1, 0, 0)
    output_kinds: int = OUTPUT_KIND_ANOMALY_BIT  # the application runs anomaly scores


class Verifier:
    """tinyml_modelpkg_verify_buffer() of build/host/libtinyml_host.so."""

    def __init__(self, lib_path: Path = HOST_LIB) -> None:
        self._lib = ctypes.CDLL(str(lib_path))
        self._fn = self._lib.tinyml_modelpkg_verify_buffer
        self._fn.restype = ctypes.c_int
        self._fn.argtypes = [
            ctypes.c_char_p, ctypes.c_size_t, ctypes.POINTER(Expect), ctypes.c_void_p,
        ]  # fmt: skip

    def firmware_expect(self, spki: bytes, pipeline_id: int, arena_bytes: int) -> Expect:
        """tinyml_modelpkg_expect_firmware(): the C build's generated manifest identity."""
        expect = Expect()
        fn = self._lib.tinyml_modelpkg_expect_firmware
        fn.restype = None
        fn.argtypes = [ctypes.POINTER(Expect), ctypes.c_char_p, ctypes.c_uint32, ctypes.c_uint32]
        self._spki = spki  # the struct points into it
        fn(ctypes.byref(expect), self._spki, pipeline_id, arena_bytes)
        return expect

    def verify_expect(self, pkg: bytes, expect: Expect) -> int:
        info = ctypes.create_string_buffer(256)
        return int(self._fn(pkg, len(pkg), ctypes.byref(expect), info))

    def verify(self, pkg: bytes, fw: Firmware) -> int:
        """0 or a negative errno, as the C parser returns it."""
        expect = Expect(
            fw.spki, fw.manifest_digest, fw.runtime_id, fw.pipeline_id, fw.arena_bytes,
            fw.min_version, fw.output_kinds,
        )  # fmt: skip
        info = ctypes.create_string_buffer(256)
        return int(self._fn(pkg, len(pkg), ctypes.byref(expect), info))


Vector = tuple[str, Callable[[ECDSA256P1, ECDSA256P1], bytes], int]


def _resign_with(pkg: bytes, other: ECDSA256P1) -> bytes:
    """Keep the key hash of the package, swap in a signature by another key."""
    signed, tlvs = split_tlvs(pkg)
    sig = other.raw_sign(signed)  # ECDSA over SHA-256(signed), as imgtool signs
    return join_tlvs(signed, [(k, sig if k == 0x22 else v) for k, v in tlvs])


def vectors() -> list[Vector]:
    """(name, build(key, other_key), expected result) for every kind of package."""
    base = ModelMeta()

    def pkg(**changes: object) -> Callable[[ECDSA256P1, ECDSA256P1], bytes]:
        return lambda key, _other: build_package(replace(base, **changes), key)  # type: ignore[arg-type]

    def valid(key: ECDSA256P1, _other: ECDSA256P1) -> bytes:  # made by the packer
        return build_package(base, key)

    def tweak(offset: int) -> Callable[[ECDSA256P1, ECDSA256P1], bytes]:
        def build(key: ECDSA256P1, _other: ECDSA256P1) -> bytes:
            raw = bytearray(build_package(base, key))
            raw[offset] ^= 0x01
            return bytes(raw)

        return build

    return [
        ("valid", valid, 0),
        ("valid_with_unknown_protected_tlv", pkg(extra_tlvs={0xB7: b"future"}), 0),
        ("bad_magic", tweak(0), -errno.EINVAL),
        ("payload_changed", tweak(200), -errno.EBADMSG),
        ("truncated", lambda k, o: valid(k, o)[:-10], -errno.EINVAL),
        ("unsigned", lambda k, o: build_package(base, None), -errno.EPERM),
        ("signed_by_other_key", lambda k, o: build_package(base, o), -errno.EPERM),
        ("signature_by_other_key", lambda k, o: _resign_with(valid(k, o), o), -errno.EPERM),
        ("format_version_2", pkg(format_version=2), -errno.ENOTSUP),
        ("runtime_id_differs", pkg(runtime_id=RUNTIME_ID ^ 1), -errno.ENOTSUP),
        ("manifest_differs", pkg(manifest_digest=bytes(32)), -errno.ENOTSUP),
        ("pipeline_differs", pkg(pipeline_id=PIPELINE_ID + 1), -errno.ENOTSUP),
        ("arena_too_small", pkg(arena_total=ARENA_BYTES + 16), -errno.ENOMEM),
        ("downgrade", pkg(version=(0, 9, 0)), -errno.ESTALE),
        ("meta_version_differs", pkg(meta_version=(1, 2, 4)), -errno.EINVAL),
        ("labels_missing", pkg(drop_tlv=TLV_LABELS), -errno.EINVAL),
        ("manifest_tlv_missing", pkg(drop_tlv=TLV_MANIFEST), -errno.EINVAL),
        ("label_not_terminated", pkg(label_blob=b"silence\0knock\0glass12345"), -errno.EINVAL),
        ("label_count_differs", pkg(label_blob=b"silence\0knock\0\0\0"), -errno.EINVAL),
        ("label_padding_too_long", pkg(label_blob=b"ab\0cd\0ef\0\0\0\0\0\0"), -errno.EINVAL),
        ("label_padding_not_zero", pkg(label_blob=b"ab\0cd\0ef\0\0\0x"), -errno.EINVAL),
        ("label_empty", pkg(label_blob=b"ab\0\0ef\0\0\0\0\0"), -errno.EINVAL),
        ("tensors_length_differs", pkg(tensor_blob_len=48), -errno.EINVAL),
        ("too_many_inputs", pkg(n_tensors=(9, 1)), -errno.EINVAL),
        ("threshold_label_out_of_range", pkg(thresholds=((3, 0.5),)), -errno.EINVAL),
        ("threshold_above_one", pkg(thresholds=((1, 1.5),)), -errno.EINVAL),
    ]


def mutation_sweep(pkg: bytes, fw: Firmware, verifier: Verifier) -> tuple[int, int]:
    """Flip every byte of ``pkg`` (XOR 0xFF); returns (variants tested, variants accepted)."""
    accepted = 0
    raw = bytearray(pkg)
    for i in range(len(raw)):
        raw[i] ^= 0xFF
        if verifier.verify(bytes(raw), fw) == 0:
            accepted += 1
        raw[i] ^= 0xFF
    return len(raw), accepted
