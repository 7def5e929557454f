"""Page parameters and the v1 paging block shared by every Accredible list and search."""

from __future__ import annotations

from typing import Any

from mockserver.core.frameworks.rails import to_i
from mockserver.providers.accredible.presenters import page_meta


def positive_int(source: dict[str, Any], name: str, default: int) -> int:
    """A page number or size as Rails reads it: `to_i` on whatever was sent (query text or a
    JSON value), so `"5"` is 5 and an SDK's unfilled `"{page_size}"` is 0; anything below 1
    means the default (FIDELITY.md, "Parameters")."""
    raw = source.get(name)
    if raw is None or raw == "":
        return default
    number = to_i(raw)
    return number if number >= 1 else default


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
