"""The feature-pipeline ID a package carries: the one place that knows how it is computed.

The signal chain's ``tinyml_tools.features.pipeline`` (``load_pipeline(path)``,
``pipeline_id(config) -> int``) defines the ID the firmware computes. Until that module is
present in this tree, the ID is the first 4 bytes (little-endian) of the SHA-256 of the pipeline
YAML as canonical JSON (sorted keys, separators ``(',', ':')``).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import yaml

from ..errors import InputError, TinymlError


def _fallback_id(path: Path) -> int:
    try:
        config: Any = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as err:
        raise InputError(path, f"cannot read feature pipeline: {err.strerror}") from None
    except yaml.YAMLError as err:
        raise InputError(
            path, f"feature pipeline is not valid YAML: {err}".splitlines()[0]
        ) from None
    if not isinstance(config, dict):
        raise InputError(path, "feature pipeline config must be a mapping")
    canonical = json.dumps(config, sort_keys=True, separators=(",", ":"))
    return int.from_bytes(hashlib.sha256(canonical.encode("utf-8")).digest()[:4], "little")


def feature_pipeline_id(path: Path) -> int:
    """uint32 ID of the feature pipeline config at ``path``, as the firmware computes it."""
    if not path.is_file():
        raise InputError(path, "feature pipeline config not found")
    try:
        from ..features.pipeline import (  # type: ignore[import-not-found,import-untyped,unused-ignore]
            load_pipeline,
            pipeline_id,
        )
    except ModuleNotFoundError:
        return _fallback_id(path)
    try:
        return int(pipeline_id(load_pipeline(path))) & 0xFFFFFFFF
    except TinymlError:
        raise
    except (OSError, ValueError, KeyError, TypeError) as err:
        raise InputError(path, f"bad feature pipeline config: {err}") from None
