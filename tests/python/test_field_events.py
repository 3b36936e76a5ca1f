"""Event summaries as CBOR: hand-made bytes, round trips, bad input, negatives."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import cbor2
import numpy as np
import pytest

from tinyml_tools.cli import main
from tinyml_tools.errors import InputError
from tinyml_tools.fieldloop import events, negatives, pull
from tinyml_tools.fieldloop.events import EventSummary, FeatureSummary, Flags
from tinyml_tools.native.recstream import Encoder, StreamInfo

# {0: 7, 1: 1000, 2: 1, 3: 29491, 4: 0x010200, 5: 0x000300, 6: 0xA1B2C3D4, 7: 1, 8: 64,
#  9: [[256, 40], [-512, -3]]}, written out byte by byte as zcbor would (RFC 8949).
HAND_MADE = bytes.fromhex(
    "aa"  # map(10)
    "0007"  # 0: 7
    "011903e8"  # 1: 1000
    "0201"  # 2: 1
    "03197333"  # 3: 29491
    "041a00010200"  # 4: 0x00010200
    "05190300"  # 5: 0x0300
    "061aa1b2c3d4"  # 6: 0xA1B2C3D4
    "0701"  # 7: flags = false trigger
    "081840"  # 8: 64 (drift 0.25 in Q8)
    "09"  # 9: features
    "82"  # array(2)
    "82190100"
    "1828"  # [256, 40]
    "8239"
    "01ff"
    "22"  # [-512, -3]
)


NO_FLAGS = Flags(0)


def _summary(
    seq: int, t: int, flags: Flags = NO_FLAGS, features: tuple[FeatureSummary, ...] = ()
) -> EventSummary:
    return EventSummary(
        seq=seq,
        time_s=t,
        class_id=1,
        score_q15=30000,
        fw_version=0x010200,
        model_version=0x000300,
        pipeline_id=0xA1B2C3D4,
        flags=flags,
        drift_q8=12,
        features=features,
        margin_q15=5000,
        boots=3,
        dropped=0,
        runtime_id=0x00020001,
    )


def test_hand_made_cbor_decodes() -> None:
    ev = events.decode(HAND_MADE)
    assert ev.seq == 7 and ev.time_s == 1000 and ev.class_id == 1
    assert ev.score_q15 == 29491 and ev.false_trigger
    assert ev.pipeline_id == 0xA1B2C3D4 and ev.drift_q8 == 64
    assert ev.features == (FeatureSummary(256, 40), FeatureSummary(-512, -3))
    data = ev.to_json(("background", "knock"))
    assert data["class"] == "knock" and data["firmware"] == "1.2.0"
    assert data["model_version"] == "0.3.0" and data["drift_score"] == 0.25
    assert data["flags"] == ["false_trigger"]
    assert data["features"][1] == {"mean": -2.0, "peak": -3}
    # The reference encoder writes the same bytes (canonical small-int keys, shortest ints).
    assert events.encode(ev) == HAND_MADE


@pytest.mark.parametrize(
    "flags", [Flags(0), Flags.FALSE_TRIGGER | Flags.FLAGGED_FROM_SHELL, Flags.DRIFT_ALARM]
)
def test_round_trip(flags: Flags) -> None:
    ev = _summary(2**32 - 1, 123, flags, (FeatureSummary(2**31 - 1, -(2**31)),))
    assert events.decode(events.encode(ev)) == ev


@pytest.mark.parametrize(
    ("mutate", "needle"),
    [
        (lambda m: m.pop(3), r"missing key\(s\) 3"),
        (lambda m: m.update({3: 40000}), "key 3"),
        (lambda m: m.update({1: -1}), "key 1"),
        (lambda m: m.update({0: "7"}), "key 0"),
        (lambda m: m.update({9: [[1]]}), "feature 0"),
        (lambda m: m.update({9: [[1, 2**40]]}), "feature 0 peak"),
        (lambda m: m.update({8: 1.5}), "drift"),
    ],
)
def test_bad_summaries_rejected(tmp_path: Path, mutate: object, needle: str) -> None:
    m = events.to_map(_summary(1, 5))
    mutate(m)  # type: ignore[operator]
    path = tmp_path / "ev.cbor"
    path.write_bytes(cbor2.dumps(m))
    with pytest.raises(InputError, match=needle):
        events.read(path)


def test_truncated_sequence_rejected(tmp_path: Path) -> None:
    path = tmp_path / "ev.cbor"
    path.write_bytes(events.encode(_summary(1, 5)) + events.encode(_summary(2, 6))[:-3])
    with pytest.raises(InputError, match="byte"):
        events.read(path)


def test_sequence_smp_responses_and_console_lines(tmp_path: Path) -> None:
    a, b, c = _summary(1, 10), _summary(2, 20, Flags.FALSE_TRIGGER), _summary(3, 30)
    seq = tmp_path / "mixed.cbor"
    response = {"ev": [events.to_map(b), events.to_map(c)], "pend": 0, "drop": 0}
    seq.write_bytes(events.encode(a) + cbor2.dumps(response))
    assert events.read(seq) == [a, b, c]
    log = tmp_path / "console.log"
    log.write_text(
        "uart:~$ tinyml events dump\n"
        + "".join(f"@TE1:{base64.b64encode(events.encode(e)).decode()}\n" for e in (a, b, c))
        + "done\n"
    )
    assert events.read(log) == [a, b, c]
    log.write_text(log.read_text().replace("@TE1:", "@TE1:!", 1))
    with pytest.raises(InputError, match="line 2"):
        events.read(log)


def test_events_cli_json_and_flagged(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], repo: Path
) -> None:
    path = tmp_path / "ev.cbor"
    path.write_bytes(b"".join(events.encode(_summary(i, 10 * i, Flags(i % 2))) for i in range(4)))
    pkg = repo / "models" / "knock" / "knock.pkg"
    assert main(["field", "events", str(path), "--json", "--flagged", "--model", str(pkg)]) == 0
    data = json.loads(capsys.readouterr().out)["events"]
    assert [d["seq"] for d in data] == [1, 3]
    assert all(d["flags"] == ["false_trigger"] for d in data)
    assert main(["field", "events", str(tmp_path / "none.cbor")]) == 1
    assert "none.cbor" in capsys.readouterr().err


def test_flagged_snippets_become_negatives(tmp_path: Path) -> None:
    enc = Encoder()
    lines: list[str] = []
    for ts in (10_000, 20_000, 30_000):
        info = StreamInfo(1600.0, ("ax",), kind=1, pre_trigger_frames=10, timestamp_ms=ts)
        lines += enc.encode(info, np.zeros((100, 1), dtype=np.int16))
    out = tmp_path / "pulled"
    pull.write(pull.assemble(lines), out, "door")
    # The second snippet already has labels: they are kept.
    kept = out / "door-00000004.labels.csv"
    kept.write_text("start,end,class\n0.01,0.02,knock\n")
    summaries = [
        _summary(1, 10, Flags.FALSE_TRIGGER),
        _summary(2, 20, Flags.FALSE_TRIGGER),
        _summary(3, 30),  # not flagged
    ]
    matched = negatives.label_snippets(out, summaries)
    assert [(m.recording.name, m.written) for m in matched] == [
        ("door-00000000.npz", True),
        ("door-00000004.npz", False),
    ]
    assert (out / "door-00000000.labels.csv").read_text().strip() == "start,end,class"
    assert "knock" in kept.read_text()
    assert not (out / "door-00000008.labels.csv").exists()
    listing = tmp_path / "false_triggers.csv"
    assert negatives.write_list(listing, summaries, ("background", "knock")) == 2
    rows = listing.read_text().splitlines()
    assert rows[0].startswith("time_s,class_id,class") and rows[1].startswith("10,1,knock,")
    ev_file = tmp_path / "ev.cbor"
    ev_file.write_bytes(b"".join(events.encode(s) for s in summaries))
    argv = ["field", "negatives", str(ev_file), "--recordings", str(out), "--json"]
    assert main(argv) == 0
