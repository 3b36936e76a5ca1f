"""The TFLite flatbuffer schema, imported in one place from the installed tflite-micro package.

tflite-micro's copy is used rather than TensorFlow's because importing it does not load
TensorFlow (seconds and hundreds of MB for a plain ``check``).
"""

from __future__ import annotations

from tflite_micro.tensorflow.lite.micro.python import schema_py_generated as tfl

BuiltinOperator = tfl.BuiltinOperator
TensorType = tfl.TensorType
Model = tfl.Model
ModelT = tfl.ModelT
MetadataT = tfl.MetadataT
BufferT = tfl.BufferT

_OP_NAMES: dict[int, str] = {
    value: name for name, value in vars(BuiltinOperator).items() if not name.startswith("_")
}
_TYPE_NAMES: dict[int, str] = {
    value: name.lower() for name, value in vars(TensorType).items() if not name.startswith("_")
}
_TYPE_CODES: dict[str, int] = {name: code for code, name in _TYPE_NAMES.items()}

# Bytes per element of the tensor types a microcontroller model can hold.
TYPE_SIZES: dict[int, int] = {
    TensorType.FLOAT32: 4,
    TensorType.FLOAT16: 2,
    TensorType.INT32: 4,
    TensorType.UINT8: 1,
    TensorType.INT64: 8,
    TensorType.BOOL: 1,
    TensorType.INT16: 2,
    TensorType.INT8: 1,
    TensorType.FLOAT64: 8,
    TensorType.UINT32: 4,
    TensorType.UINT16: 2,
    TensorType.UINT64: 8,
}


def op_name(code: int) -> str:
    return _OP_NAMES.get(code, f"BUILTIN_{code}")


def op_code(name: str) -> int | None:
    value = getattr(BuiltinOperator, name, None)
    return value if isinstance(value, int) else None


def type_name(code: int) -> str:
    return _TYPE_NAMES.get(code, f"type{code}")


def type_code(name: str) -> int | None:
    return _TYPE_CODES.get(name)
