"""A recording as the firmware's canned capture plays it: the "TMRC" blob.

Layout (little-endian), read by app/src/canned_recording.h:

    0  "TMRC"
    4  u16 version (1)
    6  u16 axes
    8  u32 sample rate in Hz (integer rates only)
   12  u32 frames
   16  frames x axes int16, interleaved (frame-major), as a sensor FIFO delivers them

The samples are the ones `west replay` reads from the same file (tinyml_tools.replay.recording),
so the emulated device and the desktop replay see identical input.

usage: python -m tinyml_tools.replay.canned_blob RECORDING OUT.bin
"""

from __future__ import annotations

import struct
import sys
from pathlib import Path

import numpy as np

from ..errors import InputError, TinymlError
from . import recording

MAGIC = b"TMRC"
VERSION = 1
HEADER = struct.Struct("<4sHHII")
MAX_FRAMES = 0xFFFFFFFF


def encode(rec: recording.Recording, path: Path) -> bytes:
    """The blob of @p rec; @p path names the recording in errors."""
    rate = rec.sample_rate_hz
    if rate <= 0 or rate != int(rate):
        raise InputError(path, f"sample rate {rate} Hz is not a whole number of hertz")
    frames, axes = rec.samples.shape
    if not 1 <= axes <= 0xFFFF or frames > MAX_FRAMES:
        raise InputError(path, f"{frames} frames x {axes} channels do not fit the blob")
    body = np.ascontiguousarray(rec.samples, dtype="<i2").tobytes()
    return HEADER.pack(MAGIC, VERSION, axes, int(rate), frames) + body


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        print(__doc__.strip().splitlines()[-1], file=sys.stderr)
        return 2
    src, out = Path(argv[1]), Path(argv[2])
    try:
        blob = encode(recording.read(src), src)
        out.write_bytes(blob)
    except TinymlError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"error: {out}: {exc.strerror}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
