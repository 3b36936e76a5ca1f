"""Python reference of the firmware's feature pipelines (numpy), bit-exact with the C core.

``pipeline`` holds the configuration (YAML), its canonical blob and the pipeline ID;
``compute`` runs a whole pipeline; the other modules mirror one C file each
(docs/signal-chain.md defines the arithmetic). The main names are importable from here too;
they load lazily, so ``python -m tinyml_tools.features.tables`` runs without the rest.
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "PipelineConfig": "pipeline",
    "encode_pipeline": "pipeline",
    "feature_names": "pipeline",
    "load_pipeline": "pipeline",
    "pipeline_id": "pipeline",
    "run_pipeline": "compute",
    "windows": "compute",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{_EXPORTS[name]}"), name)
