"""Byte counts as people write them in YAML ("96K", "1 MiB", "0x4000") and as tables show them."""

from __future__ import annotations

import re

_UNITS = {"": 1, "b": 1, "k": 1024, "kb": 1024, "kib": 1024, "m": 1 << 20, "mb": 1 << 20}
_UNITS["mib"] = 1 << 20
_SIZE_RE = re.compile(r"^\s*(0x[0-9a-fA-F]+|\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*$")


def parse_size(value: object) -> int:
    """Return the byte count of ``value`` (an int, or a string like ``"96K"``).

    Raises ValueError with a short reason; K and M are binary (1024), as in linker scripts.
    """
    if isinstance(value, bool):
        raise ValueError(f"{value!r} is not a size")
    if isinstance(value, int):
        if value < 0:
            raise ValueError(f"{value} is negative")
        return value
    if not isinstance(value, str):
        raise ValueError(f"{value!r} is not a size")
    match = _SIZE_RE.match(value)
    if not match:
        raise ValueError(f"{value!r} is not a size (write e.g. 4096, 96K, 1M or 0x4000)")
    number, unit = match.groups()
    scale = _UNITS.get(unit.lower())
    if scale is None:
        raise ValueError(f"{value!r} has an unknown unit {unit!r} (use K or M)")
    amount = int(number, 16) if number.lower().startswith("0x") else float(number)
    result = int(amount * scale)
    if result != amount * scale:
        raise ValueError(f"{value!r} is not a whole number of bytes")
    return result


def human(n: int) -> str:
    """``12345`` -> ``"12.1 KiB"``; exact bytes below 1 KiB."""
    sign = "-" if n < 0 else ""
    n = abs(n)
    if n < 1024:
        return f"{sign}{n} B"
    if n < 1 << 20:
        return f"{sign}{n / 1024:.1f} KiB"
    return f"{sign}{n / (1 << 20):.2f} MiB"


def signed(n: int) -> str:
    return f"+{n}" if n > 0 else str(n)
