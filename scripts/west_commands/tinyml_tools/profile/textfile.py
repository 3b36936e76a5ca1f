"""Reading the text and YAML inputs of `profile` and `power` with one-line errors.

Missing, a directory, a symlink loop, unreadable, not UTF-8, not YAML: each an InputError that
names the file (errors.py), never a traceback.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from ..errors import InputError, not_utf8


def read_text(path: Path, what: str) -> str:
    try:
        return path.read_bytes().decode("utf-8")
    except FileNotFoundError:
        raise InputError(path, f"no such {what}") from None
    except IsADirectoryError:
        raise InputError(path, f"{what} is a directory") from None
    except OSError as err:
        raise InputError(path, f"unreadable {what} ({err.strerror or err})") from None
    except UnicodeDecodeError as err:
        raise not_utf8(path, err) from None


def read_yaml(path: Path, what: str) -> Any:
    text = read_text(path, what)
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as err:
        raise InputError(path, f"unreadable {what} ({str(err).splitlines()[0]})") from None
