"""HTTPS for clients that refuse plain HTTP (requests-oauthlib on an OAuth token URL, for one).

`--tls` makes a small certificate authority and a server certificate for this machine's
names at start (with trustme, a maintained library made for exactly this), and prints the
CA file's path so a client can trust it. With `--data-dir` the CA is kept there, so a client
that trusted it once keeps trusting it across restarts. `--tls-cert/--tls-key` serve a
certificate of your own instead.

Granian terminates TLS itself. waitress has no TLS, so on that layer a relay (below) takes the
TLS connections and hands each one, decrypted, to waitress on an internal loopback port;
waitress is told its scheme is https, so every link the app builds says https.
"""

from __future__ import annotations

import ipaddress
import select
import socket
import ssl
import tempfile
import threading
from pathlib import Path
from urllib.parse import urlsplit

from mockserver.settings import Settings

MAX_CONNECTIONS = 512  # relay: connections served at once (each holds two threads)
HANDSHAKE_SECONDS = 10
IDLE_SECONDS = 300  # a kept-alive connection with no traffic is closed after this


def prepare(settings: Settings) -> None:
    """With `--tls` alone, make (or reuse) the CA and a server certificate and point the
    settings at them; `tls_ca_file` is the file clients trust."""
    if not settings.tls or settings.tls_cert:
        return
    import trustme

    folder = (
        Path(settings.data_dir) / "tls"
        if settings.data_dir
        else Path(tempfile.mkdtemp(prefix="mockserver-tls-"))
    )
    folder.mkdir(parents=True, exist_ok=True)
    ca_file, ca_key = folder / "ca.pem", folder / "ca-key.pem"
    if ca_file.is_file() and ca_key.is_file():
        ca = trustme.CA.from_pem(ca_file.read_bytes(), ca_key.read_bytes())
    else:
        ca = trustme.CA(organization_name="mockserver sandbox")
        ca.cert_pem.write_to_path(str(ca_file))
        ca.private_key_pem.write_to_path(str(ca_key))
        ca_key.chmod(0o600)
    server = ca.issue_cert(*_names(settings))
    cert, key = folder / "server.pem", folder / "server-key.pem"
    with open(cert, "wb") as chain:
        for blob in server.cert_chain_pems:
            chain.write(blob.bytes())
    server.private_key_pem.write_to_path(str(key))
    key.chmod(0o600)
    settings.tls_cert, settings.tls_key, settings.tls_ca_file = str(cert), str(key), str(ca_file)


def _names(settings: Settings) -> list[str]:
    """Every name a client on this machine may use: loopback, the bound host, the public URL's."""
    names = ["localhost", "127.0.0.1", "::1"]
    for candidate in (settings.host, urlsplit(settings.public_url).hostname or ""):
        if candidate and candidate not in ("0.0.0.0", "::") and candidate not in names:
            names.append(candidate)
    if settings.host in ("0.0.0.0", "::"):
        names.append(socket.gethostname())
    return [_idna_safe(name) for name in names]


def _idna_safe(name: str) -> str:
    try:
        return str(ipaddress.ip_address(name))
    except ValueError:
        return name.lower()


def server_context(settings: Settings) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(settings.tls_cert, settings.tls_key)
    return context


class TlsRelay:
    """Takes TLS connections on `listeners` and relays each to `backend` in clear text."""

    def __init__(
        self, listeners: list[socket.socket], backend: tuple[str, int], context: ssl.SSLContext
    ) -> None:
        self.listeners = listeners
        self.backend = backend
        self.context = context
        self._slots = threading.BoundedSemaphore(MAX_CONNECTIONS)
        self._closed = threading.Event()

    def start(self) -> None:
        for listener in self.listeners:
            threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def close(self) -> None:
        self._closed.set()
        for listener in self.listeners:
            try:
                listener.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            listener.close()

    def _accept(self, listener: socket.socket) -> None:
        while not self._closed.is_set():
            try:
                client, _ = listener.accept()
            except OSError:
                return  # closed
            self._slots.acquire()
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    def _serve(self, client: socket.socket) -> None:
        try:
            client.settimeout(HANDSHAKE_SECONDS)
            secure = self.context.wrap_socket(client, server_side=True)
            secure.settimeout(None)
            with secure, socket.create_connection(self.backend) as plain:
                _relay(secure, plain)
        except (OSError, ssl.SSLError):
            pass  # a client that fails its handshake or goes away: nothing to answer
        finally:
            client.close()
            self._slots.release()


def _relay(secure: ssl.SSLSocket, plain: socket.socket) -> None:
    """Both directions in one thread: an SSL connection must not be read and written from
    two threads at once. Ends when either side closes or nothing moves for IDLE_SECONDS."""
    other = {secure: plain, plain: secure}
    while True:
        if secure.pending():
            ready = [secure]
        else:
            ready, _, _ = select.select([secure, plain], [], [], IDLE_SECONDS)
            if not ready:
                return
        for source in ready:
            chunk = source.recv(65536)
            if not chunk:
                return
            other[source].sendall(chunk)
