"""`dataset` and `train` against bad inputs (the rows test_bad_inputs.py's matrix cannot hold).

`dataset import` takes many files at once and refuses them one by one: a line per refused file
naming it and the problem, then one summary line naming the dataset; nothing is imported and no
file is written anywhere. `dataset info|split` and `train` refuse with exactly one line naming
the file. Every refusal exits 1 (docs/exit-codes.md), never with a traceback, and leaves the
test's folder exactly as it was (an existing model directory included).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
from bad_inputs import binary, directory, empty, non_utf8, snapshot, text, truncated
from test_bad_inputs import NAN_CSV, invoke

from tinyml_tools import cli
from tinyml_tools.errors import EXIT_BAD_INPUT
from tinyml_tools.paths import REPO_ROOT

KNOCK = REPO_ROOT / "models" / "knock"
PIPELINE = KNOCK / "pipeline.yaml"
RATE_HZ = 1600


def _csv(folder: Path, name: str, seconds: float = 4.0) -> Path:
    n = int(seconds * RATE_HZ)
    i = np.arange(n)
    rows = "".join(f"{k / RATE_HZ:.6f},{k % 7},{k % 5},{k % 3}\n" for k in i)
    path = folder / name
    path.write_text("t,ax,ay,az\n" + rows)
    path.with_suffix(".labels.csv").write_text("start,end,class\n1,1.1,knock\n")
    return path


@dataclass(frozen=True)
class Env:
    root: Path
    dataset: Path  # four sessions, split into train/val/test
    model: Path  # a model directory train wrote before (must survive every refusal)


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> Env:
    root = tmp_path_factory.mktemp("bid")
    sources = root / "sources"
    sources.mkdir()
    files = [str(_csv(sources, f"{s}.csv")) for s in "abcd"]
    dataset = root / "ds"
    assert cli.main(["dataset", "import", str(dataset), *files]) == 0
    assert cli.main(["dataset", "split", str(dataset), "--val", "0.25", "--test", "0.25"]) == 0
    model = root / "model"
    model.mkdir()
    (model / "inputs.json").write_text("{}\n")  # what train leaves; the refusals must keep it
    (model / "model.yaml").write_text("name: model\n")
    return Env(root, dataset, model)


Argv = Callable[[Env, Path], list[str]]


@dataclass(frozen=True)
class Bad:
    id: str
    argv: Argv
    names: str  # the file every message line must name
    says: str = ""


def _import(env: Env, *sources: Path, extra: tuple[str, ...] = ()) -> list[str]:
    return ["dataset", "import", str(env.root / "new_ds"), *map(str, sources), *extra]


def _train(env: Env, *extra: str, out: Path | None = None) -> list[str]:
    out = out or env.root / "new_model"
    return ["train", str(env.dataset), "--pipeline", str(PIPELINE), "--template", "cnn1d",
            "-o", str(out), *extra]  # fmt: skip


IMPORT_ROWS = [
    Bad("import-empty-csv", lambda e, d: _import(e, empty(d, "r.csv")), "r.csv", "empty"),
    Bad("import-nan-csv", lambda e, d: _import(e, text(d, "r.csv", NAN_CSV),
                                               extra=("--negative-only",)), "r.csv", "finite"),
    Bad("import-non-utf8-csv", lambda e, d: _import(e, non_utf8(d, "r.csv"),
                                                    extra=("--negative-only",)), "r.csv"),
    Bad("import-not-a-wav", lambda e, d: _import(e, binary(d, "r.wav", b"RIFF0000WAVEjunk"),
                                                 extra=("--negative-only",)), "r.wav", "WAV"),
    Bad("import-truncated-npz",
        lambda e, d: _import(e, truncated(KNOCK / "golden" / "heldout_00.npz", d, "r.npz"),
                             extra=("--negative-only",)), "r.npz"),
    Bad("import-missing-file", lambda e, d: _import(e, d / "gone.csv"), "gone.csv", "no such"),
    Bad("import-labels-end-before-start",
        lambda e, d: _import(e, _labelled(d, "start,end,class\n2,1,knock\n")), "r.labels.csv",
        "start < end"),
    Bad("import-labels-non-utf8",
        lambda e, d: _import(e, _labelled(d, b"start,end,class\n1,2,caf\xe9\n")), "r.labels.csv"),
    Bad("import-meta-not-json",
        lambda e, d: _import(e, _with_meta(d, '{"odr_hz": 1600'), extra=("--negative-only",)),
        "r.meta.json", "JSON"),
]  # fmt: skip

ONE_LINE_ROWS = [
    Bad("import-into-a-file", lambda e, d: ["dataset", "import", str(text(d, "ds", "x")),
                                            str(_csv(d, "r.csv", 1.0))], "ds", "not a dataset"),
    Bad("import-scale-negative",
        lambda e, d: _import(e, _csv(d, "r.csv", 1.0), extra=("--units", "g", "--scale", "-1")),
        "new_ds", "--scale"),
    Bad("info-not-a-dataset", lambda e, d: ["dataset", "info", str(directory(d, "ds"))], "ds",
        "not a dataset"),
    Bad("info-corrupt-index",
        lambda e, d: ["dataset", "info", str(_index(d, "{not json"))], "dataset.json"),
    Bad("split-val-out-of-range",
        lambda e, d: ["dataset", "split", str(e.dataset), "--val", "2"], "ds", "--val"),
    Bad("split-by-unknown", lambda e, d: ["dataset", "split", str(e.dataset), "--by", "moon"],
        "ds", "--by"),
    Bad("train-output-is-the-dataset", lambda e, d: _train(e, out=e.dataset), "ds", "dataset"),
    Bad("train-output-inside-the-dataset",
        lambda e, d: _train(e, out=e.dataset / "recordings"), "recordings", "dataset"),
    Bad("train-output-holds-the-dataset", lambda e, d: _train(e, out=e.root), "bid",
        "dataset"),
    Bad("train-output-not-a-model-dir",
        lambda e, d: _train(e, out=_folder_with(d, "mine", "notes.txt")), "mine", "not written"),
    Bad("train-output-is-a-file", lambda e, d: _train(e, out=text(d, "m", "x")), "m",
        "not a folder"),
    Bad("train-version-not-semver", lambda e, d: _train(e, "--version", "banana"), "new_model",
        "MAJOR.MINOR.PATCH"),
    Bad("train-detector-non-utf8",
        lambda e, d: _train(e, "--detector", str(non_utf8(d, "detector.yaml"))), "detector.yaml",
        "UTF-8"),
    Bad("train-detector-not-a-mapping",
        lambda e, d: _train(e, "--detector", str(text(d, "detector.yaml", "- 1\n"))),
        "detector.yaml", "mapping"),
    Bad("train-pipeline-non-utf8",
        lambda e, d: ["train", str(e.dataset), "--pipeline", str(non_utf8(d, "p.yaml")),
                      "--template", "cnn1d", "-o", str(e.root / "new_model")], "p.yaml", "UTF-8"),
    Bad("train-unknown-template",
        lambda e, d: [*_train(e)[:4], "--template", "transformer", "-o", str(e.root / "x")],
        "x", "unknown template"),
    Bad("train-unknown-split", lambda e, d: _train(e, "--split", "nosplit"), "nosplit",
        "dataset split"),
    Bad("train-existing-model-bad-version",
        lambda e, d: _train(e, "--version", "1.2", out=e.model), "model", "MAJOR.MINOR.PATCH"),
]  # fmt: skip


def _labelled(folder: Path, labels: str | bytes) -> Path:
    source = _csv(folder, "r.csv", 2.0)
    target = source.with_suffix(".labels.csv")
    if isinstance(labels, bytes):
        target.write_bytes(labels)
    else:
        target.write_text(labels)
    return source


def _with_meta(folder: Path, meta: str) -> Path:
    source = _csv(folder, "r.csv", 1.0)
    source.with_suffix(".meta.json").write_text(meta)
    return source


def _index(folder: Path, content: str) -> Path:
    ds = directory(folder, "ds")
    (ds / "dataset.json").write_text(content)
    return ds


def _folder_with(folder: Path, name: str, file: str) -> Path:
    target = directory(folder, name)
    (target / file).write_text("the user's own file\n")
    return target


def _run(case: Bad, env: Env, capfd: pytest.CaptureFixture[str]) -> list[str]:
    folder = env.root / "cases" / case.id
    folder.mkdir(parents=True)
    argv = case.argv(env, folder)
    capfd.readouterr()
    before = snapshot(env.root)
    outcome = invoke(argv, capfd)
    assert snapshot(env.root) == before, "a refused command wrote or changed files"
    assert outcome.code == EXIT_BAD_INPUT, outcome.err
    assert "Traceback" not in outcome.err + outcome.out
    return outcome.lines


@pytest.mark.parametrize("case", IMPORT_ROWS, ids=[c.id for c in IMPORT_ROWS])
def test_import_refuses_each_bad_file_and_imports_nothing(
    case: Bad, env: Env, capfd: pytest.CaptureFixture[str]
) -> None:
    lines = _run(case, env, capfd)
    refused, summary = lines[:-1], lines[-1]
    assert len(refused) == 1 and case.names in refused[0], lines
    assert case.says.lower() in refused[0].lower(), refused[0]
    assert "new_ds" in summary and "nothing imported" in summary, summary


@pytest.mark.parametrize("case", ONE_LINE_ROWS, ids=[c.id for c in ONE_LINE_ROWS])
def test_refusal_is_one_line_naming_the_file(
    case: Bad, env: Env, capfd: pytest.CaptureFixture[str]
) -> None:
    lines = _run(case, env, capfd)
    assert len(lines) == 1, lines
    assert case.names in lines[0], lines[0]
    assert case.says.lower() in lines[0].lower(), lines[0]


def test_import_of_good_and_bad_files_imports_none_and_names_only_the_bad(
    env: Env, capfd: pytest.CaptureFixture[str]
) -> None:
    case = Bad(
        "import-good-and-bad",
        lambda e, d: _import(e, _csv(d, "good.csv", 2.0), empty(d, "bad.csv")),
        "bad.csv",
    )
    lines = _run(case, env, capfd)
    assert len(lines) == 2 and "bad.csv" in lines[0] and "good.csv" not in "".join(lines)
    assert "1 file(s) refused (of 2)" in lines[1]
