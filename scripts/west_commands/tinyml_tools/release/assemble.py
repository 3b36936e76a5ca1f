"""``release assemble``: one folder with everything a release ships (docs/release.md).

    OUT/firmware/<image> (+ zephyr.elf)   the signed firmware image
    OUT/models/<package>                   the signed model packages
    OUT/memreport.json                     memory report of the ELF
    OUT/replay/<model>.json                replay of each model's golden set
    OUT/profile/<model>.json               per-layer profile (when `profile` is installed)
    OUT/compatibility.json                 which models run on which firmware on which board
    OUT/release.json                       versions, hashes and headline figures
    OUT/RELEASE_NOTES.md                   changes against the previous release

The folder is built in a staging folder beside OUT and renamed into place: OUT is never
half-written and an existing OUT is never touched.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ..errors import CheckFailed, InputError, UsageError
from ..modelpack.package import ParsedPackage, parse_package
from . import compat, firmware, notes
from .compat import FirmwareEntry, Matrix, ModelEntry

MANIFEST = "release.json"
NOTES = "RELEASE_NOTES.md"
COMPAT = "compatibility.json"


@dataclass(frozen=True)
class ReleaseInputs:
    out: Path
    name: str
    board: str
    firmware_version: str
    firmware: Path
    packages: tuple[Path, ...]
    elf: Path | None = None
    previous: Path | None = None
    arena_bytes: int | None = None
    pipeline_ids: tuple[int, ...] = ()
    golden: Path | None = None  # only with one package; default: <package dir>/golden


@dataclass
class ReleaseResult:
    out: Path
    manifest: dict[str, Any]
    changes: list[str]
    notes: list[str] = field(default_factory=list)


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _tool(args: list[str], what: str, cwd: Path | None = None) -> dict[str, Any]:
    cmd = [sys.executable, "-m", "tinyml_tools", *args]
    package_root = str(Path(__file__).resolve().parents[2])
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [package_root, env.get("PYTHONPATH")]))
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False, cwd=cwd, env=env)
    if proc.returncode not in (0, 2):
        last = (proc.stderr.strip().splitlines() or ["no message"])[-1]
        raise CheckFailed(f"{what} failed: {last}")
    try:
        data = json.loads(proc.stdout)
    except json.JSONDecodeError:
        raise CheckFailed(f"{what} printed no JSON") from None
    if not isinstance(data, dict):
        raise CheckFailed(f"{what} printed no JSON object")
    return data


def profile_available() -> bool:
    return importlib.util.find_spec("tinyml_tools.commands.profile") is not None


def _load_previous(path: Path | None) -> tuple[dict[str, Any] | None, Matrix | None]:
    if path is None:
        return None, None
    manifest = path / MANIFEST
    if not manifest.is_file():
        raise InputError(path, f"not a release folder (no {MANIFEST})")
    try:
        data = json.loads(manifest.read_text())
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        raise InputError(manifest, f"not valid JSON ({err})") from None
    if not isinstance(data, dict):
        raise InputError(manifest, "expected a JSON object")
    return data, compat.load_matrix(path / COMPAT)


def _firmware_entry(
    inputs: ReleaseInputs,
    packages: list[ParsedPackage],
    image_name: str,
    image_sha: str,
    elf: Path | None,
) -> FirmwareEntry:
    ident = firmware.identity(elf)
    where = elf if elf is not None else inputs.firmware
    if ident.runtime_id is None or ident.manifest_digest is None:
        raise InputError(
            where,
            f"no {firmware.RUNTIME_SYMBOL}/{firmware.DIGEST_SYMBOL} in the ELF (pass the "
            "firmware's zephyr.elf with --elf)",
        )
    arena = inputs.arena_bytes or ident.arena_bytes
    if arena is None:
        raise InputError(where, "no tensor arena symbol in the ELF; pass --arena-bytes")
    pipelines = inputs.pipeline_ids or tuple(
        sorted({p.metadata.feature_pipeline_id for p in packages})
    )
    return FirmwareEntry(
        board=inputs.board,
        version=inputs.firmware_version,
        runtime_id=ident.runtime_id,
        manifest_digest=ident.manifest_digest,
        pipeline_ids=pipelines,
        arena_bytes=arena,
        image=f"firmware/{image_name}",
        sha256=image_sha,
    )


def _matrix(
    inputs: ReleaseInputs, fw: FirmwareEntry, models: list[ModelEntry], previous: Matrix | None
) -> Matrix:
    """This release's firmware and models, plus every earlier entry, cross-checked."""
    old_fw = [
        f
        for f in (previous.firmware if previous else ())
        if (f.board, f.version) != (fw.board, fw.version)
    ]
    all_fw = [*old_fw, fw]
    entries: list[ModelEntry] = []
    new_ids = {(m.name, m.sha256) for m in models}
    old_models = [
        m for m in (previous.models if previous else ()) if (m.name, m.sha256) not in new_ids
    ]
    for m in [*old_models, *models]:
        runs = set(m.runs_on)
        runs |= {(f.board, f.version) for f in all_fw if compat.fits(m, f).ok}
        entries.append(replace(m, runs_on=tuple(sorted(runs))))
    return Matrix(inputs.name, tuple(all_fw), tuple(entries))


def _replay_figures(name: str, pkg: Path, golden: Path | None, out: Path) -> dict[str, Any]:
    from ..replay import session

    if golden is None or not golden.is_dir():
        return {}
    run = session.run(golden, pkg)
    data = run.to_json()
    (out / "replay").mkdir(exist_ok=True)
    (out / "replay" / f"{name}.json").write_text(json.dumps(data, indent=2, default=str) + "\n")
    figures: dict[str, Any] = {}
    if data["metrics"] is not None:
        for key, value in data["metrics"].items():
            if key in ("precision", "recall", "false_triggers_per_hour", "latency_ms_median"):
                figures[f"replay.{name}.{key}"] = value
    return figures


def assemble(inputs: ReleaseInputs, progress: Callable[[str], None] | None = None) -> ReleaseResult:
    say = progress or (lambda _m: None)
    out = inputs.out
    if out.exists():
        raise InputError(out, "already exists; a release folder is never overwritten")
    if not inputs.packages:
        raise UsageError("a release needs at least one --package")
    if inputs.golden is not None and len(inputs.packages) != 1:
        raise InputError(inputs.golden, "--golden goes with exactly one --package")
    previous, prev_matrix = _load_previous(inputs.previous)
    files = firmware.locate(inputs.firmware, inputs.elf)
    parsed = [parse_package(p) for p in inputs.packages]
    names = [p.stem for p in inputs.packages]
    if len(set(names)) != len(names):
        raise InputError(inputs.packages[0], "two packages with the same file name")
    for path, pkg in zip(inputs.packages, parsed, strict=True):
        if not pkg.hash_ok:
            raise CheckFailed(f"{path}: SHA-256 mismatch: the package was modified or truncated")
        if not pkg.signed:
            raise CheckFailed(f"{path}: package is not signed; a release ships signed packages")
    if not firmware.is_mcuboot_image(files.image):
        raise InputError(files.image, "not an MCUboot image (sign it with imgtool / west sign)")
    notes_lines: list[str] = []
    out.parent.mkdir(parents=True, exist_ok=True)
    stage = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        (stage / "firmware").mkdir()
        (stage / "models").mkdir()
        shutil.copy2(files.image, stage / "firmware" / files.image.name)
        if files.elf is not None and files.elf != files.image:
            shutil.copy2(files.elf, stage / "firmware" / files.elf.name)
        image_sha = _sha256(files.image)
        fw = _firmware_entry(inputs, parsed, files.image.name, image_sha, files.elf)
        for path, pkg in zip(inputs.packages, parsed, strict=True):
            verdict = compat.fits(compat.model_entry(path.stem, "", pkg, ()), fw)
            if not verdict.ok:
                raise CheckFailed(f"{path}: does not run on this firmware: {verdict.reason}")
        figures: dict[str, Any] = {}
        if files.elf is not None and firmware.is_host_executable(files.elf):
            notes_lines.append(
                f"{files.elf.name} is a host executable (an emulator build): no memory report"
            )
        elif files.elf is not None:
            say("memory report")
            mem = _tool(["memreport", str(files.elf), "--json"], "memreport")
            (stage / "memreport.json").write_text(json.dumps(mem, indent=2) + "\n")
            figures["firmware.flash_bytes"] = mem.get("totals", {}).get("flash")
            figures["firmware.ram_bytes"] = mem.get("totals", {}).get("ram")
        else:
            notes_lines.append("no ELF given: no memory report")
        models: list[ModelEntry] = []
        have_profile = profile_available()
        if not have_profile:
            notes_lines.append("profile: the `profile` command was not available; no profile")
        for name, path, pkg in zip(names, inputs.packages, parsed, strict=True):
            shutil.copy2(path, stage / "models" / path.name)
            models.append(compat.model_entry(name, f"models/{path.name}", pkg, ()))
            golden = inputs.golden or path.parent / "golden"
            say(f"replay of {name} on {golden}")
            found = _replay_figures(name, path, golden, stage)
            if not found:
                notes_lines.append(f"{name}: no golden set at {golden}; no replay report")
            figures.update(found)
            if have_profile:
                say(f"profile of {name}")
                prof = _tool(["profile", str(path), "--json"], f"profile of {name}")
                (stage / "profile").mkdir(exist_ok=True)
                (stage / "profile" / f"{name}.json").write_text(json.dumps(prof, indent=2) + "\n")
        matrix = _matrix(inputs, fw, models, prev_matrix)
        current = {(m.name, m.sha256) for m in models}
        compat.write_matrix(stage / COMPAT, matrix)
        manifest: dict[str, Any] = {
            "name": inputs.name,
            "created": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "board": inputs.board,
            "firmware_version": inputs.firmware_version,
            "previous": previous["name"] if previous else None,
            "firmware": fw.to_json(),
            "models": [m.to_json() for m in matrix.models if (m.name, m.sha256) in current],
            "figures": figures,
            "notes": notes_lines,
        }
        lines = notes.changes(previous, manifest)
        (stage / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n")
        (stage / NOTES).write_text(notes.render(manifest, lines, notes_lines))
        stage.rename(out)
    finally:
        if stage.exists():
            shutil.rmtree(stage, ignore_errors=True)
    return ReleaseResult(out, manifest, lines, notes_lines)


def parse_ids(values: Sequence[str]) -> tuple[int, ...]:
    out = []
    for v in values:
        try:
            out.append(int(v, 0) & 0xFFFFFFFF)
        except ValueError:
            raise InputError(v, "pipeline ID must be an integer (0x...)") from None
    return tuple(out)
