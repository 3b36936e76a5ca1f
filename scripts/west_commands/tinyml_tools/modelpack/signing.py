"""Keys and byte-reproducible ECDSA P-256 signatures for imgtool.

imgtool signs with randomized ECDSA; RFC 6979 deterministic ECDSA gives ordinary ECDSA
signatures (any verifier accepts them) that are the same for the same key and image, so the
same inputs make the same package bytes.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from imgtool import keys as imgtool_keys

from ..errors import InputError
from ..paths import REPO_ROOT

DEV_KEY = REPO_ROOT / "app" / "keys" / "tinyml-dev-ecdsa-p256-DO-NOT-SHIP.pem"


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
