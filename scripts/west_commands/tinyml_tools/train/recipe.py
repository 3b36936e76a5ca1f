"""The bundled examples on the user's path: their generators write recordings with labels and
metadata, ``dataset import`` and ``dataset split`` make the dataset (the generator's held-out
conditions held out whole, tag ``set=heldout``), and ``train`` trains the model in
``models/<example>/``. ``models/<example>/train.py`` only states its recipe.

    python models/knock/train.py [--force]
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import shutil
import sys
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from types import ModuleType

from ..dataset import store
from ..dataset.importer import ImportOptions, import_files
from ..dataset.split import SplitSpec, split
from ..errors import TinymlError
from ..paths import BUILD_DIR, REPO_ROOT
from ..replay.dataset import write_split
from .calibrate import Target
from .features import default_backend
from .run import TrainOptions, TrainResult, train
from .ui import Ui

HELDOUT_TAG = ("set", "heldout")


@dataclass(frozen=True)
class Recipe:
    example: str
    template: str
    frames: int
    epochs: int
    session_seconds: float  # each generated training session
    target: Target
    min_overlap: float = 0.5
    heldout_seconds: float = 60.0
    val: float = 0.25
    qat: bool = False
    out: str = ""  # model directory under models/<example>/ ("" = the example's own)
    name: str | None = None
    background: str | None = None
    learning_rate: float = 3e-3
    batch_size: int = 64


def generator(example: str) -> ModuleType:
    path = REPO_ROOT / "models" / example / "generate.py"
    spec = importlib.util.spec_from_file_location(f"tinyml_example_{example}", path)
    if spec is None or spec.loader is None:
        raise TinymlError(f"{path}: cannot load the generator")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def dataset_dir(example: str) -> Path:
    return BUILD_DIR / "datasets" / example


def write_sources(recipe: Recipe, folder: Path) -> list[Path]:
    """The generator's training and held-out recordings as a user would bring them: one .npz
    (metadata inside: sensor, condition, pipeline) and one labels CSV each."""
    gen = generator(recipe.example)
    parts = []
    for part, seconds in (("train", recipe.session_seconds), ("heldout", recipe.heldout_seconds)):
        sessions = gen.sessions(part, seconds)
        for s in sessions:
            condition = dict(s.recording.meta.get("condition", {}))
            condition[HELDOUT_TAG[0]] = HELDOUT_TAG[1] if part == "heldout" else "train"
            s.recording.meta["condition"] = condition
        write_split(folder / part, recipe.example, part, sessions)
        parts.append(folder / part)
    return parts


def build_dataset(recipe: Recipe, ui: Ui) -> Path:
    root = dataset_dir(recipe.example)
    sources = root.with_name(f"{recipe.example}_sources")
    ui.step(f"{recipe.example}: generating recordings into {sources}")
    parts = write_sources(recipe, sources)
    result = import_files(root, parts, ImportOptions())
    if result.refused and (root / store.INDEX).is_file():
        # the generator changed: the dataset is a build product, remake it
        shutil.rmtree(root)
        result = import_files(root, parts, ImportOptions())
    if result.refused:
        raise result.refused[0]
    ui.step(
        f"{recipe.example}: dataset {root}: {len(result.added)} recordings imported, "
        f"{len(result.unchanged)} unchanged"
    )
    spec = SplitSpec(val=recipe.val, holdout=(HELDOUT_TAG,), seed=0)
    split(store.load(root), spec)
    return root


def options(recipe: Recipe, dataset: Path, force: bool) -> TrainOptions:
    folder = REPO_ROOT / "models" / recipe.example
    out = folder / recipe.out if recipe.out else folder
    return TrainOptions(
        dataset=dataset,
        pipeline=folder / "pipeline.yaml",
        template=recipe.template,
        out=out,
        name=recipe.name or recipe.example,
        detector=out / "detector.yaml",
        frames=recipe.frames,
        epochs=recipe.epochs,
        learning_rate=recipe.learning_rate,
        batch_size=recipe.batch_size,
        min_overlap=recipe.min_overlap,
        qat=recipe.qat,
        target=recipe.target,
        background=recipe.background,
        features=default_backend(),
        force=force,
    )


def run_recipes(recipes: Sequence[Recipe], argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--force", action="store_true", help="retrain even when unchanged")
    args = parser.parse_args(argv)
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    from ..commands.train import _RichUi

    ui = _RichUi(quiet=False)
    try:
        dataset = build_dataset(recipes[0], ui)
        for recipe in recipes:
            result: TrainResult = train(options(recipe, dataset, args.force), ui)
            f = result.figures
            ui.step(
                f"{result.name}: {'reused' if result.reused else 'trained'}; "
                f"{f.get('parameters')} parameters, validation recall {f.get('val_recall')}, "
                f"{f.get('val_false_triggers_per_hour')} false triggers/h, threshold "
                f"{f.get('threshold')} ({f.get('seconds')} s)"
            )
    except TinymlError as err:
        print(f"train: error: {err}", file=sys.stderr)
        return 1
    return 0


__all__ = ["Recipe", "Target", "replace", "run_recipes"]
