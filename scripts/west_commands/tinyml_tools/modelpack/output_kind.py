"""The output kind of model.yaml against the model's tensors: what the package's OUTPUT_KIND
TLV says (docs/model-package-format.md). Class scores need one output value per label; an
anomaly score needs an output as long as the input (a reconstruction) and two labels; a
regression names each output value."""

from __future__ import annotations

import math

from ..errors import InputError
from ..features.anomaly import AnomalyConfig, ratio_q16
from .metadata import (
    OUTPUT_ANOMALY_SCORE,
    OUTPUT_CLASSES,
    OUTPUT_REGRESSION,
    OutputKindInfo,
    TensorInfo,
)
from .model_config import ModelConfig, OutputKind

_CODES = {
    OutputKind.CLASSES: OUTPUT_CLASSES,
    OutputKind.ANOMALY_SCORE: OUTPUT_ANOMALY_SCORE,
    OutputKind.REGRESSION: OUTPUT_REGRESSION,
}


def anomaly_config(
    model_input: TensorInfo, model_output: TensorInfo, full_scale_q8: int
) -> AnomalyConfig:
    return AnomalyConfig(
        input_zero_point=model_input.zero_point,
        output_zero_point=model_output.zero_point,
        output_ratio_q16=ratio_q16(model_input.scale, model_output.scale),
        full_scale_q8=full_scale_q8,
        n_values=math.prod(model_output.shape),
    )


def describe(
    cfg: ModelConfig, inputs: tuple[TensorInfo, ...], outputs: tuple[TensorInfo, ...]
) -> OutputKindInfo:
    """The OUTPUT_KIND record; InputError naming model.yaml when the tensors do not fit it."""
    file = cfg.directory / "model.yaml"
    kind = cfg.output.kind
    values = outputs[0].shape[-1]
    if kind is OutputKind.CLASSES and values != len(cfg.labels):
        raise InputError(
            file,
            f"/labels: {len(cfg.labels)} labels but the model's output has {values} classes "
            "(for an autoencoder or a regression, set /output/kind)",
        )
    if kind is OutputKind.REGRESSION and values != len(cfg.labels):
        raise InputError(
            file, f"/labels: {len(cfg.labels)} labels name {values} regression outputs"
        )
    if kind is not OutputKind.ANOMALY_SCORE:
        return OutputKindInfo(_CODES[kind])
    n_in, n_out = math.prod(inputs[0].shape), math.prod(outputs[0].shape)
    if n_in != n_out:
        raise InputError(
            file,
            f"/output/kind: anomaly_score compares the output with the input, but the input "
            f"has {n_in} values and the output {n_out}",
        )
    assert cfg.output.full_scale_q8 is not None  # model_config requires it for this kind
    anomaly = anomaly_config(inputs[0], outputs[0], cfg.output.full_scale_q8)
    problems = anomaly.problems()
    if problems:
        raise InputError(file, f"/output: {'; '.join(problems)}")
    return OutputKindInfo(_CODES[kind], anomaly.output_ratio_q16, anomaly.full_scale_q8)
