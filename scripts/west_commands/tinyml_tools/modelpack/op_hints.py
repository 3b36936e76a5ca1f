"""What to do about an operator the firmware does not register: hints for common refusals.

Each hint names the usual fix in the model (a supported equivalent) and, where TFLM has a
kernel, the manifest line that would register it (then rebuild the firmware, which changes its
runtime ID: packages made for the old manifest are refused by the new firmware).
"""

from __future__ import annotations

HINTS: dict[str, str] = {
    "LEAKY_RELU": "use ReLU (or ReLU6) in the model; or register it: TFLM has "
    "AddLeakyRelu (add LEAKY_RELU to ops_manifest.yaml and rebuild the firmware)",
    "HARD_SWISH": "use ReLU6 (MobileNetV3-style models: build with minimalistic=True); "
    "or register AddHardSwish",
    "PRELU": "use ReLU; or register AddPrelu",
    "ELU": "use ReLU; or register AddElu",
    "GELU": "use ReLU; GELU has no CMSIS-NN kernel",
    "UNIDIRECTIONAL_SEQUENCE_LSTM": "use a 1D CNN over stacked feature frames (as the "
    "examples do); or register AddUnidirectionalSequenceLSTM (no static arena promise)",
    "WHILE": "a Keras GRU/LSTM converted to a loop over subgraphs: unroll it "
    "(unroll=True, fixed length) or use a 1D CNN",
    "GATHER": "usually an Embedding or tf.gather: precompute it, or register AddGather",
    "TRANSPOSE": "keep the channel-last layout end to end; or register AddTranspose",
    "BATCH_MATMUL": "use Dense (FULLY_CONNECTED) layers; or register AddBatchMatMul",
    "RESIZE_NEAREST_NEIGHBOR": "resize the input on the host or in the feature code; "
    "or register AddResizeNearestNeighbor",
    "RESIZE_BILINEAR": "resize in the feature code; or register AddResizeBilinear",
    "SPLIT": "use STRIDED_SLICE (slicing with fixed bounds); or register AddSplit",
    "SPLIT_V": "use STRIDED_SLICE; or register AddSplitV",
    "EXP": "use SOFTMAX or LOGISTIC, which the firmware registers; or register AddExp",
    "LOG_SOFTMAX": "use SOFTMAX (argmax is the same); or register AddLogSoftmax",
    "SUB": "fold the subtraction into the previous layer's bias, or register AddSub",
    "DIV": "multiply by the reciprocal (MUL); or register AddDiv",
    "SQUARED_DIFFERENCE": "a LayerNormalization: use BatchNormalization (folded into the "
    "convolution at conversion)",
    "RSQRT": "a LayerNormalization: use BatchNormalization",
    "SHAPE": "a dynamic shape: build the Keras model with a fixed batch size of 1",
    "FILL": "a dynamic shape: build the Keras model with a fixed batch size of 1",
}


def hint(op_name: str) -> str | None:
    return HINTS.get(op_name)
