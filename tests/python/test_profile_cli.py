"""`tinyml profile` and `tinyml power` end to end: tables, JSON, budgets, plots, bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tinyml_tools import cli
from tinyml_tools.errors import EXIT_USAGE


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = cli.run_guarded(
        cli.build_parser().parse_args(argv)._run, cli.build_parser().parse_args(argv), "tinyml"
    )
    out = capsys.readouterr()
    return code, out.out, out.err


def test_profile_json_of_a_package_with_pipeline_and_board(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    knock = repo / "models" / "knock"
    code, out, _ = _run(
        [
            "profile",
            str(knock / "knock.pkg"),
            "--pipeline",
            str(knock / "detector.yaml"),
            "--board",
            "nrf52840dk/nrf52840",
            "--json",
        ],
        capsys,
    )
    assert code == 0
    data = json.loads(out)
    layers = data["layers"]
    assert [la["op"] for la in layers][:3] == ["MUL", "ADD", "RESHAPE"]
    assert sum(la["peak"] for la in layers) == 1
    peak = next(la for la in layers if la["peak"])
    assert peak["extent_bytes"] == data["arena"]["head"]
    t = data["totals"]
    assert t["inference_instructions"] == pytest.approx(
        sum(la["instructions"] for la in layers), rel=0.05
    )
    assert t["window_instructions"] > t["inference_instructions"]
    # 3200 / 128 = 25 windows a second at 1600 Hz / 64 hop: per second = per window x rate
    rate = data["pipeline"]["windows_per_second"]
    assert rate == pytest.approx(1600 / 64)
    assert t["second_instructions"] == pytest.approx(t["window_instructions"] * rate, rel=1e-3)
    ms = t["inference_ms"]
    assert ms == pytest.approx(t["inference_instructions"] * 1.3 / 64e6 * 1e3, rel=1e-3)
    assert 0 < t["cpu_duty"] < 1


def test_profile_budget_breach_exits_2_and_names_it(
    repo: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    pkg = repo / "models" / "gesture" / "gesture.pkg"
    png = tmp_path / "g.png"
    code, out, err = _run(
        [
            "profile",
            str(pkg),
            "--max-instructions",
            "1000",
            "--max-arena",
            "100",
            "--png",
            str(png),
        ],
        capsys,
    )
    assert code == 2
    assert "instructions per inference > budget 1,000" in err
    assert "arena" in err and "> budget 100 B" in err
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "peak layer" in out
    code, _, _ = _run(["profile", str(pkg), "--max-instructions", "1e12"], capsys)
    assert code == 0


@pytest.mark.parametrize(
    ("args", "problem"),
    [
        (["profile", "no/such.tflite"], "model file not found"),
        (["profile", "{knock}/detector.yaml"], ""),
        (["profile", "{knock}/knock.pkg", "--board", "pdp11"], "unknown board"),
        (["profile", "{knock}/knock.pkg", "--max-ms", "3"], "--max-ms needs --board"),
        (
            ["profile", "{knock}/knock.pkg", "--pipeline", "{gesture}/pipeline.yaml"],
            "is not the one knock.pkg was trained on",
        ),
        (
            ["profile", "{knock}/knock.pkg", "--measured", "{knock}/detector.yaml"],
            "no 'node,op,<unit>' header",
        ),
    ],
)
def test_profile_bad_input_is_one_line(
    repo: Path, capsys: pytest.CaptureFixture[str], args: list[str], problem: str
) -> None:
    argv = [
        a.format(knock=repo / "models" / "knock", gesture=repo / "models" / "gesture") for a in args
    ]
    code, _, err = _run(argv, capsys)
    assert code == (EXIT_USAGE if "--max-ms" in args else 1)
    assert err.startswith("tinyml: error: ") and err.count("\n") == 1
    assert problem in err
    assert "Traceback" not in err


def test_profile_measured_instructions_compare_per_layer(
    repo: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """A rig CSV (instructions) is read back next to the estimate."""
    from tinyml_tools.profile.costmodel import MEASURED

    data = json.loads(MEASURED.read_text())
    entry = next(m for m in data["models"] if m["model"] == "knock.tflite")
    csv = tmp_path / "knock.csv"
    csv.write_text(
        "node,op,instructions\n"
        + "".join(f"{n['node']},{n['op']},{n['instructions']}\n" for n in entry["nodes"])
    )
    code, out, _ = _run(
        [
            "profile",
            str(repo / "models" / "knock" / "knock.tflite"),
            "--measured",
            str(csv),
            "--json",
        ],
        capsys,
    )
    assert code == 0
    rows = json.loads(out)["layers"]
    assert [r["measured"] for r in rows] == [n["instructions"] for n in entry["nodes"]]
    code, _, err = _run(
        [
            "profile",
            str(repo / "models" / "knock" / "knock.tflite"),
            "--measured",
            str(csv.with_name("x.csv")),
        ],
        capsys,
    )
    assert code == 1 and "no such measurement file" in err


def test_power_budget_adds_up_and_names_what_dominates(
    repo: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    knock = repo / "models" / "knock"
    png = tmp_path / "p.png"
    code, out, _ = _run(
        [
            "power",
            "--board",
            "nrf52840dk/nrf52840",
            "--model",
            str(knock / "knock.pkg"),
            "--detector",
            str(knock / "detector.yaml"),
            "--duty",
            "0.1",
            "--events-per-hour",
            "6",
            "--report-s",
            "60",
            "--json",
            "--png",
            str(png),
        ],
        capsys,
    )
    assert code == 0
    d = json.loads(out)
    parts = d["average_ua"]
    assert set(parts) == {
        "features",
        "inference",
        "decision",
        "wake-ups",
        "sensor",
        "radio",
        "sleep",
    }
    assert d["total_ua"] == pytest.approx(sum(parts.values()))
    assert d["dominant"] == max(parts, key=lambda k: parts[k])
    assert d["battery_hours"] == pytest.approx(225 * 0.8 / (d["total_ua"] / 1e3))
    # inference share: duty x windows/s x time per inference x active current
    per_s = 0.1 * (1600 / 64) * d["inference_ms"] / 1e3
    assert parts["inference"] == pytest.approx(per_s * 3.3e3, rel=1e-6)
    assert png.read_bytes()[:4] == b"\x89PNG"
    # Twice the duty, more inference current, shorter life.
    _, out2, _ = _run(
        [
            "power",
            "--board",
            "nrf52840dk/nrf52840",
            "--model",
            str(knock / "knock.pkg"),
            "--detector",
            str(knock / "detector.yaml"),
            "--duty",
            "0.2",
            "--events-per-hour",
            "6",
            "--report-s",
            "60",
            "--json",
        ],
        capsys,
    )
    d2 = json.loads(out2)
    assert d2["average_ua"]["inference"] == pytest.approx(2 * parts["inference"])
    assert d2["battery_hours"] < d["battery_hours"]


@pytest.mark.parametrize(
    ("extra", "problem"),
    [
        ([], "give either --recording"),
        (["--duty", "1.5"], "a share of windows"),
        (["--duty", "0.1", "--cell", "potato"], "unknown cell"),
        (["--duty", "0.1", "--board", "mps2/an386"], "no current figures"),
        (["--duty", "0.1", "--board", "nucleo_h743zi", "--events-per-hour", "5"], "no radio"),
        (["--duty", "0.1", "--events-per-hour", "-1"], "must not be negative"),
    ],
)
def test_power_bad_input_is_one_line(
    repo: Path, capsys: pytest.CaptureFixture[str], extra: list[str], problem: str
) -> None:
    knock = repo / "models" / "knock"
    argv = [
        "power",
        "--board",
        "nrf52840dk/nrf52840",
        "--model",
        str(knock / "knock.pkg"),
        "--detector",
        str(knock / "detector.yaml"),
    ]
    if "--board" in extra:
        argv = argv[:1] + argv[3:]
    code, _, err = _run(argv + extra, capsys)
    # Options that do not go together or are out of range: usage (docs/exit-codes.md).
    usage = ("give either", "a share of windows", "must not be negative")
    assert code == (EXIT_USAGE if problem.startswith(usage) else 1)
    assert problem in err and err.count("\n") == 1
