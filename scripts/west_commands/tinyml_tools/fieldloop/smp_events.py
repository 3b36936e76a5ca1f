"""SMP group 72 ("tinyml events", docs/field-loop.md) from the host: read and acknowledge.

A gateway polls the device's pending event summaries (command 0, read) and acknowledges them
up to a sequence number (command 1, write), which removes them from the device's bounded queue.
The messages are smp (pydantic) models sent with smpclient, over any smpclient transport; the
serial one (SMP over the console, the framing of CONFIG_MCUMGR_TRANSPORT_UART and _SHELL) is
what `west field events --serial PORT` opens. Each read response is kept as it came (a CBOR
map), so `west field events FILE` reads the saved file back.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import IntEnum, unique
from typing import Any

import cbor2
from smp import error as smperror
from smp import message as smpmsg
from smpclient import SMPClient
from smpclient.generics import error, success
from smpclient.transport import SMPTransport

from ..errors import CheckFailed, TinymlError
from .events import EventSummary, from_map

GROUP_ID = 72  # MGMT_GROUP_ID_PERUSER + 8
CMD_READ = 0
CMD_ACK = 1


@unique
class EventsCommand(IntEnum):
    READ = CMD_READ
    ACK = CMD_ACK


class PendingReadRequest(smpmsg.ReadRequest):
    """Read the oldest pending summaries (removes nothing)."""

    _GROUP_ID = GROUP_ID
    _COMMAND_ID = EventsCommand.READ

    max: int | None = None


class PendingReadResponse(smpmsg.ReadResponse):
    _GROUP_ID = GROUP_ID
    _COMMAND_ID = EventsCommand.READ

    ev: list[dict[int, Any]]
    pend: int
    drop: int


class AckWriteRequest(smpmsg.WriteRequest):
    """Remove every summary with seq <= ``seq``."""

    _GROUP_ID = GROUP_ID
    _COMMAND_ID = EventsCommand.ACK

    seq: int


class AckWriteResponse(smpmsg.WriteResponse):
    _GROUP_ID = GROUP_ID
    _COMMAND_ID = EventsCommand.ACK

    acked: int
    pend: int


class EventsErrorV1(smperror.ErrorV1):
    _GROUP_ID = GROUP_ID


class EventsErrorV2(smperror.ErrorV2[smperror.MGMT_ERR]):
    _GROUP_ID = GROUP_ID


class _Errors:
    _ErrorV1 = EventsErrorV1
    _ErrorV2 = EventsErrorV2


class PendingRead(PendingReadRequest, _Errors):
    _Response = PendingReadResponse


class AckWrite(AckWriteRequest, _Errors):
    _Response = AckWriteResponse


@dataclass
class PollResult:
    summaries: list[EventSummary] = field(default_factory=list)
    responses: list[dict[str, Any]] = field(default_factory=list)  # as they came, for a file
    acked: int = 0
    pending: int = 0  # still on the device after the last read/ack
    dropped: int = 0  # the device's count of summaries dropped (queue full) since boot
    reads: int = 0
    duplicates: int = 0  # summaries read again (a lost acknowledgement): kept once


def _failed(what: str, response: Any) -> TinymlError:
    return CheckFailed(f"SMP group {GROUP_ID} {what}: the device answered {response!r}")


async def poll(
    client: SMPClient,
    ack: bool = True,
    max_per_read: int | None = None,
    max_reads: int = 1000,
    progress: Callable[[PollResult], None] | None = None,
    timeout_s: float | None = None,
) -> PollResult:
    """Read the pending summaries until none are left, acknowledging after each read.

    Without ``ack`` one read is made (nothing is removed). Summaries are kept once by seq.
    """
    out = PollResult()
    seen: set[int] = set()
    for _ in range(max_reads):
        response = await client.request(PendingRead(max=max_per_read), timeout_s=timeout_s)
        if error(response) or not success(response):
            raise _failed("read", response)
        out.reads += 1
        out.responses.append({"ev": response.ev, "pend": response.pend, "drop": response.drop})
        out.dropped = response.drop
        out.pending = response.pend + len(response.ev)
        newest = -1
        for i, m in enumerate(response.ev):
            try:
                summary = from_map(m)
            except ValueError as err:
                raise CheckFailed(f"SMP read {out.reads}, summary {i}: {err}") from None
            newest = max(newest, summary.seq)
            if summary.seq in seen:
                out.duplicates += 1
                continue
            seen.add(summary.seq)
            out.summaries.append(summary)
        if progress is not None:
            progress(out)
        if not ack:
            break
        if newest >= 0:
            acked = await client.request(AckWrite(seq=newest), timeout_s=timeout_s)
            if error(acked) or not success(acked):
                raise _failed("acknowledge", acked)
            out.acked += acked.acked
            out.pending = acked.pend
        if not response.ev or out.pending == 0:
            break
    return out


def save(responses: list[dict[str, Any]]) -> bytes:
    """The read responses as a CBOR sequence (what `field events FILE` reads)."""
    return b"".join(cbor2.dumps(r) for r in responses)


def poll_serial(
    port: str,
    baudrate: int = 115200,
    ack: bool = True,
    timeout_s: float = 5.0,
    buf_size: int = 1024,
    progress: Callable[[PollResult], None] | None = None,
) -> PollResult:
    """Poll over SMP on a serial port (a UART, USB CDC ACM or a pseudo-terminal)."""
    from smpclient.transport.serial import SMPSerialTransport
    from smpclient.transport.serial.encoded import BufferSize

    transport = SMPSerialTransport(BufferSize(buf_size), baudrate=baudrate)
    return run_poll(transport, port, ack=ack, timeout_s=timeout_s, progress=progress)


def run_poll(
    transport: SMPTransport,
    address: str,
    ack: bool = True,
    timeout_s: float = 5.0,
    progress: Callable[[PollResult], None] | None = None,
) -> PollResult:
    async def go() -> PollResult:
        client = SMPClient(transport, address, timeout_s=timeout_s)
        try:
            await client.connect()
        except Exception as err:  # the transport's own error types (serial, BLE, ...)
            raise TinymlError(f"{address}: cannot connect ({err})") from None
        try:
            return await poll(client, ack=ack, progress=progress, timeout_s=timeout_s)
        except TimeoutError:
            raise TinymlError(
                f"{address}: no SMP answer within {timeout_s} s (is mcumgr with group "
                f"{GROUP_ID} in the image, and nothing else reading the port?)"
            ) from None
        finally:
            await client.disconnect()

    return asyncio.run(go())
