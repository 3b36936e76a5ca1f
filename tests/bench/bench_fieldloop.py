"""Recording stream figures: what the C encoder (host library) puts on the wire per sample, and
how fast ``field pull`` rebuilds recordings from a capture on this machine.

The wire figures are measured on the encoder's real output (3 channels, one second at 1.6 kHz
and one at 16 kHz mono); the UART figure divides a 115200-baud line (8N1: 11520 bytes/s) by it.
"""

from __future__ import annotations

import time

import numpy as np

from tinyml_tools.fieldloop import pull
from tinyml_tools.native.recstream import Encoder, StreamInfo

_UART_BYTES_PER_S = 115200 / 10


def _wire(channels: int, rate: float, frames: int) -> tuple[float, list[str]]:
    rng = np.random.default_rng(0)
    samples = rng.integers(-32768, 32768, size=(frames, channels)).astype(np.int16)
    info = StreamInfo(rate, tuple(f"c{i}" for i in range(channels)), sensor="part=x")
    lines = Encoder().encode(info, samples)
    return sum(len(line) for line in lines) / samples.size, lines


def run() -> dict[str, float]:
    per_sample_3ch, _ = _wire(3, 1600.0, 1600)
    per_sample_1ch, lines = _wire(1, 16000.0, 16000)
    start = time.perf_counter()
    result = pull.assemble(lines)
    seconds = time.perf_counter() - start
    assert not result.issues and result.recordings[0].recording.samples.shape == (16000, 1)
    return {
        "recstream.wire_bytes_per_sample_3ch": round(per_sample_3ch, 4),
        "recstream.wire_bytes_per_sample_1ch": round(per_sample_1ch, 4),
        "recstream.uart115200_samples_per_s": round(_UART_BYTES_PER_S / per_sample_1ch, 1),
        "recstream.pull_samples_per_s": round(16000 / seconds, 0),
    }
