"""What a sandbox runs on: waitress in a thread of the test process (the default: quick to
start, network faults work), or `mockserver serve --http granian` in a child process (the
faster HTTP layer; Granian runs its app in a worker process of its own, so in-thread is not an
option for it)."""

from __future__ import annotations

import collections
import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
from typing import Any

from mockserver.core.startup import StartupError
from mockserver.settings import Settings

STOP_SECONDS = 10  # a stop waits this long for requests under way, then goes anyway
START_SECONDS = 60  # the child process prints "mockserver ready" within this


class ThreadServer:
    """waitress serving the app on 127.0.0.1, in a daemon thread of this process."""

    def __init__(self, settings: Settings) -> None:
        from mockserver.app import create_app
        from mockserver.core import wsgi_server
        from mockserver.core.runtime import Runtime

        settings.check()  # StartupError: the same one-line reasons `serve` gives
        self.runtime = Runtime(settings)
        app = create_app(settings, self.runtime)
        self._server = wsgi_server.create(
            app,
            settings.threads,
            body_limit=wsgi_server.body_ceiling(settings),
            host="127.0.0.1",
            port=0,
        )
        self.base_url = f"http://127.0.0.1:{self._server.effective_port}"
        self.runtime.settings.public_url = self.base_url  # links handed out point here
        self._thread = threading.Thread(target=self._server.run, name="mockserver", daemon=True)
        self._thread.start()
        self.runtime.storage.start()  # boots behind the first requests; an upload waits for it

    def stop(self) -> None:
        """Stop in the order that leaves nothing half-closed: let the worker threads finish
        (each pulls the loop's trigger as it ends), then have the loop close every socket
        itself, which ends it. Closing the sockets from here while the loop polled them
        printed `Bad file descriptor` tracebacks now and then."""
        from waitress import wasyncore

        server = self._server
        server.task_dispatcher.shutdown(cancel_pending=True, timeout=STOP_SECONDS)
        socket_map = server._map  # noqa: SLF001 - waitress keeps its loop's map here
        try:
            server.trigger.pull_trigger(lambda: wasyncore.close_all(socket_map))
        except OSError:
            # The loop's trigger is closed already (seen once in about 500 stops under a
            # loaded test run, cause not found): nobody can wake the loop, so its sockets are
            # closed from here, and any error of closing what is closed is no news.
            try:
                wasyncore.close_all(socket_map, ignore_all=True)
            except OSError:
                pass
        self._thread.join(timeout=STOP_SECONDS)
        self.runtime.close()


class ProcessServer:
    """`mockserver serve` as a child process, on 127.0.0.1 and a free port."""

    def __init__(self, settings: Settings) -> None:
        settings.check()
        env = {**os.environ, **settings.to_env(), "PYTHONUNBUFFERED": "1"}
        self._process = subprocess.Popen(
            [sys.executable, "-m", "mockserver", "serve", "--host", "127.0.0.1", "--port", "0"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.output: collections.deque[str] = collections.deque(maxlen=200)
        self._lines: queue.Queue[str | None] = queue.Queue()
        self._started = False
        self.runtime: Any = None  # in another process
        # Read what it prints for as long as it runs (a line per request), or its pipe would
        # fill and stall it.
        threading.Thread(target=self._drain, name="mockserver-output", daemon=True).start()
        self.base_url = self._wait_ready()

    def _drain(self) -> None:
        assert self._process.stdout is not None
        for line in self._process.stdout:
            self.output.append(line)
            if not self._started:
                self._lines.put(line)
        self._lines.put(None)

    def _wait_ready(self) -> str:
        base = ""
        deadline = time.monotonic() + START_SECONDS
        while (left := deadline - time.monotonic()) > 0:
            try:
                line = self._lines.get(timeout=left)
            except queue.Empty:
                break
            if line is None:  # it exited
                break
            found = re.match(r"mockserver listening on (\S+)", line)
            if found:
                base = found.group(1)
            if line.startswith("mockserver ready") and base:
                self._started = True  # nobody reads the queue from now on
                return base
        self.stop()
        raise StartupError("mockserver did not start:", *[line.rstrip() for line in self.output])

    def stop(self) -> None:
        if self._process.poll() is None:
            self._process.send_signal(signal.SIGTERM)
            try:
                self._process.wait(timeout=STOP_SECONDS + 5)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait(timeout=5)


def start_server(settings: Settings) -> ThreadServer | ProcessServer:
    return ProcessServer(settings) if settings.http == "granian" else ThreadServer(settings)
