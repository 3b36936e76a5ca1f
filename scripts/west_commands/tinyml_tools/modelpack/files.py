"""Reading input files with the project's one-line errors."""

from __future__ import annotations

from pathlib import Path

from ..errors import InputError


def read_input(path: Path, what: str = "file") -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise InputError(path, f"{what} not found") from None
    except IsADirectoryError:
        raise InputError(path, f"{what} is a directory") from None
    except OSError as err:
        raise InputError(path, f"cannot read: {err.strerror}") from None
