"""A TCP relay in front of PostgreSQL that counts round trips (tests/unit/test_postgres_round_
trips.py, bench/pg_scale.py).

A client waits for PostgreSQL once per simple-protocol `Query` ('Q') message and once per
extended-protocol `Sync` ('S'); counting those in what the clients send counts the round trips
they make, whatever library made them. Round trips of a transaction that writes the request
journal are counted apart (`journal_round_trips`): the journal is written by a background
writer, off the request path. The relay reads the frontend stream only, so the connection must
not be encrypted (`through()` says so in the URL).
"""

from __future__ import annotations

import asyncio
import struct
import threading
from collections import deque
from urllib.parse import urlsplit, urlunsplit

ROUND_TRIP_TYPES = {ord("Q"), ord("S")}
ENDS = (b"COMMIT", b"ROLLBACK")


def through(url: str, port: int) -> str:
    """A SQLAlchemy PostgreSQL `url` pointed at the relay on `port`, unencrypted."""
    parts = urlsplit(url)
    credentials, _, _ = parts.netloc.rpartition("@")
    netloc = f"{credentials}@127.0.0.1:{port}" if credentials else f"127.0.0.1:{port}"
    query = "sslmode=disable&gssencmode=disable"
    return urlunsplit((parts.scheme, netloc, parts.path, query, ""))


class CountingProxy:
    """`with CountingProxy(5432) as proxy:` relays 127.0.0.1:proxy.port to PostgreSQL;
    `proxy.round_trips` is the number of round trips so far, journal writing
    (`proxy.journal_round_trips`) and statements being prepared (`proxy.prepare_round_trips`)
    aside."""

    def __init__(self, target_port: int, target_host: str = "127.0.0.1") -> None:
        self.target = (target_host, target_port)
        self.round_trips = 0
        self.journal_round_trips = 0
        self.prepare_round_trips = 0
        # Seconds each piece PostgreSQL sends is held before it is passed on (a slow link, or
        # a backend slow to pass a notification on).
        self.delay = 0.0
        # The latest messages, to show in a failed assertion: (connection, type, text).
        self.trace: deque[tuple[int, str, bytes]] = deque(maxlen=100)
        self._connections = 0
        # While set, connections are closed as soon as they are made (PostgreSQL stopped).
        self.refusing = False
        self._open: set[asyncio.StreamWriter] = set()
        self.port = 0
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> CountingProxy:
        self._thread.start()
        if not self._ready.wait(10):
            raise RuntimeError("the counting proxy did not start")
        return self

    def __exit__(self, *exc: object) -> None:
        async def stop() -> None:
            tasks = [task for task in asyncio.all_tasks() if task is not asyncio.current_task()]
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            self._loop.stop()

        asyncio.run_coroutine_threadsafe(stop(), self._loop)
        self._thread.join(10)

    def cut(self) -> None:
        """What PostgreSQL stopping does to its clients: every connection through the relay is
        closed, and new ones too until `refusing` is set back to False."""
        self.refusing = True

        async def close_all() -> None:
            for writer in list(self._open):
                writer.close()

        asyncio.run_coroutine_threadsafe(close_all(), self._loop).result(10)

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        server = self._loop.run_until_complete(asyncio.start_server(self._relay, "127.0.0.1", 0))
        self.port = server.sockets[0].getsockname()[1]
        self._ready.set()
        self._loop.run_forever()
        server.close()
        self._loop.close()

    async def _relay(self, client_reader, client_writer) -> None:
        if self.refusing:
            client_writer.close()
            return
        try:
            server_reader, server_writer = await asyncio.open_connection(*self.target)
        except OSError:
            client_writer.close()
            return
        ends = {client_writer, server_writer}
        self._open |= ends
        try:
            await asyncio.gather(
                self._frontend(client_reader, server_writer),
                self._pipe(server_reader, client_writer),
                return_exceptions=True,
            )
        finally:
            self._open -= ends

    async def _frontend(self, reader, writer) -> None:
        """Client to server, message by message: the startup packet has no type byte. A
        transaction's round trips are held from BEGIN to COMMIT or ROLLBACK, then counted as
        journal writing or not by what it touched (a statement prepared once and bound later
        by name is known by its name)."""
        inside, held, journal = False, 0, False
        prepared: dict[bytes, bool] = {}
        since_sync: set[int] = set()
        self._connections += 1
        number = self._connections
        try:
            length = struct.unpack("!I", await reader.readexactly(4))[0]
            writer.write(struct.pack("!I", length) + await reader.readexactly(length - 4))
            while True:
                head = await reader.readexactly(5)
                kind, length = head[0], struct.unpack("!I", head[1:])[0]
                body = await reader.readexactly(length - 4)
                writer.write(head + body)
                await writer.drain()
                touches_journal = b"journal_entries" in body
                self.trace.append((number, chr(kind), body[:48]))
                if kind == ord("P"):  # Parse: statement name, then its text
                    prepared[body.split(b"\x00", 1)[0]] = touches_journal
                elif kind == ord("B"):  # Bind: portal name, then the statement's name
                    touches_journal = prepared.get(body.split(b"\x00", 2)[1], False)
                if kind not in ROUND_TRIP_TYPES:
                    journal = journal or touches_journal
                    since_sync.add(kind)
                    continue
                if kind == ord("S") and since_sync == {ord("P")}:
                    # psycopg preparing a statement (the fifth time it runs on a connection):
                    # once per connection and statement, counted apart
                    self.prepare_round_trips += 1
                    since_sync.clear()
                    continue
                since_sync.clear()
                text = body.strip(b"\x00 ;").upper() if kind == ord("Q") else b""
                if text.startswith(b"BEGIN"):
                    inside, held, journal = True, 0, False
                held += 1
                journal = journal or touches_journal
                if inside and not text.startswith(ENDS):
                    continue
                if journal:
                    self.journal_round_trips += held
                else:
                    self.round_trips += held
                inside, held, journal = False, 0, False
        except (asyncio.IncompleteReadError, ConnectionError, asyncio.CancelledError):
            pass
        finally:
            writer.close()

    async def _pipe(self, reader, writer) -> None:
        try:
            while data := await reader.read(65536):
                if self.delay:
                    await asyncio.sleep(self.delay)
                writer.write(data)
                await writer.drain()
        except (ConnectionError, asyncio.CancelledError):
            pass
        finally:
            writer.close()
