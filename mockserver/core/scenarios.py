"""Named outcomes: every documented answer a QA person may need, one `Prefer` header away.

Each provider lists its outcomes in its own `scenarios.py`, built with its own error
functions, so a scenario's body is exactly what its renderer gives for the real condition. An
outcome is either *canned* (`error` returns the exception to answer with, instead of running
the view) or *behavioural* (`error` is None: the view runs with the
scenario active, and the provider's model asks `active(name)`: an Accredible bulk really
creates the credentials unpublished under `insufficient_credits`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

_ACTIVE: ContextVar[str | None] = ContextVar("mockserver_scenario", default=None)
_USED: ContextVar[bool] = ContextVar("mockserver_scenario_used", default=False)


@dataclass(frozen=True)
class Scenario:
    name: str
    status: int
    summary: str
    error: Callable[[], Exception] | None = None
    # The operations the outcome can happen on, as "METHOD /path" below the provider's prefix
    # ({name} is one path segment, ... any rest; "PUT/GET" either method); empty: every one.
    applies_to: tuple[str, ...] = ()

    @property
    def behavioural(self) -> bool:
        return self.error is None

    def applies(self, method: str, path: str) -> bool:
        """Whether the outcome can happen on this request (`path` below the prefix); a rule
        naming the scenario fires and counts only where it does."""
        return not self.applies_to or any(
            _operation_matches(operation, method, path) for operation in self.applies_to
        )

    def sample_paths(self) -> list[tuple[set[str], str]]:
        """(methods, a path) for each operation, to check a rule's method and path glob."""
        samples = []
        for operation in self.applies_to:
            methods, _, template = operation.partition(" ")
            path = re.sub(r"\{[^/}]+\}", "1", template).replace("...", "bucket/key")
            samples.append(({m.upper() for m in methods.split("/")}, path))
        return samples

    def describe(self, provider: str) -> dict[str, Any]:
        return {
            "provider": provider,
            "name": self.name,
            "status": self.status,
            "summary": self.summary,
            "kind": "behavioural" if self.behavioural else "canned",
            "applies_to": ", ".join(self.applies_to) or "every operation",
            "operations": list(self.applies_to),
            "prefer": f"scenario={self.name}",
        }


_FORMAT_SUFFIX = re.compile(r"\.(json|xml)$")


def _operation_matches(operation: str, method: str, path: str) -> bool:
    methods, _, template = operation.partition(" ")
    if method.upper() not in {m.upper() for m in methods.split("/")}:
        return False
    pattern = re.escape(template).replace(re.escape("..."), ".*")
    pattern = re.sub(r"\\\{[^/]+?\\\}", "[^/]+", pattern)
    regex = re.compile(pattern + "$")
    return bool(regex.match(path) or regex.match(_FORMAT_SUFFIX.sub("", path)))


def active(name: str) -> bool:
    """Whether the request being served asked for the behavioural scenario `name`; saying
    yes marks the scenario used, so a rule that set it counts this request."""
    if _ACTIVE.get() == name:
        _USED.set(True)
        return True
    return False


def used() -> bool:
    """Whether the view asked for (and so applied) the active behavioural scenario."""
    return _USED.get()


def set_active(name: str | None) -> None:
    """For the request pipeline, which activates a scenario for the rest of the request."""
    _ACTIVE.set(name)
    _USED.set(False)


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
