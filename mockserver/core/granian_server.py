"""`mockserver serve --http granian`: the same app behind Granian, for load tests.

Granian is an HTTP server written in Rust; on the project's machines it serves the sandbox's
reads faster than waitress (bench/RESULTS.md), because parsing HTTP and managing connections
happen outside the GIL. The app is served through its ASGI interface by core/asgi_bridge.py,
which takes requests in as waitress does (a malformed chunked body is the same 400 on both).

Granian runs the app in a worker process that it starts and supervises. So this process
only checks the port and supervises; the worker binds it, builds the runtime (store,
embedded S3, scheduler) and prints the start-up lines. Settings travel to the worker as MOCKSERVER_*
variables, the one channel a worker started either way (fork or spawn) inherits. One worker:
in-memory state and the embedded S3 live in one process, as under waitress.

What only waitress gives: network faults (`Prefer: network=…` needs the connection's socket,
which Granian keeps in Rust: they answer 501 here) and --provider-ports (one address).
"""

from __future__ import annotations

import ctypes
import multiprocessing.util
import os
import signal
import socket
import sys
import threading
import time
from pathlib import Path
from typing import Any

from mockserver.core.startup import listen_error
from mockserver.settings import Settings

# Seconds a worker gets to finish its requests and close the runtime when asked to stop.
STOP_GRACE_SECONDS = 10
READY_WAIT_SECONDS = 30
# Connections Granian holds at once (its backlog); idle keep-alive connections count.
BACKLOG = 1024
_PR_SET_PDEATHSIG = 1


def run(settings: Settings) -> None:
    """Serve until SIGINT or SIGTERM; returns once the worker has stopped."""
    from granian import Granian
    from granian.constants import Interfaces
    from granian.log import LogLevels

    # Granian's worker binds with SO_REUSEPORT, so a second sandbox started on a busy port
    # would share it with the first, each with its own state, and say nothing. A plain bind
    # here fails on any listener, as waitress does; with port 0 it also picks the port the
    # worker will announce.
    settings.port = claim_port(settings.host, settings.port)
    os.environ.update(settings.to_env())
    server = Granian(
        f"{__name__}:worker_app",
        address=settings.host,
        port=settings.port,
        interface=Interfaces.ASGI,
        factory=True,
        workers=1,
        # Granian's backpressure counts connections, idle keep-alive ones included: at the
        # thread count, as many idle pooled connections as threads once froze every other
        # client, /_mock/health included. So it admits as many connections as the backlog;
        # the bridge admits `threads` requests into the app at a time, in arrival order, and
        # an idle connection holds no thread at all.
        backlog=BACKLOG,
        backpressure=BACKLOG,
        workers_kill_timeout=STOP_GRACE_SECONDS,
        log_level=LogLevels.error,  # not its advice on thread counts; errors still show
        **(
            {"ssl_cert": Path(settings.tls_cert), "ssl_key": Path(settings.tls_key)}
            if settings.tls_enabled
            else {}
        ),
    )
    server.serve()


def worker_app() -> Any:
    """Granian's app factory, called in the worker: the sandbox built from MOCKSERVER_*."""
    from mockserver.app import create_app
    from mockserver.core import access_log, wsgi_server
    from mockserver.core.asgi_bridge import AsgiBridge
    from mockserver.core.memory import keep_large_buffers_out_of_the_heap
    from mockserver.core.runtime import Runtime

    _stop_with_parent()
    settings = Settings.from_env()
    # The worker may be started fresh (spawn) rather than forked: its log lines are set up
    # here too, from the same settings.
    access_log.configure(settings)
    keep_large_buffers_out_of_the_heap()
    runtime = Runtime(settings)
    app = create_app(settings, runtime)
    # The worker ends through multiprocessing, which runs these finalizers and not atexit:
    # the scheduler stops, stores close and the embedded S3 shuts down as under waitress.
    multiprocessing.util.Finalize(runtime, runtime.close, exitpriority=100)
    # On Linux each Granian worker binds the port itself, after this factory returns: the
    # start-up lines (which end with "ready") wait until the port takes connections.
    threading.Thread(target=_announce_when_accepting, args=(settings, runtime), daemon=True).start()
    # Served through Granian's ASGI interface by a bridge that takes requests in as waitress
    # does (core/asgi_bridge.py says why): `threads` requests in the app at once, in order.
    return AsgiBridge(app, settings.threads, wsgi_server.body_ceiling(settings))


def _announce_when_accepting(settings: Settings, runtime: Any) -> None:
    from mockserver.announce import announce, display_host

    host = display_host(settings.host)
    host = "::1" if host == "::" else host
    deadline = time.monotonic() + READY_WAIT_SECONDS
    while time.monotonic() < deadline:
        try:
            socket.create_connection((host, settings.port), timeout=1).close()
        except OSError:
            time.sleep(0.02)
            continue
        announce(settings, runtime, settings.port, {})
        return
    print(f"mockserver: nothing accepted on port {settings.port}", file=sys.stderr, flush=True)


def claim_port(host: str, port: int) -> int:
    """`port` (or a free one for 0) after checking nothing listens there (StartupError)."""
    try:
        family = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0][0]
    except OSError as exc:
        raise listen_error(host, port, exc) from None
    with socket.socket(family) as probe:
        # As waitress does: connections of an earlier run in TIME_WAIT do not block the port
        # (on Linux a live listener still does).
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise listen_error(host, port, exc) from None
        return int(probe.getsockname()[1])


def _stop_with_parent() -> None:
    """Have Linux stop this worker (gracefully) if Granian's process dies, even by SIGKILL.

    Without it a killed parent leaves the worker serving on the port, and a restart on the
    same port or data directory would meet the orphan."""
    if not sys.platform.startswith("linux"):
        return
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
    if os.getppid() == 1:  # the parent died before prctl took effect
        os.kill(os.getpid(), signal.SIGTERM)
