"""One way to say "this request" for fault rules and journal queries alike: headers that must
be present with a value, and a JSON body that must contain a given subset."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any


def check_header_matcher(wanted: Any) -> dict[str, str]:
    """`{"Name": "value"}`; ValueError saying what is allowed otherwise."""
    if not isinstance(wanted, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in wanted.items()
    ):
        raise ValueError('match_headers must be an object of header names to values: {"X-Id": "7"}')
    return {key.lower(): value for key, value in wanted.items()}


def check_body_matcher(wanted: Any) -> dict[str, Any]:
    if not isinstance(wanted, dict):
        raise ValueError(
            'match_body must be a JSON object the body must contain: {"group_id": 9001}'
        )
    return wanted


def headers_match(actual: Mapping[str, str], wanted: Mapping[str, str] | None) -> bool:
    """Every wanted header present, its value equal (names case-insensitive)."""
    if not wanted:
        return True
    present = {str(key).lower(): str(value) for key, value in actual.items()}
    return all(present.get(name.lower()) == value for name, value in wanted.items())


def contains(actual: Any, wanted: Any) -> bool:
    """Whether `actual` holds `wanted`: objects by subset (recursively), lists item by item
    (each wanted item somewhere in the list), anything else by equality."""
    if isinstance(wanted, dict):
        return isinstance(actual, dict) and all(
            key in actual and contains(actual[key], value) for key, value in wanted.items()
        )
    if isinstance(wanted, list):
        return isinstance(actual, list) and all(
            any(contains(item, want) for item in actual) for want in wanted
        )
    return actual == wanted


def body_matches(raw: bytes | str | None, wanted: Mapping[str, Any] | None) -> bool:
    """Whether a request body (JSON text) contains the wanted subset; not JSON: no match."""
    if not wanted:
        return True
    if not raw:
        return False
    try:
        document = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        return False
    return contains(document, wanted)
