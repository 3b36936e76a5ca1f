"""The model metadata TLVs of a package (docs/model-package-format.md): encode and decode."""

from __future__ import annotations

import struct
from dataclasses import dataclass

FORMAT_VERSION = 1
HEADER_SIZE = 128
PAYLOAD_ALIGN = 16

TLV_MODEL_META = 0x00A0
TLV_MANIFEST_DIGEST = 0x00A1
TLV_TENSORS = 0x00A2
TLV_LABELS = 0x00A3
TLV_THRESHOLDS = 0x00A4
TLV_OUTPUT_KIND = 0x00A5  # optional; absent means class scores

OUTPUT_CLASSES = 0
OUTPUT_ANOMALY_SCORE = 1
OUTPUT_REGRESSION = 2

FLAG_OFFLINE_PLAN = 0x0001

_META = struct.Struct("<HHIBBHIIIIIIHHHHI")
_TENSOR = struct.Struct("<BBBB5ifi")
_THRESHOLD = struct.Struct("<HHf")
_OUTPUT_KIND = struct.Struct("<BBHII")
MAX_RANK = 5
MAX_IO = 8
MAX_LABELS = 64


class MetadataError(ValueError):
    """A metadata TLV is missing or malformed."""


@dataclass(frozen=True)
class TensorInfo:
    direction: int  # 0 input, 1 output
    type: int  # TFLite TensorType
    index: int
    shape: tuple[int, ...]
    scale: float
    zero_point: int

    def encode(self) -> bytes:
        dims = list(self.shape) + [0] * (MAX_RANK - len(self.shape))
        return _TENSOR.pack(
            self.direction,
            self.type,
            len(self.shape),
            self.index,
            *dims,
            self.scale,
            self.zero_point,
        )

    @staticmethod
    def decode(raw: bytes) -> TensorInfo:
        direction, type_, rank, index, *rest = _TENSOR.unpack(raw)
        dims, scale, zero_point = rest[:MAX_RANK], rest[MAX_RANK], rest[MAX_RANK + 1]
        if rank > MAX_RANK or direction > 1:
            raise MetadataError("bad tensor descriptor")
        return TensorInfo(direction, type_, index, tuple(dims[:rank]), scale, zero_point)


@dataclass(frozen=True)
class Arena:
    total: int
    head: int
    tail: int
    lower_bound: int

    def as_dict(self) -> dict[str, int]:
        return {
            "total": self.total,
            "head": self.head,
            "tail": self.tail,
            "lower_bound": self.lower_bound,
        }


@dataclass(frozen=True)
class OutputKindInfo:
    """The OUTPUT_KIND TLV: what the first output holds and, for an anomaly score, the
    integers of ``struct tinyml_anomaly_config`` the tensors do not already carry."""

    kind: int  # OUTPUT_CLASSES, OUTPUT_ANOMALY_SCORE or OUTPUT_REGRESSION
    output_ratio_q16: int = 0
    full_scale_q8: int = 0

    def encode(self) -> bytes:
        return _OUTPUT_KIND.pack(self.kind, 0, 0, self.output_ratio_q16, self.full_scale_q8)

    @staticmethod
    def decode(raw: bytes) -> OutputKindInfo:
        if len(raw) != _OUTPUT_KIND.size:
            raise MetadataError(f"OUTPUT_KIND is {len(raw)} bytes, expected {_OUTPUT_KIND.size}")
        kind, _, _, ratio, full_scale = _OUTPUT_KIND.unpack(raw)
        if kind not in (OUTPUT_CLASSES, OUTPUT_ANOMALY_SCORE, OUTPUT_REGRESSION):
            raise MetadataError(f"OUTPUT_KIND {kind} unknown")
        return OutputKindInfo(kind, ratio, full_scale)


@dataclass(frozen=True)
class ModelMetadata:
    version: tuple[int, int, int]
    tflite_size: int
    runtime_id: int
    feature_pipeline_id: int
    arena: Arena
    manifest_digest: bytes
    inputs: tuple[TensorInfo, ...]
    outputs: tuple[TensorInfo, ...]
    labels: tuple[str, ...]
    thresholds: tuple[tuple[int, float], ...]  # (label index, threshold)
    offline_plan: bool = False
    output_kind: OutputKindInfo | None = None  # None: class scores (no TLV)

    @property
    def version_text(self) -> str:
        return ".".join(map(str, self.version))

    def to_tlvs(self) -> dict[int, bytes]:
        """The custom TLVs, in the order the format fixes."""
        major, minor, patch = self.version
        meta = _META.pack(
            FORMAT_VERSION,
            FLAG_OFFLINE_PLAN if self.offline_plan else 0,
            self.tflite_size,
            major,
            minor,
            patch,
            self.runtime_id,
            self.feature_pipeline_id,
            self.arena.total,
            self.arena.head,
            self.arena.tail,
            self.arena.lower_bound,
            len(self.inputs),
            len(self.outputs),
            len(self.labels),
            len(self.thresholds),
            0,
        )
        tensors = b"".join(t.encode() for t in (*self.inputs, *self.outputs))
        labels = b"".join(label.encode("utf-8") + b"\0" for label in self.labels)
        labels += bytes(-len(labels) % 4)  # keeps every TLV 4-byte aligned for the C parser
        thresholds = b"".join(_THRESHOLD.pack(i, 0, v) for i, v in self.thresholds)
        tlvs = {
            TLV_MODEL_META: meta,
            TLV_MANIFEST_DIGEST: self.manifest_digest,
            TLV_TENSORS: tensors,
            TLV_LABELS: labels,
            TLV_THRESHOLDS: thresholds,
        }
        if self.output_kind is not None and self.output_kind.kind != OUTPUT_CLASSES:
            tlvs[TLV_OUTPUT_KIND] = self.output_kind.encode()
        return tlvs

    @staticmethod
    def from_tlvs(tlvs: dict[int, bytes]) -> ModelMetadata:
        for tag in (TLV_MODEL_META, TLV_MANIFEST_DIGEST, TLV_TENSORS, TLV_LABELS, TLV_THRESHOLDS):
            if tag not in tlvs:
                raise MetadataError(f"missing metadata TLV 0x{tag:04x}")
        meta = tlvs[TLV_MODEL_META]
        if len(meta) != _META.size:
            raise MetadataError(f"MODEL_META is {len(meta)} bytes, expected {_META.size}")
        (
            fmt,
            flags,
            tflite_size,
            major,
            minor,
            patch,
            runtime_id,
            pipeline_id,
            total,
            head,
            tail,
            lower,
            n_in,
            n_out,
            n_labels,
            n_thr,
            _,
        ) = _META.unpack(meta)
        if fmt != FORMAT_VERSION:
            raise MetadataError(f"format version {fmt}, this tool reads {FORMAT_VERSION}")
        if not (1 <= n_in <= MAX_IO and 1 <= n_out <= MAX_IO and n_labels <= MAX_LABELS):
            raise MetadataError("tensor or label counts out of range")
        digest = tlvs[TLV_MANIFEST_DIGEST]
        if len(digest) != 32:
            raise MetadataError("MANIFEST_DIGEST is not 32 bytes")
        raw_tensors = tlvs[TLV_TENSORS]
        if len(raw_tensors) != _TENSOR.size * (n_in + n_out):
            raise MetadataError("TENSORS length does not match the counts")
        tensors = [
            TensorInfo.decode(raw_tensors[i * _TENSOR.size : (i + 1) * _TENSOR.size])
            for i in range(n_in + n_out)
        ]
        raw_labels = tlvs[TLV_LABELS]
        labels = raw_labels.split(b"\0")[:n_labels]
        used = sum(len(label) + 1 for label in labels)
        if (
            len(labels) != n_labels
            or any(not label for label in labels)
            or used > len(raw_labels)
            or any(raw_labels[used:])
            or len(raw_labels) - used > 3
        ):
            raise MetadataError("LABELS does not hold the announced NUL-terminated labels")
        raw_thr = tlvs[TLV_THRESHOLDS]
        if len(raw_thr) != _THRESHOLD.size * n_thr:
            raise MetadataError("THRESHOLDS length does not match the count")
        thresholds = []
        for i in range(n_thr):
            index, _, value = _THRESHOLD.unpack_from(raw_thr, i * _THRESHOLD.size)
            thresholds.append((index, value))
        return ModelMetadata(
            version=(major, minor, patch),
            tflite_size=tflite_size,
            runtime_id=runtime_id,
            feature_pipeline_id=pipeline_id,
            arena=Arena(total, head, tail, lower),
            manifest_digest=digest,
            inputs=tuple(tensors[:n_in]),
            outputs=tuple(tensors[n_in:]),
            labels=tuple(label.decode("utf-8", "replace") for label in labels),
            thresholds=tuple(thresholds),
            offline_plan=bool(flags & FLAG_OFFLINE_PLAN),
            output_kind=(
                OutputKindInfo.decode(tlvs[TLV_OUTPUT_KIND]) if TLV_OUTPUT_KIND in tlvs else None
            ),
        )
