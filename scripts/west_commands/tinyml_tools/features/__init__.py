"""Python reference of the firmware's feature pipelines (numpy), bit-exact with the C core.

``pipeline`` holds the configuration (YAML), its canonical blob and the pipeline ID;
``compute`` runs a whole pipeline; the other modules mirror one C file each
(docs/signal-chain.md defines the arithmetic).
"""

from tinyml_tools.features.compute import run_pipeline, windows
from tinyml_tools.features.pipeline import (
    PipelineConfig,
    encode_pipeline,
    feature_names,
    load_pipeline,
    pipeline_id,
)

__all__ = [
    "PipelineConfig",
    "encode_pipeline",
    "feature_names",
    "load_pipeline",
    "pipeline_id",
    "run_pipeline",
    "windows",
]
