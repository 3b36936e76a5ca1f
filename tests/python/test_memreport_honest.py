"""memreport items of issue 15: stripped ELFs, real GNU ld maps with merged strings, the HTML,
PNG and tree views, and the files they are written to.

The images are real arm-none-eabi-gcc links made here: a bare-metal program with a linker
script (FLASH and RAM regions), and a newlib program whose map lists merged string sections
(``.rodata.str1.4``) at their size before merging.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import pytest
from rich.console import Console

from tinyml_tools import cli
from tinyml_tools.memreport.load import load_reports
from tinyml_tools.memreport.render_text import build_tree
from tinyml_tools.memreport.render_visual import category_colors, png_figure
from tinyml_tools.memreport.rules import category_names, load_rules

GCC = ["arm-none-eabi-gcc", "-mcpu=cortex-m4", "-mthumb", "-Os"]

LINKER_SCRIPT = """\
MEMORY { FLASH (rx) : ORIGIN = 0x0, LENGTH = 64K
         RAM (rwx) : ORIGIN = 0x20000000, LENGTH = 16K }
SECTIONS {
  .text : { KEEP(*(.vectors)) *(.text*) *(.rodata*) } > FLASH
  .data : { *(.data*) } > RAM AT > FLASH
  .bss : { *(.bss*) *(COMMON) } > RAM
}
"""

BARE = """\
const char *name_a(int i) { return i ? "alpha string number one" : "beta string number two"; }
int counter = 3;
int table[64] = {1, 2, 3};
static char buffer[1024];
void _start(void) { for (;;) { buffer[counter++ & 1023] = *name_a(table[counter & 63]); } }
"""
DUPLICATES = """\
const char *name_b(int i) { return i ? "alpha string number one" : "beta string number two"; }
"""
NEWLIB = """\
#include <stdio.h>
#include <stdlib.h>
#include <assert.h>
int main(void) { char *p = malloc(16); assert(p); printf("%s %d\\n", p, 3); return 0; }
"""


def _link(folder: Path, name: str, sources: dict[str, str], flags: list[str]) -> Path:
    """Compile each source to ``<file>.o`` (as CMake names objects) and link them with a map."""
    objects = []
    for file, code in sources.items():
        (folder / file).write_text(code)
        objects.append(str(folder / f"{file}.o"))
        subprocess.run([*GCC, "-c", str(folder / file), "-o", objects[-1]], check=True)
    elf = folder / f"{name}.elf"
    subprocess.run(
        [*GCC, *flags, f"-Wl,-Map={folder / f'{name}.map'}", "-o", str(elf), *objects], check=True
    )
    return elf


@pytest.fixture(scope="module")
def images(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("mr")
    (folder / "fw.ld").write_text(LINKER_SCRIPT)
    bare = _link(folder, "bare", {"a.c": BARE, "b.c": DUPLICATES},
                 ["-nostdlib", f"-T{folder / 'fw.ld'}", "-Wl,--undefined=name_b"])  # fmt: skip
    newlib = _link(folder, "newlib", {"n.c": NEWLIB}, ["--specs=nosys.specs"])
    stripped = folder / "stripped.elf"
    subprocess.run(["arm-none-eabi-strip", "-o", str(stripped), str(newlib)], check=True)
    return {"bare": bare, "newlib": newlib, "stripped": stripped, "folder": folder}


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = cli.main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


# ---------------------------------------------------------------- real maps, merged strings


def test_map_with_merged_string_sections_past_the_section_end_is_accepted(
    images: dict[str, Path],
) -> None:
    bare = images["bare"]
    text = bare.with_suffix(".map").read_text()
    # the situation of the issue: the second object's strings were all merged away, yet the
    # map lists its .rodata.str1.1 at full size, ending past the output section
    assert text.count(".rodata.str1.1") == 2
    report = load_reports(bare)[0]
    assert report.attribution == "map"
    assert not any("does not match" in w for w in report.warnings)
    for section in report.image.sections:
        pieces = [p for p in report.pieces if p.section is section]
        assert sum(p.size for p in pieces) == section.size  # nothing counted twice or lost
    strings = [p for p in report.pieces if ".rodata.str1.1" in p.name]
    assert [p.file for p in strings] == ["a.c"]  # b.c's duplicates kept no byte


def test_newlib_map_with_merged_strings_is_accepted(images: dict[str, Path]) -> None:
    report = load_reports(images["newlib"])[0]
    assert report.attribution == "map"
    assert not any("does not match" in w for w in report.warnings)
    files = {p.file for p in report.pieces if p.section.name == ".rodata"}
    assert {"lib_a-vfprintf.o", "lib_a-assert.o"} & files


def test_a_stale_map_is_still_refused_for_files(images: dict[str, Path]) -> None:
    text = images["bare"].with_suffix(".map").read_text()
    line = re.search(r"^ \.text\s+0x0+\s+0x[0-9a-f]+ .*a\.c\.o$", text, re.M)
    assert line is not None
    moved = line.group(0).replace("0x00000000", "0x00000400", 1)  # outside .text now
    stale = images["folder"] / "stale.map"
    stale.write_text(text.replace(line.group(0), moved))
    report = load_reports(images["bare"], map_file=stale)[0]
    assert any("does not match the ELF" in w for w in report.warnings)
    assert report.attribution != "map"


# ---------------------------------------------------------------- stripped ELF


def test_stripped_elf_says_what_it_cannot_know(
    images: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    stripped = images["stripped"]
    code, out, _ = run(capsys, "memreport", str(stripped), "--json")
    data = json.loads(out)
    assert code == 0 and data["heap"]["known"] is False
    assert any("no symbol table (stripped ELF)" in w for w in data["warnings"])
    assert data["categories"]["padding"] == 0  # bytes are attributed by section, not padding
    assert data["categories"][".text (no symbols)"] > 0
    assert sum(data["categories"].values()) == data["totals"]["flash"] + data["totals"]["ram"]
    code, out, _ = run(capsys, "memreport", str(stripped))
    assert "heap: unknown: no symbol table" in out and "no allocator linked in" not in out
    # the unstripped image does link malloc: the stripped one must not pass a heap ban
    unstripped = json.loads(run(capsys, "memreport", str(images["newlib"]), "--json")[1])
    assert "malloc" in {a["name"] for a in unstripped["heap"]["allocators"]}


def test_heap_forbid_fails_when_it_cannot_be_checked(
    images: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    budget = images["folder"] / "forbid.yaml"
    budget.write_text("heap: forbid\n")
    code, _, err = run(capsys, "memreport", str(images["stripped"]), "--budget", str(budget))
    assert code == 2
    assert "'heap: forbid' cannot be checked: no symbol table (stripped ELF)" in err
    code, _, err = run(capsys, "memreport", str(images["newlib"]), "--budget", str(budget))
    assert code == 2 and "allocator linked in (" in err and "malloc" in err
    code, _, _ = run(capsys, "memreport", str(images["bare"]), "--budget", str(budget))
    assert code == 0  # symbols, and no allocator: the ban holds


# ---------------------------------------------------------------- views


def test_tree_puts_data_under_ram_too_with_percentages(images: dict[str, Path]) -> None:
    report = load_reports(images["bare"])[0]
    console = Console(record=True, width=200)
    console.print(build_tree(report, 20))
    lines = console.export_text().splitlines()
    ram = next(i for i, line in enumerate(lines) if line.lstrip("│├└─ ").startswith("RAM "))
    flash = next(i for i, line in enumerate(lines) if line.lstrip("│├└─ ").startswith("FLASH "))
    ram_block = lines[ram : flash if flash > ram else len(lines)]
    flash_block = lines[flash : ram if ram > flash else len(lines)]
    assert any(".data " in line for line in ram_block), "the RAM node must hold .data"
    assert any(".data " in line for line in flash_block), "and FLASH its initial values"
    used = next(r for r in report.regions if r.spec.name == "RAM")
    assert f"RAM {used.used} B ({100 * used.used / (16 * 1024):.1f}%)" in lines[ram]
    assert all("%)" in line for line in lines[1:] if line.strip())


def test_categories_show_percentages(
    images: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "memreport", str(images["bare"]))
    assert code == 0 and "flash %" in out and "RAM %" in out and "100%" in out


def test_every_category_has_its_own_colour() -> None:
    names = category_names(load_rules())
    colors = category_colors(names + [f"extra {i}" for i in range(40)])
    assert len(set(colors.values())) == len(colors)
    assert colors["feature scratch"] != colors["other"]


def test_png_shows_the_region_limits(images: dict[str, Path]) -> None:
    report = load_reports(images["bare"])[0]
    fig = png_figure(report)
    regions = fig.axes[1]
    limits = sorted({line.get_xdata()[0] for line in regions.get_lines()})
    assert limits == [16.0, 64.0]  # RAM 16K and FLASH 64K, in KiB
    labels = {t.get_text().strip() for t in regions.texts}
    assert {"16 KiB", "64 KiB"} <= labels


def test_html_shows_the_budget(images: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    folder = images["folder"]
    tight = folder / "tight.yaml"
    tight.write_text("regions: {RAM: 100}\n")
    page = folder / "tight.html"
    code, _, _ = run(capsys, "memreport", str(images["bare"]), "--budget", str(tight),
                       "--html", str(page))  # fmt: skip
    html = page.read_text()
    assert code == 2 and "Budget tight.yaml" in html and "OVER" in html
    assert "budget exceeded: region RAM uses" in html
    loose = folder / "loose.yaml"
    loose.write_text("regions: {RAM: 16K}\n")
    code, _, _ = run(capsys, "memreport", str(images["bare"]), "--budget", str(loose),
                     "--html", str(page))  # fmt: skip
    assert code == 0 and "within loose.yaml" in page.read_text()


@pytest.mark.parametrize("umask, mode", [(0o022, 0o644), (0o027, 0o640)])
def test_html_and_png_get_the_permissions_of_any_new_file(
    images: dict[str, Path], umask: int, mode: int, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = images["folder"]
    html, png = folder / f"m{umask:o}.html", folder / f"m{umask:o}.png"
    saved = os.umask(umask)
    try:
        code, _, _ = run(capsys, "memreport", str(images["bare"]), "--html", str(html),
                         "--png", str(png))  # fmt: skip
    finally:
        os.umask(saved)
    assert code == 0
    assert html.stat().st_mode & 0o777 == mode and png.stat().st_mode & 0o777 == mode
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
