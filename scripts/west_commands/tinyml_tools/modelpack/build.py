"""model directory -> signed package: the whole `model-pack build` pipeline."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..errors import CheckFailed, InputError
from . import schema
from .arena import ArenaEstimate, estimate_arena
from .checks import check_model
from .convert import Conversion, convert
from .features import feature_pipeline_id
from .manifest import Manifest
from .metadata import MAX_IO, MAX_RANK, ModelMetadata, TensorInfo
from .model_config import ModelConfig, load_model_config
from .offline_plan import plan_offline
from .output_kind import describe as describe_output
from .package import check_fits, make_image, write_atomically
from .signing import SigningKey
from .tflite_model import Tensor, TfliteModel, load_tflite


@dataclass(frozen=True)
class BuildResult:
    output: Path
    size: int
    config: ModelConfig
    metadata: ModelMetadata
    conversion: Conversion
    ops: list[str]
    greedy_head: int


def _tensor_info(tensor: Tensor, direction: int, index: int, file: Path) -> TensorInfo:
    if not 1 <= len(tensor.shape) <= MAX_RANK:
        raise CheckFailed(f"{file}: {tensor.label()} has rank {len(tensor.shape)} (1..5 allowed)")
    scale = tensor.scales[0] if tensor.scales else 0.0
    zero = tensor.zero_points[0] if tensor.zero_points else 0
    return TensorInfo(direction, tensor.type, index, tensor.shape, scale, zero)


def check_or_fail(model: TfliteModel, manifest: Manifest) -> None:
    result = check_model(model, manifest)
    if not result.compatible:
        raise CheckFailed(
            f"{model.path}: the firmware cannot run this model: " + "; ".join(result.problems)
        )


def _metadata(
    cfg: ModelConfig, model: TfliteModel, manifest: Manifest, arena: ArenaEstimate, planned: bool
) -> ModelMetadata:
    if len(model.inputs) > MAX_IO or len(model.outputs) > MAX_IO:
        raise CheckFailed(f"{model.path}: more than {MAX_IO} inputs or outputs")
    inputs = tuple(
        _tensor_info(model.tensors[t], 0, i, model.path) for i, t in enumerate(model.inputs)
    )
    outputs = tuple(
        _tensor_info(model.tensors[t], 1, i, model.path) for i, t in enumerate(model.outputs)
    )
    output_kind = describe_output(cfg, inputs, outputs)
    if outputs[0].type != schema.TensorType.INT8 or inputs[0].type != schema.TensorType.INT8:
        raise CheckFailed(f"{model.path}: the firmware feeds and reads int8 tensors only")
    return ModelMetadata(
        version=cfg.version,
        tflite_size=len(model.data),
        runtime_id=manifest.runtime_id,
        feature_pipeline_id=feature_pipeline_id(cfg.feature_pipeline),
        arena=arena.figures,
        manifest_digest=manifest.digest,
        inputs=inputs,
        outputs=outputs,
        labels=cfg.labels,
        thresholds=tuple((cfg.labels.index(k), v) for k, v in sorted(cfg.thresholds.items())),
        offline_plan=planned,
        output_kind=output_kind,
    )


def build_package(
    model_dir: Path,
    output: Path,
    manifest: Manifest,
    key: SigningKey | None,
    partition_bytes: int | None,
    partition_where: str = "",
) -> BuildResult:
    cfg = load_model_config(model_dir)
    feature_pipeline_id(cfg.feature_pipeline)  # fail early on a bad pipeline config
    if output.parent and not output.parent.is_dir():
        raise InputError(output, "cannot write: the output directory does not exist")
    conversion = convert(cfg)
    model = load_tflite(
        cfg.source_path if conversion.float_accuracy is None else model_dir, conversion.tflite
    )
    check_or_fail(model, manifest)
    greedy = estimate_arena(model)
    planned = plan_offline(model, greedy)
    if planned is not None:
        model, arena = planned
    else:
        arena = greedy
    metadata = _metadata(cfg, model, manifest, arena, planned is not None)
    image = make_image(model.data, metadata, key)
    if partition_bytes is not None:
        check_fits(len(image), partition_bytes, partition_where)
    write_atomically(output, image)
    return BuildResult(
        output=output,
        size=len(image),
        config=cfg,
        metadata=metadata,
        conversion=conversion,
        ops=model.op_specs(),
        greedy_head=greedy.head,
    )
