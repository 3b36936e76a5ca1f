"""The parts of `make zephyr` that need no Zephyr workspace: console parsing, device-vs-replay
comparison, flash images, the canned recording blob, and the refusal without a workspace."""

from __future__ import annotations

import struct
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from conftest import REPO
from tinyml_tools.errors import InputError, TinymlError
from tinyml_tools.replay import canned_blob
from tinyml_tools.replay.recording import Recording
from tinyml_tools.zephyr_run import events, flashimage, packages, workspace

CONSOLE = [
    "[00:00:01.716,000] <inf> tinyml_app: event: t_ms=1400 class=1 score_q15=32640",
    "uart:~$ [00:00:04.156,000] <inf> tinyml_app: event: t_ms=3840 class=1 score_q15=-12",
    "[00:00:20.335,000] <inf> tinyml_app: cost (cycles): windows=499 inferences=174 "
    "features=530629 inference=1364894 invoke=560250 decisions=2232 window_total=1899837",
]


def test_console_events_and_cost_are_parsed() -> None:
    assert events.device_events(CONSOLE) == [
        events.Event(1400, 1, 32640),
        events.Event(3840, 1, -12),
    ]
    cost = events.device_cost(CONSOLE)
    assert (cost.unit, cost.windows, cost.inferences, cost.invoke) == ("cycles", 499, 174, 560250)
    with pytest.raises(TinymlError, match="no cost line"):
        events.device_cost(CONSOLE[:2])


def test_compare_names_every_difference() -> None:
    a = [events.Event(1400, 1, 32640), events.Event(3840, 1, 32640)]
    assert events.compare(a, list(a)) == []
    shifted = [events.Event(1400, 1, 32640), events.Event(3880, 1, 32640)]
    assert len(events.compare(a, shifted)) == 1
    missing = events.compare(a, a[:1])
    assert missing == ["event 1: device Event(t_ms=3840, class_id=1, score_q15=32640), replay None"]


def test_flash_image_is_erased_around_the_package() -> None:
    layout = flashimage.FlashLayout(
        0x4000,
        {
            "model_slot_a": flashimage.Partition("model_slot_a", 0x1000, 0x1000),
            "model_slot_b": flashimage.Partition("model_slot_b", 0x2000, 0x1000),
        },
    )
    image = flashimage.image(layout, {"model_slot_b": b"\x01\x02\x03"})
    assert len(image) == 0x4000
    assert image[0x2000:0x2003] == b"\x01\x02\x03"
    assert set(image[:0x2000]) == {0xFF} and set(image[0x2003:]) == {0xFF}
    with pytest.raises(TinymlError, match="do not fit"):
        flashimage.image(layout, {"model_slot_a": bytes(0x1001)})
    with pytest.raises(TinymlError, match="no partition labelled"):
        flashimage.image(layout, {"storage": b"x"})


def test_canned_blob_holds_the_samples_interleaved(tmp_path: Path) -> None:
    samples = np.array([[1, -2, 3], [-32768, 32767, 0]], dtype=np.int16)
    rec = Recording(samples, 1600.0, ("ax", "ay", "az"))
    blob = canned_blob.encode(rec, tmp_path / "r.npz")
    magic, version, axes, rate, frames = struct.unpack_from("<4sHHII", blob)
    assert (magic, version, axes, rate, frames) == (b"TMRC", 1, 3, 1600, 2)
    body = np.frombuffer(blob[16:], dtype="<i2").reshape(frames, axes)
    assert np.array_equal(body, samples)
    with pytest.raises(InputError, match="whole number of hertz"):
        canned_blob.encode(Recording(samples, 1600.5, ("ax", "ay", "az")), tmp_path / "r.npz")


def test_canned_blob_cli_refuses_a_bad_file_in_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.npz"
    bad.write_bytes(b"not a zip")
    done = subprocess.run(
        [sys.executable, "-m", "tinyml_tools.replay.canned_blob", str(bad), str(tmp_path / "o")],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 1
    assert done.stderr.count("\n") == 1 and str(bad) in done.stderr
    assert "Traceback" not in done.stderr and not (tmp_path / "o").exists()


def test_no_workspace_is_named_not_skipped(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("ZEPHYR_WORKSPACE", raising=False)
    monkeypatch.delenv("ZEPHYR_BASE", raising=False)
    with pytest.raises(TinymlError, match="ZEPHYR_WORKSPACE"):
        workspace.find()
    monkeypatch.setenv("ZEPHYR_WORKSPACE", str(tmp_path))
    with pytest.raises(TinymlError, match="not a Zephyr workspace"):
        workspace.find()


def test_make_zephyr_without_workspace_fails_with_one_line(tmp_path: Path) -> None:
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(REPO / "scripts" / "west_commands")}
    done = subprocess.run(
        [sys.executable, "-m", "tinyml_tools.zephyr_run.check", "--only", "qemu"],
        capture_output=True,
        text=True,
        env=env,
    )
    assert done.returncode == 1
    assert "ZEPHYR_WORKSPACE" in done.stderr and "Traceback" not in done.stderr


def test_mistrained_model_always_says_background() -> None:
    from tflite_micro.python.tflite_micro import runtime

    original = (REPO / "models" / "knock" / "knock.tflite").read_bytes()
    changed = packages.always_background(original)
    assert len(changed) == len(original) and changed != original
    interpreter = runtime.Interpreter.from_bytes(changed)
    shape = interpreter.get_input_details(0)["shape"]
    rng = np.random.default_rng(7)
    for x in [np.full(shape, v, dtype=np.int8) for v in (-128, 0, 127)] + [
        rng.integers(-128, 128, size=shape, dtype=np.int8) for _ in range(32)
    ]:
        interpreter.set_input(x, 0)
        interpreter.invoke()
        out = interpreter.get_output(0)[0]
        assert int(out[0]) >= int(out[1:].max())  # class 0 never behind (ties go to class 0)


def test_stack_lines_of_the_kernel_shell_are_parsed_and_judged() -> None:
    from tinyml_tools.zephyr_run import stacks

    lines = [
        "[00:00:00.120,000] <inf> tinyml_app: main stack 2900 of 4096 B used",
        "uart:~$ kernel thread stacks",
        "0x20000c68 processing          (real size 4096):\tunused  956\tusage 3140 / 4096 (76 %)",
        "0x20000d00 shell_uart          (real size 2048):\tunused   40\tusage 2008 / 2048 (98 %)",
        "0x20104f00 IRQ 00              (real size 2048):\tunused 1500\tusage  548 / 2048 (26 %)",
    ]
    uses = stacks.parse(lines)
    assert [(u.name, u.size, u.used) for u in uses] == [
        ("main", 4096, 2900),
        ("processing", 4096, 3140),
        ("shell_uart", 2048, 2008),
        ("IRQ 00", 2048, 548),
    ]
    found = stacks.problems(uses)
    assert len(found) == 1 and "shell_uart" in found[0]
    assert stacks.problems([]) and "printed no stack" in stacks.problems([])[0]
    assert stacks.figures(uses)["zephyr.stacks.irq_00.used_bytes"] == 548.0


def test_pulled_snippets_are_labelled_at_their_announced_stream_frames(tmp_path: Path) -> None:
    """The loop step labels each pulled snippet from the canned recording's labels, shifted to
    the snippet's start and clipped to it; a snippet the device never announced is refused."""
    import json

    from tinyml_tools.paths import REPO_ROOT
    from tinyml_tools.replay import labels as labels_io
    from tinyml_tools.zephyr_run.builds import KNOCK_RECORDING
    from tinyml_tools.zephyr_run.loop_run import label_snippets

    canned = labels_io.read((REPO_ROOT / KNOCK_RECORDING).with_suffix(".labels.csv"))
    first_event = canned[0]
    rate = 1600.0
    start_frame = int((first_event.start - 0.1) * rate)  # 100 ms before the first knock
    (tmp_path / "field-7.npz").write_bytes(b"")
    (tmp_path / "field-7.meta.json").write_text(json.dumps({"device": {"stream_seq": 7}}))
    lines = [f"rec: seq 7 kind snippet frames 800 from stream frame {start_frame}, trigger class 1"]
    assert label_snippets(tmp_path, lines, rate) >= 1
    got = labels_io.read(tmp_path / "field-7.labels.csv")
    assert abs(got[0].start - 0.1) < 1e-6 and got[0].label == first_event.label
    assert all(0 <= e.start < e.end <= 0.5 + 1e-9 for e in got)
    with pytest.raises(TinymlError, match="never announced"):
        label_snippets(tmp_path, [], rate)


def test_a_stale_build_folder_is_configured_afresh_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A folder configured by an older tree whose Kconfig values the new ranges refuse is
    rebuilt pristine once; any other failure is reported as it is."""
    from tinyml_tools.zephyr_run import builds
    from tinyml_tools.zephyr_run.workspace import Workspace

    calls: list[list[str]] = []
    build = builds.AppBuild("t", "native_sim", ())
    monkeypatch.setattr(builds, "ZEPHYR_BUILD", tmp_path)

    def fake_run(argv: list[str], ws: Workspace, log: Path, what: str) -> None:
        calls.append(list(argv))
        if len(calls) == 1:
            log.write_text(failure)
            raise TinymlError(f"{what} failed")
        build.elf.parent.mkdir(parents=True, exist_ok=True)
        build.elf.write_bytes(b"\x7fELF")

    monkeypatch.setattr(builds, "run", fake_run)
    ws = Workspace(tmp_path)
    failure = "warning: user value 0 ... outside the active range ([5, 15])\nerror: Aborting"
    builds.west_build(build, ws, 1)
    assert len(calls) == 2 and calls[1][2:4] == ["--pristine", "always"]
    calls.clear()
    build.elf.unlink()
    failure = "main.c:3: error: expected ';'"
    with pytest.raises(TinymlError):
        builds.west_build(build, ws, 1)
    assert len(calls) == 1
