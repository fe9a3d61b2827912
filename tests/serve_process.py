"""`courseware serve` as a user runs it: a subprocess on a free 127.0.0.1 port, its output read as
it comes, every wait a polled condition with a deadline."""

from __future__ import annotations

import http.client
import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

REPO = Path(__file__).resolve().parent.parent
DEADLINE = 60.0  # seconds: generous for a loaded 2-core machine; a wait ends as soon as its condition holds


def until(condition, what: str, timeout: float = DEADLINE):
    """Poll `condition` until it returns something true; fail naming `what` after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(0.05)


class Served:
    """`courseware serve ARGS --port 0` in `cwd`; `url` is the home page it announced."""

    def __init__(self, cwd: Path, *args: str, env: dict | None = None):
        environment = {**os.environ, **(env or {}), "PYTHONPATH": str(REPO), "PYTHONUNBUFFERED": "1"}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "courseware", "serve", *args, "--port", "0"],
            cwd=cwd, env=environment, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        self.out: list[str] = []
        self.err: list[str] = []
        self._readers = [threading.Thread(target=self._read, args=(stream, lines), daemon=True) for stream, lines in ((self.process.stdout, self.out), (self.process.stderr, self.err))]
        for reader in self._readers:
            reader.start()
        try:
            line = until(lambda: self._announced() or self._ended(), "the server to announce its address")
        except AssertionError:
            self.kill()
            raise
        assert isinstance(line, str), f"serve ended ({self.process.returncode}): {self.err}"
        self.url = line
        parts = urlsplit(self.url)
        self.host, self.port = parts.hostname, parts.port

    @staticmethod
    def _read(stream, lines: list[str]) -> None:
        for line in stream:
            lines.append(line.rstrip("\n"))

    def _announced(self) -> str | None:
        found = [m.group(1) for line in list(self.out) if (m := re.match(r"serving (http://\S+)", line))]
        return found[0] if found else None

    def _ended(self) -> bool:
        return self.process.poll() is not None

    def get(self, path: str) -> tuple[int, str]:
        """GET `path` from the server: (status, body)."""
        connection = http.client.HTTPConnection(self.host, self.port, timeout=DEADLINE)
        try:
            connection.request("GET", path)
            response = connection.getresponse()
            return response.status, response.read().decode("utf-8")
        finally:
            connection.close()

    def events(self) -> Events:
        """Open the reload channel."""
        return Events(self.host, self.port)

    def interrupt(self) -> int:
        """Ctrl-C: SIGINT, then the exit code once it has stopped (and its output is all read)."""
        self.process.send_signal(signal.SIGINT)
        code = self.process.wait(timeout=DEADLINE)
        for reader in self._readers:
            reader.join(timeout=DEADLINE)
        return code

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=DEADLINE)
        for stream in (self.process.stdout, self.process.stderr):
            stream.close()

    def __enter__(self) -> Served:
        return self

    def __exit__(self, *exc) -> None:
        self.kill()


class Events:
    """The Server-Sent Events channel: each `next()` is the data of the next event."""

    def __init__(self, host: str, port: int):
        self.connection = http.client.HTTPConnection(host, port, timeout=DEADLINE)  # a read waits at most this long
        self.connection.request("GET", "/__courseware/events")
        self.response = self.connection.getresponse()
        assert self.response.status == 200
        assert self.response.getheader("Content-Type").startswith("text/event-stream")

    def next(self) -> str:
        """The data of the next event (comments that keep the channel open are skipped)."""
        data = []
        while True:
            line = self.response.fp.readline().decode("utf-8")
            if not line:
                raise AssertionError("the reload channel closed")
            line = line.rstrip("\n")
            if line.startswith("data: "):
                data.append(line[len("data: "):])
            elif line == "" and data:
                return "\n".join(data)

    def close(self) -> None:
        self.connection.close()
