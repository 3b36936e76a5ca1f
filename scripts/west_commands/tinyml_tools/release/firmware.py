"""The firmware side of a release: which files, and the identity the ELF carries.

A Zephyr build folder gives ``zephyr/zephyr.signed.bin`` (the MCUboot-signed image) and
``zephyr/zephyr.elf``; a file path gives the image itself (and ``--elf`` its ELF). From the ELF
(pyelftools): ``tinyml_runtime_id`` (u32) and ``tinyml_ops_manifest_digest`` (32 bytes), the
values the firmware compares packages against, and the tensor arena's size from the first
symbol whose name ends in ``arena`` (``--arena-bytes`` overrides it).
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path

from elftools.common.exceptions import ELFError
from elftools.elf.elffile import ELFFile
from elftools.elf.sections import SymbolTableSection

from ..errors import InputError

RUNTIME_SYMBOL = "tinyml_runtime_id"
MCUBOOT_MAGIC = 0x96F3B83D
DIGEST_SYMBOL = "tinyml_ops_manifest_digest"


@dataclass(frozen=True)
class FirmwareFiles:
    image: Path
    elf: Path | None


@dataclass(frozen=True)
class FirmwareIdentity:
    runtime_id: int | None
    manifest_digest: str | None
    arena_bytes: int | None
    arena_symbol: str | None


def locate(firmware: Path, elf: Path | None) -> FirmwareFiles:
    """The signed image and the ELF, from a build folder or from paths."""
    if firmware.is_dir():
        zdir = firmware / "zephyr" if (firmware / "zephyr").is_dir() else firmware
        image = zdir / "zephyr.signed.bin"
        if not image.is_file():
            raise InputError(firmware, "build folder without zephyr/zephyr.signed.bin")
        found = zdir / "zephyr.elf"
        return FirmwareFiles(image, elf or (found if found.is_file() else None))
    if not firmware.is_file():
        raise InputError(firmware, "no such firmware image")
    if elf is None and firmware.suffix == ".elf":
        elf = firmware
    if elf is not None and not elf.is_file():
        raise InputError(elf, "no such ELF")
    return FirmwareFiles(firmware, elf)


HOST_MACHINES = {"EM_386", "EM_X86_64"}


def is_host_executable(elf_path: Path) -> bool:
    """An emulator build (native_sim) runs on the host: it has no firmware memory to report."""
    try:
        with elf_path.open("rb") as fh:
            return ELFFile(fh)["e_machine"] in HOST_MACHINES
    except (OSError, ELFError):
        return False


def _symbol_bytes(elf: ELFFile, name: str, size: int) -> bytes | None:
    table = elf.get_section_by_name(".symtab")
    if not isinstance(table, SymbolTableSection):
        return None
    symbols = table.get_symbol_by_name(name)
    if not symbols:
        return None
    addr = symbols[0]["st_value"]
    for section in elf.iter_sections():
        start = section["sh_addr"]
        if section["sh_type"] != "SHT_NOBITS" and start <= addr < start + section["sh_size"]:
            data = section.data()[addr - start : addr - start + size]
            return data if len(data) == size else None
    return None


def _arena(elf: ELFFile) -> tuple[int, str] | None:
    table = elf.get_section_by_name(".symtab")
    if not isinstance(table, SymbolTableSection):
        return None
    best: tuple[int, str] | None = None
    for sym in table.iter_symbols():
        name = sym.name
        if (
            sym["st_info"]["type"] == "STT_OBJECT"
            and sym["st_size"] > 0
            and (name.endswith("arena") or name.endswith("arenaE"))
        ) and (best is None or sym["st_size"] > best[0]):
            best = (int(sym["st_size"]), name)
    return best


def identity(elf_path: Path | None) -> FirmwareIdentity:
    if elf_path is None:
        return FirmwareIdentity(None, None, None, None)
    try:
        with elf_path.open("rb") as fh:
            elf = ELFFile(fh)
            runtime = _symbol_bytes(elf, RUNTIME_SYMBOL, 4)
            digest = _symbol_bytes(elf, DIGEST_SYMBOL, 32)
            arena = _arena(elf)
            little = elf.little_endian
    except (OSError, ELFError) as err:
        raise InputError(elf_path, f"not a readable ELF ({err})") from None
    runtime_id = struct.unpack("<I" if little else ">I", runtime)[0] if runtime else None
    return FirmwareIdentity(
        runtime_id,
        digest.hex() if digest else None,
        arena[0] if arena else None,
        arena[1] if arena else None,
    )


def is_mcuboot_image(path: Path) -> bool:
    """Starts with MCUboot's image header magic (what imgtool / west sign write)."""
    try:
        with path.open("rb") as fh:
            head = fh.read(4)
    except OSError as err:
        raise InputError(path, f"cannot read ({err.strerror})") from None
    return len(head) == 4 and struct.unpack("<I", head)[0] == MCUBOOT_MAGIC
