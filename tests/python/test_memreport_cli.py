"""memreport from the command line: the JSON interface, budgets, diff, outputs, Zephyr and
sysbuild folders, and the pieces that read linker output."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tinyml_tools import cli
from tinyml_tools.errors import EXIT_USAGE
from tinyml_tools.memreport.mapfile import parse_map
from tinyml_tools.memreport.regions import specs_from_devicetree, specs_from_linker_script
from tinyml_tools.memreport.sizes import parse_size

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "memreport"))
import images


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, images.Image]:
    out = tmp_path_factory.mktemp("memreport-cli")
    return {
        "full": images.build(out, "full"),
        "big": images.build(out, "big", defines=("ARENA_SIZE=24576",)),
        "heap": images.build(out, "heap", defines=("USE_HEAP",)),
    }


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = cli.run_guarded(
        cli.build_parser().parse_args(["memreport", *argv])._run,
        cli.build_parser().parse_args(["memreport", *argv]),
        "tinyml",
    )
    out, err = capsys.readouterr()
    return code, out, err


def test_json_interface(built: dict[str, images.Image], capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run([str(built["full"].elf), "--json", "--top", "5"], capsys)
    assert code == 0
    data = json.loads(out)
    for region in data["regions"]:
        assert {"name", "origin", "size", "used"} <= set(region)
    assert set(data["totals"]) >= {"flash", "ram"}
    assert all(isinstance(v, int) for v in data["categories"].values())
    assert len(data["symbols"]) == 5
    for sym in data["symbols"]:
        assert {"name", "size", "section", "file"} <= set(sym)
    assert data["symbols"][0]["name"] == "tensor_arena"
    assert [s["size"] for s in data["symbols"]] == sorted(
        (s["size"] for s in data["symbols"]), reverse=True
    )


def test_budget_breaches_exit_nonzero_one_line_each(
    built: dict[str, images.Image], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    budget = tmp_path / "budget.yaml"
    budget.write_text(
        "regions: {RAM: 16K, CCM: 50%}\n"
        "totals: {flash: 64K}\n"
        "categories: {tensor arena: 8K, model weights: 8K}\n"
        "symbols:\n  - {pattern: '^imu_', max: 1K}\n"
        "  - {pattern: 'arena|ringbuf', max_total: 100K}\n"
        "heap: forbid\n"
    )
    code, _, err = run([str(built["heap"].elf), "--budget", str(budget)], capsys)
    assert code == 2
    lines = err.strip().splitlines()
    assert lines[-1] == f"tinyml: error: {budget}: 4 budget breach(es)"
    assert all(line.startswith("budget exceeded: ") for line in lines[:-1])
    joined = "\n".join(lines)
    assert "region RAM uses" in joined
    assert "category 'tensor arena' uses 16384 B, budget 8192 B (over by 8192 B)" in joined
    assert "symbol imu_ringbuf uses 2048 B" in joined
    assert "heap: allocator linked in" in joined and "malloc" in joined
    assert "model weights" not in joined and "total flash" not in joined and "CCM" not in joined
    assert len(lines) == 5

    code, out, _ = run([str(built["full"].elf), "--budget", str(budget), "--json"], capsys)
    data = json.loads(out)
    assert code == 2 and data["budget"]["ok"] is False
    assert len(data["budget"]["breaches"]) == 3  # no heap in this image


def test_tier_budgets_pass_the_selftest_image(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    elf = repo / "build" / "m4f" / "tinyml_selftest.elf"
    for tier in ("tier-128k-256k", "tier-512k-1m"):
        code, out, _ = run([str(elf), "--budget", tier], capsys)
        assert code == 0, out
        assert f"within {tier}" in out
    tier_file = repo / "scripts/west_commands/tinyml_tools/memreport/budgets/tier-128k-256k.yaml"
    assert tier_file.is_file()


def test_tier_budget_catches_a_heap(
    built: dict[str, images.Image], capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run([str(built["heap"].elf), "--budget", "tier-128k-256k"], capsys)
    assert code == 2 and "heap" in err


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("totals: {flash: lots}", "is not a size"),
        ("totals: {rom: 1K}", "unknown total"),
        ("symbols: [{pattern: '('}]", "needs 'max'"),
        ("heap: maybe", "heap must be"),
        ("budgets: {}", "unknown key"),
        ("[1, 2", "not valid YAML"),
        ("regions: {SRAM9: 1K}", "no such region (have FLASH, RAM, CCM)"),
        ("categories: {tensor arenas: 1K}", "'tensor arenas': no such category"),
    ],
)
def test_bad_budget_files(
    built: dict[str, images.Image],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    text: str,
    problem: str,
) -> None:
    budget = tmp_path / "b.yaml"
    budget.write_text(text)
    code, out, err = run([str(built["full"].elf), "--budget", str(budget)], capsys)
    assert code == 1 and out == ""
    assert problem in err and str(budget) in err and len(err.splitlines()) == 1


def test_diff(built: dict[str, images.Image], capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["diff", str(built["full"].elf), str(built["big"].elf), "--json"], capsys)
    assert code == 0
    data = json.loads(out)
    assert data["totals"]["ram"]["delta"] == 8192
    assert data["totals"]["flash"]["delta"] == 0
    assert data["categories"]["tensor arena"] == {"old": 16384, "new": 24576, "delta": 8192}
    ram = next(r for r in data["regions"] if r["name"] == "RAM")
    assert ram["delta"] == 8192
    assert data["symbols"][0]["name"] == "tensor_arena" and data["symbols"][0]["delta"] == 8192
    code, out, _ = run(
        ["diff", str(built["full"].elf), str(built["big"].elf), "--markdown"], capsys
    )
    assert code == 0 and "| tensor arena | 16384 | 24576 | +8192 |" in out


def test_usage_errors(built: dict[str, images.Image], capsys: pytest.CaptureFixture[str]) -> None:
    elf = str(built["full"].elf)
    assert run(["diff", elf], capsys)[0] == EXIT_USAGE  # a code of its own, not a gate's 2
    assert run([elf, elf], capsys)[0] == EXIT_USAGE
    with pytest.raises(SystemExit) as exc:
        cli.main(["memreport", elf, "--json", "--markdown"])
    assert exc.value.code == EXIT_USAGE


def test_markdown_html_png(
    built: dict[str, images.Image], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    html, png = tmp_path / "m.html", tmp_path / "m.png"
    code, out, _ = run(
        [str(built["full"].elf), "--markdown", "--html", str(html), "--png", str(png)], capsys
    )
    assert code == 0
    assert "| region | origin | size | used | free | use |" in out
    assert "| RAM | 0x20000000 | 65536 | " in out
    assert "| tensor arena | 0 | 16384 |" in out
    page = html.read_text()
    assert page.startswith("<!DOCTYPE html>") and "<svg" in page and "tensor_arena" in page
    assert "src=" not in page and "<link" not in page  # self-contained
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_failed_run_leaves_no_output_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.elf"
    bad.write_text("not an elf")
    html = tmp_path / "out.html"
    code, _, err = run([str(bad), "--html", str(html)], capsys)
    assert code == 1 and "not an ELF file" in err and not html.exists()
    assert list(tmp_path.iterdir()) == [bad]


def _zephyr_build(
    root: Path, image: images.Image, *, with_map: bool, linker: bool, dts: bool
) -> Path:
    zephyr = root / "zephyr"
    zephyr.mkdir(parents=True)
    shutil.copy(image.elf, zephyr / "zephyr.elf")
    if with_map and image.map:
        shutil.copy(image.map, zephyr / "zephyr.map")
    if linker:
        (zephyr / "linker.cmd").write_text(
            "MEMORY\n{\n FLASH (rx) : ORIGIN = (0x08000000 + 0x0), LENGTH = (256*1K - 0x0)\n"
            " RAM (wx) : ORIGIN = 0x20000000, LENGTH = 64K\n"
            " IDT_LIST (wx) : ORIGIN = 0xFFFF7FFF, LENGTH = 32K\n}\n"
        )
    if dts:
        (zephyr / "zephyr.dts").write_text(
            "/ {\n chosen {\n  zephyr,sram = &sram0;\n  zephyr,flash = &flash0;\n };\n"
            " sram0: memory@20000000 {\n  reg = < 0x20000000 0x10000 >;\n };\n"
            " flash0: flash@8000000 {\n  reg = < 0x8000000 0x40000 >;\n"
            '  partitions {\n   compatible = "fixed-partitions";\n'
            '   boot_partition: partition@0 {\n    label = "mcuboot";\n'
            "    reg = < 0x0 0xc000 >;\n   };\n"
            '   model_partition: partition@30000 {\n    label = "model-a";\n'
            "    reg = < 0x30000 0x10000 >;\n   };\n  };\n };\n};\n"
        )
    return root


@pytest.mark.parametrize(
    ("layout", "source"),
    [
        ({"with_map": True, "linker": True, "dts": True}, "map file"),
        ({"with_map": False, "linker": True, "dts": True}, "linker script"),
        ({"with_map": False, "linker": False, "dts": True}, "devicetree"),
    ],
)
def test_zephyr_build_folder(
    built: dict[str, images.Image],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    layout: dict[str, bool],
    source: str,
) -> None:
    folder = _zephyr_build(tmp_path / "build", built["full"], **layout)
    code, out, _ = run([str(folder), "--json"], capsys)
    assert code == 0
    regions = {r["name"]: r for r in json.loads(out)["regions"]}
    assert regions["RAM"]["source"] == source
    assert regions["RAM"]["size"] == 64 * 1024 and regions["FLASH"]["size"] == 256 * 1024
    assert regions["RAM"]["extent"] == built["full"].ld_usage["RAM"]
    assert json.loads(out)["partitions"] == [
        {"label": "mcuboot", "offset": 0, "size": 0xC000, "model": False},
        {"label": "model-a", "offset": 0x30000, "size": 0x10000, "model": True},
    ]


def test_sysbuild_folder(
    built: dict[str, images.Image], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tmp_path / "build"
    _zephyr_build(root / "app", built["big"], with_map=True, linker=False, dts=False)
    _zephyr_build(root / "mcuboot", built["full"], with_map=True, linker=False, dts=False)
    (root / "domains.yaml").write_text(
        f"default: app\nbuild_dir: {root}\ndomains:\n"
        "  - name: mcuboot\n    build_dir: /gone/mcuboot\n"
        f"  - name: app\n    build_dir: {root}/app\n"
        "flash_order: [mcuboot, app]\n"
    )
    code, out, _ = run([str(root), "--json"], capsys)
    data = json.loads(out)
    assert code == 0 and data["image"] == "app"
    assert set(data["images"]) == {"app", "mcuboot"}
    assert data["categories"]["tensor arena"] == 24576
    assert data["images"]["mcuboot"]["categories"]["tensor arena"] == 16384
    budget = tmp_path / "b.yaml"
    budget.write_text("totals: {ram: 1M}\nimages:\n  mcuboot: {categories: {tensor arena: 1K}}\n")
    code, _, err = run([str(root), "--budget", str(budget)], capsys)
    assert code == 2 and "mcuboot: category 'tensor arena'" in err


def test_west_memreport_json(repo: Path) -> None:
    west = Path(sys.executable).parent / "west"
    elf = repo / "build" / "m4f" / "tinyml_selftest.elf"
    proc = subprocess.run(
        [str(west), "memreport", str(elf), "--json"],
        cwd=repo,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["totals"]["flash"] > 0
    proc = subprocess.run(
        [str(west), "memreport", str(repo / "README.md")],
        cwd=repo,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 1 and "not an ELF file" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_map_parser_reads_wrapped_lines_and_fill(tmp_path: Path) -> None:
    path = tmp_path / "x.map"
    path.write_text(
        "Memory Configuration\n\n"
        "Name             Origin             Length             Attributes\n"
        "FLASH            0x00000000         0x00100000         xr\n"
        "*default*        0x00000000         0xffffffff\n\nLinker script and memory map\n\n"
        ".text           0x00000000      0x20\n *(.text*)\n"
        " .text.a_very_long_function_name_that_wraps\n"
        "                0x00000000       0x10 lib/libfoo.a(foo.c.obj)\n"
        "                0x00000000                a_very_long_function_name_that_wraps\n"
        " *fill*         0x00000010        0x4 \n"
        " .text.b        0x00000014        0xc CMakeFiles/app.dir/src/b.c.obj\n"
        ".debug_info     0x00000000      0x99\n"
        " .debug_info    0x00000000      0x99 CMakeFiles/app.dir/src/b.c.obj\n"
    )
    parsed = parse_map(path)
    assert [(r.name, r.length) for r in parsed.regions] == [("FLASH", 0x100000)]
    text = [p for p in parsed.pieces if p.out_section == ".text"]
    assert [(p.section, p.addr, p.size, p.obj) for p in text] == [
        (".text.a_very_long_function_name_that_wraps", 0, 16, "lib/libfoo.a(foo.c.obj)"),
        ("*fill*", 16, 4, ""),
        (".text.b", 20, 12, "CMakeFiles/app.dir/src/b.c.obj"),
    ]


@pytest.mark.parametrize(
    ("line", "origin", "length"),
    [
        ("FLASH (rx) : ORIGIN = 0x0, LENGTH = 0x100000", 0, 1 << 20),
        ("FLASH (rx) : ORIGIN = (0x0 + 0x0), LENGTH = (1024*1K - 0x0)", 0, 1 << 20),
        ("SRAM (wx) : ORIGIN = 0x20000000, LENGTH = (256 * 1K)", 0x20000000, 256 << 10),
        ("ROM (rx) : ORIGIN = ((268435456) + 0x0), LENGTH = ((2097152) - 0x0)", 1 << 28, 2 << 20),
        ("RAM (rwx) : ORIGIN = 0x20000000, LENGTH = ((520) << 10)", 0x20000000, 520 << 10),
        ("IDT_LIST (wx) : ORIGIN = (0x20000000 + (64 * 1K)), LENGTH = 2K", 0x20010000, 2048),
    ],
)
def test_zephyr_linker_cmd_memory_lines(line: str, origin: int, length: int) -> None:
    unexpanded = "MEMORY\n{\n NC (wx) : ORIGIN = CONFIG_X, LENGTH = 4\n}\n"
    text = f"{unexpanded}MEMORY\n    {{\n    {line}\n    }}\n"
    specs = specs_from_linker_script(text)
    assert [(s.origin, s.size) for s in specs] == [(origin, length)]


def test_region_sources_parse() -> None:
    specs = specs_from_linker_script(
        "MEMORY { SRAM (rwx) : ORIGIN = 0x20000000 + 4K, LENGTH = (2 * 64K) - 4K }"
    )
    assert [(s.name, s.origin, s.size) for s in specs] == [("SRAM", 0x20001000, 124 * 1024)]
    assert specs_from_devicetree("no chosen here") == []


@pytest.mark.parametrize(
    ("text", "value"),
    [("4096", 4096), ("96K", 98304), ("1M", 1 << 20), ("0x400", 1024), (512, 512), ("1.5K", 1536)],
)
def test_parse_size(text: object, value: int) -> None:
    assert parse_size(text) == value


@pytest.mark.parametrize("text", ["lots", "-1", "1.3", "5Q", True])
def test_parse_size_rejects(text: object) -> None:
    with pytest.raises(ValueError):
        parse_size(text)


def test_tables_and_tree_for_people(
    built: dict[str, images.Image], capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run([str(built["heap"].elf), "--tree", "--top", "3"], capsys)
    assert code == 0
    for text in ("Regions", "ML categories", "Top 3 symbols", "Modules", "tensor_arena"):
        assert text in out
    assert "allocator linked in: _malloc_r, _sbrk" in out
    tree = out[out.index("heap:") :]
    assert "RAM" in tree and ".bss" in tree and "ml_image.o" in tree
    assert "tensor_arena 16384 B (25.0%) tensor arena" in tree  # of the 64 KiB RAM region


def test_a_stale_map_is_not_trusted(
    built: dict[str, images.Image], capsys: pytest.CaptureFixture[str]
) -> None:
    stale = built["big"].map
    assert stale is not None
    code, out, _ = run([str(built["full"].elf), "--map", str(stale), "--json"], capsys)
    data = json.loads(out)
    assert code == 0
    assert any("does not match the ELF" in w for w in data["warnings"])
    assert data["attribution"] == "dwarf"  # files come from DWARF instead
    assert sum(data["categories"].values()) == data["totals"]["flash"] + data["totals"]["ram"]
