"""``field``: the field loop on the host (docs/field-loop.md)."""

from __future__ import annotations

import argparse
import io
import sys
from pathlib import Path
from typing import Any

from ..errors import CheckFailed, InputError, UsageError
from ..output import print_json, print_table
from . import Command

DESCRIPTION = """\
The host side of the field loop: recordings streamed by a device in recording mode, event
summaries read back, flagged false triggers turned into negatives.

  field pull CAPTURE|- -o DIR [--prefix P] [--format npz|csv|wav] [--session S] [--negatives]
  field stream RECORDING [-o FILE] [--kind window|snippet] [--pre SECONDS] [--fw V] ...
  field events FILE|--serial PORT [--no-ack] [-o SAVED.cbor] [--model PKG] [--flagged]
  field negatives EVENTS [-o LIST.csv] [--recordings DIR] [--model PKG]

pull: the console capture of a device (a file, or - for stdin) in, one recording + sidecar per
complete recording out, ready for `dataset import`. Torn, corrupt or missing frames are
reported with their line; a recording they touch is not written. Exit 2 when anything was
reported, 1 on bad input.
stream: the lines a device would write for RECORDING, from the same C encoder (host library).
events: CBOR event summaries (a CBOR sequence, SMP read responses, or @TE1: console lines),
or polled from a device over SMP group 72 on a serial port and acknowledged (--no-ack: read
only); -o keeps the device's responses for `field events FILE`.
negatives: flagged false triggers as a list, and pulled snippets they triggered as negatives.
"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    pull = sub.add_parser("pull", help="console capture -> recordings + sidecars")
    pull.add_argument("capture", help="captured console output (a file, or - for stdin)")
    pull.add_argument("-o", "--out", required=True, help="folder for the recordings")
    pull.add_argument("--prefix", default="field", help="file name prefix (default: field)")
    pull.add_argument("--format", default="npz", choices=("npz", "csv", "wav"))
    pull.add_argument("--session", help="session name in the sidecars (default: the prefix)")
    pull.add_argument(
        "--negatives", action="store_true", help="also write empty labels (all background)"
    )
    pull.add_argument("--json", action="store_true", help="print JSON for machines")

    stream = sub.add_parser("stream", help="recording -> the lines a device writes")
    stream.add_argument("recording", help="recording (.npz, .csv, .wav)")
    stream.add_argument("-o", "--out", help="file for the lines (default: stdout)")
    stream.add_argument("--kind", default="window", choices=("window", "snippet"))
    stream.add_argument("--pre", type=float, default=0.0, help="snippet: seconds before trigger")
    stream.add_argument("--fw", default="0.0.0", help="firmware version (major.minor.patch)")
    stream.add_argument("--model-version", default="0.0.0", help="model version")
    stream.add_argument("--pipeline-id", default="0", help="feature-pipeline ID (0x... or int)")
    stream.add_argument("--sensor", default="", help='sensor settings "key=value;..."')
    stream.add_argument("--first-seq", type=int, default=0, help="first sequence number")

    events = sub.add_parser("events", help="read CBOR event summaries")
    events.add_argument(
        "file", nargs="?", help="CBOR sequence, SMP responses or @TE1: console lines"
    )
    events.add_argument("--serial", metavar="PORT", help="poll a device over SMP on PORT instead")
    events.add_argument("--baud", type=int, default=115200, help="--serial: baud rate")
    events.add_argument(
        "--no-ack", action="store_true", help="--serial: read only, leave them on the device"
    )
    events.add_argument("--timeout", type=float, default=5.0, help="--serial: seconds per request")
    events.add_argument("-o", "--out", help="--serial: save the SMP responses (CBOR) to a new file")
    events.add_argument("--model", help="model package (class names from its labels)")
    events.add_argument("--flagged", action="store_true", help="only flagged false triggers")
    events.add_argument("--json", action="store_true", help="print JSON for machines")

    neg = sub.add_parser("negatives", help="flagged false triggers -> negatives")
    neg.add_argument("events", help="event summaries (as for `field events`)")
    neg.add_argument("-o", "--out", help="false-trigger list CSV to write")
    neg.add_argument("--recordings", help="folder of pulled recordings to mark")
    neg.add_argument("--model", help="model package (class names from its labels)")
    neg.add_argument("--tolerance", type=float, default=1.0, help="seconds (default 1)")
    neg.add_argument("--json", action="store_true", help="print JSON for machines")


def _labels(model: str | None) -> tuple[str, ...]:
    if model is None:
        return ()
    from ..modelpack.package import parse_package

    return parse_package(Path(model)).metadata.labels


def _version(text: str, what: str) -> int:
    parts = text.split(".")
    if len(parts) != 3 or not all(p.isdigit() and int(p) < 256 for p in parts[1:]):
        raise InputError(text, f"{what} must be major.minor.patch (minor, patch < 256)")
    if not parts[0].isdigit() or int(parts[0]) > 0xFFFF:
        raise InputError(text, f"{what} major must be 0..65535")
    return (int(parts[0]) << 16) | (int(parts[1]) << 8) | int(parts[2])


def _pull(args: argparse.Namespace) -> int:
    from ..fieldloop import pull
    from ..fieldloop.recstream import PREFIX

    if args.capture == "-":  # a serial capture may hold any bytes: never a decode error
        stdin = io.TextIOWrapper(sys.stdin.buffer, encoding="ascii", errors="replace")
        result = pull.assemble(stdin)
    else:
        path = Path(args.capture)
        if not path.is_file():
            raise InputError(path, "no such capture file")
        try:
            with path.open(encoding="ascii", errors="replace") as fh:
                result = pull.assemble(fh)
        except OSError as err:
            raise InputError(path, f"cannot read ({err.strerror})") from None
    if result.frames == 0 and not result.issues:
        raise InputError(args.capture, f"no {PREFIX} lines (is the device in recording mode?)")
    pull.write(result, Path(args.out), args.prefix, args.format, args.session, args.negatives)
    data: dict[str, Any] = {
        "frames": result.frames,
        "recordings": [
            {
                "recording_id": p.rec_id,
                "seq": p.seq,
                "line": p.line,
                "samples": int(p.recording.samples.shape[0]),
                "channels": list(p.info.channel_names),
                "sample_rate_hz": p.info.sample_rate_hz,
            }
            for p in result.recordings
        ],
        "written": [str(p) for p in result.written],
        "issues": [i.to_json() for i in result.issues],
    }
    if args.json:
        print_json(data)
    else:
        print_table(
            f"recordings pulled ({len(result.recordings)})",
            ["recording", "line", "samples", "channels", "rate (Hz)"],
            [
                (
                    r["recording_id"],
                    r["line"],
                    r["samples"],
                    ",".join(r["channels"]),
                    r["sample_rate_hz"],
                )
                for r in data["recordings"]
            ],
        )
        for issue in result.issues:
            print(f"line {issue.line}: {issue.message}", file=sys.stderr)
    if result.issues:
        raise CheckFailed(f"{len(result.issues)} problem(s) in the stream; see above")
    return 0


def _stream(args: argparse.Namespace) -> int:
    from ..native.recstream import Encoder, StreamInfo
    from ..replay import recording as recording_io

    rec = recording_io.read(args.recording)
    try:
        pipeline_id = int(args.pipeline_id, 0)
    except ValueError:
        raise InputError(args.pipeline_id, "pipeline ID must be an integer") from None
    pre = round(args.pre * rec.sample_rate_hz)
    if not 0 <= pre <= rec.samples.shape[0]:
        raise InputError(args.recording, f"--pre {args.pre} s is outside the recording")
    info = StreamInfo(
        sample_rate_hz=rec.sample_rate_hz,
        channel_names=rec.channels,
        fw_version=_version(args.fw, "--fw"),
        model_version=_version(args.model_version, "--model-version"),
        pipeline_id=pipeline_id & 0xFFFFFFFF,
        kind=1 if args.kind == "snippet" else 0,
        pre_trigger_frames=pre,
        sensor=args.sensor,
    )
    if len(",".join(rec.channels)) >= 32 or len(args.sensor) >= 48:
        raise InputError(args.recording, "channel names (31) or --sensor (47 chars) too long")
    lines = Encoder(args.first_seq).encode(info, rec.samples)
    text = "".join(lines)
    if args.out:
        Path(args.out).write_text(text)
    else:
        sys.stdout.write(text)
    return 0


def _poll_serial(args: argparse.Namespace) -> tuple[list[Any], dict[str, Any]]:
    from ..fieldloop import smp_events
    from ..writefile import check_writable, write_atomically

    out = Path(args.out) if args.out else None
    if out is not None:
        # Before anything is acknowledged (removed from the device): the file must be new and
        # writable, or the summaries would be gone from both places.
        if out.exists():
            raise InputError(out, "exists already: refusing to overwrite it")
        check_writable(out)
    result = smp_events.poll_serial(
        args.serial, baudrate=args.baud, ack=not args.no_ack, timeout_s=args.timeout
    )
    if out is not None:
        write_atomically(out, smp_events.save(result.responses))
    device = {
        "port": args.serial,
        "reads": result.reads,
        "acked": result.acked,
        "pending": result.pending,
        "dropped_on_device": result.dropped,
        "read_again": result.duplicates,
    }
    if out is not None:
        device["saved"] = str(out)
    return list(result.summaries), device


def _events(args: argparse.Namespace) -> int:
    from ..fieldloop import events

    labels = _labels(args.model)
    device: dict[str, Any] | None = None
    if (args.file is None) == (args.serial is None):
        raise UsageError("field events: give either FILE or --serial PORT")
    if args.serial is not None:
        summaries, device = _poll_serial(args)
    else:
        summaries = events.read(Path(args.file))
    if args.flagged:
        summaries = [s for s in summaries if s.false_trigger]
    data = [s.to_json(labels) for s in summaries]
    if args.json:
        print_json({"events": data, **({"device": device} if device else {})})
        return 0
    if device:
        print_table("device", ["what", "value"], list(device.items()))
    print_table(
        f"events ({len(data)})",
        ["seq", "time (s)", "class", "score", "firmware", "model", "pipeline", "flags", "drift"],
        [
            (
                d["seq"],
                d["time_s"],
                d.get("class", d["class_id"]),
                d["score"],
                d["firmware"],
                d["model_version"],
                d["pipeline_id"],
                ",".join(d["flags"]),
                d["drift_score"],
            )
            for d in data
        ],
    )
    return 0


def _negatives(args: argparse.Namespace) -> int:
    from ..fieldloop import events, negatives

    labels = _labels(args.model)
    summaries = events.read(Path(args.events))
    result: dict[str, Any] = {"flagged": len(negatives.flagged(summaries))}
    if args.out:
        negatives.write_list(Path(args.out), summaries, labels)
        result["list"] = args.out
    if args.recordings:
        matched = negatives.label_snippets(Path(args.recordings), summaries, args.tolerance)
        result["negatives"] = [
            {
                "recording": str(m.recording),
                "labels": str(m.labels),
                "event_seq": m.event_seq,
                "written": m.written,
            }
            for m in matched
        ]
    if args.json:
        print_json(result)
        return 0
    rows = [("flagged false triggers", result["flagged"])]
    if args.out:
        rows.append(("list", args.out))
    for m in result.get("negatives", []):
        rows.append((m["recording"], "negative" if m["written"] else "labels kept"))
    print_table("negatives", ["what", "value"], rows)
    return 0


_ACTIONS = {"pull": _pull, "stream": _stream, "events": _events, "negatives": _negatives}


def run(args: argparse.Namespace) -> int:
    return _ACTIONS[args.action](args)


COMMAND = Command(
    name="field",
    help="field loop: pull recordings, read event summaries, flagged negatives",
    description=DESCRIPTION,
    add_arguments=add_arguments,
    run=run,
)
