"""Mistakes an operator can make when starting a sandbox, and how they are reported.

Every such mistake (a busy port, a folder that cannot be written, a store that does not
answer, a fixture file that does not parse) is a `StartupError` whose text is what the
operator reads: one line per problem that names the cause and what to do. The CLI prints it
and exits 2, with no traceback, on either HTTP layer; the control plane answers the same text
as a 400 where the mistake comes in through a request (`POST /_mock/fixtures`).
"""

from __future__ import annotations

import errno
import socket


class StartupError(Exception):
    """A mistake in how the sandbox was started or configured; `problems` are its lines."""

    def __init__(self, *problems: str) -> None:
        self.problems = [line for line in problems if line]
        super().__init__("\n".join(self.problems))


def listen_error(host: str, port: int, exc: OSError) -> StartupError:
    """What a failed bind means and what to do about it."""
    where = f"cannot listen on {host}:{port}"
    if isinstance(exc, socket.gaierror):
        return StartupError(
            f"{where}: {host!r} is not a name or address this machine knows "
            "(use 127.0.0.1, 0.0.0.0 or one of its own addresses with --host)"
        )
    if exc.errno == errno.EADDRINUSE:
        return StartupError(
            f"{where}: the port is already in use (another server?); stop it or choose "
            "another --port (0 picks a free one)"
        )
    if exc.errno == errno.EADDRNOTAVAIL:
        return StartupError(
            f"{where}: {host} is not an address of this machine "
            "(use 127.0.0.1, 0.0.0.0 or one of its own addresses with --host)"
        )
    if exc.errno == errno.EACCES:
        return StartupError(
            f"{where}: permission denied (ports below 1024 need privileges); "
            "choose a port above 1023"
        )
    return StartupError(f"{where}: {exc.strerror or exc}")
