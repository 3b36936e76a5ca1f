"""Model partition size of each reference board.

Until the boards' devicetree overlays (boards/) define the model slots, the sizes live here;
`--partition-size` overrides them.
"""

from __future__ import annotations

from ..errors import InputError

MODEL_PARTITION_BYTES: dict[str, int] = {
    "nrf52840dk/nrf52840": 128 * 1024,
    "nucleo_h743zi": 256 * 1024,
    "nucleo_u575zi_q": 256 * 1024,
    "esp32s3_devkitc": 512 * 1024,
    "mps2/an386": 256 * 1024,
}


def partition_size(board: str) -> int:
    try:
        return MODEL_PARTITION_BYTES[board]
    except KeyError:
        known = ", ".join(sorted(MODEL_PARTITION_BYTES))
        raise InputError(board, f"unknown board; known boards: {known}") from None
