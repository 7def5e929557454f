"""mockserver inside a test process: a real HTTP server on an ephemeral loopback port, in a
thread, and a small client for its control plane. The pytest plugin (`pytest_plugin.py`) hands
it to tests; other test runners can use `Sandbox.start()` directly."""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from typing import Any


class ControlError(Exception):
    """The control plane refused a call (its `mock_error`)."""


@dataclass
class Sandbox:
    """A running mockserver: base URLs per provider, fixture credentials, control plane."""

    base_url: str
    providers: dict[str, str]
    credentials: dict[str, list[dict[str, Any]]]
    _server: Any = field(repr=False, default=None)
    _runtime: Any = field(repr=False, default=None)
    _thread: threading.Thread | None = field(repr=False, default=None)
    _stopping: threading.Event = field(repr=False, default_factory=threading.Event)

    # ---- life cycle ---------------------------------------------------------------------------

    @classmethod
    def start(cls, **settings: Any) -> Sandbox:
        """Start on 127.0.0.1 and a free port; `settings` override Settings fields."""
        from mockserver.app import create_app
        from mockserver.core import wsgi_server
        from mockserver.core.runtime import Runtime
        from mockserver.settings import Settings

        server_settings = Settings(**{"host": "127.0.0.1", "port": 0, **settings})
        server_settings.check()  # StartupError: the same one-line reasons `serve` gives
        runtime = Runtime(server_settings)
        app = create_app(server_settings, runtime)
        server = wsgi_server.create(
            app,
            server_settings.threads,
            body_limit=wsgi_server.body_ceiling(server_settings),
            host="127.0.0.1",
            port=0,
        )
        base = f"http://127.0.0.1:{server.effective_port}"
        runtime.settings.public_url = base  # links handed out point at this server
        stopping = threading.Event()

        def serve() -> None:
            try:
                server.run()
            except (OSError, ValueError):
                # Closing the sockets under the loop's select() at stop(); anything else is real.
                if not stopping.is_set():
                    raise

        thread = threading.Thread(target=serve, name="mockserver", daemon=True)
        thread.start()
        # The embedded S3 finishes booting in the background; the first upload waits for it.
        return cls(
            base_url=base,
            providers={name: base + p.prefix for name, p in runtime.providers.items()},
            credentials={name: p.tenants() for name, p in runtime.providers.items()},
            _server=server,
            _runtime=runtime,
            _thread=thread,
            _stopping=stopping,
        )

    def stop(self) -> None:
        self._stopping.set()
        if self._server is not None:
            self._server.close()
        if self._runtime is not None:
            self._runtime.close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def url(self, provider: str, path: str = "") -> str:
        return self.providers[provider] + path

    # ---- control plane ------------------------------------------------------------------------

    def call(self, method: str, path: str, body: Any = None) -> Any:
        """A control-plane call (`/_mock/...`); its JSON answer, or ControlError."""
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(
            self.base_url + path,
            data=data,
            method=method,
            headers={"Content-Type": "application/json"} if data is not None else {},
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as answer:  # noqa: S310 - loopback
                return json.loads(answer.read() or b"null")
        except urllib.error.HTTPError as exc:
            raise ControlError(exc.read().decode("utf-8", "replace")) from exc

    def reset(self) -> None:
        self.call("POST", "/_mock/seed", {"seed": None})
        self.call("POST", "/_mock/reset")

    def advance(self, seconds: float | str) -> dict[str, Any]:
        return self.call("POST", "/_mock/clock", {"advance": seconds})

    def set_clock(self, moment: str, freeze: bool = False) -> dict[str, Any]:
        return self.call("POST", "/_mock/clock", {"set": moment, "freeze": freeze})

    def seed(self, value: int | None, now: str | None = None) -> dict[str, Any]:
        return self.call("POST", "/_mock/seed", {"seed": value, **({"now": now} if now else {})})

    def add_fault(self, **rule: Any) -> dict[str, Any]:
        return self.call("POST", "/_mock/faults", rule)

    def clear_faults(self) -> None:
        self.call("DELETE", "/_mock/faults")

    def scenarios(self, provider: str | None = None) -> list[dict[str, Any]]:
        query = f"?provider={provider}" if provider else ""
        return self.call("GET", f"/_mock/scenarios{query}")["scenarios"]

    def requests(self, **criteria: Any) -> list[dict[str, Any]]:
        """Journal entries matching the criteria (see /_mock/requests), newest first."""
        return self.call("POST", "/_mock/requests/find", {"limit": 10_000, **criteria})["requests"]

    def count(self, **criteria: Any) -> int:
        return self.call("POST", "/_mock/requests/find", {"limit": 1, **criteria})["count"]

    def fixtures(self, data: dict[str, Any]) -> None:
        """Replace some providers' fixtures (then reset)."""
        self.call("POST", "/_mock/fixtures", data)
        self.credentials = {name: p.tenants() for name, p in self._runtime.providers.items()}
