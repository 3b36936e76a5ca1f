"""Loading the host build of the portable core."""

from __future__ import annotations

import ctypes
import os
from functools import cache
from pathlib import Path

import numpy as np
import numpy.typing as npt

from tinyml_tools.errors import TinymlError
from tinyml_tools.paths import BUILD_DIR

ENV_OVERRIDE = "TINYML_HOST_LIB"


class NativeError(TinymlError):
    """A C function returned a negative errno."""

    def __init__(self, function: str, code: int) -> None:
        self.function = function
        self.code = code
        name = os.strerror(-code) if code < 0 else str(code)
        super().__init__(f"{function} failed: {name} ({code})")


def library_path() -> Path:
    override = os.environ.get(ENV_OVERRIDE)
    return Path(override) if override else BUILD_DIR / "host" / "libtinyml_host.so"


@cache
def library() -> ctypes.CDLL:
    """The loaded host library; TinymlError naming the fix when it is missing."""
    path = library_path()
    if not path.is_file():
        raise TinymlError(f"{path}: the host library is not built; run `make host`")
    try:
        return ctypes.CDLL(str(path))
    except OSError as exc:
        raise TinymlError(f"{path}: cannot load: {exc}") from None


def check(function: str, rc: int) -> int:
    """Pass a non-negative return through; raise NativeError for a negative errno."""
    if rc < 0:
        raise NativeError(function, rc)
    return rc


def ptr(array: npt.NDArray[np.generic], ctype: type) -> ctypes._Pointer:  # type: ignore[type-arg]
    """A ctypes pointer into a C-contiguous numpy array."""
    if not array.flags["C_CONTIGUOUS"]:
        raise ValueError("array must be C-contiguous")
    return array.ctypes.data_as(ctypes.POINTER(ctype))
