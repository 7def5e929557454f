"""Start `mockserver serve` as a real process on ephemeral ports, and stop it for sure."""

from __future__ import annotations

import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import requests

REPO = Path(__file__).resolve().parents[2]


@dataclass
class LiveServer:
    args: list[str] = field(default_factory=list)
    env: dict[str, str] = field(default_factory=dict)
    startup_timeout: float = 20.0
    base_url: str = ""
    provider_urls: dict[str, str] = field(default_factory=dict)
    output: list[str] = field(default_factory=list)
    process: subprocess.Popen | None = None
    cwd: Path | None = None  # default: the checkout
    command: list[str] | None = None  # default: this Python's `-m mockserver serve`
    ca_file: str = ""  # for https: the CA to trust (read from the start-up lines with --tls)
    _lines: queue.Queue | None = None

    def start(self) -> LiveServer:
        command = self.command or [sys.executable, "-m", "mockserver", "serve"]
        self.process = subprocess.Popen(
            [*command, "--port", "0", *self.args],
            cwd=self.cwd or REPO,
            env={**os.environ, **self.env},
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        lines: queue.Queue[str | None] = queue.Queue()
        self._lines = lines

        def pump() -> None:
            assert self.process and self.process.stdout
            for line in self.process.stdout:
                lines.put(line)
            lines.put(None)

        threading.Thread(target=pump, daemon=True).start()
        deadline = time.monotonic() + self.startup_timeout
        while time.monotonic() < deadline:
            try:
                line = lines.get(timeout=max(0.05, deadline - time.monotonic()))
            except queue.Empty:
                break
            if line is None:
                break
            self.output.append(line)
            found = re.match(r"mockserver listening on (\S+)", line)
            if found:
                self.base_url = found.group(1)
            trust = re.search(r"trust the certificate authority in (\S+)", line)
            if trust:
                self.ca_file = trust.group(1)
            provider = re.match(r"\s+\S.*?\s(http://\S+)\s+and\s+(http://\S+)", line)
            if provider:
                self.provider_urls[provider.group(1).rsplit("/", 1)[1]] = provider.group(2)
            if line.startswith("mockserver ready") and self._ready():
                return self
        self.stop()
        raise RuntimeError("mockserver did not start:\n" + "".join(self.output))

    @property
    def control_headers(self) -> dict[str, str]:
        """The control plane's bearer token, when the server was started with one."""
        if "--control-token" in self.args:
            return {"Authorization": f"Bearer {self.args[self.args.index('--control-token') + 1]}"}
        return {}

    def more_output(self, until: str, timeout: float = 10.0) -> list[str]:
        """Lines printed since the last call, waiting (up to `timeout` s) for one that holds
        `until`."""
        assert self._lines is not None
        found: list[str] = []
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self._lines.get(timeout=max(0.01, deadline - time.monotonic()))
            except queue.Empty:
                break
            if line is None:
                break
            found.append(line)
            if until in line:
                break
        self.output += found
        return found

    def _ready(self) -> bool:
        try:
            health = requests.get(
                f"{self.base_url}/_mock/health",
                timeout=2,
                verify=self.ca_file or True,
                headers=self.control_headers,
            )
            return health.status_code == 200
        except requests.RequestException:
            return False

    def kill(self) -> None:
        """SIGKILL to the server process alone: no chance to flush or clean up."""
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=10)

    def children(self) -> list[int]:
        """Process ids of the server's children (Granian's worker; none under waitress)."""
        if not self.process or self.process.poll() is not None:
            return []
        found: list[int] = []
        for task in Path(f"/proc/{self.process.pid}/task").iterdir():
            try:
                found += [int(child) for child in (task / "children").read_text().split()]
            except FileNotFoundError:  # a thread that ended while we looked
                continue
        return found

    def crash(self) -> None:
        """A crash of whatever holds the state: SIGKILL to the children first (under Granian
        the worker; killing only its parent would let it stop gracefully), then the server."""
        for child in self.children():
            os.kill(child, signal.SIGKILL)
        self.kill()

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()

    def __enter__(self) -> LiveServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
