"""Writing an output file whole or not at all, with the permissions of any new file.

The data goes to a temporary file in the destination folder, is fsynced and renamed over the
destination, so a failure (disk full, read-only folder, a directory in the way) leaves what
was there before and no partial file. ``tempfile.mkstemp`` creates files 0600; the result gets
the mode an ordinary ``open()`` would have given it (0666 minus the umask, usually 0644).
Every failure is an InputError naming the destination.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from .errors import InputError


def new_file_mode() -> int:
    """0666 minus the process umask: what ``open(path, "w")`` gives a new file."""
    umask = os.umask(0o022)
    os.umask(umask)
    return 0o666 & ~umask


def write_atomically(path: Path, data: bytes) -> None:
    path = Path(path)
    directory = path.parent if str(path.parent) else Path(".")
    if path.is_dir():
        raise InputError(path, "cannot write: is a directory")
    if not directory.is_dir():
        raise InputError(path, "cannot write: the output folder does not exist")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=directory)
    except OSError as err:
        raise InputError(path, f"cannot write: {err.strerror or err}") from None
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(tmp, new_file_mode())
        os.replace(tmp, path)
    except OSError as err:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise InputError(path, f"cannot write: {err.strerror or err}") from None
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def check_writable(path: Path) -> None:
    """Before any work is done: ``path`` can be written (one line naming it if not).

    Probes by creating and removing a temporary file in its folder, which also catches what
    permission bits do not show (a read-only mount, an immutable folder, root's rights).
    """
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    if path.is_dir():
        raise InputError(path, "cannot write: is a directory")
    if not folder.is_dir():
        raise InputError(path, "cannot write: the output folder does not exist")
    try:
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as err:
        raise InputError(path, f"cannot write: {err.strerror or err}") from None


def same_file(a: Path, b: Path) -> bool:
    """``a`` and ``b`` name one file: the same path, a symlink to it or a hard link."""
    try:
        return os.path.samefile(a, b)
    except OSError:
        return os.path.abspath(a) == os.path.abspath(b)


def refuse_inputs(output: Path, inputs: list[Path]) -> None:
    """An output that is (or links to) one of the command's inputs would destroy it."""
    for source in inputs:
        if same_file(output, source):
            raise InputError(output, f"refusing to write here: it is the input {source}")
