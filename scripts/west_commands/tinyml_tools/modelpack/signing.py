"""Keys and byte-reproducible ECDSA P-256 signatures for imgtool.

imgtool signs with randomized ECDSA; RFC 6979 deterministic ECDSA gives ordinary ECDSA
signatures (any verifier accepts them) that are the same for the same key and image, so the
same inputs make the same package bytes.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from imgtool import keys as imgtool_keys

from ..errors import InputError
from ..paths import REPO_ROOT

# Development keys, one per purpose (docs/keys.md): everybody has them, no product may trust them.
DEV_KEY_DIR = REPO_ROOT / "app" / "keys"
DEV_FIRMWARE_KEY = DEV_KEY_DIR / "tinyml-dev-firmware-ecdsa-p256-DO-NOT-SHIP.pem"
DEV_MODEL_KEY = DEV_KEY_DIR / "tinyml-dev-model-ecdsa-p256-DO-NOT-SHIP.pem"
DEV_SETTINGS_KEY = DEV_KEY_DIR / "tinyml-dev-settings-ecdsa-p256-DO-NOT-SHIP.pem"
# model packages are signed with the model-purpose key
DEV_KEY = DEV_MODEL_KEY


SigningKey = Any  # imgtool.keys.ECDSA256P1 whose signatures are deterministic


def _make_deterministic(key: Any) -> SigningKey:
    """Swap the key's nonce source for RFC 6979; imgtool looks keys up by exact class, so the
    instance keeps imgtool's class and only its raw_sign changes."""

    def raw_sign(payload: bytes) -> bytes:
        sig: bytes = key.key.sign(
            data=payload,
            signature_algorithm=ec.ECDSA(hashes.SHA256(), deterministic_signing=True),
        )
        return sig

    key.raw_sign = raw_sign
    return key


def _load(path: Path) -> Any:
    if not path.is_file():
        raise InputError(path, "key file not found")
    try:
        return imgtool_keys.load(str(path))
    except Exception as err:  # imgtool raises ValueError, TypeError or its own errors
        raise InputError(path, f"not a usable key ({err})".splitlines()[0]) from None


def load_signing_key(path: Path) -> SigningKey:
    key = _load(path)
    if type(key) is not imgtool_keys.ECDSA256P1:
        raise InputError(path, "signing needs an ECDSA P-256 private key (imgtool ecdsa-p256)")
    return _make_deterministic(key)


def load_verify_key(path: Path) -> Any:
    key = _load(path)
    if not isinstance(key, imgtool_keys.ECDSA256P1Public):
        raise InputError(path, "packages are signed with ECDSA P-256; this is another key type")
    return key


def public_point(key: Any) -> bytes:
    """The uncompressed P-256 point (0x04 || X || Y, 65 bytes) of an imgtool key (private or
    public) or of a ``cryptography`` EC key."""
    inner = getattr(key, "key", key)
    public = inner.public_key() if hasattr(inner, "private_numbers") else inner
    point: bytes = public.public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return point


def public_key_hash(key: Any) -> bytes:
    """SHA-256 of the key's uncompressed point (``public_point``): the key hash the firmware
    prints at boot (``tinyml_key_hash()`` in the core) and the tools print, for any purpose's
    key. (The package's KEYHASH TLV is imgtool's, over the DER SubjectPublicKeyInfo.)"""
    return hashlib.sha256(public_point(key)).digest()


def public_key_hash_of_file(path: Path) -> bytes:
    """``public_key_hash`` of a PEM key file (private or public)."""
    return public_key_hash(_load(path))
