"""`west profile` pieces: layer features, live memory, the device CSV, boards, pipeline cost."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from test_model_pack_factory import INT8, INT16, INT32, Graph

from tinyml_tools.errors import InputError
from tinyml_tools.features.pipeline import load_pipeline
from tinyml_tools.modelpack import schema
from tinyml_tools.modelpack.arena import estimate_arena
from tinyml_tools.modelpack.schema import tfl
from tinyml_tools.modelpack.tflite_model import load_tflite
from tinyml_tools.profile.boards import CORES, find_board, known_boards, read_board
from tinyml_tools.profile.feature_cost import counts, load_feature_model
from tinyml_tools.profile.features import layer_features
from tinyml_tools.profile.live import live_memory
from tinyml_tools.profile.measured import match_model, parse_measured


def test_kws_layer_features_match_hand_counts(external_models: Path) -> None:
    model = load_tflite(external_models / "mlperf_tiny_kws_ref_model.tflite")
    layers = layer_features(model)
    first = layers[0]  # 10x4 conv, stride 2: 49x10x1 -> 25x5x64
    assert (first.op, first.kernel) == ("CONV_2D", "conv")
    assert first.macs == 25 * 5 * 64 * 10 * 4 * 1
    assert first.params == 64 * 10 * 4 + 64
    assert [la.kernel for la in layers[1:3]] == ["dw_3x3", "conv_1x1_fast"]
    assert layers[2].macs == 25 * 5 * 64 * 64
    fc = layers[11]
    assert (fc.kernel, fc.macs) == ("fc", 64 * 12)
    assert layers[10].kernel == "copy"


def test_lstm_macs_count_four_gates_over_every_step(external_models: Path) -> None:
    model = load_tflite(external_models / "mnist_lstm_int8.tflite")
    lstm = layer_features(model)[0]
    assert lstm.kernel == "lstm"
    assert lstm.macs == 28 * 4 * 20 * (28 + 20)


def test_peak_layer_sets_the_head(external_models: Path) -> None:
    for path in sorted(external_models.glob("*.tflite")):
        model = load_tflite(path)
        arena = estimate_arena(model)
        live = live_memory(arena, len(model.operators))
        assert max(live.extent) == arena.head, path.name
        assert live.extent[live.peak] == arena.head
        assert all(lv <= ex for lv, ex in zip(live.live, live.extent, strict=True))


CSV = """uart:~$ tinyml profile
node,op,cycles
0,CONV_2D,1000
1,DEPTHWISE_CONV_2D,2000
total,,3000
uart:~$
"""


def test_device_csv_parses_and_checks_against_the_model(tmp_path: Path) -> None:
    m = parse_measured(tmp_path / "x.csv", CSV)
    assert m.unit == "cycles" and m.total == 3000
    assert m.nodes == {0: ("CONV_2D", 1000.0), 1: ("DEPTHWISE_CONV_2D", 2000.0)}


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("", "no 'node,op,<unit>' header"),
        ("node,op,cycles\n", "no node rows"),
        ("node,op,cycles\n0,CONV_2D,1\n0,CONV_2D,2\n", "appears twice"),
        ("node,op,cycles\n0,CONV_2D,1\noverflow,,128\n", "overflowed"),
        ("node,op,cycles\n0,CONV_2D,abc\n", "not a 'node,op,count' row"),
    ],
)
def test_bad_device_csv_is_one_clear_error(tmp_path: Path, text: str, problem: str) -> None:
    with pytest.raises(InputError, match=problem):
        parse_measured(tmp_path / "x.csv", text)


def test_csv_of_another_model_is_refused(tmp_path: Path, external_models: Path) -> None:
    model = load_tflite(external_models / "hello_world_int8.tflite")  # 3 FULLY_CONNECTED
    wrong_ops = parse_measured(tmp_path / "x.csv", CSV.replace("CONV_2D", "FULLY_CONNECTED"))
    with pytest.raises(InputError, match="node rows for a model of 3"):
        match_model(wrong_ops, model, tmp_path / "x.csv")
    text = "node,op,cycles\n0,FULLY_CONNECTED,1\n1,SOFTMAX,2\n2,FULLY_CONNECTED,3\n"
    with pytest.raises(InputError, match="node 1 is SOFTMAX on the device"):
        match_model(parse_measured(tmp_path / "x.csv", text), model, tmp_path / "x.csv")


def test_every_board_profile_loads_with_sources() -> None:
    boards = known_boards()
    assert {
        "nrf52840dk/nrf52840",
        "nucleo_u575zi_q",
        "esp32s3_devkitc",
        "mps2/an386",
        "nucleo_h743zi",
    } <= set(boards)
    for name in boards:
        board = find_board(name)
        assert board.sources and board.core in CORES and board.clock_hz > 0
    nrf = find_board("nrf52840dk/nrf52840")
    assert nrf.seconds(64e6 / 1.3) == pytest.approx(1.0)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("board: x\ncore: z80\nclock_hz: 1\n", "unknown core"),
        ("board: x\ncore: cortex-m4f\n", "'clock_hz' is missing"),
        ("board: x\ncore: cortex-m4f\nclock_hz: -5\n", "non-negative"),
        ("[1, 2", "unreadable"),
        ("just text", "not a board profile"),
    ],
)
def test_bad_board_profile_is_one_clear_error(tmp_path: Path, text: str, problem: str) -> None:
    path = tmp_path / "b.yaml"
    path.write_text(text)
    with pytest.raises(InputError, match=problem):
        read_board(path)
    with pytest.raises(InputError, match="unknown board"):
        find_board("no_such_board")


def test_feature_cost_of_the_examples_is_near_their_measurement(repo: Path) -> None:
    """The committed fit against the committed QEMU counts of the examples' own pipelines."""
    model = load_feature_model()
    measured = {r["pipeline"]: r for r in model.meta["measurements"]}
    for name in ("knock", "pump", "gesture"):
        cfg = load_pipeline(repo / "models" / name / "pipeline.yaml")
        row = measured[f"example_{name}"]
        assert row["counts"] == counts(cfg)  # the stored counts are today's
        est = model.window_instructions(cfg)
        assert abs(est - row["instructions"]) / row["instructions"] < 0.10, name


def _depthwise_model(
    tmp_path: Path,
    in_shape: tuple[int, int, int],
    kernel: tuple[int, int],
    mult: int,
    stride: int = 1,
    same: bool = True,
    dilation: int = 1,
    type_: int = INT8,
) -> Path:
    g = Graph()
    h, w, c = in_shape
    x = g.tensor([1, h, w, c], type_)
    weights = g.tensor([1, *kernel, c * mult], INT8, np.ones((1, *kernel, c * mult), np.int8))
    bias = g.tensor([c * mult], INT32, np.zeros(c * mult, np.int32))
    span = [(k - 1) * dilation + 1 for k in kernel]
    if same:
        out_hw = [-(-h // stride), -(-w // stride)]
    else:
        out_hw = [(h - span[0]) // stride + 1, (w - span[1]) // stride + 1]
    out = g.tensor([1, *out_hw, c * mult], type_)
    opts = tfl.DepthwiseConv2DOptionsT()
    opts.padding = tfl.Padding.SAME if same else tfl.Padding.VALID
    opts.strideH = opts.strideW = stride
    opts.depthMultiplier = mult
    opts.dilationHFactor = opts.dilationWFactor = dilation
    g.op(
        schema.BuiltinOperator.DEPTHWISE_CONV_2D,
        [x, weights, bias],
        [out],
        2,
        options=(tfl.BuiltinOptions.DepthwiseConv2DOptions, opts),
    )
    path = tmp_path / "dw.tflite"
    path.write_bytes(g.finish([x], [out]))
    return path


@pytest.mark.parametrize(
    ("args", "kernel"),
    [
        (((8, 8, 4), (3, 3), 1), "dw_3x3"),  # arm_depthwise_conv_3x3_s8
        (((8, 8, 4), (5, 5), 1), "dw_opt"),  # arm_depthwise_conv_s8_opt
        (((49, 40, 1), (10, 8), 8, 2), "dw_mult4"),  # micro_speech's layer
        (((8, 8, 2), (3, 3), 4), "dw_mult4"),
        (((8, 8, 2), (3, 3), 2), "dw"),  # arm_depthwise_conv_s8's generic loop
        (((12, 12, 4), (3, 3), 1, 1, True, 2), "dw"),  # dilation: generic
        (((8, 8, 4), (3, 3), 1, 1, True, 1, INT16), "dw_s16"),  # arm_depthwise_conv_s16
    ],
)
def test_depthwise_kernel_follows_cmsis_nn_dispatch(
    tmp_path: Path, args: tuple[object, ...], kernel: str
) -> None:
    layer = layer_features(load_tflite(_depthwise_model(tmp_path, *args)))[0]  # type: ignore[arg-type]
    assert layer.kernel == kernel


@pytest.mark.parametrize(
    ("in_shape", "kernel", "stride", "same", "dilation"),
    [
        ((49, 40, 1), (10, 8), 2, True, 1),
        ((9, 7, 3), (3, 3), 1, True, 1),
        ((12, 10, 2), (5, 3), 2, False, 1),
        ((12, 12, 2), (3, 3), 1, True, 2),
    ],
)
def test_depthwise_taps_are_the_taps_inside_the_input(
    tmp_path: Path,
    in_shape: tuple[int, int, int],
    kernel: tuple[int, int],
    stride: int,
    same: bool,
    dilation: int,
) -> None:
    """Brute force over every output position and tap, as CMSIS-NN's loops bound them."""
    path = _depthwise_model(tmp_path, in_shape, kernel, 2, stride, same, dilation)
    layer = layer_features(load_tflite(path))[0]
    h, w, _ = in_shape
    _, out_h, out_w, cout = layer.output_shapes[0]
    span = [(k - 1) * dilation + 1 for k in kernel]
    pad_h = max(0, ((out_h - 1) * stride + span[0] - h) // 2) if same else 0
    pad_w = max(0, ((out_w - 1) * stride + span[1] - w) // 2) if same else 0
    taps = rows = 0
    for oy in range(out_h):
        ys = [oy * stride - pad_h + k * dilation for k in range(kernel[0])]
        vy = sum(1 for y in ys if 0 <= y < h)
        rows += vy * out_w
        for ox in range(out_w):
            xs = [ox * stride - pad_w + k * dilation for k in range(kernel[1])]
            taps += vy * sum(1 for x in xs if 0 <= x < w)
    assert layer.counts["taps"] == taps * cout
    assert layer.counts["rows"] == rows * cout
    assert layer.counts["taps"] <= layer.macs


def test_fully_connected_on_a_sequence_runs_as_a_1x1_conv(tmp_path: Path) -> None:
    """kernels/cmsis_nn/fully_connected.cc: a 3-D output with depth % 4 == 0 is a 1x1 conv."""
    for depth, kind in ((8, "fc_conv"), (6, "fc")):
        g = Graph()
        x = g.tensor([1, 5, depth])
        w = g.tensor([3, depth], INT8, np.ones((3, depth), np.int8))
        out = g.tensor([1, 5, 3])
        opts = tfl.FullyConnectedOptionsT()
        opts.keepNumDims = True
        g.op(
            schema.BuiltinOperator.FULLY_CONNECTED,
            [x, w, -1],
            [out],
            4,
            options=(tfl.BuiltinOptions.FullyConnectedOptions, opts),
        )
        path = tmp_path / f"fc{depth}.tflite"
        path.write_bytes(g.finish([x], [out]))
        layer = layer_features(load_tflite(path))[0]
        assert (layer.kernel, layer.macs) == (kind, 5 * 3 * depth)
