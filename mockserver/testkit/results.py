"""The control plane's answers as typed values, so test code reads `rule.fired` rather than
`rule["fired"]` and an editor can say what is there. Each keeps the whole answer in `raw`, so a
field the sandbox adds later is never out of reach."""

from __future__ import annotations

import json
from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import Any, TypeVar

T = TypeVar("T")


class ControlError(Exception):
    """The control plane refused a call: its HTTP status, its answer parsed (the
    `{"mock_error": {...}}` object, or the text when it was not JSON) and the reason."""

    def __init__(self, status: int, body: Any, method: str = "", path: str = "") -> None:
        self.status = status
        self.body = body
        self.message = _reason(body)
        super().__init__(f"{method} {path}: {status} {self.message}".strip())


def _reason(body: Any) -> str:
    if isinstance(body, dict):
        error = body.get("mock_error", body)
        if isinstance(error, dict) and "message" in error:
            return str(error["message"])
        return json.dumps(body)[:500]
    return str(body)[:500]


def build(cls: type[T], data: dict[str, Any]) -> T:
    """`cls` from an answer: the fields it names (missing ones take their defaults), and the
    whole answer in `raw`."""
    known = {spec.name for spec in fields(cls)} - {"raw"}  # type: ignore[arg-type]
    return cls(**{k: v for k, v in data.items() if k in known}, raw=data)  # type: ignore[call-arg]


@dataclass(frozen=True)
class Clock:
    now: str  # ISO 8601, UTC
    epoch: float
    frozen: bool
    offset_seconds: float
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def moment(self) -> datetime:
        return datetime.fromisoformat(self.now.replace("Z", "+00:00"))


@dataclass(frozen=True)
class FaultRule:
    id: str
    provider: str | None = None
    method: str | None = None
    path: str | None = None
    tenant: str | None = None
    times: int | None = None
    probability: float = 1.0
    scenario: str | None = None
    status: int | None = None
    delay_ms: int | None = None
    network: str | None = None
    match_headers: dict[str, str] | None = None
    match_body: Any = None
    body: Any = None
    headers: dict[str, str] | None = None
    message: str | None = None
    fired: int = 0
    matched: int = 0
    active: bool = True
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)


@dataclass(frozen=True)
class Scenario:
    provider: str
    name: str
    status: int
    summary: str
    kind: str = "canned"
    operations: list[str] = field(default_factory=list)
    prefer: str = ""
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)


@dataclass(frozen=True)
class JournalEntry:
    """One request the sandbox received and what it answered (credentials masked)."""

    id: int
    method: str
    path: str
    status: int
    at: str = ""
    query: str = ""
    provider: str | None = None
    tenant: str | None = None
    scenario: str | None = None
    fault: str | None = None
    request_id: str | None = None
    duration_ms: float = 0.0
    unmatched: bool = False
    headers: dict[str, str] = field(default_factory=dict)
    body: str | None = None
    response_headers: dict[str, str] = field(default_factory=dict)
    response_body: str | None = None
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    def json(self) -> Any:
        """The request body as JSON."""
        return json.loads(self.body or "null")

    def response_json(self) -> Any:
        return json.loads(self.response_body or "null")

    def header(self, name: str) -> str | None:
        """A request header, whatever the case of its name."""
        return next((v for k, v in self.headers.items() if k.lower() == name.lower()), None)


@dataclass(frozen=True)
class SeekPassRequest:
    """A request a partner made to SEEK Pass, as the user sees it."""

    id: str
    type: str
    credential_id: str
    status: str
    tenant: str
    redirect_uri: str = ""
    finalized_at: str | None = None
    uploads: list[dict[str, Any]] = field(default_factory=list)
    result: dict[str, Any] | None = None
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)


@dataclass(frozen=True)
class WebhookDelivery:
    id: str
    provider: str
    url: str
    event: str
    status: str
    tenant: str = ""
    body: str = ""
    attempts: list[dict[str, Any]] = field(default_factory=list)
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    def json(self) -> Any:
        return json.loads(self.body or "null")
