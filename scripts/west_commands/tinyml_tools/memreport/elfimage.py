"""Load a firmware ELF: its allocated sections, load segments and sized symbols.

pyelftools reads the headers; the symbol table is unpacked with :mod:`struct` in one pass,
which is many times faster than pyelftools' per-symbol parsing on big images. Anything that
is not a 32-bit firmware ELF of a supported architecture is refused with one line.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import BinaryIO

from elftools.common.exceptions import ELFError, ELFParseError
from elftools.elf.elffile import ELFFile

from ..errors import InputError

SHF_WRITE = 0x1
SHF_ALLOC = 0x2
SHF_EXECINSTR = 0x4
SHT_NOBITS = 8
SHT_SYMTAB = 2
STT_OBJECT, STT_FUNC, STT_SECTION, STT_FILE = 1, 2, 3, 4
SHN_LORESERVE = 0xFF00
PF_W = 0x2

# Firmware architectures this project ships on (Cortex-M, ESP32-S3, RISC-V parts).
SUPPORTED_MACHINES = {"EM_ARM": "arm", "EM_XTENSA": "xtensa", "EM_RISCV": "riscv"}
READ_ERRORS = (ELFError, ELFParseError, struct.error, ValueError, IndexError, OSError, KeyError)


class SectionKind(Enum):
    """The class ``size`` (Berkeley format) puts an allocated section in."""

    TEXT = "text"  # executable or read-only: stored in flash only
    DATA = "data"  # writable with contents: initial values in flash, copied to RAM
    BSS = "bss"  # writable without contents (NOBITS): RAM only


@dataclass(frozen=True)
class Section:
    index: int
    name: str
    addr: int  # where it runs (VMA)
    lma: int  # where it is stored (LMA), from the load segment holding it
    size: int
    kind: SectionKind
    executable: bool

    @property
    def flash_bytes(self) -> int:
        return self.size if self.kind is not SectionKind.BSS else 0

    @property
    def ram_bytes(self) -> int:
        return self.size if self.kind is not SectionKind.TEXT else 0


@dataclass(frozen=True)
class Segment:
    vaddr: int
    paddr: int
    filesz: int
    memsz: int
    writable: bool
    offset: int


@dataclass(frozen=True)
class Symbol:
    name: str
    addr: int  # Thumb bit already cleared
    size: int
    section_index: int
    is_func: bool
    is_object: bool
    is_global: bool
    file: str | None  # from the STT_FILE symbol before a local symbol, else None


@dataclass
class ElfImage:
    path: Path
    arch: str
    sections: list[Section]
    segments: list[Segment]
    symbols: list[Symbol]
    has_symtab: bool
    has_dwarf: bool
    size_bytes: int


def _check_ident(path: Path, head: bytes, file_size: int) -> None:
    if head[:4] != b"\x7fELF":
        raise InputError(path, f"not an ELF file (starts with {head[:4]!r})")
    if file_size < 52:
        raise InputError(path, f"truncated ELF ({file_size} bytes, shorter than its header)")
    if head[4] == 2:
        raise InputError(
            path, "64-bit ELF: memreport reads 32-bit firmware ELFs (ARM, Xtensa, RISC-V)"
        )
    if head[4] != 1 or head[5] not in (1, 2):
        raise InputError(path, "malformed ELF identification (class or byte order)")


def load_elf(path: Path) -> ElfImage:
    """Read ``path``; raise InputError naming the file and the problem on bad input."""
    try:
        data = path.read_bytes()
    except OSError as err:
        raise InputError(path, f"cannot read: {err.strerror or err}") from None
    _check_ident(path, data[:16], len(data))
    try:
        return _parse(path, data)
    except InputError:
        raise
    except READ_ERRORS as err:
        raise InputError(path, f"truncated or malformed ELF ({err})") from None


def _parse(path: Path, data: bytes) -> ElfImage:
    import io

    stream: BinaryIO = io.BytesIO(data)
    elf = ELFFile(stream)
    machine = elf.header["e_machine"]
    arch = SUPPORTED_MACHINES.get(machine)
    if arch is None:
        name = str(machine).removeprefix("EM_")
        raise InputError(path, f"{name} ELF: memreport reads firmware for ARM, Xtensa or RISC-V")
    shoff = elf.header["e_shoff"]
    shnum = elf.header["e_shnum"]
    if shoff + shnum * elf.header["e_shentsize"] > len(data):
        raise InputError(path, "truncated ELF (section headers past the end of the file)")
    segments = [
        Segment(
            vaddr=seg["p_vaddr"],
            paddr=seg["p_paddr"],
            filesz=seg["p_filesz"],
            memsz=seg["p_memsz"],
            writable=bool(seg["p_flags"] & PF_W),
            offset=seg["p_offset"],
        )
        for seg in elf.iter_segments()
        if seg["p_type"] == "PT_LOAD"
    ]
    sections: list[Section] = []
    symtab = None
    has_dwarf = False
    for index, elf_section in enumerate(elf.iter_sections()):
        header = elf_section.header
        name = elf_section.name
        if header["sh_type"] == "SHT_SYMTAB":
            symtab = header
        if name.startswith(".debug_info") or name == ".zdebug_info":
            has_dwarf = True
        flags = header["sh_flags"]
        if not flags & SHF_ALLOC:
            continue
        nobits = header["sh_type"] == "SHT_NOBITS"
        if not nobits and header["sh_offset"] + header["sh_size"] > len(data):
            raise InputError(path, f"truncated ELF (section {name} past the end of the file)")
        if flags & SHF_EXECINSTR or not flags & SHF_WRITE:
            kind = SectionKind.TEXT
        elif nobits:
            kind = SectionKind.BSS
        else:
            kind = SectionKind.DATA
        addr, size = header["sh_addr"], header["sh_size"]
        lma = _load_address(segments, addr, size, None if nobits else header["sh_offset"])
        sections.append(Section(index, name, addr, lma, size, kind, bool(flags & SHF_EXECINSTR)))
    symbols: list[Symbol] = []
    if symtab is not None:
        strtab = elf.get_section(symtab["sh_link"]).header
        symbols = _read_symbols(data, symtab, strtab, elf.little_endian, arch == "arm")
    return ElfImage(
        path=path,
        arch=arch,
        sections=sections,
        segments=segments,
        symbols=symbols,
        has_symtab=symtab is not None,
        has_dwarf=has_dwarf,
        size_bytes=len(data),
    )


def _load_address(segments: list[Segment], addr: int, size: int, offset: int | None) -> int:
    """The LMA of a section: its VMA moved by the load segment that holds it.

    Sections of an OVERLAY share a VMA and differ only in file offset, so with contents the
    segment whose file range holds the section wins.
    """
    found: list[Segment] = [
        seg for seg in segments if seg.vaddr <= addr and addr + size <= seg.vaddr + seg.memsz
    ]
    if offset is not None and len(found) > 1:
        found = [s for s in found if s.offset <= offset < s.offset + max(s.filesz, 1)] or found
    if not found:
        return addr
    seg = found[0]
    return addr - seg.vaddr + seg.paddr


def _read_symbols(
    data: bytes, symtab: object, strtab: object, little: bool, thumb: bool
) -> list[Symbol]:
    sym_off, sym_size = symtab["sh_offset"], symtab["sh_size"]  # type: ignore[index]
    str_off, str_size = strtab["sh_offset"], strtab["sh_size"]  # type: ignore[index]
    if sym_off + sym_size > len(data) or str_off + str_size > len(data):
        raise ValueError("symbol table past the end of the file")
    strings = data[str_off : str_off + str_size]
    fmt = ("<" if little else ">") + "IIIBBH"
    usable = sym_size - sym_size % 16
    out: list[Symbol] = []
    current_file: str | None = None
    for name_off, value, size, info, _other, shndx in struct.iter_unpack(
        fmt, data[sym_off : sym_off + usable]
    ):
        sym_type = info & 0xF
        bind = info >> 4
        if sym_type == STT_FILE:
            current_file = _cstring(strings, name_off)
            continue
        if sym_type == STT_SECTION or shndx == 0 or shndx >= SHN_LORESERVE:
            continue
        is_func = sym_type == STT_FUNC
        if thumb and is_func:
            value &= ~1
        name = _cstring(strings, name_off)
        if not name or (thumb and name[0] == "$"):  # ARM mapping symbols $a/$t/$d
            continue
        out.append(
            Symbol(
                name=name,
                addr=value,
                size=size,
                section_index=shndx,
                is_func=is_func,
                is_object=sym_type == STT_OBJECT,
                is_global=bind != 0,
                file=current_file if bind == 0 else None,
            )
        )
    return out


def _cstring(strings: bytes, offset: int) -> str:
    end = strings.find(b"\0", offset)
    return strings[offset : end if end >= 0 else len(strings)].decode("utf-8", "replace")
