"""The profile of one model: per-layer rows and the totals per inference, window and second."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..features.pipeline import Kind, PipelineConfig
from ..modelpack.arena import estimate_arena
from ..modelpack.files import read_input
from ..modelpack.tflite_model import TfliteModel, load_tflite
from .boards import Board
from .costmodel import CostModel
from .feature_cost import DECISION_STEP_INSTRUCTIONS, FeatureCostModel
from .features import layer_features
from .live import live_memory


@dataclass(frozen=True)
class Layer:
    index: int
    op: str
    kernel: str
    costed_as: str  # the kernel kind whose coefficients were used
    inputs: str
    outputs: str
    params: int
    macs: int
    live_bytes: int
    extent_bytes: int
    peak: bool
    instructions: float
    measured: float | None = None

    def as_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {
            "index": self.index,
            "op": self.op,
            "kernel": self.kernel,
            "costed_as": self.costed_as,
            "inputs": self.inputs,
            "outputs": self.outputs,
            "params": self.params,
            "macs": self.macs,
            "live_bytes": self.live_bytes,
            "extent_bytes": self.extent_bytes,
            "peak": self.peak,
            "instructions": round(self.instructions),
        }
        if self.measured is not None:
            d["measured"] = self.measured
        return d


@dataclass(frozen=True)
class PipelineCost:
    name: str
    features_per_window: float
    decision_per_window: float
    windows_per_second: float
    hop_samples: int
    sample_rate_hz: int


@dataclass(frozen=True)
class Profile:
    model: Path
    layers: tuple[Layer, ...]
    inference: float  # instructions per inference (layers + Invoke overhead)
    arena_bytes: int
    arena_head: int
    arena_tail: int
    pipeline: PipelineCost | None
    board: Board | None
    measured_unit: str | None = None

    @property
    def window(self) -> float | None:
        """Instructions per window: features + inference + decision."""
        if self.pipeline is None:
            return None
        p = self.pipeline
        return p.features_per_window + self.inference + p.decision_per_window

    @property
    def per_second(self) -> float | None:
        if self.pipeline is None or self.window is None:
            return None
        return self.window * self.pipeline.windows_per_second

    def ms(self, instructions: float) -> float | None:
        return None if self.board is None else self.board.seconds(instructions) * 1e3

    @property
    def duty(self) -> float | None:
        """Share of the CPU the detector takes at the board's clock (model on every window)."""
        if self.board is None or self.per_second is None:
            return None
        return self.board.seconds(self.per_second)

    def as_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {
            "model": str(self.model),
            "unit": "instructions (Cortex-M4F, TFLM + CMSIS-NN)",
            "layers": [layer.as_dict() for layer in self.layers],
            "peak_layer": next((la.index for la in self.layers if la.peak), None),
            "arena": {"total": self.arena_bytes, "head": self.arena_head, "tail": self.arena_tail},
            "totals": {"inference_instructions": round(self.inference)},
        }
        totals = d["totals"]
        if self.pipeline is not None and self.window is not None and self.per_second is not None:
            p = self.pipeline
            d["pipeline"] = {
                "name": p.name,
                "windows_per_second": p.windows_per_second,
                "features_instructions_per_window": round(p.features_per_window),
                "decision_instructions_per_window": round(p.decision_per_window),
            }
            totals["window_instructions"] = round(self.window)
            totals["second_instructions"] = round(self.per_second)
        if self.board is not None:
            b = self.board
            d["board"] = {
                "name": b.name,
                "core": b.core,
                "clock_hz": b.clock_hz,
                "cycles_per_m4f_instruction": b.scale.typical,
                "range": [b.scale.low, b.scale.high],
            }
            totals["inference_ms"] = self.ms(self.inference)
            if self.window is not None:
                totals["window_ms"] = self.ms(self.window)
                totals["cpu_duty"] = self.duty
        if self.measured_unit is not None:
            totals["measured_unit"] = self.measured_unit
            totals["measured_total"] = sum(la.measured or 0 for la in self.layers)
        return d


def _shapes(shapes: tuple[tuple[int, ...], ...], types: tuple[str, ...]) -> str:
    return " ".join(f"{t}[{'x'.join(map(str, s))}]" for s, t in zip(shapes, types, strict=False))


def read_model(path: Path) -> TfliteModel:
    """A .tflite, or the .tflite inside a model package."""
    data = read_input(path, "model file")
    if data[4:8] == b"TFL3":
        return load_tflite(path, data)
    from ..modelpack.package import parse_package

    pkg = parse_package(path, data)
    if not pkg.hash_ok:
        raise InputError(path, "SHA-256 mismatch: the package was modified or truncated")
    return load_tflite(path, pkg.payload)


def pipeline_cost(cfg: PipelineConfig, features: FeatureCostModel) -> PipelineCost:
    # A log-mel model sees one clip per inference; a spectral one a window every hop.
    hop = cfg.clip_len if cfg.kind is Kind.LOGMEL else (cfg.hop or cfg.window_len)
    return PipelineCost(
        cfg.name or "pipeline",
        features.window_instructions(cfg),
        float(DECISION_STEP_INSTRUCTIONS),
        cfg.sample_rate_hz / hop,
        hop,
        cfg.sample_rate_hz,
    )


def build_profile(
    path: Path,
    model: TfliteModel,
    cost: CostModel,
    pipeline: PipelineCost | None = None,
    board: Board | None = None,
    measured: dict[int, float] | None = None,
    measured_unit: str | None = None,
) -> Profile:
    feats = layer_features(model)
    arena = estimate_arena(model)
    live = live_memory(arena, len(feats))
    layers = []
    for i, f in enumerate(feats):
        instructions, used = cost.layer_cost(f)
        layers.append(
            Layer(
                index=f.index,
                op=f.op,
                kernel=f.kernel,
                costed_as=used,
                inputs=_shapes(f.input_shapes, f.input_types),
                outputs=_shapes(f.output_shapes, f.output_types),
                params=f.params,
                macs=f.macs,
                live_bytes=live.live[i],
                extent_bytes=live.extent[i],
                peak=(i == live.peak and arena.head > 0),
                instructions=instructions,
                measured=None if measured is None else measured.get(f.index),
            )
        )
    inference = cost.invoke_fixed + sum(la.instructions for la in layers)
    return Profile(
        path,
        tuple(layers),
        inference,
        arena.total,
        arena.head,
        arena.total - arena.head,
        pipeline,
        board,
        measured_unit,
    )
