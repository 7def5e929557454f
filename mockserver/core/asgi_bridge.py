"""The sandbox's WSGI app served through Granian's ASGI interface, as waitress serves it.

Why not Granian's WSGI interface: when a chunked body's framing is broken, it hands the app
the empty body it could read and no sign of the error, so a provider's validation answered
(Accredible: 422) where waitress answers the framing error (400). Its ASGI interface does say
so (`http.disconnect` instead of the body's last message), and lets an idle keep-alive
connection cost no thread at all.

Each request is taken in as waitress takes it, in the event loop, before the app runs:

- a body is read whole (spooled to a temporary file past 1 MB) up to the ceiling waitress
  has (`wsgi_server.body_ceiling`); a chunked one is handed on de-chunked, with its length
  and `framing_errors.CHUNKED` set, as waitress does;
- a body whose Content-Length is past the ceiling is not read: the app gets the request with
  that length and an empty stream, so its route authenticates first and then answers 413;
- a chunked body past the ceiling, or one that breaks off (bad framing, or the client gone),
  reaches the app as `framing_errors.ENVIRON_KEY` (413 or 400), answered in the provider's
  own envelope, and the connection is closed after it.

Then the app runs in one of `threads` worker threads, requests taken in arrival order, and
its answer is sent back (small answers in one message; larger ones in pieces of 256 kB).
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from urllib.parse import unquote_to_bytes

from mockserver.core import framing_errors

SPOOL_BYTES = 1024 * 1024  # a body larger than this waits on disk, as under waitress
SEND_BYTES = 256 * 1024  # the answer goes out in pieces of about this size
BROKEN_BODY = "the request body ended before its framing did (a malformed chunked body?)"

Scope = dict[str, Any]
Receive = Callable[[], Any]
Send = Callable[[dict[str, Any]], Any]


class AsgiBridge:
    """An ASGI app that runs a WSGI app (see the module's docstring)."""

    def __init__(self, app: Any, threads: int, body_ceiling: int) -> None:
        self.app = app
        self.body_ceiling = body_ceiling
        self.pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="mockserver")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
            return
        if scope["type"] != "http":
            return  # no websockets here
        environ = _environ(scope)
        await self._take_body(environ, receive)
        loop = asyncio.get_running_loop()
        # Most answers are small: the worker hands them back whole and they are sent from
        # here, one hop each way. A large one the worker streams itself (see _run).
        whole = await loop.run_in_executor(self.pool, self._run, environ, send, loop)
        if whole is not None:
            try:
                for message in whole:
                    await send(message)
            except Exception:  # noqa: BLE001 - the client went away; nothing to answer
                return

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                self.pool.shutdown(wait=True)
                await send({"type": "lifespan.shutdown.complete"})
                return

    async def _take_body(self, environ: dict[str, Any], receive: Receive) -> None:
        """The body as waitress would have taken it in (the module's docstring)."""
        chunked = "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower()
        declared = environ.get("CONTENT_LENGTH", "")
        if not chunked and (not declared.isdigit() or int(declared) == 0):
            environ["wsgi.input"] = _empty()
            return
        if not chunked and int(declared) > self.body_ceiling:
            environ["wsgi.input"] = _empty()  # refused on its length, unread
            return
        body = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 - the app's
        size, ended, problem = 0, False, None
        while not ended:
            message = await receive()
            if message["type"] == "http.disconnect":
                problem = (400, BROKEN_BODY)
                break
            part = message.get("body", b"")
            size += len(part)
            if size > self.body_ceiling:
                problem = (413, "the request body is larger than this sandbox takes")
                break
            body.write(part)
            ended = not message.get("more_body", False)
        body.seek(0)
        if problem is not None:
            body.close()
            environ["wsgi.input"] = _empty()
            environ["CONTENT_LENGTH"] = "0"
            environ.pop("HTTP_TRANSFER_ENCODING", None)
            environ[framing_errors.ENVIRON_KEY] = problem
            environ[CLOSE_AFTER] = True
            return
        environ["wsgi.input"] = body
        if chunked:  # handed on de-chunked, as waitress does
            environ.pop("HTTP_TRANSFER_ENCODING", None)
            environ["CONTENT_LENGTH"] = str(size)
            environ[framing_errors.CHUNKED] = True

    def _run(
        self, environ: dict[str, Any], send: Send, loop: asyncio.AbstractEventLoop
    ) -> list[dict[str, Any]] | None:
        """In a worker thread: call the app; its answer's messages when it is small (the
        event loop sends them), else None after streaming it from here."""

        def deliver(*messages: dict[str, Any]) -> None:
            async def out() -> None:
                for message in messages:
                    await send(message)

            try:
                asyncio.run_coroutine_threadsafe(out(), loop).result()
            except Exception as exc:  # noqa: BLE001 - Granian's "transport closed" and kin
                raise ClientGone from exc

        started: list[dict[str, Any]] = []

        def start_response(
            status: str, headers: list[tuple[str, str]], exc_info: Any = None
        ) -> Any:
            if exc_info and started and started[0].get("sent"):
                raise exc_info[1].with_traceback(exc_info[2])
            fields = [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers]
            if environ.get(CLOSE_AFTER):
                fields.append((b"connection", b"close"))
            started[:] = [{"status": int(status.split(" ", 1)[0]), "headers": fields}]
            return lambda data: None  # the old write() callable; nothing here uses it

        try:
            answer: Iterable[bytes] = self.app(environ, start_response)
            try:
                return self._send_answer(answer, started, deliver)
            finally:
                close = getattr(answer, "close", None)
                if close is not None:
                    close()
        except ClientGone:
            return None  # the client went away while its answer was being sent
        finally:
            body = environ.get("wsgi.input")
            if body is not None:
                body.close()

    @staticmethod
    def _send_answer(
        answer: Iterable[bytes],
        started: list[dict[str, Any]],
        deliver: Callable[..., None],
    ) -> list[dict[str, Any]] | None:
        """The answer's messages when it all came before SEND_BYTES; otherwise it is sent from
        here as it comes, SEND_BYTES at a time, and None."""
        pending: list[bytes] = []
        pending_bytes = 0
        head_sent = False

        def messages(more: bool) -> list[dict[str, Any]]:
            nonlocal head_sent, pending, pending_bytes
            out = []
            if not head_sent:
                if not started:  # the app gave no status (a bug of ours): a bare 500
                    started.append({"status": 500, "headers": [(b"content-length", b"0")]})
                head = started[0]
                out.append(
                    {
                        "type": "http.response.start",
                        "status": head["status"],
                        "headers": head["headers"],
                    }
                )
                head["sent"] = True
                head_sent = True
            out.append({"type": "http.response.body", "body": b"".join(pending), "more_body": more})
            pending, pending_bytes = [], 0
            return out

        streamed = False
        for chunk in answer:
            if not chunk:
                continue
            pending.append(chunk)
            pending_bytes += len(chunk)
            if pending_bytes >= SEND_BYTES:
                deliver(*messages(more=True))
                streamed = True
        if streamed:
            deliver(*messages(more=False))
            return None
        return messages(more=False)


CLOSE_AFTER = "mockserver.close_after"  # the connection's framing cannot be trusted now


class ClientGone(Exception):
    """Sending the answer failed: the client closed the connection."""


def _empty() -> Any:
    import io

    return io.BytesIO(b"")


def _environ(scope: Scope) -> dict[str, Any]:
    """A WSGI environ for an ASGI request, as waitress builds it (PEP 3333)."""
    raw_path = scope.get("raw_path") or scope["path"].encode("utf-8")
    raw_path = raw_path.split(b"?", 1)[0]
    server = scope.get("server") or ("127.0.0.1", 0)
    client = scope.get("client") or ("", 0)
    environ: dict[str, Any] = {
        "REQUEST_METHOD": scope["method"],
        "SCRIPT_NAME": "",
        # As waitress: the path percent-decoded as bytes, then read as latin-1 (PEP 3333).
        "PATH_INFO": unquote_to_bytes(raw_path).decode("latin-1"),
        "QUERY_STRING": scope.get("query_string", b"").decode("latin-1"),
        "SERVER_NAME": str(server[0]),
        "SERVER_PORT": str(server[1]),
        "SERVER_PROTOCOL": f"HTTP/{scope.get('http_version', '1.1')}",
        "REMOTE_ADDR": str(client[0]),
        "REMOTE_PORT": str(client[1]),
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": scope.get("scheme", "http"),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": True,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
    }
    for raw_name, raw_value in scope["headers"]:
        name = raw_name.decode("latin-1").upper().replace("-", "_")
        value = raw_value.decode("latin-1")
        key = name if name in ("CONTENT_TYPE", "CONTENT_LENGTH") else f"HTTP_{name}"
        if key in environ:
            joiner = "; " if key == "HTTP_COOKIE" else ","
            environ[key] = f"{environ[key]}{joiner}{value}"
        else:
            environ[key] = value
    return environ
