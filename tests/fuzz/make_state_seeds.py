"""Write the seed corpora of the state fuzzers (run after `make host`; the seeds are committed).

- modelpkg/: packages made by the packer or imgtool (tests/python/state_vectors.py), valid and
  invalid.
- eventlog/: flash images of the event log after real use, made by the core itself through
  build/host/libtinyml_host.so (core + host port with the flash simulator).
- settings_msg/: well-formed settings messages with 1, 2 and 8 operations.
"""

from __future__ import annotations

import ctypes
import struct
import sys
from pathlib import Path

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE.parent / "python"))

import state_vectors as sv  # noqa: E402

SECTOR, SECTORS = 256, 4
OPAQUE = 1 << 16  # room for any of the C structs passed by pointer


def modelpkg_seeds(out: Path) -> None:
    key, other = sv.dev_key(), sv.new_key()
    for name, build, _expected in sv.vectors():
        (out / f"{name}.bin").write_bytes(build(key, other))


def eventlog_seeds(out: Path, lib: ctypes.CDLL) -> None:
    for events in (0, 3, 17, 40):
        sim = ctypes.create_string_buffer(OPAQUE)
        area = ctypes.create_string_buffer(OPAQUE)
        elog = ctypes.create_string_buffer(OPAQUE)
        mem = ctypes.create_string_buffer(SECTOR * SECTORS)
        erases = (ctypes.c_uint32 * SECTORS)()
        geo = (ctypes.c_uint32 * 3)(8, SECTOR, SECTOR * SECTORS)
        cfg = (ctypes.c_uint32 * 3)(4, 1000, 0)  # batch (u16 + padding), interval, cap
        lib.tinyml_flash_sim_init(sim)
        assert lib.tinyml_flash_sim_area_init(area, sim, mem, erases, geo, 0) == 0
        assert lib.tinyml_eventlog_init(elog, area, cfg) == 0
        for i in range(events):
            ev = struct.pack("<IHHHHIIIIII", 1000 + i, i % 3, 20000, 3000, 0, 1, 2, 3, i, 1, 0)
            assert lib.tinyml_eventlog_append(elog, ev, i) == 0
        assert lib.tinyml_eventlog_flush(elog, events) == 0
        (out / f"after_{events}_events.bin").write_bytes(mem.raw)


def settings_seeds(out: Path) -> None:
    for n in (1, 2, 8):
        ops = b"".join(struct.pack("<BBHiI", 1, i, 0, 100 + i, 0) for i in range(n))
        body = struct.pack("<IBBHIQ", 0x31534D54, 1, n, 0, 7, 1 + n) + ops
        (out / f"ops_{n}.bin").write_bytes(body + bytes(64))
    override = struct.pack("<BBHiI", 2, 11, 0, 0, 3600)
    body = struct.pack("<IBBHIQ", 0x31534D54, 1, 1, 0, 0, 5) + override
    (out / "kill_switch_override.bin").write_bytes(body + bytes(64))


def main() -> int:
    lib = ctypes.CDLL(str(sv.HOST_LIB))
    corpus = HERE / "corpus"
    for name in ("modelpkg", "eventlog", "settings_msg"):
        (corpus / name).mkdir(parents=True, exist_ok=True)
    modelpkg_seeds(corpus / "modelpkg")
    eventlog_seeds(corpus / "eventlog", lib)
    settings_seeds(corpus / "settings_msg")
    return 0


if __name__ == "__main__":
    sys.exit(main())
