"""A flash image as a flash programmer leaves it: erased (0xff) except the packages written
into their partitions, laid out from the build's own devicetree (zephyr/zephyr.dts)."""

from __future__ import annotations

import importlib
import sys
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

from ..errors import InputError, TinymlError
from .workspace import Workspace

ERASED = 0xFF


@dataclass(frozen=True)
class Partition:
    label: str  # devicetree node label, e.g. model_slot_a
    offset: int  # from the start of the flash device
    size: int


@dataclass(frozen=True)
class FlashLayout:
    device_size: int
    partitions: dict[str, Partition]

    def partition(self, label: str) -> Partition:
        if label not in self.partitions:
            raise TinymlError(f"the build's devicetree has no partition labelled {label}")
        return self.partitions[label]


def _dtlib(ws: Workspace) -> ModuleType:
    src = ws.zephyr_base / "scripts" / "dts" / "python-devicetree" / "src"
    if str(src) not in sys.path:
        sys.path.insert(0, str(src))
    return importlib.import_module("devicetree.dtlib")


def _cells(node: Any, name: str, default: int) -> int:
    props = node.props
    return props[name].to_num() if name in props else default


def layout(ws: Workspace, build_dir: Path, label: str = "model_slot_a") -> FlashLayout:
    """Partitions on the flash device that holds @p label (reg of a fixed-partitions child)."""
    dts = build_dir / "zephyr" / "zephyr.dts"
    if not dts.is_file():
        raise InputError(dts, "no devicetree: the build did not run")
    dt = _dtlib(ws).DT(str(dts))
    if label not in dt.label2node:
        raise InputError(dts, f"no node labelled {label}")
    fixed = dt.label2node[label].parent  # the fixed-partitions node
    flash = fixed.parent
    addr_cells = _cells(fixed, "#address-cells", 1)
    size_cells = _cells(fixed, "#size-cells", 1)
    parts: dict[str, Partition] = {}
    for child in fixed.nodes.values():
        if "reg" not in child.props:
            continue
        words = child.props["reg"].to_nums()
        offset = sum(w << (32 * i) for i, w in enumerate(reversed(words[:addr_cells])))
        size = sum(w << (32 * i) for i, w in enumerate(reversed(words[addr_cells:][:size_cells])))
        for node_label in child.labels:
            parts[node_label] = Partition(node_label, offset, size)
    flash_words = flash.props["reg"].to_nums()
    parent_cells = _cells(flash.parent, "#size-cells", 1)
    device_size = sum(w << (32 * i) for i, w in enumerate(reversed(flash_words[-parent_cells:])))
    return FlashLayout(device_size, parts)


def image(flash: FlashLayout, contents: dict[str, bytes]) -> bytes:
    """The whole device, erased, with @p contents (partition label -> bytes) written."""
    data = bytearray([ERASED]) * flash.device_size
    for label, blob in contents.items():
        part = flash.partition(label)
        if len(blob) > part.size:
            raise TinymlError(f"{len(blob)} B do not fit partition {label} ({part.size} B)")
        data[part.offset : part.offset + len(blob)] = blob
    return bytes(data)
