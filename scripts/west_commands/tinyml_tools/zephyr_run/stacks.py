"""Thread stack use on the emulated device: the kernel shell's `kernel thread stacks` after the
canned recording ran (every thread has been through its deepest path by then: boot-time slot
verification, the self-test, inference, the profiler), so the figures size the stacks of a
real board's build instead of guesses."""

from __future__ import annotations

import re
from dataclasses import dataclass

COMMAND = "kernel thread stacks"
# "0x20000c68 processing  (real size 4096):	unused  956	usage 3140 / 4096 (76 %)"
# "0x20104f00 IRQ 00      (real size 2048):	unused 1500	usage  548 / 2048 (26 %)"
LINE = re.compile(
    r"0x[0-9a-f]+ (?P<name>.+?)\s*\(real size\s+(?P<size>\d+)\):\s+unused\s+(?P<unused>\d+)"
    r"\s+usage\s+(?P<used>\d+)\s*/\s*\d+"
)
# main's own line (app/src/main.c): its thread has exited by the time the shell can be asked.
MAIN_LINE = re.compile(r"main stack (?P<used>\d+) of (?P<size>\d+) B used")
# Below this many untouched bytes a stack is one deeper call chain away from overflowing.
MIN_HEADROOM_BYTES = 128


@dataclass(frozen=True)
class StackUse:
    name: str
    size: int
    used: int

    @property
    def headroom(self) -> int:
        return self.size - self.used


def parse(lines: list[str]) -> list[StackUse]:
    found: dict[str, StackUse] = {}
    for line in lines:
        main = MAIN_LINE.search(line)
        if main:
            found["main"] = StackUse("main", int(main["size"]), int(main["used"]))
        match = LINE.search(line)
        if match:
            name = re.sub(r"\s+", " ", match["name"].strip())
            found[name] = StackUse(name, int(match["size"]), int(match["used"]))
    return list(found.values())


def problems(uses: list[StackUse]) -> list[str]:
    if not uses:
        return [f"`{COMMAND}` printed no stack (CONFIG_KERNEL_THREAD_SHELL_STACKS, INIT_STACKS?)"]
    return [
        f"thread '{u.name}' used {u.used} of {u.size} B (headroom {u.headroom} B < "
        f"{MIN_HEADROOM_BYTES} B)"
        for u in uses
        if u.headroom < MIN_HEADROOM_BYTES
    ]


def figures(uses: list[StackUse]) -> dict[str, float]:
    out: dict[str, float] = {}
    for u in uses:
        key = re.sub(r"[^a-z0-9]+", "_", u.name.lower()).strip("_")
        out[f"zephyr.stacks.{key}.used_bytes"] = float(u.used)
        out[f"zephyr.stacks.{key}.size_bytes"] = float(u.size)
    return out
