"""`west profile`: per-layer cost and memory of a TFLM model on a Cortex-M with CMSIS-NN."""
