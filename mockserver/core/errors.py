"""Provider-neutral error values.

Shared code (body parsing, the pipeline, routing) raises these; each provider's `errors.py`
turns them into that provider's own envelope, so no provider's error shape leaks into `core/`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class ApiError(Exception):
    """A failed request: HTTP status, a short machine code and a human sentence."""

    status: int
    code: str
    message: str
    headers: dict[str, str] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class ValidationFailed(Exception):
    """Input broke one or more rules; `errors` maps a field path to its broken rules."""

    errors: dict[str, list[str]]
    status: int = 422

    def summary(self) -> str:
        first_path, messages = next(iter(self.errors.items()))
        text = f"{first_path}: {messages[0]}" if first_path else messages[0]
        more = sum(len(found) for found in self.errors.values()) - 1
        return f"{text} (and {more} more error{'s' if more != 1 else ''})" if more else text


def flatten_marshmallow(messages: Any, prefix: str = "") -> dict[str, list[str]]:
    """Turn marshmallow's nested error dict into {"items[0].fields.name": [...]} paths."""
    flat: dict[str, list[str]] = {}
    if isinstance(messages, dict):
        for key, value in messages.items():
            if key == "_schema":
                path = prefix
            elif isinstance(key, int):
                path = f"{prefix}[{key}]"
            elif str(key).startswith(("[", ".")) or not prefix:
                path = f"{prefix}{key}"
            else:
                path = f"{prefix}.{key}"
            for sub_path, found in flatten_marshmallow(value, path).items():
                flat.setdefault(sub_path, []).extend(found)
    elif isinstance(messages, list) and all(isinstance(item, str) for item in messages):
        flat[prefix] = list(messages)
    elif isinstance(messages, list):
        for item in messages:
            for sub_path, found in flatten_marshmallow(item, prefix).items():
                flat.setdefault(sub_path, []).extend(found)
    else:
        flat[prefix] = [str(messages)]
    return flat
