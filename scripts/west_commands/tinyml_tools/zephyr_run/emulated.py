"""The application on the emulated boards: boot with a factory model, the canned recording,
device vs replay, cost; model updates and rollback across resets on native_sim."""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from ..errors import TinymlError
from ..paths import REPO_ROOT
from . import events as ev
from . import flashimage, packages, stacks
from .builds import KNOCK_RECORDING, AppBuild
from .console import DeviceConsole
from .workspace import Workspace, need

MPS2_FLASH_BASE = 0x21000000  # zephyr-config/mps2_an386_preloaded_flash.overlay
FLASH_SECTION = "SIM_FLASH"  # its zephyr,memory-region name
BOOT_TIMEOUT_S = 120.0
RECORDING_TIMEOUT_S = 300.0
QEMU_INSTRUCTIONS_PER_SECOND = 1e9  # -icount shift=0: one instruction per virtual ns
VERIFIED = r"model slot ([AB]) verified: version (\d+\.\d+\.\d+)"
SELFTEST_PASSED = r"self-test (\d+)/(\d+) passed"
CONFIRMED = r"model confirmed|image confirmed"


@dataclass(frozen=True)
class CannedRun:
    slot: str
    version: str
    selftest: tuple[int, int]
    events: list[ev.Event]
    replay: list[ev.Event]
    cost: ev.Cost
    frames: int
    overflows: int
    instructions_per_cycle: float
    stacks: list[stacks.StackUse]


def boot_checks(dev: DeviceConsole) -> tuple[str, str, tuple[int, int]]:
    verified = dev.expect(VERIFIED, BOOT_TIMEOUT_S)
    passed = dev.expect(SELFTEST_PASSED, BOOT_TIMEOUT_S)
    dev.expect(CONFIRMED, BOOT_TIMEOUT_S)
    return verified[1], verified[2], (int(passed[1]), int(passed[2]))


def qemu_canned_run(ws: Workspace, build: AppBuild, package: Path, work: Path) -> CannedRun:
    """Boot the mps2/an386 image under QEMU (-icount shift=0) with @p package in model slot A
    of a preloaded flash image, play the canned recording, and replay it on the desktop."""
    qemu = need("qemu-system-arm", "apt-get install qemu-system-arm")
    objcopy = need("arm-none-eabi-objcopy", "apt-get install binutils-arm-none-eabi")
    layout = flashimage.layout(ws, build.build_dir)
    flash = work / "mps2_flash.bin"
    flash.write_bytes(flashimage.image(layout, {"model_slot_a": package.read_bytes()}))
    # QEMU's ELF loader zero-fills every loadable segment, the flash region's too, and then
    # refuses the flash image over it: the region belongs to the programmer, not the image.
    kernel = work / "zephyr.qemu.elf"
    subprocess.run(
        [objcopy, "--remove-section", FLASH_SECTION, str(build.elf), str(kernel)], check=True
    )
    argv = [
        qemu, "-cpu", "cortex-m4", "-machine", "mps2-an386", "-nographic", "-vga", "none",
        "-net", "none", "-icount", "shift=0", "-kernel", str(kernel),
        "-device", f"loader,file={flash},addr={MPS2_FLASH_BASE:#x},force-raw=on",
    ]  # fmt: skip
    with DeviceConsole(argv, work / "console.log", "qemu mps2/an386") as dev:
        slot, version, selftest = boot_checks(dev)
        dev.expect("tinyml running", BOOT_TIMEOUT_S)
        done = dev.expect(ev.DONE, RECORDING_TIMEOUT_S)
        lines = list(dev.lines)
        # Per-operator cost on the device (tinyml profile), for `west profile --measured`.
        first = len(dev.lines)
        dev.command("tinyml profile 5", r"total,,(\d+)|profile failed", 120)
        rows = (
            re.match(r"(?:uart:~\$ )?((node,op,|\d+,|total,,).*)", x) for x in dev.lines[first:]
        )
        csv = [row[1] for row in rows if row]
        (work / "knock_ops.csv").write_text("\n".join(csv) + "\n")
        dev.command(stacks.COMMAND, r"IRQ 00 .*usage", 60)
        stack_use = stacks.parse(list(dev.lines))  # boot lines too: main's own
    config = build.config()
    block = int(config["CONFIG_TINYML_RING_BLOCK_SAMPLES"])
    hw_hz = int(config["CONFIG_SYS_CLOCK_HW_CYCLES_PER_SEC"])
    replayed = ev.replay_events(REPO_ROOT / KNOCK_RECORDING, package, block, work)
    return CannedRun(
        slot,
        version,
        selftest,
        ev.device_events(lines),
        replayed,
        ev.device_cost(lines),
        int(done[1]),
        int(done[2]),
        QEMU_INSTRUCTIONS_PER_SECOND / hw_hz,
        stack_use,
    )


@dataclass(frozen=True)
class UpdateRun:
    steps: list[str]


class NativeSimDevice:
    """native_sim with its flash in a file that survives restarts (a reset keeping flash)."""

    def __init__(self, build: AppBuild, flash: Path, log: Path) -> None:
        self.exe = build.app_dir / "zephyr" / "zephyr.exe"
        self.flash = flash
        self.log = log
        self.boots = 0

    def start(self) -> DeviceConsole:
        self.boots += 1
        argv = [str(self.exe), f"--flash={self.flash}"]
        return DeviceConsole(argv, self.log, f"native_sim boot {self.boots}")


def upload(dev: DeviceConsole, slot: str, package: Path, chunk: int) -> None:
    """The package into @p slot over the shell, as a host tool or a gateway would."""
    dev.command(f"tinyml model erase {slot}", rf"slot {slot} erased|refused|failed")
    data = package.read_bytes()
    for offset in range(0, len(data), chunk):
        part = data[offset : offset + chunk]
        found = dev.command(
            f"tinyml model write {slot} {offset} {part.hex()}",
            rf"wrote {len(part)} B at {offset}|refused|failed|usage",
        )
        if not found[0].startswith("wrote"):
            raise TinymlError(f"upload of {package.name} to slot {slot}: {found[0]}")


def native_update_run(ws: Workspace, build: AppBuild, work: Path) -> UpdateRun:
    """Factory model 1.0.0 in slot A; 1.1.0 uploaded to B, activated, trialled, confirmed, kept
    across a reset; a mistrained 1.2.0 uploaded to A fails its self-test and B stays, across a
    reset too."""
    pkgs = work / "packages"
    pkgs.mkdir(parents=True, exist_ok=True)
    factory = packages.knock_package(pkgs, "1.0.0")
    newer = packages.knock_package(pkgs, "1.1.0")
    bad = packages.mistrained_package(pkgs, "1.2.0")
    layout = flashimage.layout(ws, build.build_dir)
    flash = work / "native_sim_flash.bin"
    flash.write_bytes(flashimage.image(layout, {"model_slot_a": factory.read_bytes()}))
    chunk = int(build.config()["CONFIG_TINYML_APP_UPLOAD_CHUNK_MAX"])
    device = NativeSimDevice(build, flash, work / "console.log")
    steps: list[str] = []

    with device.start() as dev:
        slot, version, _ = boot_checks(dev)
        expect_model(slot, version, "A", "1.0.0", "factory boot")
        dev.expect("tinyml running", BOOT_TIMEOUT_S)
        steps.append("factory model 1.0.0 verified in slot A, self-test passed, confirmed")
        dev.send("")
        refused = dev.command("tinyml model erase a", r"refused|erased")
        if "refused" not in refused[0]:
            raise TinymlError("erasing the running slot A was not refused")
        steps.append("erase of the running slot refused")
        upload(dev, "b", newer, chunk)
        dev.command("tinyml model activate b", r"slot b active|refused", 120)
        info = dev.command("tinyml model info", r"slot ([AB]): version (\d+\.\d+\.\d+)")
        expect_model(info[1], info[2], "B", "1.1.0", "after activating slot B")
        steps.append("1.1.0 uploaded to slot B over the shell, trialled, self-test, confirmed")
    with device.start() as dev:
        slot, version, _ = boot_checks(dev)
        expect_model(slot, version, "B", "1.1.0", "after a reset")
        dev.expect("tinyml running", BOOT_TIMEOUT_S)
        steps.append("reset: 1.1.0 in slot B still active")
        dev.send("")
        upload(dev, "a", bad, chunk)
        refused = dev.command("tinyml model activate a", r"slot a active|refused: (-?\d+)", 120)
        if "refused" not in refused[0]:
            raise TinymlError("the mistrained 1.2.0 was activated")
        info = dev.command("tinyml model info", r"slot ([AB]): version (\d+\.\d+\.\d+)")
        expect_model(info[1], info[2], "B", "1.1.0", "after the failed trial")
        steps.append(f"mistrained 1.2.0 in slot A: self-test failed ({refused[1]}), rolled back")
        dev.command("tinyml device provision 7", r"device id 7 stored|already|not stored")
    with device.start() as dev:
        slot, version, _ = boot_checks(dev)
        expect_model(slot, version, "B", "1.1.0", "after a reset following the rollback")
        steps.append("reset: 1.1.0 in slot B still active")
        dev.expect("tinyml running", BOOT_TIMEOUT_S)
        steps += remote_kill_switch(dev, device_id=7)
    shutil.copy(flash, work / "native_sim_flash.final.bin")
    return UpdateRun(steps)


def expect_model(slot: str, version: str, want_slot: str, want_version: str, when: str) -> None:
    if (slot.upper(), version) != (want_slot, want_version):
        raise TinymlError(
            f"{when}: slot {slot} version {version} runs, expected slot {want_slot} "
            f"version {want_version}"
        )


ZTEST_PASSED = r"PROJECT EXECUTION SUCCESSFUL"
ZTEST_FAILED = r"PROJECT EXECUTION FAILED|FATAL ERROR|Usage Fault|Hard Fault|Bus Fault"
SETTLE_S = 3.0  # after the verdict, the image must not fault either


def run_mps2_twister_builds(root: Path, log: Path) -> dict[str, str]:
    """Every mps2/an386 image Twister built under @p root, under QEMU: a ztest suite must print
    its success line, the sample must say it runs, and neither may fault afterwards."""
    qemu = need("qemu-system-arm", "apt-get install qemu-system-arm")
    log.unlink(missing_ok=True)
    verdicts: dict[str, str] = {}
    for elf in sorted(root.glob("**/zephyr/zephyr.elf")):
        build = elf.parent.parent
        name = str(build.relative_to(root))
        sample = "sample." in build.name
        argv = [
            qemu, "-cpu", "cortex-m4", "-machine", "mps2-an386", "-nographic", "-vga", "none",
            "-net", "none", "-kernel", str(elf),
        ]  # fmt: skip
        with DeviceConsole(argv, log, f"qemu {name}") as dev:
            try:
                found = dev.expect(
                    rf"tinyml running|{ZTEST_FAILED}"
                    if sample
                    else rf"{ZTEST_PASSED}|{ZTEST_FAILED}",
                    120.0,
                )
            except TinymlError as exc:
                verdicts[name] = f"no verdict ({exc})"
                continue
            if re.search(ZTEST_FAILED, found[0]):
                verdicts[name] = f"failed: {found[0]}"
                continue
            try:
                fault = dev.expect(ZTEST_FAILED, SETTLE_S)
                verdicts[name] = f"faulted after passing: {fault[0]}"
            except TinymlError:
                verdicts[name] = "passed"
    return verdicts


SETTINGS_KEY = REPO_ROOT / "app" / "keys" / "tinyml-dev-settings-ecdsa-p256-DO-NOT-SHIP.pem"


def remote_kill_switch(dev: DeviceConsole, device_id: int) -> list[str]:
    """A signed message turns the model off; the same message again is a replay and refused."""
    from .settings_message import KIND_SET, SETTING_MODEL_ENABLED, Operation, sign

    off = [Operation(KIND_SET, SETTING_MODEL_ENABLED, 0)]
    msg = sign(SETTINGS_KEY, device_id, nonce=1, ops=off).hex()
    applied = dev.command(f"tinyml config apply {msg}", r"message applied|message refused: (-?\d+)")
    if "applied" not in applied[0]:
        raise TinymlError(f"the signed kill-switch message was refused ({applied[1]})")
    value = dev.command(f"tinyml config get {SETTING_MODEL_ENABLED}", r"setting 11 = (-?\d+)")
    if value[1] != "0":
        raise TinymlError(f"kill switch still {value[1]} after the remote message")
    again = dev.command(f"tinyml config apply {msg}", r"message applied|message refused: (-?\d+)")
    if "applied" in again[0]:
        raise TinymlError("a replayed settings message was applied again")
    return [
        "signed remote message (settings key, device 7) set the kill switch: model off",
        f"the same message replayed: refused ({again[1]})",
    ]
