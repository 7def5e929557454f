"""Page parameters and the v1 paging block shared by every Accredible list and search."""

from __future__ import annotations

from typing import Any

from mockserver.core.errors import ApiError
from mockserver.core.text import ascii_digits
from mockserver.providers.accredible.presenters import page_meta


def positive_int(source: dict[str, Any], name: str, default: int) -> int:
    """A page number or size from a query string or JSON body; 400 when it is not one.

    Rails would quietly read "abc" as 0; the mock says so instead (FIDELITY.md)."""
    raw = source.get(name)
    if raw is None or raw == "":
        return default
    if isinstance(raw, bool):
        raise ApiError(400, "bad_request", f"{name} must be a positive integer")
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    if isinstance(raw, str) and ascii_digits(raw.strip()) and len(raw.strip()) < 10:
        raw = int(raw.strip())
    if not isinstance(raw, int) or raw < 1 or raw > 10**9:
        raise ApiError(400, "bad_request", f"{name} must be a positive integer")
    return raw


def paginate(
    items: list[Any], source: dict[str, Any], default_size: int = 50
) -> tuple[list[Any], dict[str, Any]]:
    page = positive_int(source, "page", 1)
    size = positive_int(source, "page_size", default_size)
    start = (page - 1) * size
    return items[start : start + size], page_meta(page, size, len(items))


def subset(wanted: Any, actual: Any) -> bool:
    """Whether every key/value of a meta_data filter is in the record's meta_data."""
    if not isinstance(wanted, dict):
        return True
    actual = actual if isinstance(actual, dict) else {}
    return all(str(actual.get(key)) == str(value) for key, value in wanted.items())
