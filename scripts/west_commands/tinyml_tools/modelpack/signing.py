"""Keys and byte-reproducible ECDSA P-256 signatures for imgtool.

imgtool signs with randomized ECDSA; RFC 6979 deterministic ECDSA gives ordinary ECDSA
signatures (any verifier accepts them) that are the same for the same key and image, so the
same inputs make the same package bytes.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from cryptography.exceptions import UnsupportedAlgorithm
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


KEYS_DIR = REPO_ROOT / "app" / "keys"
DEV_KEY_MARK = "DO-NOT-SHIP"


def _public_key(key: Any) -> Any:
    """The cryptography public key behind an imgtool key or a cryptography key."""
    inner = getattr(key, "key", key)  # imgtool keeps the cryptography key in .key
    return inner.public_key() if hasattr(inner, "public_key") else inner


def public_key_hash(key: Any) -> str:
    """The signer's key hash: SHA-256 (hex) of the public key's SubjectPublicKeyInfo DER.

    For ECDSA P-256 that is the 91-byte DER MCUboot hashes into the image's KEYHASH TLV, so
    the hash ``build`` prints is the one ``inspect`` reads back from the package.
    """
    der = _public_key(key).public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return hashlib.sha256(der).hexdigest()


def _key_file_hash(path: Path) -> str | None:
    try:
        pem = path.read_bytes()
    except OSError:
        return None
    for loader in (
        lambda b: serialization.load_pem_private_key(b, password=None),
        serialization.load_pem_public_key,
    ):
        try:
            return public_key_hash(loader(pem))
        except (ValueError, TypeError, UnsupportedAlgorithm):
            continue
    return None


def development_keys(folder: Path = KEYS_DIR) -> dict[str, Path]:
    """Key hash -> file of every committed key marked DO-NOT-SHIP (anyone has them).

    Recognised by the public key itself, not by the file a build was given: a copy of a
    development key under another name is still a development key.
    """
    found: dict[str, Path] = {}
    for path in sorted(folder.glob(f"*{DEV_KEY_MARK}*")) if folder.is_dir() else []:
        digest = _key_file_hash(path)
        if digest is not None:
            found.setdefault(digest, path)
    return found


def development_key_warning(key_hash: str | None, what: str) -> str | None:
    """The warning line when ``key_hash`` is a development key's, else None."""
    if key_hash is None:
        return None
    path = development_keys().get(key_hash)
    if path is None:
        return None
    shown = path.relative_to(REPO_ROOT) if path.is_relative_to(REPO_ROOT) else path
    return (
        f"warning: {what} signed with the development key {shown} (key hash "
        f"{key_hash}); anyone can sign with it: never ship firmware that trusts it"
    )


def public_point(key: Any) -> bytes:
    """The uncompressed P-256 point (0x04 || X || Y, 65 bytes) of an imgtool key (private or
    public) or of a ``cryptography`` EC key."""
    point: bytes = _public_key(key).public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return point


def public_key_hash_of_file(path: Path) -> str:
    """``public_key_hash`` of a PEM key file (private or public)."""
    return public_key_hash(_load(path))
