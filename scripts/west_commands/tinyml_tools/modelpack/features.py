"""The feature-pipeline ID a package carries, and whether the pipeline can fill the model's
input: the one place model-pack (and replay) ask the signal chain."""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path

from ..errors import InputError
from ..features.pipeline import PipelineConfig, load_pipeline, pipeline_id


def load_feature_pipeline(path: Path) -> PipelineConfig:
    if not path.is_file():
        raise InputError(path, "feature pipeline config not found")
    return load_pipeline(path)


def feature_pipeline_id(path: Path) -> int:
    """uint32 ID of the feature pipeline config at ``path``, as the firmware computes it."""
    return pipeline_id(load_feature_pipeline(path))


def input_frames(
    pipeline: PipelineConfig, pipeline_name: str, input_shape: Sequence[int], model: Path
) -> int:
    """How many feature vectors of ``pipeline`` fill a model input of ``input_shape``.

    The firmware (and replay) stack the newest feature vectors into the input tensor, so its
    element count must be a whole, non-zero number of them; otherwise the model can never run
    on the device: InputError naming the model.
    """
    values = math.prod(input_shape)
    features = pipeline.feature_count
    if values <= 0 or values % features:
        raise InputError(
            model,
            f"model input {list(input_shape)} ({values} values) is not a whole number of "
            f"{features}-feature frames of the pipeline {pipeline_name}: its pipeline cannot "
            "fill it",
        )
    return values // features
