"""Damaged inputs never crash the readers: a valid result or an InputError, nothing else."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_model_pack_factory import mlp

from tinyml_tools.errors import InputError
from tinyml_tools.modelpack.arena import estimate_arena
from tinyml_tools.modelpack.checks import check_model
from tinyml_tools.modelpack.manifest import load_manifest
from tinyml_tools.modelpack.metadata import Arena, ModelMetadata, TensorInfo
from tinyml_tools.modelpack.package import make_image, parse_package
from tinyml_tools.modelpack.tflite_model import load_tflite

MODEL = mlp()
MANIFEST = load_manifest()
META = ModelMetadata(
    version=(1, 2, 3),
    tflite_size=len(MODEL),
    runtime_id=MANIFEST.runtime_id,
    feature_pipeline_id=0x12345678,
    arena=Arena(1024, 512, 512, 480),
    manifest_digest=MANIFEST.digest,
    inputs=(TensorInfo(0, 9, 0, (1, 8), 0.25, 0),),
    outputs=(TensorInfo(1, 9, 0, (1, 4), 0.125, -3),),
    labels=("a", "bb", "ccc", "dddd"),
    thresholds=((1, 0.5),),
)
PACKAGE = make_image(MODEL, META, None)

mutations = st.lists(
    st.tuples(st.integers(0, 1 << 20), st.integers(0, 255)), min_size=1, max_size=8
)


def _mutate(data: bytes, edits: list[tuple[int, int]], cut: int) -> bytes:
    out = bytearray(data)
    for where, value in edits:
        out[where % len(out)] = value
    return bytes(out[: max(1, len(out) - cut)])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutations, st.integers(0, 64))
def test_damaged_tflite_is_read_or_refused(edits: list[tuple[int, int]], cut: int) -> None:
    data = _mutate(MODEL, edits, cut)
    try:
        model = load_tflite(Path("fuzz.tflite"), data)
    except InputError as err:
        assert str(err).startswith("fuzz.tflite: ")
        return
    check_model(model, MANIFEST)  # a readable model is checked without crashing
    estimate_arena(model)


@settings(max_examples=150, deadline=None)
@given(mutations, st.integers(0, 64))
def test_damaged_package_is_read_or_refused(edits: list[tuple[int, int]], cut: int) -> None:
    data = _mutate(PACKAGE, edits, cut)
    try:
        parsed = parse_package(Path("fuzz.pkg"), data)
    except InputError as err:
        assert str(err).startswith("fuzz.pkg: ")
        return
    assert parsed.metadata.tflite_size <= parsed.image_size


def test_metadata_round_trips_through_the_package() -> None:
    parsed = parse_package(Path("x.pkg"), PACKAGE)
    assert parsed.metadata == META
    assert parsed.payload == MODEL
    assert parsed.hash_ok and not parsed.signed
    assert parsed.header_size == 128 and parsed.image_size % 16 == 0
    # every tinyml TLV keeps 4-byte alignment (docs/model-package-format.md)
    assert all(len(value) % 4 == 0 for tag, value in parsed.protected.items() if tag >= 0xA0)
