"""What a provider shows on the dashboard: rows of state, each with the control-plane calls a
person may make from there. Providers describe rows; the dashboard draws them and makes the
calls, so a fifth provider gets a panel without touching the dashboard."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Field:
    """An input whose value goes into the call's JSON body under `name` (a number or `true`
    is sent as JSON, anything else as text)."""

    name: str
    label: str
    value: str = ""


@dataclass(frozen=True)
class Action:
    """A button: POST `path` (a control-plane path) with `json`, plus the fields' values."""

    label: str
    path: str
    json: dict[str, Any] = field(default_factory=dict)
    fields: tuple[Field, ...] = ()


@dataclass(frozen=True)
class Row:
    label: str
    detail: str
    actions: tuple[Action, ...] = ()
    link: str | None = None  # a page about the row (SEEK Pass's stand-in page)
    link_label: str = "open"


@dataclass(frozen=True)
class Panel:
    title: str
    rows: list[Row]
