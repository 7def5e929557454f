"""Fault rules: make the next N matching requests (or a share of them) answer a named
scenario or a status, slow down, or break the connection.

A rule matches on provider, method, path (a glob on the full path) and tenant; the first
rule that matches and whose dice roll succeeds fires, and counts. Rules are kept in memory
and forgotten by /_mock/reset; servers sharing one PostgreSQL store keep them in agreement
through core/shared.py, counts included.
"""

from __future__ import annotations

import fnmatch
import random
import threading
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from mockserver.core.ids import ids
from mockserver.core.matchers import check_body_matcher, check_header_matcher
from mockserver.core.netfaults import KINDS

MAX_DELAY_MS = 60_000


@dataclass
class FaultRule:
    id: str
    provider: str | None = None
    method: str | None = None
    path: str | None = None
    tenant: str | None = None
    times: int | None = None  # left to fire; None: no limit
    probability: float = 1.0
    scenario: str | None = None
    status: int | None = None
    delay_ms: int | None = None
    network: str | None = None
    # Matchers beyond method, path and tenant (core/matchers.py, shared with the journal).
    match_headers: dict[str, str] | None = None
    match_body: dict[str, Any] | None = None
    # A custom answer: `body` (JSON or text) with `status` (default 200) and `headers`, or
    # `message` rendered in the provider's own error envelope with `status`.
    body: Any = None
    headers: dict[str, str] | None = None
    message: str | None = None
    fired: int = 0
    matched: int = 0

    @property
    def custom_answer(self) -> bool:
        return self.body is not None or self.message is not None or bool(self.headers)

    def describe(self) -> dict[str, Any]:
        return {**asdict(self), "active": self.times is None or self.times > 0}

    def covers(self, provider: str | None, method: str, path: str) -> bool:
        if self.provider and self.provider != provider:
            return False
        if self.method and self.method.upper() != method.upper():
            return False
        return not (self.path and not fnmatch.fnmatchcase(path, self.path))


def _optional_int(data: dict[str, Any], name: str, low: int, high: int) -> int | None:
    value = data.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ValueError(f"{name} must be an integer from {low} to {high}")
    return value


def rule_from(data: dict[str, Any]) -> FaultRule:
    """A rule from a control-plane body; ValueError says which field is wrong."""
    known = {
        "provider",
        "method",
        "path",
        "tenant",
        "times",
        "probability",
        "scenario",
        "status",
        "delay_ms",
        "network",
        "match_headers",
        "match_body",
        "body",
        "headers",
        "message",
    }
    unknown = sorted(set(data) - known)
    if unknown:
        raise ValueError(f"unknown fields {unknown}; known: {sorted(known)}")
    probability = data.get("probability", 1.0)
    if (
        isinstance(probability, bool)
        or not isinstance(probability, int | float)
        or not (0 < probability <= 1)
    ):
        raise ValueError("probability must be a number in (0, 1]")
    network = data.get("network")
    if network is not None and network not in KINDS:
        raise ValueError(f"network must be one of {list(KINDS)}")
    for name in ("provider", "method", "path", "tenant", "scenario"):
        if data.get(name) is not None and not isinstance(data[name], str):
            raise ValueError(f"{name} must be a string")
    headers = data.get("headers")
    if headers is not None and not (
        isinstance(headers, dict)
        and all(
            isinstance(k, str) and isinstance(v, str) and "\n" not in k + v and "\r" not in k + v
            for k, v in headers.items()
        )
    ):
        raise ValueError("headers must be an object of header names to text values")
    message = data.get("message")
    if message is not None and not isinstance(message, str):
        raise ValueError("message must be a string")
    if message is not None and data.get("body") is not None:
        raise ValueError("give body (answered as it is) or message (in the provider's envelope)")
    status_low = 100 if data.get("body") is not None or headers else 400
    rule = FaultRule(
        id=ids.hex(6),
        provider=data.get("provider"),
        method=data.get("method"),
        path=data.get("path"),
        tenant=data.get("tenant"),
        times=_optional_int(data, "times", 1, 10**9),
        probability=float(probability),
        scenario=data.get("scenario"),
        status=_optional_int(data, "status", status_low, 599),
        delay_ms=_optional_int(data, "delay_ms", 0, MAX_DELAY_MS),
        network=network,
        match_headers=(
            check_header_matcher(data["match_headers"])
            if data.get("match_headers") is not None
            else None
        ),
        match_body=(
            check_body_matcher(data["match_body"]) if data.get("match_body") is not None else None
        ),
        body=data.get("body"),
        headers=headers,
        message=message,
    )
    if message is not None and rule.status is None:
        raise ValueError("a message needs its status (400-599)")
    if not (rule.scenario or rule.status or rule.delay_ms or rule.network or rule.custom_answer):
        raise ValueError(
            "a rule needs an outcome: scenario, status, delay_ms, network, or a custom answer "
            "(body, headers, message)"
        )
    return rule


@dataclass
class Faults:
    rules: list[FaultRule] = field(default_factory=list)
    rng: random.Random = field(default_factory=random.Random)

    def __post_init__(self) -> None:
        self._lock = threading.Lock()

    def add(self, rule: FaultRule) -> FaultRule:
        with self._lock:
            self.rules.append(rule)
        return rule

    def needs_tenant(self) -> bool:
        return any(rule.tenant for rule in self.rules)

    def candidates(
        self, provider: str | None, method: str, path: str, tenant: str | None
    ) -> list[FaultRule]:
        """Rules still active that this request matches (nothing counted)."""
        with self._lock:
            return self._matching(provider, method, path, tenant)

    def _matching(
        self, provider: str | None, method: str, path: str, tenant: str | None
    ) -> list[FaultRule]:
        return [
            rule
            for rule in self.rules
            if (rule.times is None or rule.times > 0)
            and rule.covers(provider, method, path)
            and not (rule.tenant and rule.tenant != tenant)
        ]

    def fire(
        self,
        provider: str | None,
        method: str,
        path: str,
        tenant: str | None,
        applies: Callable[[FaultRule], bool] = lambda rule: True,
    ) -> FaultRule | None:
        """The rule that fires for this request, counted; None when none does. `applies`
        says whether a rule's outcome can happen on this request at all: a rule whose outcome
        cannot is not matched, so it neither fires nor uses up its `times`."""
        with self._lock:
            for rule in self._matching(provider, method, path, tenant):
                if not applies(rule):
                    continue
                rule.matched += 1
                if rule.probability < 1 and self.rng.random() >= rule.probability:
                    continue
                rule.fired += 1
                if rule.times is not None:
                    rule.times -= 1
                return rule
        return None

    def give_back(self, rule_id: str) -> None:
        """A rule fired a behavioural scenario the request never reached (refused before the
        view asked for it, a 401 say): the firing is undone, so `times` is not used up."""
        with self._lock:
            for rule in self.rules:
                if rule.id == rule_id:
                    rule.fired -= 1
                    rule.matched -= 1
                    if rule.times is not None:
                        rule.times += 1

    def remove(self, rule_id: str) -> bool:
        with self._lock:
            before = len(self.rules)
            self.rules = [rule for rule in self.rules if rule.id != rule_id]
            return len(self.rules) < before

    def clear(self) -> None:
        with self._lock:
            self.rules = []

    def state(self) -> list[dict[str, Any]]:
        """The rules with their counts, for servers sharing a store (see core/shared.py)."""
        with self._lock:
            return [asdict(rule) for rule in self.rules]

    def load_state(self, rules: list[dict[str, Any]]) -> None:
        with self._lock:
            self.rules = [FaultRule(**rule) for rule in rules]
