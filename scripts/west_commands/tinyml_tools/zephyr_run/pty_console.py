"""native_sim with its console on a pseudo-terminal: shell lines like DeviceConsole, and the
terminal's path for a serial client (smpclient) that borrows it while the reader is paused.

The image's console UART is on stdin/stdout (CONFIG_NATIVE_UART_0_ON_STDINOUT); the process gets
the pty's master side as both, and the host talks to the slave side (/dev/pts/N), exactly as it
would to a USB serial port.
"""

from __future__ import annotations

import os
import queue
import re
import select
import subprocess
import threading
import time
import tty
from collections.abc import Sequence
from pathlib import Path

from ..errors import TinymlError
from .console import ANSI


class PtyConsole:
    def __init__(self, argv: Sequence[str], log: Path, name: str) -> None:
        self.name = name
        self.lines: list[str] = []
        self._queue: queue.Queue[str | None] = queue.Queue()
        self._log = log.open("a", encoding="utf-8")
        self._log.write(f"\n===== {name} (pty): {' '.join(argv)}\n")
        master, self._slave = os.openpty()
        # Raw before the device writes anything: no echo of its output back into its input.
        tty.setraw(self._slave)
        self.port = os.ttyname(self._slave)
        self._proc = subprocess.Popen(list(argv), stdin=master, stdout=master, stderr=master)
        os.close(master)
        self._paused = threading.Event()
        self._io = threading.Lock()
        self._stop = threading.Event()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        pending = b""
        while not self._stop.is_set():
            if self._paused.is_set():
                time.sleep(0.02)
                continue
            with self._io:
                ready, _, _ = select.select([self._slave], [], [], 0.1)
                if not ready:
                    if self._proc.poll() is not None:
                        break
                    continue
                try:
                    chunk = os.read(self._slave, 4096)
                except OSError:
                    break
            pending += chunk
            *complete, pending = pending.split(b"\n")
            for raw in complete:
                line = ANSI.sub("", raw.decode("utf-8", "replace")).rstrip("\r")
                self._log.write(line + "\n")
                self._log.flush()
                self._queue.put(line)
        self._queue.put(None)

    def pause(self) -> None:
        """Stop reading the terminal (a serial client opens self.port)."""
        self._paused.set()
        with self._io:  # the reader finishes its current read first
            pass

    def resume(self) -> None:
        self._paused.clear()

    def expect(self, pattern: str, timeout_s: float) -> re.Match[str]:
        regex = re.compile(pattern)
        deadline = time.monotonic() + timeout_s
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TinymlError(
                    f"{self.name}: no '{pattern}' on the console in {timeout_s:.0f} s"
                )
            try:
                line = self._queue.get(timeout=left)
            except queue.Empty:
                continue
            if line is None:
                raise TinymlError(f"{self.name}: exited before printing '{pattern}'")
            self.lines.append(line)
            found = regex.search(line)
            if found:
                return found

    def send(self, line: str) -> None:
        os.write(self._slave, line.encode() + b"\n")

    def command(self, line: str, done: str, timeout_s: float = 30.0) -> re.Match[str]:
        self.send(line)
        return self.expect(done, timeout_s)

    def stop(self) -> None:
        if self._proc.poll() is None:
            self._proc.terminate()
            try:
                self._proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait()
        self._stop.set()
        self._paused.clear()
        self._reader.join(timeout=5)
        while True:
            try:
                line = self._queue.get_nowait()
            except queue.Empty:
                break
            if line is not None:
                self.lines.append(line)
        os.close(self._slave)
        self._log.close()

    def __enter__(self) -> PtyConsole:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
