"""The figures docs give for the committed example models are what the tools compute for them.

docs/model-pack.md quotes package size, .tflite size and arena (total, head, tail) of each
committed model; `make bench` reports the same figures (`pack.committed.<example>.*`). This
recomputes them from the committed packages (and a fresh build of one example) so a retrained
model or an arena-model change cannot leave the docs behind.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tinyml_tools import cli
from tinyml_tools.commands.model_pack import _inspect_report
from tinyml_tools.paths import REPO_ROOT

DOC = REPO_ROOT / "docs" / "model-pack.md"
EXAMPLES = ("knock", "pump", "gesture")


def _doc_table() -> dict[str, list[int]]:
    text = DOC.read_text()
    block = text.split("<!-- committed-figures:begin -->")[1].split(
        "<!-- committed-figures:end -->"
    )[0]
    rows: dict[str, list[int]] = {}
    for line in block.strip().splitlines()[2:]:
        cells = [c.strip() for c in line.strip("|").split("|")]
        rows[cells[0]] = [int(c.replace(",", "")) for c in cells[1:]]
    return rows


def _computed(example: str, package: Path) -> list[int]:
    report = _inspect_report(package)
    arena = report["arena"]
    return [
        package.stat().st_size,
        report["tflite_bytes"],
        arena["total"],
        arena["head"],
        arena["tail"],
    ]


def test_doc_lists_every_committed_example() -> None:
    assert sorted(_doc_table()) == sorted(EXAMPLES)


@pytest.mark.parametrize("example", EXAMPLES)
def test_doc_figures_are_those_of_the_committed_package(example: str) -> None:
    package = REPO_ROOT / "models" / example / f"{example}.pkg"
    assert _doc_table()[example] == _computed(example, package)


def test_a_fresh_build_of_a_committed_model_gives_the_doc_figures(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "knock.pkg"
    code = cli.main(["model-pack", "build", str(REPO_ROOT / "models" / "knock"), "-o", str(out)])
    assert code == 0, capsys.readouterr().err
    assert _doc_table()["knock"] == _computed("knock", out)
    assert out.read_bytes() == (REPO_ROOT / "models" / "knock" / "knock.pkg").read_bytes()


def test_examples_page_rounds_the_knock_figures_right() -> None:
    text = (REPO_ROOT / "docs" / "examples.md").read_text()
    match = re.search(r"int8 \((\d+) KB; arena (\d+) KB\)", text)
    assert match, "docs/examples.md: the knock model's size and arena are no longer quoted"
    _, tflite, total, _, _ = _doc_table()["knock"]
    assert int(match.group(1)) == round(tflite / 1000)
    assert int(match.group(2)) == round(total / 1000)
