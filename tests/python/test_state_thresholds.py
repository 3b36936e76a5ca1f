"""The device's package thresholds (tinyml_modelpkg_read_thresholds_buffer of the host library)
against the replay tool: for packages the Python packer made, every label gets exactly the Q15
value replay decides with (replay.model.load, then replay.device.q15)."""

from __future__ import annotations

import ctypes
import errno
import random
import struct
from pathlib import Path

import numpy as np
import pytest
import state_vectors as sv
import yaml

from tinyml_tools.paths import REPO_ROOT
from tinyml_tools.replay import device
from tinyml_tools.replay import model as replay_model

NO_THRESHOLD = -1
MAX_LABELS = 64


class ThresholdReader:
    """tinyml_modelpkg_inspect_buffer + tinyml_modelpkg_read_thresholds_buffer."""

    def __init__(self) -> None:
        if not sv.HOST_LIB.is_file():
            pytest.fail(f"{sv.HOST_LIB} missing: run make host first")
        lib = ctypes.CDLL(str(sv.HOST_LIB))
        self._inspect = lib.tinyml_modelpkg_inspect_buffer
        self._inspect.restype = ctypes.c_int
        self._inspect.argtypes = [ctypes.c_char_p, ctypes.c_size_t, ctypes.c_void_p]
        self._read = lib.tinyml_modelpkg_read_thresholds_buffer
        self._read.restype = ctypes.c_int
        self._read.argtypes = [
            ctypes.c_char_p, ctypes.c_size_t, ctypes.c_void_p, ctypes.POINTER(ctypes.c_int16),
            ctypes.c_size_t,
        ]  # fmt: skip

    def read(self, pkg: bytes) -> tuple[int, list[int]]:
        info = ctypes.create_string_buffer(256)
        rc = int(self._inspect(pkg, len(pkg), info))
        assert rc == 0
        q15 = (ctypes.c_int16 * MAX_LABELS)()
        rc = int(self._read(pkg, len(pkg), info, q15, MAX_LABELS))
        return rc, list(q15)


@pytest.fixture(scope="module")
def reader() -> ThresholdReader:
    return ThresholdReader()


def _replay_q15(path: Path) -> list[int]:
    """Per label, the Q15 threshold replay uses from the package (-1: the package has none)."""
    info = replay_model.load(path)
    return [
        device.q15(info.thresholds[label]) if label in info.thresholds else NO_THRESHOLD
        for label in info.labels
    ]


def _f32(bits: int) -> float:
    return float(struct.unpack("<f", struct.pack("<I", bits))[0])


def _edge_values() -> list[float]:
    """Ties at every half LSB region, their neighbours, 0, 1, subnormals, common choices."""
    values = [0.0, 1.0, 0.5, 0.7, 0.8, 0.95, 0.25, _f32(1), _f32(0x3F7FFFFF)]
    for k in (0, 1, 2, 3, 100, 16383, 16384, 32766, 32767):
        tie = (2 * k + 1) / 65536  # exactly representable in f32
        bits = struct.unpack("<I", struct.pack("<f", tie))[0]
        values += [tie, _f32(bits - 1), _f32(bits + 1)]
    return [v for v in values if 0.0 <= v <= 1.0]


def _random_values(n: int, seed: int) -> list[float]:
    rng = random.Random(seed)
    out = []
    while len(out) < n:
        v = _f32(rng.randrange(0, 0x3F800001))  # any f32 bit pattern in [0, 1]
        out.append(v)
    return out


def test_knock_package_gives_replay_thresholds(reader: ThresholdReader) -> None:
    path = REPO_ROOT / "models" / "knock" / "knock.pkg"
    pkg = path.read_bytes()
    rc, q15 = reader.read(pkg)
    expected = _replay_q15(path)
    assert rc == 1
    assert q15[: len(expected)] == expected
    # knock's default threshold from model.yaml, in Q15 ties to even, as the firmware reads it
    written = yaml.safe_load((path.parent / "model.yaml").read_text())["thresholds"]["knock"]
    assert expected[1] == round(float(np.float32(written)) * 32768)
    assert q15[len(expected) :] == [NO_THRESHOLD] * (MAX_LABELS - len(expected))


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_packer_thresholds_are_bit_exact_with_replay(
    seed: int, reader: ThresholdReader, tmp_path: Path
) -> None:
    values = _edge_values() if seed == 0 else _random_values(MAX_LABELS - 1, seed)
    values = values[: MAX_LABELS - 1]
    labels = tuple(f"c{i}" for i in range(MAX_LABELS))
    thresholds = tuple((i + 1, v) for i, v in enumerate(values))  # class 0 has none
    meta = sv.ModelMeta(labels=labels, thresholds=thresholds)
    path = tmp_path / "model.pkg"
    path.write_bytes(sv.build_package(meta, sv.dev_key()))
    rc, q15 = reader.read(path.read_bytes())
    assert rc == len(values)
    assert q15 == _replay_q15(path) + [NO_THRESHOLD] * (MAX_LABELS - len(labels))
    assert q15[0] == NO_THRESHOLD


def test_duplicate_label_is_refused(reader: ThresholdReader) -> None:
    """The packer writes one record per label; a signed package with two is refused."""
    meta = sv.ModelMeta(thresholds=((1, 0.7), (1, 0.8)))
    rc, q15 = reader.read(sv.build_package(meta, sv.dev_key()))
    assert rc == -errno.EINVAL
    assert q15 == [NO_THRESHOLD] * MAX_LABELS
