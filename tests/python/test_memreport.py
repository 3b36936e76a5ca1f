"""memreport's accounting on real ELFs built here: totals equal arm-none-eabi-size, every
byte is attributed, regions match ld's own usage figures, and the edge cases hold."""

from __future__ import annotations

import itertools
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest

from tinyml_tools.errors import InputError
from tinyml_tools.memreport.attribute import Piece, PieceKind
from tinyml_tools.memreport.dwarf import read_dwarf_files, read_dwarf_files_fast
from tinyml_tools.memreport.elfimage import Section, SectionKind, load_elf
from tinyml_tools.memreport.load import load_reports
from tinyml_tools.memreport.report import Report, to_dict
from tinyml_tools.memreport.rules import categorize, load_rules

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "memreport"))
import images


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, images.Image]:
    out = tmp_path_factory.mktemp("memreport")
    full = images.build(out, "full")
    return {
        "full": full,
        "nodwarf": images.build(out, "nodwarf", debug=False, with_map=False),
        "dwarf": images.build(out, "dwarf", with_map=False),
        "dwarf4": images.build(out, "dwarf4", with_map=False, debug_flag="-gdwarf-4"),
        "g3": images.build(out, "g3", with_map=False, debug_flag="-g3"),
        "heap": images.build(out, "heap", defines=("USE_HEAP",)),
        "zephyr_noheap": images.build(out, "zephyr_noheap", defines=("ZEPHYR_HEAPS=0",)),
        "zephyr_kheap": images.build(out, "zephyr_kheap", defines=("ZEPHYR_HEAPS=2",)),
        "stripped": images.Image(images.strip(full, out), None, {}),
    }


@pytest.fixture(scope="session")
def selftest_elf(repo: Path) -> Path:
    elf = repo / "build" / "m4f" / "tinyml_selftest.elf"
    if not elf.is_file():
        pytest.fail(f"{elf} missing: make m4f builds it (make test runs it first)")
    return elf


def report_of(elf: Path) -> Report:
    return load_reports(elf)[0]


VARIANTS = ["full", "nodwarf", "dwarf", "heap", "stripped"]


@pytest.mark.parametrize("variant", VARIANTS)
def test_totals_equal_arm_none_eabi_size(built: dict[str, images.Image], variant: str) -> None:
    elf = built[variant].elf
    text, data, bss = images.size_berkeley(elf)
    totals = to_dict(report_of(elf), 10)["totals"]
    assert (totals["text"], totals["data"], totals["bss"]) == (text, data, bss)
    assert totals["flash"] == text + data
    assert totals["ram"] == data + bss


def test_selftest_totals_equal_arm_none_eabi_size(selftest_elf: Path) -> None:
    text, data, bss = images.size_berkeley(selftest_elf)
    totals = to_dict(report_of(selftest_elf), 10)["totals"]
    assert (totals["flash"], totals["ram"]) == (text + data, data + bss)
    # No gaps between sections in this image: the load segments hold exactly the same bytes.
    assert (totals["segments_flash"], totals["segments_ram"]) == (text + data, data + bss)


@pytest.mark.parametrize("variant", VARIANTS)
def test_every_byte_is_attributed_once(built: dict[str, images.Image], variant: str) -> None:
    report = report_of(built[variant].elf)
    per_section: dict[str, int] = defaultdict(int)
    covered: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for piece in report.pieces:
        assert piece.size > 0
        per_section[piece.section.name] += piece.size
        covered[piece.section.name].append((piece.addr, piece.addr + piece.size))
    for section in report.image.sections:
        if section.size:
            assert per_section[section.name] == section.size, section.name
            spans = sorted(covered[section.name])
            assert spans[0][0] == section.addr
            assert spans[-1][1] == section.addr + section.size
            assert all(a[1] == b[0] for a, b in itertools.pairwise(spans))
    data = to_dict(report, 10)
    assert sum(data["categories"].values()) == data["totals"]["flash"] + data["totals"]["ram"]
    for key in ("files", "modules"):
        assert sum(r["flash"] for r in data[key]) == data["totals"]["flash"]
        assert sum(r["ram"] for r in data[key]) == data["totals"]["ram"]


def test_selftest_categories_add_up_and_find_the_core(selftest_elf: Path) -> None:
    # Every symbol: the self-test image grows with each component's tests.
    data = to_dict(report_of(selftest_elf), 100_000)
    assert sum(data["categories"].values()) == data["totals"]["flash"] + data["totals"]["ram"]
    assert data["attribution"] == "map"
    assert data["categories"]["tinyml core"] > 0
    assert data["categories"]["libc"] > 0
    assert data["categories"]["thread stacks"] >= 8192  # the 8 KiB main stack of link.ld
    crc = next(s for s in data["symbols"] if s["name"] == "tinyml_crc32")
    assert crc["category"] == "tinyml core"
    assert crc["file"] == "crc32.c"


def test_regions_match_ld_print_memory_usage(built: dict[str, images.Image]) -> None:
    image = built["full"]
    regions = {r["name"]: r for r in to_dict(report_of(image.elf), 10)["regions"]}
    assert set(image.ld_usage) == {"FLASH", "RAM", "CCM"}
    for name, used in image.ld_usage.items():
        assert regions[name]["extent"] == used, name
    assert regions["RAM"]["size"] == 64 * 1024 and regions["CCM"]["origin"] == 0x10000000


def test_several_ram_regions_and_overlapping_overlay_sections(
    built: dict[str, images.Image],
) -> None:
    report = report_of(built["full"].elf)
    ccm = next(r for r in report.regions if r.spec.name == "CCM")
    sections = {s.name: s for s in report.image.sections}
    a, b = sections[".ovl_a"], sections[".ovl_b"]
    assert a.addr == b.addr and a.lma != b.lma  # an OVERLAY: one run address, two load addresses
    assert ccm.overlap == min(a.size, b.size)
    stored = sections[".ccm_data"].size + sections[".ccm_bss"].size
    assert ccm.used == stored + max(a.size, b.size)
    ram = next(r for r in report.regions if r.spec.name == "RAM")
    assert {".bss", ".noinit", ".heap", ".stack"} <= set(ram.sections)


def test_nobits_sections_cost_ram_only(built: dict[str, images.Image]) -> None:
    data = to_dict(report_of(built["full"].elf), 10)
    by_name = {s["name"]: s for s in data["sections"]}
    for name in (".bss", ".noinit", ".heap", ".stack", ".ccm_bss"):
        assert by_name[name]["class"] == "bss"
        assert by_name[name]["flash"] == 0 and by_name[name]["ram"] == by_name[name]["size"] > 0
    assert by_name[".data"]["flash"] == by_name[".data"]["ram"] > 0
    assert by_name[".data"]["lma"] != by_name[".data"]["addr"]


def test_thumb_function_symbols_lose_bit_zero(built: dict[str, images.Image]) -> None:
    elf = built["full"].elf
    raw = subprocess.run(
        ["arm-none-eabi-readelf", "-sW", str(elf)], capture_output=True, text=True, check=True
    ).stdout
    value = next(
        int(line.split()[1], 16) for line in raw.splitlines() if line.endswith(" edge_entry")
    )
    assert value & 1 == 1
    piece = next(p for p in report_of(elf).pieces if p.name == "edge_entry")
    assert piece.addr == value & ~1 == images.nm_sizes(elf)["edge_entry"][0]
    assert piece.size == images.nm_sizes(elf)["edge_entry"][1]


def test_zero_size_overlapping_and_alias_symbols(built: dict[str, images.Image]) -> None:
    pieces = {p.name: p for p in report_of(built["full"].elf).pieces}
    assert "edge_zero_label" not in pieces  # zero size: owns no bytes
    assert pieces["edge_helper"].size == 6
    outer = pieces.get("edge_alias") or pieces["edge_outer"]
    assert outer.size == 16  # the whole table; edge_inner inside it is not counted twice
    assert "edge_inner" not in pieces
    assert {"edge_outer", "edge_alias"} == {outer.name, *outer.aliases}


def test_ml_categories_on_the_test_image(built: dict[str, images.Image]) -> None:
    by_name = {p.name: p.category for p in report_of(built["full"].elf).pieces}
    assert by_name["tensor_arena"] == "tensor arena"
    assert by_name["g_model_data"] == "model weights"
    assert by_name["imu_ringbuf"] == "sensor ring buffers"
    assert by_name["mfcc_feature_scratch"] == "feature scratch"
    assert by_name["worker_thread_stack"] == "thread stacks"
    assert by_name["(fill in .stack)"] == "thread stacks"
    assert by_name["(fill in .heap)"] == "heap pools"
    assert by_name["arm_convolve_s8"] == "CMSIS-NN"
    assert by_name["tflite::MicroInterpreter::Invoke()"] == "TFLM runtime"  # demangled
    assert by_name["tinyml_detect"] == "tinyml core"
    assert by_name["memcpy"] == "libc"
    assert by_name["initialized_table"] == "other"


def test_user_rules_come_first(built: dict[str, images.Image], tmp_path: Path) -> None:
    rules = tmp_path / "rules.yaml"
    rules.write_text("categories:\n  - category: imu capture\n    symbol: '^imu_'\n")
    report = load_reports(built["full"].elf, rules)[0]
    by_name = {p.name: p.category for p in report.pieces}
    assert by_name["imu_ringbuf"] == "imu capture"
    assert by_name["tensor_arena"] == "tensor arena"  # the built-in rules still apply
    assert report.categories["imu capture"] == (0, 2048)


def test_attribution_sources(built: dict[str, images.Image]) -> None:
    full = report_of(built["full"].elf)
    assert full.attribution == "map"
    rodata = [p for p in full.pieces if p.kind is PieceKind.UNNAMED]
    assert all(p.file for p in rodata)  # bytes without a symbol still get their object file

    dwarf = report_of(built["dwarf"].elf)
    assert dwarf.attribution == "dwarf"
    files = {p.name: p.file for p in dwarf.pieces}
    assert files["tinyml_detect"] is not None and files["tinyml_detect"].endswith("ml_image.c")
    assert files["tensor_arena"] is not None and files["tensor_arena"].endswith("ml_image.c")
    assert files["edge_entry"] is not None and files["edge_entry"].endswith("edge.S")

    nodwarf = report_of(built["nodwarf"].elf)
    assert nodwarf.attribution == "symbols"
    assert {r.spec.source for r in nodwarf.regions} == {"program headers"}
    assert all(r.spec.size is None for r in nodwarf.regions)
    assert any("region sizes unknown" in w for w in nodwarf.warnings)


def test_stripped_elf_is_reported_by_section(built: dict[str, images.Image]) -> None:
    report = report_of(built["stripped"].elf)
    assert report.attribution == "sections"
    assert not report.image.has_symtab
    assert any("stripped" in w for w in report.warnings)
    assert all(p.kind is not PieceKind.SYMBOL for p in report.pieces)
    # Section rules still work without symbols.
    assert (
        report.categories["thread stacks"][1] == 1024 and report.categories["heap pools"][1] == 2048
    )


def test_heap_allocators_are_found(built: dict[str, images.Image]) -> None:
    assert report_of(built["full"].elf).allocators == []
    names = {a.name for a in report_of(built["heap"].elf).allocators}
    assert {"malloc", "_malloc_r", "_sbrk"} <= names


def test_heap_memory_proven_empty_only_on_an_image_that_shows_it(
    built: dict[str, images.Image], tmp_path: Path
) -> None:
    """Allocator code with no memory behind it (Zephyr's no-arena malloc, no k_heap object)
    passes 'heap: forbid'; one k_heap object, an sbrk heap or a non-Zephyr image does not."""
    budget = tmp_path / "budget.yaml"
    budget.write_text("heap: forbid\n")
    empty = report_of(built["zephyr_noheap"].elf)
    assert [a.name for a in empty.allocators] == ["malloc"]
    assert empty.heap_memory.proven_empty, empty.heap_memory.finding
    with_heap = report_of(built["zephyr_kheap"].elf)
    assert not with_heap.heap_memory.proven_empty
    assert "k_heap objects (40 B" in with_heap.heap_memory.finding
    sbrk = report_of(built["heap"].elf)
    assert not sbrk.heap_memory.proven_empty and "not a Zephyr image" in sbrk.heap_memory.finding
    for variant, code in (("zephyr_noheap", 0), ("zephyr_kheap", 2), ("heap", 2)):
        run = subprocess.run(
            [sys.executable, "-m", "tinyml_tools", "memreport", str(built[variant].elf),
             "--budget", str(budget)],
            capture_output=True, text=True, check=False,
        )  # fmt: skip
        assert run.returncode == code, (variant, run.stdout, run.stderr)


def _patched(src: Path, dst: Path, offset: int, value: bytes) -> Path:
    data = bytearray(src.read_bytes())
    data[offset : offset + len(value)] = value
    dst.write_bytes(bytes(data))
    return dst


def test_bad_inputs_give_one_line_errors(built: dict[str, images.Image], tmp_path: Path) -> None:
    elf = built["full"].elf
    text = tmp_path / "notes.txt"
    text.write_text("hello\n")
    truncated = tmp_path / "truncated.elf"
    truncated.write_bytes(elf.read_bytes()[:4000])
    tiny = tmp_path / "tiny.elf"
    tiny.write_bytes(elf.read_bytes()[:20])
    x86 = _patched(elf, tmp_path / "x86.elf", 18, (3).to_bytes(2, "little"))  # EM_386
    cases = {
        text: "not an ELF file",
        truncated: "truncated",
        tiny: "truncated ELF",
        x86: "386 ELF",
        Path("/bin/sh"): "64-bit ELF",
        tmp_path / "missing.elf": "no such file",
    }
    for path, problem in cases.items():
        with pytest.raises(InputError) as err:
            load_elf(path) if path.exists() else load_reports(path)
        assert problem in str(err.value), (path, str(err.value))
        assert "\n" not in str(err.value)
        assert str(err.value).startswith(str(path))


@pytest.mark.parametrize("variant", ["dwarf", "dwarf4", "g3"])
def test_fast_dwarf_reader_agrees_with_pyelftools(
    built: dict[str, images.Image], variant: str
) -> None:
    elf = built[variant].elf
    slow, fast = read_dwarf_files(elf), read_dwarf_files_fast(elf)
    assert fast is not None
    assert fast.ranges == slow.ranges and fast.variables == slow.variables
    assert fast.starts == [r[0] for r in fast.ranges] == slow.starts
    assert len(fast.variables) >= 8 and len(fast.ranges) >= 5


def test_fast_dwarf_reader_agrees_on_the_selftest_image(selftest_elf: Path) -> None:
    slow, fast = read_dwarf_files(selftest_elf), read_dwarf_files_fast(selftest_elf)
    assert fast is not None and (fast.ranges, fast.variables) == (slow.ranges, slow.variables)


def _piece(name: str, section: str, *, code: bool, writable: bool, nobits: bool = False) -> Piece:
    kind = SectionKind.TEXT if not writable else SectionKind.BSS if nobits else SectionKind.DATA
    sec = Section(1, section, 0x1000, 0x1000, 64, kind, code)
    return Piece(name, 0x1000, 64, sec, PieceKind.SYMBOL, None, None, code)


@pytest.mark.parametrize(
    ("name", "section", "code", "writable", "category"),
    [
        # Names a Zephyr + TFLM + CMSIS-NN build has.
        ("z_main_stack", "noinit", False, True, "thread stacks"),
        ("z_idle_stacks", "noinit", False, True, "thread stacks"),
        ("z_interrupt_stacks", "noinit", False, True, "thread stacks"),
        ("sensor_thread_stack_area", "noinit", False, True, "thread stacks"),
        ("z_malloc_heap_mem", "bss", False, True, "heap pools"),
        ("_system_heap", "bss", False, True, "heap pools"),
        ("g_tensor_arena", "bss", False, True, "tensor arena"),
        ("g_kws_model_data", "rodata", False, False, "model weights"),
        ("audio_ringbuf", "bss", False, True, "sensor ring buffers"),
        ("mfcc_scratch", "bss", False, True, "feature scratch"),
        ("tflite::MicroInterpreter::Invoke()", "text", True, False, "TFLM runtime"),
        ("tflite::AllOpsResolver::AllOpsResolver()", "text", True, False, "TFLM runtime"),
        ("arm_convolve_s8", "text", True, False, "CMSIS-NN"),
        ("arm_nn_mat_mult_kernel_s8_s16", "text", True, False, "CMSIS-NN"),
        ("arm_fully_connected_s8", "text", True, False, "CMSIS-NN"),
        ("arm_rfft_fast_f32", "text", True, False, "other"),  # CMSIS-DSP, not NN
        ("tinyml_ringbuf_push", "text", True, False, "tinyml core"),  # code, not a buffer
        ("memcpy", "text", True, False, "libc"),
        ("k_sem_give", "text", True, False, "other"),
    ],
)
def test_builtin_rules_on_zephyr_and_tflm_names(
    name: str, section: str, code: bool, writable: bool, category: str
) -> None:
    pieces = [_piece(name, section, code=code, writable=writable, nobits=section != "data")]
    categorize(pieces, load_rules())
    assert pieces[0].category == category
