"""mockserver inside test code: a real HTTP server on a free loopback port and a typed client
for its control plane, for every test style.

    with Sandbox.start() as sandbox:               # a script, or any test runner
        sandbox.add_fault(provider="accredible", scenario="insufficient_credits", times=1)
        ...

    @sandboxed()                                   # a function gets `sandbox=` passed in
    def test_sync(sandbox): ...

    class SyncTest(SandboxTestCase):               # unittest: one sandbox per class,
        def test_sync(self): self.sandbox...       # back at its fixtures before each test

The pytest plugin (`pytest_plugin.py`) gives the `mockserver` fixture from the same class.
"""

from __future__ import annotations

import functools
import json
import unittest
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from typing import Any, TypeVar

from mockserver.settings import Settings
from mockserver.testkit.actions import (
    AccredibleActions,
    SeekPassActions,
    SpringestActions,
    VecActions,
)
from mockserver.testkit.results import (
    Clock,
    ControlError,
    FaultRule,
    JournalEntry,
    Scenario,
    WebhookDelivery,
    build,
)
from mockserver.testkit.servers import ProcessServer, ThreadServer, start_server

__all__ = [
    "Clock",
    "ControlError",
    "FaultRule",
    "JournalEntry",
    "Sandbox",
    "SandboxTestCase",
    "Scenario",
    "WebhookDelivery",
    "sandboxed",
]

F = TypeVar("F", bound=Callable[..., Any])


class Sandbox:
    """A running mockserver: base URLs per provider, the fixtures' credentials, the control
    plane as methods, and each provider's actions (`sandbox.seekpass.complete(...)`)."""

    def __init__(self, server: ThreadServer | ProcessServer) -> None:
        self._server = server
        self.base_url = server.base_url
        self.seekpass = SeekPassActions(self.call)
        self.vec = VecActions(self.call)
        self.accredible = AccredibleActions(self.call)
        self.springest = SpringestActions(self.call)
        prefixes = self.call("GET", "/_mock/health")["providers"]
        self.providers = {name: self.base_url + prefix for name, prefix in prefixes.items()}

    # ---- life cycle ---------------------------------------------------------------------------

    @classmethod
    def start(cls, **settings: Any) -> Sandbox:
        """Start on 127.0.0.1 and a free port. `settings` are Settings fields
        (`fixtures_dir=`, `http="granian"`, `threads=`, ...); a wrong one raises StartupError
        with the same one-line reason `mockserver serve` gives."""
        chosen = Settings(**{"host": "127.0.0.1", "port": 0, **settings})
        return cls(start_server(chosen))

    def stop(self) -> None:
        """Stop the server and free what it holds; waits for requests under way."""
        if self._server is not None:
            server, self._server = self._server, None
            server.stop()

    def __enter__(self) -> Sandbox:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def runtime(self) -> Any:
        """The server's runtime when it runs in this process (None under Granian)."""
        return self._server.runtime if self._server is not None else None

    def url(self, provider: str, path: str = "") -> str:
        return self.providers[provider] + path

    @property
    def credentials(self) -> dict[str, list[dict[str, Any]]]:
        """Per provider, the tenants of the fixtures in force and their credentials."""
        return self.call("GET", "/_mock/tenants")

    # ---- control plane ------------------------------------------------------------------------

    def call(self, method: str, path: str, body: Any = None) -> Any:
        """A control-plane call (`/_mock/...`): its JSON answer, or ControlError with the
        status and the parsed answer."""
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(
            self.base_url + path,
            data=data,
            method=method,
            headers={"Content-Type": "application/json"} if data is not None else {},
        )
        try:
            with urllib.request.urlopen(request, timeout=60) as answer:  # noqa: S310 - loopback
                return json.loads(answer.read() or b"null")
        except urllib.error.HTTPError as exc:
            raw = exc.read().decode("utf-8", "replace")
            try:
                parsed: Any = json.loads(raw)
            except ValueError:
                parsed = raw
            raise ControlError(exc.code, parsed, method, path) from None

    def reset(self, fixtures: str = "initial") -> None:
        """Back to the start: state, clock, seed, faults and journal forgotten, and the
        fixtures the sandbox started with (`fixtures="current"` keeps ones loaded since)."""
        self.call("POST", "/_mock/seed", {"seed": None})
        self.call("POST", "/_mock/reset", {"fixtures": fixtures})

    def clock(self) -> Clock:
        return build(Clock, self.call("GET", "/_mock/clock"))

    def advance(self, by: float | str) -> Clock:
        """Move the server clock on: seconds or a duration (`90s`, `15m`, `48h`, `2d`, `2w`)."""
        return build(Clock, self.call("POST", "/_mock/clock", {"advance": by}))

    def set_clock(self, moment: str, freeze: bool = False) -> Clock:
        return build(Clock, self.call("POST", "/_mock/clock", {"set": moment, "freeze": freeze}))

    def seed(self, value: int | None, now: str | None = None) -> dict[str, Any]:
        return self.call("POST", "/_mock/seed", {"seed": value, **({"now": now} if now else {})})

    def add_fault(self, **rule: Any) -> FaultRule:
        """A fault rule (see POST /_mock/faults): provider, method, path, scenario, status,
        body, times, ..."""
        return build(FaultRule, self.call("POST", "/_mock/faults", rule))

    def faults(self) -> list[FaultRule]:
        return [build(FaultRule, r) for r in self.call("GET", "/_mock/faults")["faults"]]

    def fault(self, rule_id: str) -> FaultRule:
        return build(FaultRule, self.call("GET", f"/_mock/faults/{rule_id}"))

    def clear_faults(self) -> None:
        self.call("DELETE", "/_mock/faults")

    def scenarios(self, provider: str | None = None) -> list[Scenario]:
        query = f"?provider={urllib.parse.quote(provider)}" if provider else ""
        found = self.call("GET", f"/_mock/scenarios{query}")["scenarios"]
        return [build(Scenario, s) for s in found]

    def requests(self, **criteria: Any) -> list[JournalEntry]:
        """Journal entries matching the criteria (see /_mock/requests), newest first."""
        found = self.call("POST", "/_mock/requests/find", {"limit": 10_000, **criteria})
        return [build(JournalEntry, e) for e in found["requests"]]

    def count(self, **criteria: Any) -> int:
        return self.call("POST", "/_mock/requests/find", {"limit": 1, **criteria})["count"]

    def webhooks(self, provider: str | None = None) -> list[WebhookDelivery]:
        """Outgoing webhook deliveries with their attempts; due ones are attempted first."""
        self.call("POST", "/_mock/webhooks/run")
        query = f"?provider={urllib.parse.quote(provider)}" if provider else ""
        found = self.call("GET", f"/_mock/webhooks{query}")["deliveries"]
        return [build(WebhookDelivery, d) for d in found]

    def fixtures(self, data: dict[str, Any]) -> None:
        """Replace some providers' fixtures (then reset); the next `reset()` puts the
        sandbox's own back."""
        self.call("POST", "/_mock/fixtures", data)


def sandboxed(func: F | None = None, /, **settings: Any) -> Any:
    """A decorator: the function runs with a sandbox of its own, passed as `sandbox=`, and
    stopped afterwards whatever happens. `@sandboxed` or `@sandboxed(fixtures_dir=...)`."""

    def decorate(inner: F) -> F:
        @functools.wraps(inner)
        def run(*args: Any, **kwargs: Any) -> Any:
            with Sandbox.start(**settings) as sandbox:
                return inner(*args, sandbox=sandbox, **kwargs)

        return run  # type: ignore[return-value]

    return decorate(func) if func is not None else decorate


class SandboxTestCase(unittest.TestCase):
    """unittest's way: one sandbox per test class (`self.sandbox`), started with
    `sandbox_settings`, back at its fixtures before each test, stopped after the class."""

    sandbox_settings: dict[str, Any] = {}
    sandbox: Sandbox

    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        cls.sandbox = Sandbox.start(**cls.sandbox_settings)
        cls.addClassCleanup(cls.sandbox.stop)

    def setUp(self) -> None:
        super().setUp()
        self.sandbox.reset()
