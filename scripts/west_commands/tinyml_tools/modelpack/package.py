"""Model packages: MCUboot images (through imgtool) carrying a .tflite and its metadata TLVs.

Layout: docs/model-package-format.md. Writing is atomic: a failure leaves no partial file.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import struct
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any

from imgtool import image as imgtool_image
from imgtool import version as imgtool_version

from ..errors import CheckFailed, InputError
from ..writefile import write_atomically as write_atomically
from .files import read_input
from .metadata import HEADER_SIZE, PAYLOAD_ALIGN, MetadataError, ModelMetadata
from .signing import SigningKey

IMAGE_MAGIC = 0x96F3B83D
PROT_TLV_MAGIC = 0x6908
TLV_MAGIC = 0x6907
TLV_SHA256 = 0x10
TLV_KEYHASH = 0x01
TLV_PUBKEY = 0x02
TLV_ECDSASIG = 0x22
IMAGE_F_NON_BOOTABLE = 0x10
_HEADER = struct.Struct("<IIHHII BBHI I".replace(" ", ""))


class VerifyResult(Enum):
    OK = "intact and signed by the given key"
    NOT_A_PACKAGE = "not a model package (bad image magic or TLV area)"
    BAD_HASH = "SHA-256 mismatch: the package was modified or truncated"
    UNSIGNED = "package is not signed"
    WRONG_KEY = "signature does not verify with this key"
    BAD_METADATA = "model metadata TLVs are missing or malformed"


@dataclass(frozen=True)
class ParsedPackage:
    header_size: int
    image_size: int
    version: tuple[int, int, int]
    flags: int
    payload: bytes  # the .tflite (tflite_size bytes)
    metadata: ModelMetadata
    protected: dict[int, bytes]
    unprotected: dict[int, bytes]
    hashed_bytes: bytes

    @property
    def sha256(self) -> str:
        return self.unprotected.get(TLV_SHA256, b"").hex()

    @property
    def hash_ok(self) -> bool:
        return hashlib.sha256(self.hashed_bytes).digest() == self.unprotected.get(TLV_SHA256)

    @property
    def signed(self) -> bool:
        return TLV_ECDSASIG in self.unprotected

    @property
    def signer_key_hash(self) -> str | None:
        """SHA-256 (hex) of the signer's public key DER (signing.public_key_hash), read from
        the KEYHASH TLV (or hashed from a PUBKEY TLV); None for an unsigned package."""
        if not self.signed:
            return None
        if TLV_KEYHASH in self.unprotected:
            return self.unprotected[TLV_KEYHASH].hex()
        if TLV_PUBKEY in self.unprotected:
            return hashlib.sha256(self.unprotected[TLV_PUBKEY]).hexdigest()
        return None


def _aligned_payload(tflite: bytes) -> bytes:
    return tflite + bytes(-len(tflite) % PAYLOAD_ALIGN)


def make_image(tflite: bytes, metadata: ModelMetadata, key: SigningKey | None) -> bytes:
    """The package bytes; imgtool builds the header, hash and signature TLVs."""
    img = imgtool_image.Image(
        version=imgtool_version.decode_version(metadata.version_text),
        header_size=HEADER_SIZE,
        pad_header=True,
        erased_val="0",
        non_bootable=True,
    )
    img.payload = bytes(HEADER_SIZE) + _aligned_payload(tflite)
    img.image_size = len(img.payload) - HEADER_SIZE
    img.check_header()
    with contextlib.redirect_stdout(io.StringIO()):  # imgtool prints from its API
        img.create(key, "hash", None, custom_tlvs=metadata.to_tlvs())
    return bytes(img.payload)


def check_fits(
    package_size: int, partition_bytes: int, where: str, output: Path | None = None
) -> None:
    if package_size > partition_bytes:
        raise CheckFailed(
            (f"{output}: " if output is not None else "")
            + f"package is {package_size} bytes but the model partition ({where}) holds "
            f"{partition_bytes} bytes"
        )


def _tlv_area(data: bytes, offset: int, magic: int) -> tuple[dict[int, bytes], int]:
    if offset + 4 > len(data):
        raise MetadataError("TLV area beyond the end of the file")
    found_magic, total = struct.unpack_from("<HH", data, offset)
    if found_magic != magic or offset + total > len(data) or total < 4:
        raise MetadataError(f"bad TLV area at offset {offset}")
    tlvs: dict[int, bytes] = {}
    pos, end = offset + 4, offset + total
    while pos < end:
        if pos + 4 > end:
            raise MetadataError("TLV header beyond its area")
        tag, length = struct.unpack_from("<HH", data, pos)
        if pos + 4 + length > end:
            raise MetadataError(f"TLV 0x{tag:04x} beyond its area")
        if tag in tlvs:
            raise MetadataError(f"TLV 0x{tag:04x} twice")
        tlvs[tag] = data[pos + 4 : pos + 4 + length]
        pos += 4 + length
    return tlvs, end


def parse_package(path: Path, data: bytes | None = None) -> ParsedPackage:
    if data is None:
        data = read_input(path)
    if len(data) < _HEADER.size:
        raise InputError(path, "not a model package (shorter than an image header)")
    (magic, _, hdr_size, prot_size, img_size, flags, major, minor, patch, _, _) = (
        _HEADER.unpack_from(data)
    )
    if magic != IMAGE_MAGIC:
        raise InputError(path, f"not a model package (image magic 0x{magic:08x})")
    try:
        prot_off = hdr_size + img_size
        protected, end = _tlv_area(data, prot_off, PROT_TLV_MAGIC)
        if end - prot_off != prot_size:
            raise MetadataError("protected TLV size disagrees with the header")
        unprotected, _ = _tlv_area(data, end, TLV_MAGIC)
        metadata = ModelMetadata.from_tlvs(protected)
        if metadata.tflite_size > img_size:
            raise MetadataError("tflite_size larger than the payload")
    except MetadataError as err:
        raise InputError(path, f"corrupt model package: {err}") from None
    return ParsedPackage(
        header_size=hdr_size,
        image_size=img_size,
        version=(major, minor, patch),
        flags=flags,
        payload=data[hdr_size : hdr_size + metadata.tflite_size],
        metadata=metadata,
        protected=protected,
        unprotected=unprotected,
        hashed_bytes=data[:end],
    )


def verify_package(path: Path, key: Any) -> VerifyResult:
    """imgtool's own verification, then this format's: hash, signature, metadata."""
    try:
        parsed = parse_package(path)
    except InputError as err:
        if "file not found" in str(err) or "cannot read" in str(err):
            raise
        if "metadata" in str(err) or "MODEL_META" in str(err) or "TLV 0x00a" in str(err):
            return VerifyResult.BAD_METADATA
        return VerifyResult.NOT_A_PACKAGE
    if not parsed.hash_ok:
        return VerifyResult.BAD_HASH
    if not parsed.signed:
        return VerifyResult.UNSIGNED
    with contextlib.redirect_stdout(io.StringIO()):
        result, *_ = imgtool_image.Image.verify(str(path), key)
    if result == imgtool_image.VerifyResult.OK:
        return VerifyResult.OK
    if result == imgtool_image.VerifyResult.INVALID_HASH:
        return VerifyResult.BAD_HASH
    return VerifyResult.WRONG_KEY
