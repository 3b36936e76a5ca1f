"""The feature-pipeline ID a package carries: the one place model-pack asks the signal chain."""

from __future__ import annotations

from pathlib import Path

from ..errors import InputError
from ..features.pipeline import load_pipeline, pipeline_id


def feature_pipeline_id(path: Path) -> int:
    """uint32 ID of the feature pipeline config at ``path``, as the firmware computes it."""
    if not path.is_file():
        raise InputError(path, "feature pipeline config not found")
    return pipeline_id(load_pipeline(path))
