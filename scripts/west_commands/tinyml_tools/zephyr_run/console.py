"""A running emulated device (QEMU or native_sim): its console lines, and commands to it."""

from __future__ import annotations

import queue
import re
import subprocess
import threading
import time
from collections.abc import Sequence
from pathlib import Path

from ..errors import TinymlError

ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


class DeviceConsole:
    """Starts @p argv, collects its output line by line (also into @p log), sends shell lines."""

    def __init__(self, argv: Sequence[str], log: Path, name: str) -> None:
        self.name = name
        self.lines: list[str] = []
        self._queue: queue.Queue[str | None] = queue.Queue()
        self._log = log.open("a", encoding="utf-8")
        self._log.write(f"\n===== {name}: {' '.join(argv)}\n")
        self._proc = subprocess.Popen(
            list(argv),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self._proc.stdout is not None
        for raw in self._proc.stdout:
            line = ANSI.sub("", raw.decode("utf-8", "replace")).rstrip("\r\n")
            self._log.write(line + "\n")
            self._log.flush()
            self._queue.put(line)
        self._queue.put(None)

    def expect(self, pattern: str, timeout_s: float) -> re.Match[str]:
        """The first new line matching @p pattern; an error naming it after @p timeout_s."""
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
        assert self._proc.stdin is not None
        self._proc.stdin.write(line.encode() + b"\n")
        self._proc.stdin.flush()

    def command(self, line: str, done: str, timeout_s: float = 30.0) -> re.Match[str]:
        """Send a shell command and wait for the line that says it finished."""
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
        self._reader.join(timeout=5)
        # What arrived after the last expect() still belongs in the transcript.
        while True:
            try:
                line = self._queue.get_nowait()
            except queue.Empty:
                break
            if line is not None:
                self.lines.append(line)
        self._log.close()

    def __enter__(self) -> DeviceConsole:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
