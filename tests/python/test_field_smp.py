"""SMP group 72 from the host: smpclient against a fake transport that behaves as
docs/field-loop.md specifies the device (bounded queue, read removes nothing, ack up to seq)."""

from __future__ import annotations

import json
import os
import select
import struct
import threading
import tty
from collections.abc import Callable
from pathlib import Path
from typing import Any

import cbor2
import pytest
from smp import packet as smppacket

from tinyml_tools.cli import main
from tinyml_tools.errors import CheckFailed, TinymlError
from tinyml_tools.fieldloop import events, smp_events
from tinyml_tools.fieldloop.events import EventSummary, Flags

NO_FLAGS = Flags(0)
HEADER = struct.Struct(">BBHHBB")  # op|version, flags, length, group, sequence, command
OP_READ, OP_READ_RSP, OP_WRITE, OP_WRITE_RSP = 0, 1, 2, 3
EINVAL, ENOTSUP = 3, 8


def _summary(seq: int, flags: Flags = NO_FLAGS) -> EventSummary:
    return EventSummary(
        seq=seq,
        time_s=10 + seq,
        class_id=1,
        score_q15=30000 - seq,
        fw_version=0x000100,
        model_version=0x010000,
        pipeline_id=0xA1B2C3D4,
        flags=flags,
        drift_q8=0,
        margin_q15=4000,
        boots=2,
        dropped=0,
        runtime_id=0x12345678,
    )


class FakeDevice:
    """The device side of group 72 over an smpclient transport (no serial port)."""

    def __init__(self, summaries: list[EventSummary], per_read: int = 3, dropped: int = 0):
        self.queue = [events.to_map(s) for s in summaries]
        self.per_read = per_read  # what fits one SMP buffer
        self.dropped = dropped
        self.requests: list[tuple[int, int, dict[str, Any]]] = []
        self.lose_ack_responses = 0  # acknowledgements done whose responses are lost
        self._smp_server_transport_buffer_size: int | None = None

    # smpclient's SMPTransport protocol
    async def connect(self, address: str, timeout_s: float) -> None:
        del address, timeout_s

    async def disconnect(self) -> None:
        pass

    def initialize(self, smp_server_transport_buffer_size: int) -> None:
        self._smp_server_transport_buffer_size = smp_server_transport_buffer_size

    @property
    def mtu(self) -> int:
        return 1024

    @property
    def max_unencoded_size(self) -> int:
        return 1024

    async def send(self, data: bytes) -> None:
        raise NotImplementedError

    async def receive(self) -> bytes:
        raise NotImplementedError

    async def send_and_receive(self, data: bytes) -> bytes:
        return self.answer(data)

    def answer(self, data: bytes) -> bytes:
        op_ver, _, length, group, seq, cmd = HEADER.unpack(data[: HEADER.size])
        op = op_ver & 0x7
        body = cbor2.loads(data[HEADER.size : HEADER.size + length]) if length else {}
        self.requests.append((group, cmd, body))
        if group != smp_events.GROUP_ID:
            return self._reply(op, group, seq, cmd, {"rc": ENOTSUP})
        if cmd == smp_events.CMD_READ and op == OP_READ:
            limit = body.get("max", self.per_read)
            if not isinstance(limit, int) or limit < 0:
                return self._reply(op, group, seq, cmd, {"rc": EINVAL})
            n = min(limit, self.per_read)
            sent = self.queue[:n]
            answer = {"ev": sent, "pend": len(self.queue) - len(sent), "drop": self.dropped}
            return self._reply(op, group, seq, cmd, answer)
        if cmd == smp_events.CMD_ACK and op == OP_WRITE:
            if not isinstance(body.get("seq"), int):
                return self._reply(op, group, seq, cmd, {"rc": EINVAL})
            before = len(self.queue)
            self.queue = [m for m in self.queue if m[0] > body["seq"]]
            if self.lose_ack_responses > 0:
                self.lose_ack_responses -= 1
                raise TimeoutError("response lost")
            answer = {"acked": before - len(self.queue), "pend": len(self.queue)}
            return self._reply(op, group, seq, cmd, answer)
        return self._reply(op, group, seq, cmd, {"rc": ENOTSUP})

    @staticmethod
    def _reply(op: int, group: int, seq: int, cmd: int, body: dict[str, Any]) -> bytes:
        payload = cbor2.dumps(body)
        return HEADER.pack(0x08 | (op + 1), 0, len(payload), group, seq, cmd) + payload


def _poll(device: FakeDevice, ack: bool = True) -> smp_events.PollResult:
    return smp_events.run_poll(device, "fake", ack=ack, timeout_s=1.0)


def test_poll_reads_everything_oldest_first_and_acknowledges() -> None:
    device = FakeDevice([_summary(i) for i in range(100, 108)], per_read=3, dropped=2)
    result = _poll(device)
    assert [s.seq for s in result.summaries] == list(range(100, 108))
    assert result.summaries[3] == _summary(103)
    assert result.acked == 8 and result.pending == 0 and result.dropped == 2
    assert device.queue == []
    acks = [body["seq"] for group, cmd, body in device.requests if cmd == smp_events.CMD_ACK]
    assert acks == [102, 105, 107]  # each read acknowledged up to its newest summary


def test_read_only_leaves_the_device_queue() -> None:
    device = FakeDevice([_summary(i) for i in range(5)], per_read=10)
    result = _poll(device, ack=False)
    assert [s.seq for s in result.summaries] == list(range(5))
    assert len(device.queue) == 5 and result.acked == 0 and result.pending == 5
    assert all(cmd == smp_events.CMD_READ for g, cmd, _ in device.requests if g == 72)


def test_empty_queue() -> None:
    result = _poll(FakeDevice([]))
    assert result.summaries == [] and result.reads == 1 and result.acked == 0


def test_lost_ack_response_is_an_error_and_nothing_is_duplicated_on_retry() -> None:
    device = FakeDevice([_summary(i) for i in range(4)], per_read=2)
    device.lose_ack_responses = 1
    with pytest.raises(TinymlError, match="no SMP answer"):
        _poll(device)
    # The device removed the first two anyway: a second poll gets the rest once.
    result = _poll(device)
    assert [s.seq for s in result.summaries] == [2, 3]


def test_flagged_summary_with_features_survives() -> None:
    flagged = events.EventSummary(
        **{
            **_summary(9).__dict__,
            "flags": Flags.FALSE_TRIGGER | Flags.FLAGGED_FROM_SHELL,
            "features": (events.FeatureSummary(256, 40), events.FeatureSummary(-512, -3)),
        }
    )
    result = _poll(FakeDevice([flagged]))
    assert result.summaries == [flagged] and result.summaries[0].false_trigger


@pytest.mark.parametrize(
    "corrupt, needle",
    [
        (lambda m: m.pop(3), "missing key"),
        (lambda m: m.__setitem__(3, 40000), "key 3"),
        (lambda m: m.__setitem__(0, -1), "key 0"),
    ],
)
def test_bad_summary_from_the_device_names_it(
    corrupt: Callable[[dict[int, Any]], None], needle: str
) -> None:
    device = FakeDevice([_summary(1), _summary(2)])
    corrupt(device.queue[1])
    with pytest.raises(CheckFailed, match=f"summary 1: .*{needle}"):
        _poll(device)
    assert len(device.queue) == 2  # nothing acknowledged when a read is bad


def test_device_error_is_reported() -> None:
    class NoGroup(FakeDevice):
        def answer(self, data: bytes) -> bytes:
            _, _, _, group, seq, cmd = HEADER.unpack(data[: HEADER.size])
            return self._reply(OP_READ, group, seq, cmd, {"rc": ENOTSUP})

    with pytest.raises(CheckFailed, match="group 72 read"):
        _poll(NoGroup([_summary(1)]))


def test_saved_responses_read_back_as_a_file(tmp_path: Path) -> None:
    result = _poll(FakeDevice([_summary(i) for i in range(5)], per_read=2))
    saved = tmp_path / "events.cbor"
    saved.write_bytes(smp_events.save(result.responses))
    assert events.read(saved) == result.summaries


def test_requests_on_the_wire() -> None:
    read = smp_events.PendingRead(max=4).BYTES
    ack = smp_events.AckWrite(seq=0x1234).BYTES
    op, _, length, group, _, cmd = HEADER.unpack(read[:8])
    assert (op & 7, group, cmd, cbor2.loads(read[8:])) == (OP_READ, 72, 0, {"max": 4})
    op, _, length, group, _, cmd = HEADER.unpack(ack[:8])
    assert (op & 7, group, cmd, cbor2.loads(ack[8:])) == (OP_WRITE, 72, 1, {"seq": 0x1234})
    assert length == len(ack) - 8


def test_cli_serial_needs_exactly_one_source(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["field", "events"]) != 0
    assert "either FILE or --serial" in capsys.readouterr().err


def test_cli_serial_refuses_an_existing_output_before_polling(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "saved.cbor"
    out.write_bytes(b"keep")
    rc = main(["field", "events", "--serial", "/dev/does-not-exist", "-o", str(out)])
    assert rc == 1 and out.read_bytes() == b"keep"
    assert "refusing to overwrite" in capsys.readouterr().err


def test_cli_serial_missing_port_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    rc = main(["field", "events", "--serial", "/dev/does-not-exist", "--timeout", "0.5"])
    err = capsys.readouterr().err
    assert rc == 1 and "/dev/does-not-exist" in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


def test_cli_json_from_saved_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    result = _poll(FakeDevice([_summary(3)]))
    saved = tmp_path / "e.cbor"
    saved.write_bytes(smp_events.save(result.responses))
    assert main(["field", "events", str(saved), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [e["seq"] for e in data["events"]] == [3]
    assert data["events"][0]["firmware"] == "0.1.0"


def _serve_console(master: int, device: FakeDevice, stop: threading.Event) -> None:
    """The device end of a serial console: shell noise, and SMP frames answered in between."""
    decoder = smppacket.decode()
    next(decoder)
    pending = b""
    os.write(master, b"uart:~$ \x1b[1;32m<inf> tinyml_app: tinyml running\x1b[0m\r\n")
    while not stop.is_set():
        ready, _, _ = select.select([master], [], [], 0.05)
        if not ready:
            continue
        try:
            pending += os.read(master, 4096)
        except OSError:
            return
        *lines, pending = pending.split(b"\n")
        for line in lines:
            if not line.startswith((smppacket.START_DELIMITER, smppacket.CONTINUE_DELIMITER)):
                continue
            try:
                decoder.send(line + b"\n")
            except StopIteration as done:
                answer = device.answer(bytes(done.value))
                decoder = smppacket.decode()
                next(decoder)
                os.write(master, b"<inf> tinyml_app: event: t_ms=1 class=1 score_q15=2\r\n")
                for chunk in smppacket.encode(answer, line_length=128):
                    os.write(master, chunk)


def test_poll_over_a_serial_port_with_console_noise() -> None:
    """smpclient's serial transport on a pseudo-terminal: the framing of SMP over the console
    (CONFIG_MCUMGR_TRANSPORT_SHELL), with log lines between the frames."""
    device = FakeDevice([_summary(i) for i in range(20, 26)], per_read=4)
    master, slave = os.openpty()
    tty.setraw(slave)
    stop = threading.Event()
    server = threading.Thread(target=_serve_console, args=(master, device, stop), daemon=True)
    server.start()
    try:
        result = smp_events.poll_serial(os.ttyname(slave), timeout_s=5.0)
    finally:
        stop.set()
        server.join(timeout=5)
        os.close(master)
        os.close(slave)
    assert [s.seq for s in result.summaries] == list(range(20, 26))
    assert result.acked == 6 and device.queue == []
