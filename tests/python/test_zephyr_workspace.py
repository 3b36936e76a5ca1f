"""Checks of the Zephyr workspace that run without a Zephyr tree (`make zephyr-checks`).

The Zephyr tree cannot be downloaded on these machines, so the application and the port are
never built here. What can be checked is checked: the west manifest with west's own validator,
every Kconfig file with kconfiglib against stub parents, module.yml and the Twister test
definitions against schemas, every devicetree overlay with cpp + dtc against a stub of its
board, and the partition layouts against the boards' real flash geometry.
"""

from __future__ import annotations

import itertools
import json
import logging
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import kconfiglib
import pytest
import west.manifest
import yaml
from pykwalify.core import Core

from conftest import REPO

SCHEMAS = Path(__file__).resolve().parent / "zephyr_schemas"
MODULE_KCONFIG = REPO / "modules" / "tinyml" / "Kconfig"
APP_KCONFIG = REPO / "app" / "Kconfig"
PINNED_ZEPHYR = "v4.1.0"

# ---------------------------------------------------------------- west manifest


def test_manifest_passes_west_validator() -> None:
    data = yaml.safe_load((REPO / "west.yml").read_text())
    west.manifest.validate(data)  # raises with the reason on an invalid manifest


def test_manifest_pins_zephyr_and_opts_in_to_tflm() -> None:
    manifest = yaml.safe_load((REPO / "west.yml").read_text())["manifest"]
    zephyr = next(p for p in manifest["projects"] if p["name"] == "zephyr")
    assert zephyr["revision"] == PINNED_ZEPHYR
    allow = zephyr["import"]["name-allowlist"]
    for module in ("tflite-micro", "cmsis-nn", "mcuboot", "hal_nordic", "hal_stm32"):
        assert module in allow, module
    assert "+optional" in manifest["group-filter"]  # tflite-micro is in the optional group
    assert (REPO / manifest["self"]["west-commands"]).is_file()


def test_invalid_manifest_is_refused() -> None:
    data = yaml.safe_load((REPO / "west.yml").read_text())
    data["manifest"]["projects"][0]["revision"] = ["not", "a", "string"]
    with pytest.raises(west.manifest.MalformedManifest):
        west.manifest.validate(data)


# ---------------------------------------------------------------- Kconfig

# Zephyr symbols our Kconfig files and fragments refer to, declared in the stub parent.
ZEPHYR_BOOLS = [
    "TENSORFLOW_LITE_MICRO",
    "CPP",
    "FLASH_MAP",
    "SETTINGS",
    "MBEDTLS_PSA_CRYPTO_CLIENT",
    "TOOLCHAIN_SUPPORTS_THREAD_LOCAL_STORAGE",
    "REBOOT",
    "SENSOR",
    "SHELL",
    "TASK_WDT",
    "BOOTLOADER_MCUBOOT",
    "AUDIO_DMIC",
    "SOC_FAMILY_ESPRESSIF_ESP32",
    "LOG",
]

STUB_LOG_TEMPLATE = """\
# Stub of Zephyr's subsys/logging/Kconfig.template.log_config: the same symbols, our words.
choice "$(module)_LOG_LEVEL_CHOICE"
	prompt "Max compiled-in log level for $(module-str)"
	default $(module)_LOG_LEVEL_DEFAULT
config $(module)_LOG_LEVEL_OFF
	bool "Off"
config $(module)_LOG_LEVEL_ERR
	bool "Error"
config $(module)_LOG_LEVEL_WRN
	bool "Warning"
config $(module)_LOG_LEVEL_INF
	bool "Info"
config $(module)_LOG_LEVEL_DBG
	bool "Debug"
config $(module)_LOG_LEVEL_DEFAULT
	bool "Default"
endchoice
config $(module)_LOG_LEVEL
	int
	default 0 if $(module)_LOG_LEVEL_OFF
	default 1 if $(module)_LOG_LEVEL_ERR
	default 2 if $(module)_LOG_LEVEL_WRN
	default 4 if $(module)_LOG_LEVEL_DBG
	default 3
"""

STUB_KCONFIG_FUNCTIONS = """\
# Stub of Zephyr's devicetree Kconfig functions: no devicetree here, so no alias is enabled.
def dt_alias_enabled(kconf, _, alias):
    return "n"

functions = {"dt_alias_enabled": (dt_alias_enabled, 1, 1)}
"""


@pytest.fixture(scope="module")
def kconfig_srctree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tree = tmp_path_factory.mktemp("zephyr-stub")
    (tree / "subsys" / "logging").mkdir(parents=True)
    (tree / "subsys" / "logging" / "Kconfig.template.log_config").write_text(STUB_LOG_TEMPLATE)
    symbols = "".join(f'config {name}\n\tbool "{name}"\n' for name in ZEPHYR_BOOLS)
    (tree / "Kconfig.zephyr").write_text(
        "# Stub of Zephyr's Kconfig.zephyr: the symbols we use, then our module.\n"
        + symbols
        + f'menu "tinyml"\nsource "{MODULE_KCONFIG}"\nendmenu\n'
    )
    (tree / "kconfigfunctions.py").write_text(STUB_KCONFIG_FUNCTIONS)
    return tree


def load_kconfig(srctree: Path, top: Path, monkeypatch: pytest.MonkeyPatch) -> kconfiglib.Kconfig:
    monkeypatch.setenv("srctree", str(srctree))
    monkeypatch.syspath_prepend(str(srctree))
    monkeypatch.delitem(__import__("sys").modules, "kconfigfunctions", raising=False)
    kconf = kconfiglib.Kconfig(str(top), warn_to_stderr=False)
    kconf.warn_assign_undef = True  # as Zephyr's build does: a misspelt option is an error
    return kconf


@pytest.mark.parametrize(
    "top", [APP_KCONFIG, REPO / "tests" / "zephyr" / "app" / "Kconfig"], ids=lambda p: p.parent.name
)
def test_kconfig_parses_without_warnings(
    kconfig_srctree: Path, top: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    kconf = load_kconfig(kconfig_srctree, top, monkeypatch)
    assert kconf.warnings == []
    assert "TINYML" in kconf.syms and "TINYML_APP_SHELL" in kconf.syms


def test_module_kconfig_alone_parses(
    kconfig_srctree: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    top = tmp_path / "Kconfig"
    top.write_text('source "Kconfig.zephyr"\n')
    kconf = load_kconfig(kconfig_srctree, top, monkeypatch)
    assert kconf.warnings == []
    names = {s for s in kconf.syms if s.startswith("TINYML")}
    for option in (
        "TINYML_ARENA_SIZE",
        "TINYML_RING_BLOCKS",
        "TINYML_PIPELINE_FILE",
        "TINYML_BACKEND_TFLM",
        "TINYML_LOG_LEVEL",
        "TINYML_MODEL_XIP",
    ):
        assert option in names, option


def test_kconfig_defaults_follow_dependencies(
    kconfig_srctree: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    kconf = load_kconfig(kconfig_srctree, APP_KCONFIG, monkeypatch)
    kconf.syms["TINYML"].set_value(2)
    assert kconf.syms["TINYML_BACKEND_NONE"].tri_value == 2  # no TFLM module: no TFLM backend
    for dep in ("TENSORFLOW_LITE_MICRO", "CPP"):
        kconf.syms[dep].set_value(2)
    assert kconf.syms["TINYML_BACKEND_TFLM"].tri_value == 2
    assert kconf.syms["TINYML_ARENA_SIZE"].str_value == "32768"
    assert kconf.syms["TINYML_MODEL_XIP"].tri_value == 2
    kconf.syms["SOC_FAMILY_ESPRESSIF_ESP32"].set_value(2)
    assert kconf.syms["TINYML_MODEL_XIP"].tri_value == 0  # ESP32-S3 flash is not a flat window
    assert kconf.syms["TINYML_APP_CAPTURE_CANNED"].tri_value == 2  # no tinyml-accel alias


def conf_fragments() -> list[Path]:
    found = [REPO / "app" / "prj.conf", *sorted((REPO / "zephyr-config").glob("*.conf"))]
    found += sorted((REPO / "app" / "boards").glob("*.conf"))
    found += sorted((REPO / "tests" / "zephyr").glob("*/prj.conf"))
    return found


@pytest.mark.parametrize("fragment", conf_fragments(), ids=lambda p: str(p.relative_to(REPO)))
def test_fragment_sets_only_valid_tinyml_options(
    kconfig_srctree: Path, fragment: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every CONFIG_TINYML_* a fragment sets exists and takes the value (Zephyr's own symbols
    are not in the stub tree, so warnings about them are not ours to judge)."""
    kconf = load_kconfig(kconfig_srctree, APP_KCONFIG, monkeypatch)
    for dep in ZEPHYR_BOOLS:
        if dep not in ("SOC_FAMILY_ESPRESSIF_ESP32", "BOOTLOADER_MCUBOOT"):
            kconf.syms[dep].set_value(2)
    if fragment.parent.name in ("zephyr-config", "boards"):
        kconf.load_config(str(REPO / "app" / "prj.conf"), replace=False)  # applied on top of it
    kconf.load_config(str(fragment), replace=False)
    ours = [w for w in kconf.warnings if "TINYML" in w]
    assert ours == []
    for line in fragment.read_text().splitlines():
        match = re.match(r"CONFIG_(TINYML\w*)=(.*)$", line.strip())
        if match:
            name, value = match.groups()
            sym = kconf.syms[name]
            shown = {"y": 2, "n": 0}.get(value)
            assert (sym.tri_value == shown) if shown is not None else sym.str_value == value


def test_sources_use_only_defined_tinyml_options(
    kconfig_srctree: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A CONFIG_TINYML_* in the port, the application or their CMake that Kconfig does not
    define would silently be 0 in C; none may exist."""
    kconf = load_kconfig(kconfig_srctree, APP_KCONFIG, monkeypatch)
    sources = [
        *(REPO / "modules" / "tinyml" / "zephyr").rglob("*.[ch]*"),
        *(REPO / "app" / "src").glob("*.[ch]"),
        *(REPO / "tests" / "zephyr").rglob("*.c"),
        REPO / "app" / "CMakeLists.txt",
        REPO / "modules" / "tinyml" / "CMakeLists.txt",
    ]
    used = {
        (name, source.relative_to(REPO))
        for source in sources
        for name in re.findall(r"CONFIG_(TINYML\w*)", source.read_text())
    }
    assert len(used) > 20
    assert [(name, str(where)) for name, where in sorted(used) if name not in kconf.syms] == []


def test_bad_fragment_is_caught(
    kconfig_srctree: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.conf"
    bad.write_text("CONFIG_TINYML=y\nCONFIG_TINYML_ARENA_SIZ=4096\n")
    kconf = load_kconfig(kconfig_srctree, APP_KCONFIG, monkeypatch)
    kconf.load_config(str(bad), replace=False)
    assert any("TINYML_ARENA_SIZ" in w for w in kconf.warnings)


STUB_SYSBUILD_KCONFIG = """\
# Stub of the sysbuild bootloader options we set (names as in Zephyr's
# share/sysbuild/images/bootloader/Kconfig), so a misspelt one in sysbuild.conf is caught.
config BOOTLOADER_MCUBOOT
	bool "MCUboot"
choice MCUBOOT_MODE
	prompt "Mode"
	depends on BOOTLOADER_MCUBOOT
config MCUBOOT_MODE_SWAP_USING_MOVE
	bool "Swap using move"
config MCUBOOT_MODE_SWAP_USING_OFFSET
	bool "Swap using offset"
config MCUBOOT_MODE_OVERWRITE_ONLY
	bool "Overwrite"
endchoice
choice BOOT_SIGNATURE_TYPE
	prompt "Signature"
	depends on BOOTLOADER_MCUBOOT
config BOOT_SIGNATURE_TYPE_RSA
	bool "RSA"
config BOOT_SIGNATURE_TYPE_ECDSA_P256
	bool "ECDSA P-256"
config BOOT_SIGNATURE_TYPE_ED25519
	bool "ed25519"
endchoice
config BOOT_SIGNATURE_KEY_FILE
	string "Key"
	depends on BOOTLOADER_MCUBOOT
"""


def test_sysbuild_conf_selects_mcuboot_and_a_real_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    stub = tmp_path / "Kconfig.sysbuild"
    stub.write_text(STUB_SYSBUILD_KCONFIG)
    monkeypatch.setenv("CONFIG_", "SB_CONFIG_")  # kconfiglib reads the prefix from here
    kconf = kconfiglib.Kconfig(str(stub), warn_to_stderr=False)
    kconf.warn_assign_undef = True
    conf = REPO / "app" / "sysbuild.conf"
    kconf.load_config(str(conf))
    assert kconf.warnings == []
    assert kconf.syms["BOOTLOADER_MCUBOOT"].tri_value == 2
    assert kconf.syms["MCUBOOT_MODE_SWAP_USING_MOVE"].tri_value == 2
    assert kconf.syms["BOOT_SIGNATURE_TYPE_ECDSA_P256"].tri_value == 2
    key = kconf.syms["BOOT_SIGNATURE_KEY_FILE"].str_value.replace("${APP_DIR}", str(REPO / "app"))
    assert Path(key).is_file(), key
    assert (
        "BEGIN EC PRIVATE KEY" in Path(key).read_text()
        or "BEGIN PRIVATE KEY" in Path(key).read_text()
    )


# ---------------------------------------------------------------- schemas


def validate(data_file: Path, schema: Path) -> list[str]:
    logging.getLogger("pykwalify").setLevel(logging.CRITICAL)  # it logs errors on its own
    core = Core(source_file=str(data_file), schema_files=[str(schema)])
    core.validate(raise_exception=False)
    return list(core.validation_errors or [])


MODULE_FILES = [
    REPO / "zephyr" / "module.yml",
    REPO / "modules" / "tinyml" / "zephyr" / "module.yml",
]


@pytest.mark.parametrize("module_yml", MODULE_FILES, ids=lambda p: str(p.relative_to(REPO)))
def test_module_yml_valid_and_points_at_real_files(module_yml: Path) -> None:
    assert validate(module_yml, SCHEMAS / "module.yaml") == []
    data = yaml.safe_load(module_yml.read_text())
    # Zephyr resolves module.yml paths from the module root: the folder holding zephyr/.
    root = module_yml.parent.parent
    assert (root / data["build"]["cmake"] / "CMakeLists.txt").is_file()
    assert (root / data["build"]["kconfig"]).is_file()
    for key in ("board_root", "dts_root"):
        if key in data["build"].get("settings", {}):
            assert (root / data["build"]["settings"][key]).is_dir()


def twister_files() -> list[Path]:
    return sorted(
        [*(REPO / "tests" / "zephyr").glob("*/testcase.yaml"), REPO / "app" / "sample.yaml"]
    )


@pytest.mark.parametrize("definition", twister_files(), ids=lambda p: str(p.relative_to(REPO)))
def test_twister_definition_valid(definition: Path) -> None:
    assert validate(definition, SCHEMAS / "twister.yaml") == []
    folder = definition.parent
    assert (folder / "CMakeLists.txt").is_file() and (folder / "prj.conf").is_file()


def test_twister_files_named_for_pinned_release() -> None:
    # Twister of v4.1.0 reads testcase.yaml / sample.yaml; tests.yaml came after it.
    assert not list(REPO.glob("tests/zephyr/**/tests.yaml"))
    assert not (REPO / "app" / "tests.yaml").exists()
    assert len(twister_files()) >= 3


def test_twister_scenario_names_unique_and_platforms_known() -> None:
    known = {
        "native_sim",
        "mps2/an386",
        "nrf52840dk/nrf52840",
        "nucleo_u575zi_q/stm32u575xx",
        "esp32s3_devkitc/esp32s3/procpu",
    }
    names: list[str] = []
    covered: set[str] = set()
    for definition in twister_files():
        data = yaml.safe_load(definition.read_text())
        common = data.get("common", {})
        for name, scenario in data["tests"].items():
            names.append(name)
            allowed = (scenario or {}).get("platform_allow", common.get("platform_allow", []))
            # Twister of v4.1 wants a YAML list (a space-separated string is refused there).
            assert isinstance(allowed, list), (name, allowed)
            platforms = set(allowed)
            assert platforms <= known, (name, platforms - known)
            covered |= platforms
    assert len(names) == len(set(names))
    assert covered == known  # every reference board is built by some scenario


def test_schema_catches_a_typo(tmp_path: Path) -> None:
    bad = tmp_path / "testcase.yaml"
    bad.write_text("tests:\n  tinyml.x:\n    platform_alow: native_sim\n")
    assert validate(bad, SCHEMAS / "twister.yaml") != []


# ---------------------------------------------------------------- devicetree


@dataclass(frozen=True)
class Board:
    """What the overlays need of a board: its real flash geometry (from the upstream board
    and SoC .dtsi files named in `source`), and the nodes the overlay refers to."""

    overlay: str
    partitions: str
    flash_size: int
    erase_block: int
    stub: str
    swap: str  # "move": primary one sector larger; "offset": secondary; "none": no MCUboot
    source: str


def flash_node(label: str, name: str, size: int, erase: int, partitions: str = "") -> str:
    # As in v4.1's SoC files: no cells and no ranges on the flash node or its partitions.
    return (
        f'{label}: {name} {{ compatible = "soc-nv-flash"; reg = <0x0 {size:#x}>;'
        f" erase-block-size = <{erase}>; write-block-size = <4>; {partitions} }};"
    )


EMPTY_PARTITIONS = (
    'partitions { compatible = "fixed-partitions"; #address-cells = <1>; #size-cells = <1>; };'
)


def i2c_node(label: str, address: int) -> str:
    return (
        f" {label}: i2c@{address:x} {{ reg = <{address:#x} 0x1000>;"
        " #address-cells = <1>; #size-cells = <0>; };"
    )


BOARDS = [
    Board(
        "nrf52840dk_nrf52840.overlay",
        "nrf52840dk_nrf52840.dtsi",
        0x100000,
        4096,
        flash_node(
            "flash0",
            "flash@0",
            0x100000,
            4096,
            EMPTY_PARTITIONS,
        )
        + i2c_node("arduino_i2c", 0x40003000)
        + " arduino_header: connector { #gpio-cells = <2>; };",
        "move",
        "dts/common/nordic/nrf52840_partition.dtsi, nrf52840_qiaa.dtsi (1 MiB, 4 KiB pages)",
    ),
    Board(
        "nucleo_u575zi_q.overlay",
        "nucleo_u575zi_q_stm32u575xx.dtsi",
        0x200000,
        8192,
        "soc { #address-cells = <1>; #size-cells = <1>; flash-controller@40022000 {"
        " #address-cells = <1>; #size-cells = <1>; reg = <0x40022000 0x400>;"
        ' flash0: flash@8000000 { compatible = "soc-nv-flash"; reg = <0x08000000 0x200000>;'
        " erase-block-size = <8192>; write-block-size = <16>; }; }; };"
        + i2c_node("i2c1", 0x40005400),
        "offset",
        "dts/arm/st/u5/stm32u575Xi.dtsi (2 MiB, 8 KiB pages; the board defines no partitions)",
    ),
    Board(
        "esp32s3_devkitc_procpu.overlay",
        "esp32s3_devkitc_esp32s3_procpu.dtsi",
        0x800000,
        4096,
        flash_node(
            "flash0",
            "flash@0",
            0x800000,
            4096,
            EMPTY_PARTITIONS,
        )
        + i2c_node("i2c0", 0x60013000),
        "move",
        "esp32s3_wroom_n8.dtsi + dts/common/espressif/partitions_0x0_amp_8M.dtsi (8 MiB, 4 KiB)",
    ),
    Board(
        "mps2_an386.overlay",
        "mps2_an386.dtsi",
        0x100000,
        4096,
        'sim_flash_controller: sim_flash_controller { compatible = "zephyr,sim-flash";'
        " #address-cells = <1>; #size-cells = <1>; erase-value = <0x00>;"
        + flash_node(
            "flash_sim0",
            "flash_sim@0",
            0x8000,
            1024,
            EMPTY_PARTITIONS,
        )
        + " };",
        "none",
        "boards/arm/mps2/mps2_base.dtsi (32 KiB flash simulator, grown by the overlay)",
    ),
    Board(
        "native_sim.overlay",
        "native_sim_native.dtsi",
        0x200000,
        4096,
        flash_node(
            "flash0",
            "flash@0",
            0x200000,
            4096,
            'partitions { compatible = "fixed-partitions"; #address-cells = <1>; #size-cells = <1>;'
            " boot_partition: partition@0 { reg = <0x0 0xc000>; };"
            " slot0_partition: partition@c000 { reg = <0xc000 0x69000>; };"
            " slot1_partition: partition@75000 { reg = <0x75000 0x69000>; };"
            " scratch_partition: partition@de000 { reg = <0xde000 0x1e000>; };"
            " storage_partition: partition@fc000 { reg = <0xfc000 0x4000>; }; };",
        )
        + " gpio0: gpio_emul { gpio-controller; #gpio-cells = <2>; };",
        "none",
        "boards/native/native_sim/native_sim.dts (2 MiB flash simulator, first MiB used)",
    ),
]

STUB_HEADERS = {
    "zephyr/dt-bindings/gpio/gpio.h": "#define GPIO_ACTIVE_HIGH 0\n#define GPIO_ACTIVE_LOW 1\n",
}


def compile_overlay(board: Board, tmp: Path) -> str:
    """cpp + dtc the overlay on top of a stub of its board; return the merged tree as text."""
    for tool in ("cpp", "dtc"):
        if shutil.which(tool) is None:
            pytest.fail(f"{tool} missing (apt package named in scripts/apt-packages.txt)")
    include = tmp / "include"
    for name, text in STUB_HEADERS.items():
        (include / name).parent.mkdir(parents=True, exist_ok=True)
        (include / name).write_text(text)
    overlay = REPO / "app" / "boards" / board.overlay
    wrapper = tmp / f"{board.overlay}.dts"
    wrapper.write_text(
        "/dts-v1/;\n#include <zephyr/dt-bindings/gpio/gpio.h>\n"
        f"/ {{ #address-cells = <1>; #size-cells = <1>; {board.stub} }};\n"
        f'#include "{overlay}"\n'
    )
    pre = subprocess.run(
        [
            "cpp",
            "-nostdinc",
            "-undef",
            "-x",
            "assembler-with-cpp",
            "-P",
            "-I",
            str(include),
            "-D__DTS__",
            str(wrapper),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert pre.returncode == 0, pre.stderr
    dtb = tmp / "out.dtb"
    dtc = subprocess.run(
        ["dtc", "-I", "dts", "-O", "dtb", "-@", "-o", str(dtb), "-"],
        input=pre.stdout,
        capture_output=True,
        text=True,
        check=False,
    )
    assert dtc.returncode == 0, dtc.stderr
    assert "Warning" not in dtc.stderr, dtc.stderr
    back = subprocess.run(
        ["dtc", "-I", "dtb", "-O", "dts", str(dtb)], capture_output=True, text=True, check=True
    )
    return back.stdout


@dataclass(frozen=True)
class Partition:
    labels: tuple[str, ...]
    offset: int
    size: int


def partitions_of(tree: str, symbols: str) -> list[Partition]:
    """Partitions of the merged tree; labels come from the __symbols__ node (dtc -@)."""
    label_of: dict[str, list[str]] = {}
    for label, path in re.findall(r'(\w+) = "(/[^"]*partition@[0-9a-f]+)"', symbols):
        label_of.setdefault(path.rsplit("/", 1)[1], []).append(label)
    found = []
    for name, body in re.findall(r"(partition@[0-9a-f]+) \{([^{}]*)\}", tree):
        reg = re.search(r"reg = <(0x[0-9a-f]+) (0x[0-9a-f]+)>", body)
        assert reg, name
        found.append(Partition(tuple(label_of.get(name, [])), int(reg[1], 16), int(reg[2], 16)))
    return sorted(found, key=lambda p: p.offset)


def layout_problems(board: Board, parts: list[Partition]) -> list[str]:
    """Everything wrong with a partition layout on this board, one line each."""
    problems = []
    by_label = {label: p for p in parts for label in p.labels}
    for required in (
        "model_slot_a",
        "model_slot_b",
        "slot2_partition",
        "slot3_partition",
        "event_log_partition",
        "model_state_partition",
        "tinyml_settings_partition",
        "storage_partition",
    ):
        if required not in by_label:
            problems.append(f"no partition labelled {required}")
    if problems:
        return problems
    if by_label["model_slot_a"] != by_label["slot2_partition"]:
        problems.append("model_slot_a is not slot2_partition (mcumgr direct upload, image 3)")
    if by_label["model_slot_b"] != by_label["slot3_partition"]:
        problems.append("model_slot_b is not slot3_partition (mcumgr direct upload, image 4)")
    if by_label["model_slot_a"].size != by_label["model_slot_b"].size:
        problems.append("model slots differ in size")
    for p in parts:
        if p.offset % board.erase_block or p.size % board.erase_block:
            problems.append(f"{p.labels} not aligned to {board.erase_block} B sectors")
    for before, after in itertools.pairwise(parts):
        if before.offset + before.size > after.offset:
            problems.append(f"{before.labels} overlaps {after.labels}")
    if parts[-1].offset + parts[-1].size > board.flash_size:
        problems.append(f"{parts[-1].labels} ends past the {board.flash_size:#x} B flash")
    if board.swap != "none":
        primary, secondary = by_label["slot0_partition"], by_label["slot1_partition"]
        if by_label["boot_partition"].offset != 0:
            problems.append("MCUboot is not at offset 0")
        if board.swap == "move" and primary.size < secondary.size + board.erase_block:
            problems.append("swap-using-move needs slot0 one sector larger than slot1")
        if board.swap == "offset" and secondary.size != primary.size + board.erase_block:
            problems.append("swap-using-offset needs slot1 one sector larger than slot0")
    return problems


@pytest.mark.parametrize("board", BOARDS, ids=lambda b: b.overlay)
def test_overlay_compiles_and_layout_fits_the_flash(board: Board, tmp_path: Path) -> None:
    tree = compile_overlay(board, tmp_path)
    parts = partitions_of(tree, tree[tree.index("__symbols__") :])
    assert layout_problems(board, parts) == []


def test_layout_check_finds_overlap_and_misalignment(tmp_path: Path) -> None:
    board = next(b for b in BOARDS if b.overlay == "nrf52840dk_nrf52840.overlay")
    tree = compile_overlay(board, tmp_path)
    parts = partitions_of(tree, tree[tree.index("__symbols__") :])
    grown = [
        Partition(p.labels, p.offset, p.size + 0x1000) if "slot0_partition" in p.labels else p
        for p in parts
    ]
    assert any("overlaps" in line for line in layout_problems(board, grown))
    shifted = [Partition(p.labels, p.offset + 0x800, p.size) for p in parts]
    assert any("aligned" in line for line in layout_problems(board, shifted))
    equal = [
        Partition(p.labels, p.offset, 0x5D000) if "slot0_partition" in p.labels else p
        for p in parts
    ]
    assert any("swap-using-move" in line for line in layout_problems(board, equal))


def test_partition_file_exists_for_each_overlay() -> None:
    # app/sysbuild.cmake hands boards/partitions/<normalized board target>.dtsi to MCUboot.
    for board in BOARDS:
        assert (REPO / "app" / "boards" / "partitions" / board.partitions).is_file()
        text = (REPO / "app" / "boards" / board.overlay).read_text()
        assert f'#include "partitions/{board.partitions}"' in text


def test_overlay_with_a_syntax_error_fails(tmp_path: Path) -> None:
    broken = REPO / "app" / "boards" / "mps2_an386.overlay"
    board = next(b for b in BOARDS if b.overlay == broken.name)
    bad = Board(
        board.overlay,
        board.partitions,
        board.flash_size,
        board.erase_block,
        board.stub + " oops {",
        board.swap,
        board.source,
    )
    with pytest.raises(AssertionError):
        compile_overlay(bad, tmp_path)


# ---------------------------------------------------------------- build steps of app/CMakeLists.txt


def kconfig_default(name: str) -> str:
    text = (REPO / "app" / "Kconfig").read_text() + MODULE_KCONFIG.read_text()
    match = re.search(rf'config {name}\n(?:\t.*\n)*?\tdefault "([^"]+)"', text)
    assert match, name
    return match[1]


def test_pipeline_encoding_step_runs(tmp_path: Path) -> None:
    """The exact Python the application's CMake runs to embed the feature pipeline."""
    cmake = (REPO / "app" / "CMakeLists.txt").read_text()
    code = re.search(r'-c\s+"([^"]+)"', cmake)
    assert code, "pipeline encoding command not found in app/CMakeLists.txt"
    out = tmp_path / "tinyml_pipeline.bin"
    yaml_file = REPO / kconfig_default("TINYML_PIPELINE_FILE")
    run = subprocess.run(
        [sys.executable, "-c", code[1], str(yaml_file), str(out)],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PYTHONPATH": str(REPO / "scripts" / "west_commands")},
    )
    assert run.returncode == 0, run.stderr
    blob = out.read_bytes()
    assert blob[:4] == b"TMPC"
    from tinyml_tools.features.pipeline import decode_pipeline, load_pipeline

    config = load_pipeline(yaml_file)
    decoded = decode_pipeline(blob)
    assert (decoded.axes, decoded.window_len, decoded.hop) == (
        config.axes,
        config.window_len,
        config.hop,
    )
    assert config.axes == 3  # the accelerometer capture and CONFIG_TINYML_RING_AXES default
    assert config.window_len <= 256  # CONFIG_TINYML_WINDOW_MAX_SAMPLES default


@pytest.mark.parametrize("option", ["TINYML_APP_MODEL_KEY", "TINYML_APP_SETTINGS_KEY"])
def test_signing_key_step_gives_a_p256_spki(tmp_path: Path, option: str) -> None:
    """imgtool getpub -e raw, as the application's CMake runs it, on each default key."""
    key = REPO / "app" / kconfig_default(option)
    out = tmp_path / "key.der"
    imgtool = Path(sys.executable).parent / "imgtool"
    run = subprocess.run(
        [str(imgtool), "getpub", "-k", str(key), "-e", "raw", "-o", str(out)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    der = out.read_bytes()
    assert len(der) == 91  # TINYML_MODELPKG_SPKI_P256_BYTES, a BUILD_ASSERT in app/src/state.c
    assert der[-65] == 0x04  # the uncompressed point state.c takes as the operator key


def test_bundled_knock_package_fits_the_default_firmware() -> None:
    """The firmware built with the defaults (pipeline file, operator manifest, arena, signing
    key) accepts models/knock/knock.pkg: the same IDs, an arena that fits, the trusted key."""
    from tinyml_tools.features.pipeline import load_pipeline, pipeline_id
    from tinyml_tools.modelpack.manifest import load_manifest

    def tool(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "tinyml_tools", "model-pack", *args],
            capture_output=True,
            text=True,
            check=False,
            env={**os.environ, "PYTHONPATH": str(REPO / "scripts" / "west_commands")},
        )

    package = REPO / "models" / "knock" / "knock.pkg"
    inspect = tool("inspect", str(package), "--json")
    assert inspect.returncode == 0, inspect.stderr
    info = json.loads(inspect.stdout)
    firmware_pipeline = pipeline_id(load_pipeline(REPO / kconfig_default("TINYML_PIPELINE_FILE")))
    assert int(info["feature_pipeline_id"], 16) == firmware_pipeline
    manifest = load_manifest(MODULE_KCONFIG.parent / "ops_manifest.yaml")
    assert int(info["runtime_id"], 16) == manifest.runtime_id
    arena = re.search(
        r"config TINYML_ARENA_SIZE\n(?:\t.*\n)*?\tdefault (\d+)", MODULE_KCONFIG.read_text()
    )
    assert arena and info["arena"]["total"] <= int(arena[1])
    key = REPO / "app" / kconfig_default("TINYML_APP_MODEL_KEY")
    assert tool("verify", str(package), "--key", str(key)).returncode == 0


def test_recording_mode_is_off_by_default_and_in_release_builds(
    kconfig_srctree: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Raw sensor data leaves the device only in recording mode (docs/field-loop.md): off by
    default, on with the field-loop test fragment, and off again when the release fragment
    comes after it (a release build that also names a developer's fragment)."""

    def recording(*fragments: str) -> int:
        kconf = load_kconfig(kconfig_srctree, APP_KCONFIG, monkeypatch)
        for dep in ZEPHYR_BOOLS:
            if dep not in ("SOC_FAMILY_ESPRESSIF_ESP32", "BOOTLOADER_MCUBOOT"):
                kconf.syms[dep].set_value(2)
        for fragment in ("app/prj.conf", *fragments):
            kconf.load_config(str(REPO / fragment), replace=False)
        return int(kconf.syms["TINYML_RECORDING"].tri_value)

    assert recording() == 0
    assert recording("zephyr-config/field.conf") == 2
    assert recording("zephyr-config/field.conf", "zephyr-config/release.conf") == 0
    assert recording("zephyr-config/release.conf") == 0
