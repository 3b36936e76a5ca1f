"""model directory -> signed package: the whole `model-pack build` pipeline.

Order matters: everything that can be checked without TensorFlow (model.yaml, the feature
pipeline, the output path against every input, every data file and its per-sample shape,
the labels) is checked before the conversion imports it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..errors import CheckFailed
from ..features.pipeline import pipeline_id
from ..writefile import check_writable
from . import schema
from .arena import ArenaEstimate, estimate_arena
from .checks import check_model
from .convert import Conversion, convert
from .data_files import (
    Samples,
    check_against_input,
    check_same_shape,
    data_files,
    keras_input_shape,
)
from .features import input_frames, load_feature_pipeline
from .manifest import Manifest
from .metadata import MAX_IO, MAX_RANK, ModelMetadata, TensorInfo
from .model_config import MODEL_FILE, ModelConfig, SourceFormat, load_model_config
from .offline_plan import plan_offline
from .output_kind import describe as describe_output
from .outputs import Companion, check_not_an_input, companions, write_companions
from .package import check_fits, make_image, write_atomically
from .signing import SigningKey, public_key_hash
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
    signer_key_hash: str | None
    chance_accuracy: float | None
    written: tuple[Companion, ...] = field(default_factory=tuple)


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
    pipeline = load_feature_pipeline(cfg.feature_pipeline)
    return ModelMetadata(
        version=cfg.version,
        tflite_size=len(model.data),
        runtime_id=manifest.runtime_id,
        feature_pipeline_id=pipeline_id(pipeline),
        arena=arena.figures,
        manifest_digest=manifest.digest,
        inputs=inputs,
        outputs=outputs,
        labels=cfg.labels,
        thresholds=tuple((cfg.labels.index(k), v) for k, v in sorted(cfg.thresholds.items())),
        offline_plan=planned,
        output_kind=output_kind,
    )


def input_files(cfg: ModelConfig, manifest: Manifest, key_path: Path | None) -> list[Path]:
    """Every file a build reads: none of them may be overwritten by its outputs."""
    quant = cfg.quantization
    files = [cfg.directory / MODEL_FILE, cfg.source_path, cfg.feature_pipeline, manifest.path]
    files += [p for p in (quant.representative_data, cfg.evaluation_data, key_path) if p]
    if quant.training is not None:
        files.append(quant.training.data)
    return files


def chance_accuracy(evaluation: Samples | None) -> float | None:
    """The accuracy of always answering the evaluation set's most common label."""
    if evaluation is None or evaluation.labels is None or not evaluation.count:
        return None
    counts = [int((evaluation.labels == c).sum()) for c in set(evaluation.labels.tolist())]
    return max(counts) / evaluation.count


def check_better_than_chance(
    cfg: ModelConfig, conversion: Conversion, evaluation: Samples | None, allow: bool
) -> float | None:
    chance = chance_accuracy(evaluation)
    accuracy = conversion.float_accuracy
    if allow or chance is None or accuracy is None or evaluation is None:
        return chance
    if accuracy <= chance:
        raise CheckFailed(
            f"{evaluation.path}: the float model's accuracy {accuracy:.3f} is no better than "
            f"chance ({chance:.3f}, always answering the most common label): check that y "
            f"uses the order of model.yaml's labels; --allow-chance-accuracy packs it anyway"
        )
    return chance


def _pre_tensorflow_checks(cfg: ModelConfig) -> list[Samples]:
    """Data files and shapes, checked before the conversion imports TensorFlow."""
    pipeline = load_feature_pipeline(cfg.feature_pipeline)
    samples = data_files(cfg)
    name = cfg.feature_pipeline.name
    if cfg.source_format is SourceFormat.TFLITE:
        source = load_tflite(cfg.source_path)
        shape = source.tensors[source.inputs[0]].shape if source.inputs else ()
        input_frames(pipeline, name, shape, cfg.source_path)
        check_against_input(samples, tuple(shape[1:]), cfg.source_path, exact=False)
        check_same_shape(samples)
        return samples
    keras_shape = keras_input_shape(cfg.source_path)
    if keras_shape is not None:
        input_frames(pipeline, name, (1, *keras_shape), cfg.source_path)
        check_against_input(samples, keras_shape, cfg.source_path, exact=True)
    check_same_shape(samples)
    for s in samples:
        input_frames(pipeline, name, (1, *s.sample_shape), s.path)
    return samples


def build_package(
    model_dir: Path,
    output: Path,
    manifest: Manifest,
    key: SigningKey | None,
    partition_bytes: int | None,
    partition_where: str = "",
    *,
    key_path: Path | None = None,
    allow_chance_accuracy: bool = False,
) -> BuildResult:
    cfg = load_model_config(model_dir)
    load_feature_pipeline(cfg.feature_pipeline)  # fail early on a bad pipeline config
    inputs = input_files(cfg, manifest, key_path)
    check_not_an_input(output, inputs)
    check_writable(output)  # a folder we cannot write is found before the conversion
    samples = _pre_tensorflow_checks(cfg)
    conversion = convert(cfg, samples)
    evaluation = next((s for s in samples if s.what == "evaluation data"), None)
    chance = check_better_than_chance(cfg, conversion, evaluation, allow_chance_accuracy)
    model = load_tflite(
        cfg.source_path if conversion.float_accuracy is None else model_dir, conversion.tflite
    )
    pipeline = load_feature_pipeline(cfg.feature_pipeline)
    input_frames(
        pipeline, cfg.feature_pipeline.name, model.tensors[model.inputs[0]].shape, model.path
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
        check_fits(len(image), partition_bytes, partition_where, output)
    extra = write_companions(companions(output, model.data, conversion.float_tflite, inputs))
    write_atomically(output, image)
    return BuildResult(
        output=output,
        size=len(image),
        config=cfg,
        metadata=metadata,
        conversion=conversion,
        ops=model.op_specs(),
        greedy_head=greedy.head,
        signer_key_hash=public_key_hash(key) if key is not None else None,
        chance_accuracy=chance,
        written=tuple(extra),
    )
