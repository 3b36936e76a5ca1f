"""Figures of the field-safe state (docs/field-state.md).

- state.powercut.*: the event log's cut-at-every-write sweep (every program and erase of the
  scenario in tests/host/test_eventlog_powercut.c, several tear patterns each, and a second
  cut in the recovery's own writes); state.settings_powercut.* and
  state.modelslot_powercut.*: the same for settings changes and model trials;
  state.faults.*: every flash fault class (erase failing once or for good, stuck-at-0 bit,
  program failing reported or silent) and the power cut at every write of event appends,
  settings updates and model installs/trials/confirmations/rollbacks/boots, single and double,
  plus bit rot of every stored state record (tests/host/test_state_faults.c). All run by the
  host test binary's TBENCH cases, which print FIGURE lines.
- state.eventlog.*: a simulated year at one event a minute on 8 x 4 KiB sectors.
- state.package_mutations.*: every byte of a package made by the packer flipped (XOR 0xFF),
  each variant given to the C parser (build/host/libtinyml_host.so).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tinyml_tools.paths import BUILD_DIR

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "python"))

import state_vectors as sv

# Only these files' TBENCH cases: other files' benchmarks belong to other bench modules.
BENCH_FILES = (
    "test_eventlog_powercut.c",
    "test_settings_powercut.c",
    "test_modelslot.c",
    "test_state_faults.c",
)


def _host_figures() -> dict[str, float]:
    exe = BUILD_DIR / "host" / "tinyml_host_tests"
    figures: dict[str, float] = {}
    for source in BENCH_FILES:
        proc = subprocess.run(
            [str(exe), "--bench", source], capture_output=True, text=True, check=False
        )
        if proc.returncode != 0:
            raise SystemExit(f"bench_state: {exe} --bench {source} failed:\n{proc.stdout[-2000:]}")
        for line in proc.stdout.splitlines():
            if line.startswith("FIGURE "):
                _, name, value = line.split()
                figures[name] = float(value)
    return figures


def _mutation_figures() -> dict[str, float]:
    key = sv.dev_key()
    pkg = sv.build_package(sv.ModelMeta(), key)
    fw = sv.Firmware(spki=sv.public_spki(key))
    verifier = sv.Verifier()
    if verifier.verify(pkg, fw) != 0:
        raise SystemExit("bench_state: the unmodified package was refused")
    tested, accepted = sv.mutation_sweep(pkg, fw, verifier)
    return {
        "state.package_mutations.tested": float(tested),
        "state.package_mutations.accepted": float(accepted),
    }


def run() -> dict[str, float]:
    figures = _host_figures()
    figures.update(_mutation_figures())
    return figures
