"""Signed remote settings messages (format 2 of docs/field-state.md), for the update step.

magic "TMS1" u32 | version u8 = 2 | n u8 | reserved u16 | device u32 | nonce u64 |
expiry u64 (UTC s, 0 = none: one device only) | n x (kind u8, setting u8, reserved u16,
value i32, duration u32) | ECDSA P-256 r || s over SHA-256 of everything before it
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

from ..errors import InputError

MAGIC = 0x31534D54
VERSION = 2
KIND_SET = 1
KIND_OVERRIDE = 2
SETTING_MODEL_ENABLED = 11  # the kill switch (tinyml/settings.h)


@dataclass(frozen=True)
class Operation:
    kind: int
    setting: int
    value: int
    duration_s: int = 0


def sign(key_file: Path, device: int, nonce: int, ops: list[Operation], expiry: int = 0) -> bytes:
    """The message, signed with the settings key in @p key_file (PEM, private)."""
    try:
        key = serialization.load_pem_private_key(key_file.read_bytes(), password=None)
    except (OSError, ValueError, TypeError) as exc:
        raise InputError(key_file, f"not a private key: {exc}") from None
    if not isinstance(key, ec.EllipticCurvePrivateKey):
        raise InputError(key_file, "settings messages are signed with an ECDSA P-256 key")
    body = struct.pack("<IBBHIQQ", MAGIC, VERSION, len(ops), 0, device, nonce, expiry)
    body += b"".join(
        struct.pack("<BBHiI", op.kind, op.setting, 0, op.value, op.duration_s) for op in ops
    )
    r, s = decode_dss_signature(key.sign(body, ec.ECDSA(hashes.SHA256())))
    return body + r.to_bytes(32, "big") + s.to_bytes(32, "big")
