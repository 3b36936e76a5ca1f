"""Bad input files for the tools, made on demand: one helper per class of bad input.

Shared by the matrix test (test_bad_inputs.py) and the per-item tests. Every helper writes
into a folder it is given and returns the path to hand to a command. Root can read and write
anything chmod forbids, so "unreadable" falls back to a Unix socket (open() fails with ENXIO)
and "read-only" to an immutable folder (chattr +i) when the test runs as root.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import socket
import stat
import subprocess
import tempfile
import zipfile
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest


def empty(folder: Path, name: str) -> Path:
    path = folder / name
    path.write_bytes(b"")
    return path


def text(folder: Path, name: str, content: str) -> Path:
    path = folder / name
    path.write_text(content, encoding="utf-8")
    return path


def binary(folder: Path, name: str, content: bytes) -> Path:
    path = folder / name
    path.write_bytes(content)
    return path


def truncated(source: Path, folder: Path, name: str, keep: int | None = None) -> Path:
    data = source.read_bytes()
    return binary(folder, name, data[: keep if keep is not None else len(data) // 2])


def non_utf8(folder: Path, name: str) -> Path:
    """YAML-looking text in Latin-1: 'name: caf\\xe9'."""
    return binary(folder, name, b"name: caf\xe9\nlabels: [a, b]\n")


def directory(folder: Path, name: str) -> Path:
    path = folder / name
    path.mkdir()
    return path


def symlink_loop(folder: Path, name: str) -> Path:
    path = folder / name
    other = folder / f"{name}.loop"
    path.symlink_to(other.name)
    other.symlink_to(path.name)
    return path


def dangling(folder: Path, name: str) -> Path:
    path = folder / name
    path.symlink_to("no-such-target")
    return path


def _readable(path: Path) -> bool:
    try:
        with path.open("rb"):
            return True
    except OSError:
        return False


def unreadable(folder: Path, name: str, content: bytes = b"x" * 64) -> Path:
    path = binary(folder, name, content)
    path.chmod(0)
    if _readable(path):  # root: chmod does not stop it; a socket cannot be opened at all
        path.unlink()
        if len(os.fsencode(path)) >= 104:
            pytest.fail(f"{path}: path too long for a Unix socket (make the tmp path shorter)")
        sock = socket.socket(socket.AF_UNIX)
        sock.bind(str(path))
        sock.close()
    assert not _readable(path)
    return path


def _writable(folder: Path) -> bool:
    try:
        with tempfile.TemporaryFile(dir=folder):
            return True
    except OSError:
        return False


@contextlib.contextmanager
def read_only(folder: Path) -> Iterator[Path]:
    """``folder`` made read-only for this process for the duration (restored afterwards)."""
    immutable = False
    folder.chmod(0o555)
    try:
        if _writable(folder):  # root ignores the mode bits
            subprocess.run(["chattr", "+i", str(folder)], check=True, capture_output=True)
            immutable = True
        if _writable(folder):
            pytest.fail(f"{folder}: cannot make a read-only folder here")
        yield folder
    finally:
        if immutable:
            subprocess.run(["chattr", "-i", str(folder)], check=True, capture_output=True)
        folder.chmod(0o755)


def npy(folder: Path, name: str, array: np.ndarray) -> Path:
    path = folder / name
    np.save(path, array, allow_pickle=True)
    return path


def npz(folder: Path, name: str, **arrays: np.ndarray) -> Path:
    path = folder / name
    np.savez(path, **arrays)  # type: ignore[arg-type]
    return path


def huge_npy(folder: Path, name: str) -> Path:
    """An .npy whose header claims 10^12 samples of 64x1 float32 but holds 64 bytes."""
    header = {"descr": "<f4", "fortran_order": False, "shape": (10**12, 64, 1)}
    text_header = repr(header).encode("latin1")
    pad = 64 - (10 + len(text_header) + 1) % 64
    body = b"\x93NUMPY\x01\x00" + (len(text_header) + pad + 1).to_bytes(2, "little")
    body += text_header + b" " * pad + b"\n" + bytes(64)
    return binary(folder, name, body)


def fake_keras(folder: Path, name: str, input_shape: tuple[int, ...]) -> Path:
    """A .keras archive with only the config.json a Keras 3 model declares its input in: enough
    for the checks that run before TensorFlow, never loaded by them."""
    config = {
        "class_name": "Sequential",
        "config": {
            "layers": [
                {"class_name": "InputLayer", "config": {"batch_shape": [None, *input_shape]}}
            ]
        },
    }
    path = folder / name
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("config.json", json.dumps(config))
        archive.writestr("metadata.json", json.dumps({"keras_version": "3.0.0"}))
    return path


def copy_tree(source: Path, target: Path) -> Path:
    shutil.copytree(source, target, symlinks=True)
    return target


def snapshot(root: Path) -> dict[str, tuple[str, ...]]:
    """Every entry under ``root``: its kind and mode and, for a readable file, its SHA-256."""
    found: dict[str, tuple[str, ...]] = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in [*dirnames, *filenames]:
            path = Path(dirpath) / name
            info = path.lstat()
            key = str(path.relative_to(root))
            if stat.S_ISLNK(info.st_mode):
                found[key] = ("link", os.readlink(path))
            elif stat.S_ISREG(info.st_mode):
                digest = hashlib.sha256(path.read_bytes()).hexdigest() if _readable(path) else "?"
                found[key] = ("file", oct(info.st_mode), str(info.st_size), digest)
            else:
                found[key] = ("other", oct(info.st_mode))
    return found
