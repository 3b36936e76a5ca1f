"""One whole field loop on the knock example (`make zephyr`, step loop), with the commands a
user runs, on native_sim with its flash kept in a file:

1. record: the device (factory knock 1.0.0) streams triggered snippets in recording mode;
2. pull: `field pull` turns the console capture into recordings; they are labelled from the
   canned recording's own labels at the stream positions the device announced (what a person
   labelling the snippets would write);
3. import + retrain: `dataset import` adds them to a copy of the knock dataset, `dataset split`,
   `train` with the knock recipe's settings as model 1.1.0, `model-pack build`;
4. release: `release assemble` with the firmware's build folder and the package writes the
   compatibility matrix; `model-pack verify --compat` checks the package against it for this
   board and firmware;
5. install: upload into model slot B over the shell, trial, self-test, confirm;
6. events back: after a reset the device runs 1.1.0; `tinyml events dump` lines, read by
   `field events`, carry model 1.1.0 and the firmware version, and equal `west replay` of the
   same recording with the new package.
"""

from __future__ import annotations

import json
import re
import runpy
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from ..errors import TinymlError
from ..paths import REPO_ROOT
from ..replay import labels as labels_io
from ..replay import recording as recording_io
from ..replay.labels import LabeledEvent
from ..train.recipe import Recipe, build_dataset
from ..train.ui import Ui
from . import emulated, flashimage
from . import events as ev
from .builds import KNOCK_RECORDING, AppBuild
from .workspace import Workspace

SNIPPETS = 6
FIRMWARE_KEY = REPO_ROOT / "app" / "keys" / "tinyml-dev-firmware-ecdsa-p256-DO-NOT-SHIP.pem"
NEW_VERSION = "1.1.0"
REC_LINE = re.compile(r"rec: seq (\d+) kind (window|snippet) frames (\d+) from stream frame (\d+)")
RECORDING_TIMEOUT_S = 300.0


@dataclass(frozen=True)
class LoopRun:
    steps: list[str]


def tinyml(*argv: str, what: str) -> str:
    """One `tinyml` command as a user types it; its stdout, or a check failure naming it."""
    done = subprocess.run(
        [sys.executable, "-m", "tinyml_tools", *argv], capture_output=True, text=True
    )
    if done.returncode != 0:
        tail = (done.stderr.strip().splitlines() or ["(no output)"])[-1]
        raise TinymlError(f"{what}: `tinyml {' '.join(argv[:2])}` exited {done.returncode}: {tail}")
    return done.stdout


def _knock_recipe() -> Recipe:
    """The settings the committed knock model was trained with (its recipe file)."""
    recipe = runpy.run_path(str(REPO_ROOT / "models" / "knock" / "train.py"))["RECIPE"]
    if not isinstance(recipe, Recipe):
        raise TinymlError("models/knock/train.py defines no RECIPE")
    return recipe


def label_snippets(pulled: Path, lines: list[str], rate_hz: float) -> int:
    """Write each pulled snippet's labels from the canned recording's labels at the stream
    frames the device announced for it; the number of labelled events."""
    canned = labels_io.read((REPO_ROOT / KNOCK_RECORDING).with_suffix(".labels.csv"))
    positions = {int(m[1]): (int(m[3]), int(m[4])) for m in map(REC_LINE.search, lines) if m}
    count = 0
    for npz in sorted(pulled.glob("*.npz")):
        meta = json.loads(recording_io.sidecar_path(npz).read_text())
        seq = meta.get("device", {}).get("stream_seq")
        if seq not in positions:
            raise TinymlError(f"{npz.name}: pulled seq {seq} was never announced by the device")
        frames, first = positions[seq]
        start, end = first / rate_hz, (first + frames) / rate_hz
        inside = [
            LabeledEvent(max(e.start, start) - start, min(e.end, end) - start, e.label)
            for e in canned
            if e.end > start and e.start < end
        ]
        labels_io.write(npz.with_name(npz.name.split(".")[0] + ".labels.csv"), inside)
        count += len(inside)
    return count


def signed_emulator_image(build: AppBuild, work: Path, version: str) -> Path:
    """native_sim has no MCUboot: its executable, signed with imgtool and the firmware key as
    an opaque payload, stands for the firmware image a release ships and names (hash, version)."""
    imgtool = Path(sys.executable).with_name("imgtool")
    exe = build.build_dir / "zephyr" / "zephyr.exe"
    image = work / "firmware" / "zephyr.signed.bin"
    image.parent.mkdir(parents=True, exist_ok=True)
    argv = [str(imgtool), "sign", "--key", str(FIRMWARE_KEY), "--header-size", "0x200",
            "--align", "4", "--slot-size", str(1 << 26), "--version", version,
            "--pad-header", str(exe), str(image)]  # fmt: skip
    done = subprocess.run(argv, capture_output=True, text=True)
    if done.returncode != 0:
        raise TinymlError(f"imgtool sign {exe}: {done.stderr.strip()}")
    return image


def native_loop_run(ws: Workspace, build: AppBuild, work: Path, firmware_version: str) -> LoopRun:
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    steps: list[str] = []
    factory = REPO_ROOT / "models" / "knock" / "knock.pkg"
    layout = flashimage.layout(ws, build.build_dir)
    flash = work / "flash.bin"
    flash.write_bytes(flashimage.image(layout, {"model_slot_a": factory.read_bytes()}))
    device = emulated.NativeSimDevice(build, flash, work / "console.log")

    # 1. record
    with device.start() as dev:
        slot, version, _ = emulated.boot_checks(dev)
        emulated.expect_model(slot, version, "A", "1.0.0", "factory boot")
        dev.expect("tinyml running", emulated.BOOT_TIMEOUT_S)
        dev.command(f"tinyml rec start snippet {SNIPPETS}", r"rec: on|recording mode is on")
        dev.expect(ev.DONE, RECORDING_TIMEOUT_S)
        dev.command("tinyml rec stop", r"rec: off, (\d+) streamed, (\d+) dropped")
        lines = list(dev.lines)
    capture = work / "capture.log"
    capture.write_text("\n".join(lines) + "\n")

    # 2. pull and label
    pulled = work / "pulled"
    tinyml("field", "pull", str(capture), "-o", str(pulled), "--session", "field_0",
           what="field pull")  # fmt: skip
    rate = float(recording_io.read(REPO_ROOT / KNOCK_RECORDING).sample_rate_hz)
    events_labelled = label_snippets(pulled, lines, rate)
    snippets = sorted(pulled.glob("*.npz"))
    if not snippets:
        raise TinymlError("recording mode streamed no snippet to pull")
    steps.append(
        f"record + pull: {len(snippets)} snippets streamed by the device and pulled, "
        f"{events_labelled} knocks labelled in them"
    )

    # 3. import, split, retrain, package
    recipe = _knock_recipe()
    dataset = work / "dataset"
    shutil.copytree(build_dataset(recipe, Ui()), dataset)
    tinyml("dataset", "import", str(dataset), *map(str, snippets), what="dataset import")
    split_argv = ["dataset", "split", str(dataset), "--name", "loop", "--val", str(recipe.val)]
    tinyml(*split_argv, what="dataset split")
    model = work / "knock"
    target = recipe.target
    goal = (
        ["--max-false-triggers-per-hour", str(target.max_false_triggers_per_hour)]
        if target.max_false_triggers_per_hour is not None
        else ["--min-recall", str(target.min_recall)]
    )
    knock = REPO_ROOT / "models" / "knock"
    train_argv = [
        "train", str(dataset), "--split", "loop", "--pipeline", str(knock / "pipeline.yaml"),
        "--template", recipe.template, "--frames", str(recipe.frames),
        "--epochs", str(recipe.epochs), "--min-overlap", str(recipe.min_overlap),
        "--detector", str(knock / "detector.yaml"), "--name", "knock",
        "--version", NEW_VERSION, "--learning-rate", str(recipe.learning_rate),
        "--batch-size", str(recipe.batch_size), *(["--qat"] if recipe.qat else []), *goal,
        "-o", str(model), "--json",
    ]  # fmt: skip
    trained = json.loads(tinyml(*train_argv, what="train"))
    package = model / f"knock-{NEW_VERSION}.pkg"  # beside its detector.yaml, as replay wants
    tinyml("model-pack", "build", str(model), "-o", str(package), what="model-pack build")
    steps.append(
        f"import + train: {len(snippets)} recordings added, knock {NEW_VERSION} retrained "
        f"(validation recall {trained.get('val_recall')}, "
        f"{trained.get('val_false_triggers_per_hour')} false triggers/h), packaged"
    )

    # 4. release and the compatibility check
    release = work / "release"
    image = signed_emulator_image(build, work, firmware_version)
    exe = build.build_dir / "zephyr" / "zephyr.exe"  # native_sim's linked executable
    golden = REPO_ROOT / "models" / "knock" / "golden"
    tinyml("release", "assemble", str(release), "--firmware", str(image), "--elf", str(exe),
           "--firmware-version", firmware_version, "--board", build.board,
           "--package", str(package), "--golden", str(golden),
           what="release assemble")  # fmt: skip
    tinyml("model-pack", "verify", str(package), "--compat",
           str(release / "compatibility.json"), "--board", build.board,
           "--firmware", firmware_version, what="model-pack verify --compat")  # fmt: skip
    steps.append(
        f"release assembled; model-pack verify --compat: knock {NEW_VERSION} runs on "
        f"{build.board} firmware {firmware_version}"
    )

    # 5. install, 6. events back
    chunk = int(build.config()["CONFIG_TINYML_APP_UPLOAD_CHUNK_MAX"])
    with device.start() as dev:
        emulated.boot_checks(dev)
        dev.expect("tinyml running", emulated.BOOT_TIMEOUT_S)
        dev.send("")
        emulated.upload(dev, "b", package, chunk)
        dev.command("tinyml model activate b", r"slot b active|refused", 120)
        info = dev.command("tinyml model info", r"slot ([AB]): version (\d+\.\d+\.\d+)")
        emulated.expect_model(info[1], info[2], "B", NEW_VERSION, "after activating slot B")
    steps.append(f"install: {NEW_VERSION} uploaded to slot B, trialled, self-test, confirmed")
    with device.start() as dev:
        slot, version, _ = emulated.boot_checks(dev)
        emulated.expect_model(slot, version, "B", NEW_VERSION, "after a reset")
        dev.expect(ev.DONE, RECORDING_TIMEOUT_S)
        first = len(dev.lines)
        dev.command("tinyml events dump", r"events: (\d+) pending, (\d+) dropped")
        dump = work / "events.log"
        dump.write_text("\n".join(dev.lines[first:]) + "\n")
        # native_sim logs through the shell and its own backend: each event line comes twice
        printed = list(dict.fromkeys(ev.device_events(dev.lines)))
    events_argv = ["field", "events", str(dump), "--model", str(package), "--json"]
    pulled_events = json.loads(tinyml(*events_argv, what="field events"))
    summaries = pulled_events["events"] if isinstance(pulled_events, dict) else pulled_events
    block = int(build.config()["CONFIG_TINYML_RING_BLOCK_SAMPLES"])
    back = _check_events_back(summaries, printed, package, block, work, firmware_version)
    return LoopRun(steps + back)


def _check_events_back(
    summaries: list[dict[str, object]],
    printed: list[ev.Event],
    package: Path,
    block: int,
    work: Path,
    firmware_version: str,
) -> list[str]:
    if not printed or len(summaries) < len(printed):
        raise TinymlError(f"{len(summaries)} summaries pulled, {len(printed)} events printed")
    models = {str(s.get("model_version")) for s in summaries}
    if models != {NEW_VERSION}:
        raise TinymlError(f"pulled event summaries name model versions {sorted(models)}")
    if {str(s.get("firmware")) for s in summaries} != {firmware_version}:
        raise TinymlError(f"pulled event summaries do not all name firmware {firmware_version}")
    # replayed in the device's whole capture blocks, as the qemu step does
    replayed = ev.replay_events(REPO_ROOT / KNOCK_RECORDING, package, block, work)
    problems = ev.compare(printed, replayed)
    if problems:
        raise TinymlError("device vs replay with the retrained model: " + "; ".join(problems))
    firmware = {str(s.get("firmware")) for s in summaries}
    return [
        f"events back: {len(summaries)} summaries read by `field events`, all model "
        f"{NEW_VERSION}, firmware {', '.join(sorted(firmware))}; the {len(printed)} events "
        "equal `west replay` of the recording with the new package"
    ]
