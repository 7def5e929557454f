"""Named outcomes: every documented answer a QA person may need, one `Prefer` header away.

Each provider lists its outcomes in its own `scenarios.py`, built with its own error
functions, so a scenario's body is exactly what its renderer gives for the real condition. An
outcome is either *canned* (`error` returns the exception to answer with, instead of running
the view) or *behavioural* (`error` is None: the view runs with the
scenario active, and the provider's model asks `active(name)`: an Accredible bulk really
creates the credentials unpublished under `insufficient_credits`).
"""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

_ACTIVE: ContextVar[str | None] = ContextVar("mockserver_scenario", default=None)


@dataclass(frozen=True)
class Scenario:
    name: str
    status: int
    summary: str
    error: Callable[[], Exception] | None = None
    applies_to: str = "every operation"

    @property
    def behavioural(self) -> bool:
        return self.error is None

    def describe(self, provider: str) -> dict[str, Any]:
        return {
            "provider": provider,
            "name": self.name,
            "status": self.status,
            "summary": self.summary,
            "kind": "behavioural" if self.behavioural else "canned",
            "applies_to": self.applies_to,
            "prefer": f"scenario={self.name}",
        }


def active(name: str) -> bool:
    """Whether the request being served asked for the behavioural scenario `name`."""
    return _ACTIVE.get() == name


def set_active(name: str | None) -> None:
    """For the request pipeline, which activates a scenario for the rest of the request."""
    _ACTIVE.set(name)


def parse_prefer(header: str) -> dict[str, str]:
    """`Prefer: scenario=insufficient_credits, delay=1500` → {"scenario": …, "delay": "1500"}
    (RFC 7240: comma-separated preferences, optional quotes, parameters after `;` ignored)."""
    found: dict[str, str] = {}
    for part in header.split(","):
        token = part.split(";")[0].strip()
        if not token:
            continue
        name, _, value = token.partition("=")
        found[name.strip().lower()] = value.strip().strip('"')
    return found
