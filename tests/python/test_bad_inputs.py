"""Every command against a table of bad inputs.

Each row runs one command (in process, as `tinyml ...`) with one bad input and asserts what
issue 15 asks of every refusal: a non-zero exit with the documented code, exactly one line on
stderr naming the file (usage errors: argparse's usage and error lines), no traceback, and no
file written or changed anywhere in the test's folder. Classes of bad input: empty, truncated,
wrong type, unreadable, read-only destination, directory, wrong shape, wrong key, out-of-range
values, symlink loop, dangling symlink, non-UTF-8 text, huge dimensions, NaN in data, duplicate
labels, output path equal to (or linked to) an input, unknown class, options that exclude
each other.

A new command joins with one row per bad input: ``Bad(id, argv, names, says, code)`` where
``argv(env, folder)`` makes the bad file in ``folder`` and returns the command line.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pytest
from bad_inputs import (
    binary,
    copy_tree,
    dangling,
    directory,
    empty,
    fake_keras,
    huge_npy,
    non_utf8,
    npy,
    npz,
    read_only,
    snapshot,
    symlink_loop,
    text,
    truncated,
    unreadable,
)
from test_model_pack_factory import Graph, mlp

from tinyml_tools import cli
from tinyml_tools.errors import EXIT_BAD_INPUT, EXIT_GATE, EXIT_USAGE
from tinyml_tools.modelpack import schema
from tinyml_tools.modelpack.signing import DEV_KEY
from tinyml_tools.paths import REPO_ROOT
from tinyml_tools.replay import labels as labels_io
from tinyml_tools.replay import recording as recording_io

FIXTURES = REPO_ROOT / "tests" / "python" / "fixtures"
PIPELINE_8 = FIXTURES / "pipeline_8.yaml"
KNOCK = REPO_ROOT / "models" / "knock"
PUMP = REPO_ROOT / "models" / "pump"
DEV_PUB = DEV_KEY.with_name(DEV_KEY.name.replace(".pem", ".pub.pem"))

TFLITE_YAML = """\
name: tiny
version: 1.0.0
source: {path: model.tflite, format: tflite}
labels: [idle, knock, double, other]
thresholds: {knock: 0.75}
feature_pipeline: pipeline.yaml
"""

KERAS_YAML = """\
name: knock
version: 0.3.0
source: {path: model.keras, format: keras}
quantization: {mode: int8_ptq, representative_data: rep.npy, max_accuracy_drop: 0.1}
evaluation_data: eval.npz
labels: [none, single, double]
feature_pipeline: pipeline.yaml
"""

ELF_SOURCE = """\
const char *name_a(int i) { return i ? "alpha string number one" : "beta string number two"; }
int counter = 3;
static char buffer[256];
void _start(void) { for (;;) { buffer[counter++ & 255] = *name_a(counter); } }
"""


NAN_CSV = "t,ax,ay,az\n0,1,2,3\n0.0003125,nan,1,1\n"
LATIN1_LABELS = b"start,end,class\n1,2,caf\xe9\n"


@dataclass(frozen=True)
class Env:
    root: Path
    model_dir: Path  # a .tflite model directory that builds
    keras_dir: Path  # a Keras model directory whose data files are checked before TensorFlow
    package: Path  # a signed package of model_dir
    elf: Path  # a Cortex-M ELF with its GNU ld map beside it
    recording: Path  # 3 s of a knock session (CSV)
    labels: Path  # its labels
    other_key: Path  # an ECDSA P-256 key that did not sign the package


def _huge_model() -> bytes:
    g = Graph()
    x = g.tensor([1, 65536, 65536], name="huge_input")
    out = g.tensor([1, 65536, 65536])
    g.op(schema.BuiltinOperator.RELU, [x], [out])
    return g.finish([x], [out])


def _ecdsa_key(path: Path) -> Path:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    key = ec.generate_private_key(ec.SECP256R1())
    path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return path


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> Env:
    root = tmp_path_factory.mktemp("bi")
    model_dir = root / "tiny"
    model_dir.mkdir()
    (model_dir / "model.tflite").write_bytes(mlp())
    shutil.copy(PIPELINE_8, model_dir / "pipeline.yaml")
    (model_dir / "model.yaml").write_text(TFLITE_YAML)
    package = root / "tiny.pkg"
    assert cli.main(["model-pack", "build", str(model_dir), "-o", str(package)]) == 0
    keras_dir = root / "keras"
    keras_dir.mkdir()
    fake_keras(keras_dir, "model.keras", (64, 1))
    rng = np.random.default_rng(0)
    np.save(keras_dir / "rep.npy", rng.normal(size=(20, 64, 1)).astype(np.float32))
    np.savez(
        keras_dir / "eval.npz",
        x=rng.normal(size=(30, 64, 1)).astype(np.float32),
        y=np.arange(30) % 3,
    )
    shutil.copy(PIPELINE_8, keras_dir / "pipeline.yaml")
    (keras_dir / "model.yaml").write_text(KERAS_YAML)
    src = root / "fw.c"
    src.write_text(ELF_SOURCE)
    elf = root / "fw.elf"
    subprocess.run(
        ["arm-none-eabi-gcc", "-mcpu=cortex-m4", "-mthumb", "-Os", "-nostdlib",
         f"-Wl,-Map={root / 'fw.map'}", "-o", str(elf), str(src)],
        check=True,
    )  # fmt: skip
    rec = recording_io.read(KNOCK / "golden" / "heldout_00.npz")
    rec.samples = rec.samples[: int(3 * rec.sample_rate_hz)]
    rec.meta = {}
    recording = root / "door.csv"
    recording_io.write(recording, rec)
    labels = root / "door.labels.csv"
    labels_io.write(labels, [labels_io.LabeledEvent(1.0, 1.2, "knock")])
    other_key = _ecdsa_key(root / "other.pem")
    return Env(root, model_dir, keras_dir, package, elf, recording, labels, other_key)


Argv = Callable[[Env, Path], list[str]]


@dataclass(frozen=True)
class Bad:
    id: str
    argv: Argv
    names: str  # a fragment of the path the message must name
    says: str = ""  # a fragment of the problem
    code: int = EXIT_BAD_INPUT
    read_only: str | None = None  # a subfolder of the case folder made read-only


MP = ["model-pack"]


def _build(env: Env, d: Path, yaml_edit: Callable[[str], str] | None = None) -> Path:
    model_dir = copy_tree(env.model_dir, d / "m")
    if yaml_edit is not None:
        (model_dir / "model.yaml").write_text(yaml_edit(TFLITE_YAML))
    return model_dir


def _keras(env: Env, d: Path) -> Path:
    return copy_tree(env.keras_dir, d / "k")


def _build_argv(model_dir: Path, d: Path, *extra: str) -> list[str]:
    return [*MP, "build", str(model_dir), "-o", str(d / "out.pkg"), *extra]


def _keras_bad(file: str, make: Callable[[Path], object]) -> Argv:
    def argv(env: Env, d: Path) -> list[str]:
        k = _keras(env, d)
        (k / file).unlink()
        make(k)
        return _build_argv(k, d)

    return argv


def _source(make: Callable[[Path], object]) -> Argv:
    def argv(env: Env, d: Path) -> list[str]:
        m = _build(env, d)
        (m / "model.tflite").unlink()
        make(m)
        return _build_argv(m, d)

    return argv


def _replay(env: Env, *extra: str, recording: Path | None = None) -> list[str]:
    rec = recording or env.recording
    return ["replay", str(rec), "--model", str(KNOCK / "knock.pkg"), *extra]


CASES: list[Bad] = [
    # ------------------------------------------------------------------ model-pack check
    Bad("check-empty", lambda e, d: [*MP, "check", str(empty(d, "m.tflite"))], "m.tflite",
        "not a TFLite model"),
    Bad("check-truncated",
        lambda e, d: [*MP, "check", str(truncated(e.model_dir / "model.tflite", d, "m.tflite"))],
        "m.tflite"),
    Bad("check-wrong-type", lambda e, d: [*MP, "check", str(e.elf)], "fw.elf", "not a TFLite"),
    Bad("check-directory", lambda e, d: [*MP, "check", str(directory(d, "m.tflite"))],
        "m.tflite", "directory"),
    Bad("check-unreadable", lambda e, d: [*MP, "check", str(unreadable(d, "m.tflite"))],
        "m.tflite"),
    Bad("check-symlink-loop", lambda e, d: [*MP, "check", str(symlink_loop(d, "m.tflite"))],
        "m.tflite"),
    Bad("check-dangling", lambda e, d: [*MP, "check", str(dangling(d, "m.tflite"))], "m.tflite",
        "not found"),
    Bad("check-huge-dimensions",
        lambda e, d: [*MP, "check", str(binary(d, "huge.tflite", _huge_model()))], "huge.tflite",
        "not runnable", EXIT_GATE),
    Bad("check-manifest-non-utf8",
        lambda e, d: [*MP, "check", str(e.model_dir / "model.tflite"), "--manifest",
                      str(non_utf8(d, "ops.yaml"))], "ops.yaml", "not UTF-8"),
    Bad("check-manifest-empty",
        lambda e, d: [*MP, "check", str(e.model_dir / "model.tflite"), "--manifest",
                      str(empty(d, "ops.yaml"))], "ops.yaml", "not an operator manifest"),
    Bad("check-manifest-directory",
        lambda e, d: [*MP, "check", str(e.model_dir / "model.tflite"), "--manifest",
                      str(directory(d, "ops.yaml"))], "ops.yaml"),
    # ------------------------------------------------------------------ model-pack build
    Bad("build-model-dir-is-a-file",
        lambda e, d: _build_argv(text(d, "notadir", "x"), d), "notadir", "not found"),
    Bad("build-yaml-empty", lambda e, d: _build_argv(_build(e, d, lambda y: ""), d),
        "model.yaml", "mapping"),
    Bad("build-yaml-non-utf8",
        lambda e, d: _build_argv(non_utf8(_build(e, d), "model.yaml").parent, d), "model.yaml",
        "not UTF-8"),
    Bad("build-duplicate-labels",
        lambda e, d: _build_argv(_build(e, d, lambda y: y.replace("double, other", "knock, idle")),
                                 d), "model.yaml", "distinct labels"),
    Bad("build-threshold-out-of-range",
        lambda e, d: _build_argv(_build(e, d, lambda y: y.replace("0.75", "1.5")), d),
        "model.yaml", "/thresholds/knock"),
    Bad("build-source-truncated",
        _source(lambda m: truncated(KNOCK / "knock.tflite", m, "model.tflite", 40)),
        "model.tflite"),
    Bad("build-source-empty", _source(lambda m: empty(m, "model.tflite")), "model.tflite"),
    Bad("build-source-directory", _source(lambda m: directory(m, "model.tflite")),
        "model.tflite", "directory"),
    Bad("build-source-symlink-loop", _source(lambda m: symlink_loop(m, "model.tflite")),
        "model.tflite"),
    Bad("build-pipeline-cannot-fill-input",
        lambda e, d: _build_argv(_with_pipeline(_build(e, d), "knock_imu"), d),
        "model.tflite", "not a whole number of 96-feature frames"),
    Bad("build-pipeline-non-utf8",
        lambda e, d: _build_argv(non_utf8(_build(e, d), "pipeline.yaml").parent, d),
        "pipeline.yaml", "not UTF-8"),
    Bad("build-output-is-the-source",
        lambda e, d: [*MP, "build", str(m := _build(e, d)), "-o", str(m / "model.tflite")],
        "model.tflite", "refusing"),
    Bad("build-output-hard-link-to-model-yaml",
        lambda e, d: [*MP, "build", str(m := _build(e, d)), "-o",
                      str(_link(m / "model.yaml", d / "x.pkg", hard=True))], "x.pkg", "refusing"),
    Bad("build-output-symlink-to-source",
        lambda e, d: [*MP, "build", str(m := _build(e, d)), "-o",
                      str(_link(m / "model.tflite", d / "x.pkg"))], "x.pkg", "refusing"),
    Bad("build-output-is-a-directory",
        lambda e, d: [*MP, "build", str(e.model_dir), "-o", str(directory(d, "x.pkg"))],
        "x.pkg", "directory"),
    Bad("build-output-read-only-folder",
        lambda e, d: [*MP, "build", str(e.model_dir), "-o", str(d / "ro" / "x.pkg")], "x.pkg",
        "cannot write", read_only="ro"),
    Bad("build-key-is-public",
        lambda e, d: _build_argv(e.model_dir, d, "--key", str(DEV_PUB)), DEV_PUB.name,
        "private key"),
    Bad("build-key-empty",
        lambda e, d: _build_argv(e.model_dir, d, "--key", str(empty(d, "k.pem"))),
        "k.pem"),
    Bad("build-key-and-unsigned",
        lambda e, d: _build_argv(e.model_dir, d, "--key", str(e.other_key), "--unsigned"), "",
        "not allowed with argument", EXIT_USAGE),
    Bad("build-partition-size-not-a-size",
        lambda e, d: _build_argv(e.model_dir, d, "--partition-size", "64Q"), "",
        "--partition-size", EXIT_USAGE),
    Bad("build-package-larger-than-partition",
        lambda e, d: _build_argv(e.model_dir, d, "--partition-size", "1K"), "out.pkg",
        "holds 1024 bytes", EXIT_GATE),
    Bad("build-manifest-directory",
        lambda e, d: _build_argv(e.model_dir, d, "--manifest", str(directory(d, "ops.yaml"))),
        "ops.yaml"),
    Bad("build-representative-nan",
        _keras_bad("rep.npy", lambda k: npy(k, "rep.npy", np.full((4, 64, 1), np.nan, np.float32))),
        "rep.npy", "NaN"),
    Bad("build-evaluation-labels-out-of-range",
        _keras_bad("eval.npz", lambda k: npz(k, "eval.npz", x=np.zeros((6, 64, 1), np.float32),
                                             y=np.array([0, 1, 2, 5, 1, 0]))),
        "eval.npz", "y holds label 5"),
    Bad("build-evaluation-labels-negative",
        _keras_bad("eval.npz", lambda k: npz(k, "eval.npz", x=np.zeros((3, 64, 1), np.float32),
                                             y=np.array([0, -1, 2]))),
        "eval.npz", "y must be 0..2"),
    Bad("build-evaluation-labels-fractional",
        _keras_bad("eval.npz", lambda k: npz(k, "eval.npz", x=np.zeros((3, 64, 1), np.float32),
                                             y=np.array([0.0, 0.5, 2.0]))),
        "eval.npz", "whole class indices"),
    Bad("build-evaluation-wrong-sample-shape",
        _keras_bad("eval.npz", lambda k: npz(k, "eval.npz", x=np.zeros((3, 32, 1), np.float32),
                                             y=np.array([0, 1, 2]))),
        "eval.npz", "samples of shape [32, 1]"),
    Bad("build-evaluation-missing-y",
        _keras_bad("eval.npz", lambda k: npz(k, "eval.npz", x=np.zeros((3, 64, 1), np.float32))),
        "eval.npz", "labels y"),
    Bad("build-evaluation-directory", _keras_bad("eval.npz", lambda k: directory(k, "eval.npz")),
        "eval.npz", "directory"),
    Bad("build-representative-empty", _keras_bad("rep.npy", lambda k: empty(k, "rep.npy")),
        "rep.npy"),
    Bad("build-representative-truncated",
        _keras_bad("rep.npy", lambda k: truncated(e_rep(k), k, "rep.npy", 100)), "rep.npy"),
    Bad("build-representative-pickled-objects",
        _keras_bad("rep.npy", lambda k: npy(k, "rep.npy", np.array([{"a": 1}] * 3, dtype=object))),
        "rep.npy"),
    Bad("build-representative-huge-header", _keras_bad("rep.npy", lambda k: huge_npy(k, "rep.npy")),
        "rep.npy"),
    Bad("build-representative-wrong-type",
        _keras_bad("rep.npy", lambda k: text(k, "rep.npy", "x,y\n1,2\n")), "rep.npy"),
    Bad("build-keras-input-cannot-be-filled",
        _keras_bad("model.keras", lambda k: fake_keras(k, "model.keras", (60, 1))), "model.keras",
        "not a whole number of 8-feature frames"),
    # ---------------------------------------------------------- model-pack inspect/verify/extract
    Bad("inspect-empty", lambda e, d: [*MP, "inspect", str(empty(d, "p.pkg"))], "p.pkg"),
    Bad("inspect-truncated",
        lambda e, d: [*MP, "inspect", str(truncated(e.package, d, "p.pkg", 300))], "p.pkg",
        "corrupt model package"),
    Bad("inspect-wrong-type", lambda e, d: [*MP, "inspect", str(e.elf)], "fw.elf",
        "not a model package"),
    Bad("inspect-directory", lambda e, d: [*MP, "inspect", str(directory(d, "p.pkg"))], "p.pkg"),
    Bad("inspect-unreadable", lambda e, d: [*MP, "inspect", str(unreadable(d, "p.pkg"))],
        "p.pkg"),
    Bad("verify-wrong-key",
        lambda e, d: [*MP, "verify", str(e.package), "--key", str(e.other_key)], "tiny.pkg",
        "does not verify", EXIT_GATE),
    Bad("verify-key-is-not-a-key",
        lambda e, d: [*MP, "verify", str(e.package), "--key", str(text(d, "k.pem", "hello"))],
        "k.pem", "not a usable key"),
    Bad("verify-modified-package",
        lambda e, d: [*MP, "verify", str(_flip(e.package, d / "p.pkg", 300)), "--key",
                      str(DEV_PUB)], "p.pkg", "SHA-256 mismatch", EXIT_GATE),
    Bad("extract-output-is-the-package",
        lambda e, d: [*MP, "extract", str(p := _copy(e.package, d)), "-o", str(p)], "tiny.pkg",
        "refusing"),
    Bad("extract-output-is-a-directory",
        lambda e, d: [*MP, "extract", str(e.package), "-o", str(directory(d, "m.tflite"))],
        "m.tflite", "directory"),
    Bad("extract-output-read-only-folder",
        lambda e, d: [*MP, "extract", str(e.package), "-o", str(d / "ro" / "m.tflite")],
        "m.tflite", "cannot write", read_only="ro"),
    Bad("extract-modified-package",
        lambda e, d: [*MP, "extract", str(_flip(e.package, d / "p.pkg", 300)), "-o",
                      str(d / "m.tflite")], "p.pkg", "SHA-256 mismatch"),
    Bad("ops-manifest-non-utf8",
        lambda e, d: [*MP, "ops", "--manifest", str(non_utf8(d, "ops.yaml"))], "ops.yaml"),
    # ------------------------------------------------------------------ memreport
    Bad("memreport-empty", lambda e, d: ["memreport", str(empty(d, "a.elf"))], "a.elf"),
    Bad("memreport-truncated",
        lambda e, d: ["memreport", str(truncated(e.elf, d, "a.elf", 40))], "a.elf", "truncated"),
    Bad("memreport-wrong-type",
        lambda e, d: ["memreport", str(e.model_dir / "model.tflite")], "model.tflite",
        "not an ELF"),
    Bad("memreport-64-bit-elf",
        lambda e, d: ["memreport", str(_copy(Path(os.path.realpath(sys.executable)), d))],
        "python", "64-bit ELF"),
    Bad("memreport-directory-not-a-build",
        lambda e, d: ["memreport", str(directory(d, "build"))], "build", "not a build folder"),
    Bad("memreport-unreadable", lambda e, d: ["memreport", str(unreadable(d, "a.elf"))], "a.elf"),
    Bad("memreport-symlink-loop", lambda e, d: ["memreport", str(symlink_loop(d, "a.elf"))],
        "a.elf"),
    Bad("memreport-budget-non-utf8",
        lambda e, d: ["memreport", str(e.elf), "--budget", str(non_utf8(d, "b.yaml"))], "b.yaml",
        "not UTF-8"),
    Bad("memreport-budget-negative",
        lambda e, d: ["memreport", str(e.elf), "--budget",
                      str(text(d, "b.yaml", "totals: {ram: -5}\n"))], "b.yaml", "negative"),
    Bad("memreport-budget-unknown-key",
        lambda e, d: ["memreport", str(e.elf), "--budget", str(text(d, "b.yaml", "rams: 4K\n"))],
        "b.yaml", "unknown key"),
    Bad("memreport-budget-directory",
        lambda e, d: ["memreport", str(e.elf), "--budget", str(directory(d, "b.yaml"))],
        "b.yaml"),
    Bad("memreport-map-wrong-type",
        lambda e, d: ["memreport", str(e.elf), "--map", str(text(d, "x.map", "hello\n"))],
        "x.map", "not a GNU ld map"),
    Bad("memreport-rules-bad-regex",
        lambda e, d: ["memreport", str(e.elf), "--rules",
                      str(text(d, "r.yaml", "categories:\n  - {category: x, symbol: '('}\n"))],
        "r.yaml", "regex"),
    Bad("memreport-html-read-only-folder",
        lambda e, d: ["memreport", str(e.elf), "--html", str(d / "ro" / "m.html")], "m.html",
        "cannot write", read_only="ro"),
    Bad("memreport-png-read-only-folder",
        lambda e, d: ["memreport", str(e.elf), "--png", str(d / "ro" / "m.png")], "m.png",
        "cannot write", read_only="ro"),
    Bad("memreport-html-onto-a-directory",
        lambda e, d: ["memreport", str(e.elf), "--html", str(directory(d, "m.html"))], "m.html",
        "directory"),
    Bad("memreport-png-onto-a-directory",
        lambda e, d: ["memreport", str(e.elf), "--png", str(directory(d, "m.png"))], "m.png",
        "directory"),
    Bad("memreport-html-is-the-elf",
        lambda e, d: ["memreport", str(p := _copy(e.elf, d)), "--html", str(p)], "fw.elf",
        "refusing"),
    Bad("memreport-diff-empty-new",
        lambda e, d: ["memreport", "diff", str(e.elf), str(empty(d, "new.elf"))], "new.elf"),
    Bad("memreport-diff-wrong-type-old",
        lambda e, d: ["memreport", "diff", str(e.package), str(e.elf)], "tiny.pkg", "not an ELF"),
    Bad("memreport-diff-one-path", lambda e, d: ["memreport", "diff", str(e.elf)], "",
        "diff OLD NEW", EXIT_USAGE),
    Bad("memreport-png-is-the-map-beside-the-elf",
        lambda e, d: ["memreport", str(e.elf), "--png", str(e.elf.with_suffix(".map"))],
        "fw.map", "refusing"),
    Bad("memreport-top-zero", lambda e, d: ["memreport", str(e.elf), "--top", "0"], "",
        "--top", EXIT_USAGE),
    # ------------------------------------------------------------------ replay
    Bad("replay-empty-recording", lambda e, d: _replay(e, recording=empty(d, "r.csv")), "r.csv",
        "empty"),
    Bad("replay-truncated-recording",
        lambda e, d: _replay(e, recording=truncated(KNOCK / "golden" / "heldout_00.npz", d,
                                                    "r.npz")), "r.npz"),
    Bad("replay-wrong-type-recording",
        lambda e, d: _replay(e, recording=binary(d, "r.wav", b"RIFF0000WAVEjunk")), "r.wav"),
    Bad("replay-folder-without-index",
        lambda e, d: _replay(e, recording=directory(d, "split")), "split", "index.json"),
    Bad("replay-unreadable-recording",
        lambda e, d: _replay(e, recording=unreadable(d, "r.csv")), "r.csv"),
    Bad("replay-nan-in-recording",
        lambda e, d: _replay(e, recording=text(d, "r.csv", NAN_CSV)),
        "r.csv", "finite"),
    Bad("replay-labels-unknown-class",
        lambda e, d: _replay(e, "--labels", str(text(d, "l.csv", "start,end,class\n1,2,slam\n"))),
        "l.csv", "not one of the model's classes"),
    Bad("replay-labels-non-utf8",
        lambda e, d: _replay(e, "--labels", str(binary(d, "l.csv", LATIN1_LABELS))),
        "l.csv"),
    Bad("replay-labels-end-before-start",
        lambda e, d: _replay(e, "--labels", str(text(d, "l.csv", "start,end,class\n2,1,knock\n"))),
        "l.csv", "start < end"),
    Bad("replay-model-truncated",
        lambda e, d: [*_replay(e)[:2], "--model", str(truncated(KNOCK / "knock.pkg", d, "k.pkg"))],
        "k.pkg"),
    Bad("replay-model-directory",
        lambda e, d: [*_replay(e)[:2], "--model", str(directory(d, "k.pkg"))], "k.pkg"),
    Bad("replay-float-model-not-tflite",
        lambda e, d: _replay(e, "--float-model", str(text(d, "f.tflite", "not a model"))),
        "f.tflite", "not a TFLite"),
    Bad("replay-float-model-other-input-shape",
        lambda e, d: _replay(e, "--float-model", str(PUMP / "pump_float.tflite")),
        "pump_float.tflite", "differs from the int8"),
    Bad("replay-report-read-only-folder",
        lambda e, d: _replay(e, "--report", str(d / "ro")), "ro", "cannot write",
        read_only="ro"),
    Bad("replay-report-is-a-file",
        lambda e, d: _replay(e, "--report", str(text(d, "rep", "x"))), "rep", "not a folder"),
    Bad("replay-settings-non-utf8",
        lambda e, d: _replay(e, "--settings", str(non_utf8(d, "detector.yaml"))),
        "detector.yaml", "not UTF-8"),
    # ------------------------------------------------------------------ profile
    Bad("profile-model-empty", lambda e, d: ["profile", str(empty(d, "m.tflite"))], "m.tflite",
        "not a model package"),
    Bad("profile-model-truncated",
        lambda e, d: ["profile", str(truncated(KNOCK / "knock.tflite", d, "m.tflite"))],
        "m.tflite", "truncated"),
    Bad("profile-package-truncated",
        lambda e, d: ["profile", str(truncated(KNOCK / "knock.pkg", d, "m.pkg"))], "m.pkg"),
    Bad("profile-model-missing", lambda e, d: ["profile", str(d / "none.tflite")],
        "none.tflite", "not found"),
    Bad("profile-model-directory", lambda e, d: ["profile", str(directory(d, "m.tflite"))],
        "m.tflite", "directory"),
    Bad("profile-model-symlink-loop",
        lambda e, d: ["profile", str(symlink_loop(d, "m.tflite"))], "m.tflite"),
    Bad("profile-model-wrong-type", lambda e, d: ["profile", str(e.elf)], "fw.elf"),
    Bad("profile-board-empty",
        lambda e, d: _profile("--board", str(empty(d, "b.yaml"))), "b.yaml",
        "not a board profile"),
    Bad("profile-board-missing", lambda e, d: _profile("--board", str(d / "b.yaml")), "b.yaml",
        "no such board profile"),
    Bad("profile-board-non-utf8", lambda e, d: _profile("--board", str(non_utf8(d, "b.yaml"))),
        "b.yaml", "not UTF-8"),
    Bad("profile-board-not-yaml",
        lambda e, d: _profile("--board", str(text(d, "b.yaml", "board: [x\n"))), "b.yaml",
        "unreadable board profile"),
    Bad("profile-board-clock-not-a-number",
        lambda e, d: _profile("--board", str(text(d, "b.yaml", BAD_CLOCK_BOARD))), "b.yaml",
        "clock_hz"),
    Bad("profile-board-unknown-core",
        lambda e, d: _profile("--board", str(text(d, "b.yaml", "board: x\ncore: z80\n"))),
        "b.yaml", "unknown core"),
    Bad("profile-pipeline-non-utf8",
        lambda e, d: _profile("--pipeline", str(non_utf8(d, "detector.yaml"))),
        "detector.yaml", "not UTF-8"),
    Bad("profile-pipeline-directory",
        lambda e, d: _profile("--pipeline", str(directory(d, "detector.yaml"))),
        "detector.yaml", "directory"),
    Bad("profile-detector-names-a-missing-pipeline",
        lambda e, d: _profile("--pipeline", str(text(d, "detector.yaml", "pipeline: gone.yaml\n"))),
        "gone.yaml"),
    Bad("profile-detector-unknown-key",
        lambda e, d: _profile("--pipeline", str(text(d, "detector.yaml", "foo: 1\n"))),
        "detector.yaml", "unknown key"),
    Bad("profile-measured-bad-row",
        lambda e, d: _profile("--measured", str(text(d, "m.csv", "node,op,instructions\n0,X,a\n"))),
        "m.csv", "line 2"),
    Bad("profile-measured-missing", lambda e, d: _profile("--measured", str(d / "m.csv")),
        "m.csv", "no such measurement file"),
    Bad("profile-png-is-a-directory",
        lambda e, d: _profile("--png", str(directory(d, "p.png"))), "p.png", "directory"),
    Bad("profile-png-read-only-folder", lambda e, d: _profile("--png", str(d / "ro" / "p.png")),
        "p.png", "cannot write", read_only="ro"),
    Bad("profile-max-ms-without-board", lambda e, d: _profile("--max-ms", "3"), "",
        "--max-ms needs --board", EXIT_USAGE),
    # ------------------------------------------------------------------ power
    Bad("power-model-truncated",
        lambda e, d: _power("--model", str(truncated(KNOCK / "knock.tflite", d, "m.tflite"))),
        "m.tflite", "truncated"),
    Bad("power-board-clock-not-a-number",
        lambda e, d: _power("--board", str(text(d, "b.yaml", BAD_CLOCK_BOARD))), "b.yaml",
        "clock_hz"),
    Bad("power-board-non-utf8", lambda e, d: _power("--board", str(non_utf8(d, "b.yaml"))),
        "b.yaml", "not UTF-8"),
    Bad("power-detector-non-utf8",
        lambda e, d: _power("--detector", str(non_utf8(d, "detector.yaml"))), "detector.yaml",
        "not UTF-8"),
    Bad("power-detector-missing", lambda e, d: _power("--detector", str(d / "detector.yaml")),
        "detector.yaml", "no such"),
    Bad("power-detector-not-yaml",
        lambda e, d: _power("--detector", str(text(d, "detector.yaml", "a: [\n"))),
        "detector.yaml", "unreadable"),
    Bad("power-recording-missing",
        lambda e, d: _power("--recording", str(d / "r.csv"), duty=None), "r.csv", "no such"),
    Bad("power-recording-wrong-type",
        lambda e, d: _power("--recording", str(e.elf), duty=None), "fw.elf"),
    Bad("power-duty-out-of-range", lambda e, d: _power(duty="1.5"), "", "a share of windows",
        EXIT_USAGE),
    Bad("power-duty-and-recording",
        lambda e, d: _power("--recording", str(e.recording)), "", "give either", EXIT_USAGE),
    Bad("power-cell-unknown", lambda e, d: _power("--cell", "12xmAh"), "12xmAh", "unknown cell"),
    Bad("power-png-read-only-folder", lambda e, d: _power("--png", str(d / "ro" / "p.png")),
        "p.png", "cannot write", read_only="ro"),
    # ------------------------------------------------------------------ release
    Bad("release-assemble-out-exists",
        lambda e, d: _release(e, directory(d, "rel")), "rel", "never overwritten"),
    Bad("release-assemble-without-package",
        lambda e, d: _release(e, d / "rel", package=False), "", "--package", EXIT_USAGE),
    Bad("release-assemble-version-not-semver",
        lambda e, d: _release(e, d / "rel", version="banana"), "", "x.y.z", EXIT_USAGE),
    Bad("release-assemble-package-truncated",
        lambda e, d: [*_release(e, d / "rel", package=False), "--package",
                      str(truncated(e.package, d, "t.pkg"))], "t.pkg"),
    Bad("release-assemble-firmware-missing",
        lambda e, d: ["release", "assemble", str(d / "rel"), "--firmware", str(d / "fw.bin"),
                      "--firmware-version", "1.0.0", "--board", "b", "--package",
                      str(e.package)], "fw.bin"),
    Bad("release-check-compat-not-json",
        lambda e, d: _release_check(e, text(d, "c.json", '{"x":')), "c.json", "JSON"),
    Bad("release-check-compat-non-utf8",
        lambda e, d: _release_check(e, non_utf8(d, "c.json")), "c.json"),
    Bad("release-check-compat-missing",
        lambda e, d: _release_check(e, d / "none.json"), "none.json", "no such"),
    Bad("release-check-compat-directory",
        lambda e, d: _release_check(e, directory(d, "c.json")), "c.json"),
]  # fmt: skip


def _release(e: Env, out: Path, package: bool = True, version: str = "1.0.0") -> list[str]:
    argv = ["release", "assemble", str(out), "--firmware", str(e.elf),
            "--firmware-version", version, "--board", "b"]  # fmt: skip
    return [*argv, "--package", str(e.package)] if package else argv


def _release_check(e: Env, compat: Path) -> list[str]:
    return ["release", "check", str(e.package), "--compat", str(compat), "--board", "b",
            "--firmware", "1.0.0"]  # fmt: skip


BAD_CLOCK_BOARD = "board: x\ncore: cortex-m4f\nclock_hz: fast\n"


def _profile(*extra: str) -> list[str]:
    return ["profile", str(KNOCK / "knock.pkg"), *extra]


def _power(*extra: str, duty: str | None = "0.1") -> list[str]:
    argv = ["power", "--board", "nrf52840dk/nrf52840", "--model", str(KNOCK / "knock.pkg")]
    argv += ["--detector", str(KNOCK / "detector.yaml")]
    # A later option of the same name wins (argparse): the row's bad value replaces the good.
    return argv + (["--duty", duty] if duty is not None else []) + list(extra)


def _with_pipeline(model_dir: Path, name: str) -> Path:
    shutil.copy(REPO_ROOT / "models" / "pipelines" / f"{name}.yaml", model_dir / "pipeline.yaml")
    return model_dir


def e_rep(folder: Path) -> Path:
    """A valid representative file to truncate (made in ``folder``)."""
    return npy(folder, "whole.npy", np.zeros((20, 64, 1), np.float32))


def _link(target: Path, link: Path, hard: bool = False) -> Path:
    if hard:
        os.link(target, link)
    else:
        link.symlink_to(target)
    return link


def _copy(source: Path, folder: Path) -> Path:
    return Path(shutil.copy(source, folder / source.name))


def _flip(source: Path, target: Path, offset: int) -> Path:
    data = bytearray(source.read_bytes())
    data[offset] ^= 0x01
    target.write_bytes(bytes(data))
    return target


@dataclass
class Outcome:
    code: int
    out: str
    err: str
    lines: list[str] = field(default_factory=list)


def invoke(argv: list[str], capfd: pytest.CaptureFixture[str]) -> Outcome:
    try:
        code = cli.main(argv)
    except SystemExit as exc:  # argparse: --help or a usage error
        code = int(exc.code or 0)
    out, err = capfd.readouterr()
    return Outcome(code, out, err, [line for line in err.splitlines() if line.strip()])


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_input(case: Bad, env: Env, capfd: pytest.CaptureFixture[str]) -> None:
    folder = env.root / "cases" / case.id
    folder.mkdir(parents=True)
    if case.read_only:
        (folder / case.read_only).mkdir()
    argv = case.argv(env, folder)
    capfd.readouterr()
    before = snapshot(env.root)
    if case.read_only:
        with read_only(folder / case.read_only):
            outcome = invoke(argv, capfd)
    else:
        outcome = invoke(argv, capfd)
    after = snapshot(env.root)
    assert outcome.code == case.code, outcome.err
    assert "Traceback" not in outcome.err + outcome.out
    assert before == after, "a refused command wrote or changed files"
    if case.code == EXIT_USAGE:
        assert outcome.lines[-1].startswith("tinyml"), outcome.err
        assert case.says in outcome.lines[-1]
        return
    assert len(outcome.lines) == 1, outcome.err
    assert case.names in outcome.lines[0]
    assert case.says.lower() in outcome.lines[0].lower(), outcome.lines[0]


# The first word of a row's id names its command (model-pack's actions by their own name).
ROW_PREFIXES = {
    "model-pack": ("check", "build", "inspect", "verify", "extract", "ops"),
    "memreport": ("memreport",),
    "replay": ("replay",),
    "profile": ("profile",),
    "power": ("power",),
    "release": ("release",),
}


# Commands whose refusals have another shape (import refuses file by file): their own tables.
ROWS_ELSEWHERE = {"dataset": "test_bad_inputs_dataset.py", "train": "test_bad_inputs_dataset.py"}


def test_every_row_names_a_command_and_every_command_has_rows() -> None:
    import warnings

    from tinyml_tools.commands import all_commands

    prefixes = {p for group in ROW_PREFIXES.values() for p in group}
    assert {c.id.split("-")[0] for c in CASES} <= prefixes
    for command, group in ROW_PREFIXES.items():
        assert any(c.id.split("-")[0] in group for c in CASES), command
    for command in all_commands():  # a new command: add its rows (one per bad input) above
        if command.name not in ROW_PREFIXES and command.name not in ROWS_ELSEWHERE:
            warnings.warn(f"{command.name}: no rows in the bad-input matrix yet", stacklevel=1)
