"""Write the seed corpora of the state fuzzers (run after `make host`; the seeds are committed).

- modelpkg/: packages made by the packer or imgtool (tests/python/state_vectors.py), valid and
  invalid.
- eventlog/: flash images of the event log after real use, made by the core itself through
  build/host/libtinyml_host.so (core + host port with the flash simulator).
- settings_msg/: well-formed settings messages (format 2) with 1, 2 and 8 operations, without
  their signature: fuzz_settings_msg signs what it is given with the fuzz build's key.
- tflite/: real TFLite models (the C tests' tiny int8 model, the knock example's model).

fuzz_modelpkg re-signs the signed region of what it is given with the fuzz build's key, so the
package seeds reach the code behind the signature whatever key signed them.
"""

from __future__ import annotations

import ctypes
import re
import struct
import sys
from pathlib import Path

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE.parent / "python"))

import state_vectors as sv  # noqa: E402

SECTOR, SECTORS = 256, 4
OPAQUE = 1 << 16  # room for any of the C structs passed by pointer


REPO = HERE.parents[1]


def tiny_model() -> bytes:
    """The C tests' tiny model, from its header (tests/host/make_tiny_model.py wrote it)."""
    text = (REPO / "tests" / "host" / "tiny_model.h").read_text()
    body = text[text.index("{") : text.rindex("}")]
    return bytes(int(h, 16) for h in re.findall(r"0x([0-9a-f]{2})", body))


def modelpkg_seeds(out: Path) -> None:
    key, other = sv.dev_key(), sv.new_key()
    for name, build, _expected in sv.vectors():
        (out / f"{name}.bin").write_bytes(build(key, other))
    real = sv.ModelMeta(tflite=tiny_model())
    (out / "valid_real_model.bin").write_bytes(sv.build_package(real, key))
    # an anomaly score (OUTPUT_KIND): the committed pump autoencoder's package
    anomaly = REPO / "models" / "pump" / "anomaly" / "pump_anomaly.pkg"
    (out / "anomaly_score_pump.bin").write_bytes(anomaly.read_bytes())


def tflite_seeds(out: Path) -> None:
    (out / "tiny_int8.tflite").write_bytes(tiny_model())
    (out / "knock.tflite").write_bytes((REPO / "models" / "knock" / "knock.tflite").read_bytes())


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
    """Format 2: magic, version, n, reserved, device, nonce, expiry (UTC s), ops; unsigned."""
    for n in (1, 2, 8):
        ops = b"".join(struct.pack("<BBHiI", 1, i, 0, 100 + i, 0) for i in range(n))
        body = struct.pack("<IBBHIQQ", 0x31534D54, 2, n, 0, 7, 1 + n, 0) + ops
        (out / f"ops_{n}.bin").write_bytes(body)
    override = struct.pack("<BBHiI", 2, 11, 0, 0, 3600)
    body = struct.pack("<IBBHIQQ", 0x31534D54, 2, 1, 0, 0, 5, 2_000_000_000) + override
    (out / "kill_switch_broadcast.bin").write_bytes(body)


def main() -> int:
    lib = ctypes.CDLL(str(sv.HOST_LIB))
    corpus = HERE / "corpus"
    for name in ("modelpkg", "eventlog", "settings_msg", "tflite"):
        (corpus / name).mkdir(parents=True, exist_ok=True)
    modelpkg_seeds(corpus / "modelpkg")
    eventlog_seeds(corpus / "eventlog", lib)
    settings_seeds(corpus / "settings_msg")
    tflite_seeds(corpus / "tflite")
    return 0


if __name__ == "__main__":
    sys.exit(main())
