"""Credential filters: the v1 list/search parameters and the v2 query language.

v2 takes `{"query": {"field[op]": value}, "sort": {field: order}, "page": {...}}` with op one
of eq (the default), in, lt, gt, lte, gte. Offset paging stops at 10,000 results, as
Accredible's (Elasticsearch) index does; `page.cursor` continues past it: the mock's cursor is
the last result's sort value and id, base64-encoded, as a search-after cursor is.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from mockserver.core.text import ascii_digits
from mockserver.providers.accredible.errors import SearchQueryInvalid
from mockserver.providers.accredible.paging import subset
from mockserver.providers.accredible.schemas import date_param

MAX_WINDOW = 10_000
_KEY = re.compile(r"^([a-z_.]+)(?:\[(eq|in|lt|gt|lte|gte)\])?$")


def _recipient(field: str) -> Callable[[dict], Any]:
    return lambda doc: (doc.get("recipient") or {}).get(field)


V2_FIELDS: dict[str, Callable[[dict], Any]] = {
    "id": lambda doc: doc["id"],
    "uuid": lambda doc: doc.get("uuid"),
    "group.id": lambda doc: doc.get("group_id"),
    "recipient_name": _recipient("name"),
    "recipient_email": _recipient("email"),
    "recipient_id": _recipient("id"),
    "recipient_meta_data": _recipient("meta_data"),
    "approve": lambda doc: doc.get("approve"),
    "license_id": lambda doc: doc.get("license_id"),
    "meta_data": lambda doc: doc.get("meta_data"),
    "custom_attributes": lambda doc: doc.get("custom_attributes"),
    "issued_on": lambda doc: doc.get("issued_on"),
    "expired_on": lambda doc: doc.get("expired_on"),
    "updated_at": lambda doc: doc.get("updated_at"),
    "created_at": lambda doc: doc.get("created_at"),
}
OBJECT_FIELDS = {"recipient_meta_data", "meta_data", "custom_attributes"}
SORTABLE = {
    "id",
    "issued_on",
    "expired_on",
    "updated_at",
    "created_at",
    "recipient_name",
    "recipient_email",
    "group.id",
}


def v1_filter(docs: list[dict[str, Any]], source: dict[str, Any]) -> list[dict[str, Any]]:
    """The filters of GET /v1/all_credentials and POST /v1/credentials/search."""
    start, end = date_param(source, "start_date"), date_param(source, "end_date")
    start_u = date_param(source, "start_updated_date")
    end_u = date_param(source, "end_updated_date")
    exact = {
        "group_id": lambda d: str(d.get("group_id")),
        "email": lambda d: str(_recipient("email")(d) or "").lower(),
        "recipient.email": lambda d: str(_recipient("email")(d) or "").lower(),
        "recipient.name": lambda d: str(_recipient("name")(d) or ""),
        "recipient_id": lambda d: str(_recipient("id")(d)),
        "recipient.id": lambda d: str(_recipient("id")(d)),
        "license_id": lambda d: str(d.get("license_id")),
    }
    wanted = {
        key: str(source[key]).lower() if "email" in key else str(source[key])
        for key in exact
        if source.get(key) not in (None, "")
    }
    found = []
    for doc in docs:
        if any(exact[key](doc) != value for key, value in wanted.items()):
            continue
        if not subset(source.get("meta_data"), doc.get("meta_data")):
            continue
        if not subset(source.get("recipient.meta_data"), _recipient("meta_data")(doc)):
            continue
        issued = doc.get("issued_on") or ""
        if (start and issued < start) or (end and issued > end):
            continue
        updated = (doc.get("updated_at") or "")[:10]
        if (start_u and updated < start_u) or (end_u and updated > end_u):
            continue
        found.append(doc)
    return found


def _test(field: str, op: str, wanted: Any) -> Callable[[Any], bool]:
    """One condition as a test of a credential's value, made once per search: an `in` list
    becomes a set, so a list of 100,000 values costs a lookup per credential, not 100,000
    comparisons (it took 12 s over 2,000 credentials with 20,000 values)."""
    if op == "in" and field not in OBJECT_FIELDS:
        return _one_of(wanted)
    return lambda value: _matches(value, op, wanted, field)


def _one_of(wanted: list[Any]) -> Callable[[Any], bool]:
    """A value equal (as `_equal` compares) to one of `wanted`: a missing value to a null, any
    other to an item with the same text, case aside (true and "TRUE"; "None" and null)."""
    texts = {str(item).lower() for item in wanted}
    has_null = any(item is None for item in wanted)
    return lambda value: has_null if value is None else str(value).lower() in texts


def _matches(value: Any, op: str, wanted: Any, field: str) -> bool:
    if field in OBJECT_FIELDS:
        return subset(wanted, value)
    if op == "eq":
        return _equal(value, wanted)
    if value is None:
        return False
    left, right = str(value), str(wanted)
    if field in ("updated_at", "created_at") and len(right) == 10:
        left = left[:10]
    return {
        "lt": left < right,
        "gt": left > right,
        "lte": left <= right,
        "gte": left >= right,
    }[op]


def _equal(value: Any, wanted: Any) -> bool:
    if isinstance(value, bool) or isinstance(wanted, bool):
        return value is wanted or str(value).lower() == str(wanted).lower()
    return str(value).lower() == str(wanted).lower() if value is not None else wanted is None


def _conditions(query: Any) -> list[tuple[str, str, Any]]:
    if not isinstance(query, dict):
        raise SearchQueryInvalid("query must be an object of field conditions")
    conditions = []
    for key, wanted in query.items():
        match = _KEY.match(key)
        if not match or match.group(1) not in V2_FIELDS:
            raise SearchQueryInvalid(f"Field {key} is not supported")
        field, op = match.group(1), match.group(2) or "eq"
        if op == "in" and not isinstance(wanted, list):
            raise SearchQueryInvalid(f"Operation in on {field} needs an array of values")
        if op != "in" and isinstance(wanted, list):
            raise SearchQueryInvalid(f"Operation {op} on {field} needs a single value")
        if field in OBJECT_FIELDS and not isinstance(wanted, dict):
            raise SearchQueryInvalid(f"Field {field} needs an object of key/value pairs")
        conditions.append((field, op, wanted))
    return conditions


def _sort(sort: Any) -> tuple[str, bool]:
    if sort is None:
        return "id", False
    if not isinstance(sort, dict) or len(sort) != 1:
        raise SearchQueryInvalid("sort must name one field and its order")
    field, order = next(iter(sort.items()))
    if field not in SORTABLE:
        raise SearchQueryInvalid(f"Sort field {field} is not supported")
    if order not in ("asc", "desc"):
        raise SearchQueryInvalid(f"Sort order {order} is not supported")
    return field, order == "desc"


def _page(page: Any) -> tuple[int, int, Any]:
    if page is None:
        page = {}
    if not isinstance(page, dict):
        raise SearchQueryInvalid("page must be an object")
    start, size = page.get("from", 0), page.get("size", 50)
    for name, value in (("from", start), ("size", size)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise SearchQueryInvalid(f"page.{name} must be a non-negative integer")
    if size == 0 or size > 1000:
        raise SearchQueryInvalid("page.size must be between 1 and 1000")
    if page.get("cursor") is None and start + size > MAX_WINDOW:
        raise SearchQueryInvalid(
            f"Result window is too large, from + size must be less than or equal to "
            f"{MAX_WINDOW}; use page.cursor to go further"
        )
    return start, size, _decode_cursor(page.get("cursor"))


def _decode_cursor(cursor: Any) -> list[Any] | None:
    if cursor is None:
        return None
    try:
        decoded = json.loads(base64.b64decode(str(cursor), validate=True).decode("utf-8"))
    except (binascii.Error, UnicodeDecodeError, json.JSONDecodeError, ValueError) as exc:
        raise SearchQueryInvalid("page.cursor is not a cursor this search returned") from exc
    if not isinstance(decoded, list) or len(decoded) != 2:
        raise SearchQueryInvalid("page.cursor is not a cursor this search returned")
    return decoded


def _encode_cursor(values: list[Any]) -> str:
    return base64.b64encode(json.dumps(values).encode()).decode()


@dataclass(frozen=True)
class V2Search:
    """A v2 search body, checked: its conditions, sort and page."""

    conditions: list[tuple[str, str, Any]]
    sort_field: str
    descending: bool
    start: int
    size: int
    after: list[Any] | None  # the decoded page.cursor: [sort value, id]


def parse_v2(body: dict[str, Any]) -> V2Search:
    """The search `body` asks for, or the provider's error for the first thing wrong in it."""
    if "query" not in body:
        raise SearchQueryInvalid("query is required")
    conditions = _conditions(body["query"])
    field, descending = _sort(body.get("sort"))
    start, size, after = _page(body.get("page"))
    return V2Search(conditions, field, descending, start, size, after)


def sort_key(field: str, doc: dict[str, Any]) -> tuple[str, int]:
    """Where a credential sorts by `field`: its value as text ("" for none; ids zero-filled,
    so that they sort as numbers), then its id."""
    value = V2_FIELDS[field](doc)
    return (
        "" if value is None else str(value).zfill(20) if field == "id" else str(value),
        doc["id"],
    )


def cursor_mark(after: list[Any]) -> tuple[str, int]:
    """The sort key a decoded cursor stands for (an id that is not a number counts as 0)."""
    return str(after[0]), int(after[1]) if ascii_digits(str(after[1])) else 0


def v2_meta(search: V2Search, window: list[dict], more: bool, count: int) -> dict[str, Any]:
    """A result page's meta: the count of all matches, and a cursor when more follow."""
    cursor = None
    if window and more:
        cursor = _encode_cursor(list(sort_key(search.sort_field, window[-1])))
    start = 0 if search.after is not None else search.start
    return {"count": count, "from": start, "size": search.size, "cursor": cursor}


def v2_search(docs: list[dict[str, Any]], body: dict[str, Any]) -> tuple[list[dict], dict]:
    """A v2 search over `docs` in Python (the store's index answers most searches without
    this: listing.v2_page)."""
    search = parse_v2(body)
    tests = [(V2_FIELDS[f], _test(f, op, wanted)) for f, op, wanted in search.conditions]
    matched = [doc for doc in docs if all(test(value(doc)) for value, test in tests)]

    def key(doc: dict[str, Any]) -> tuple[str, int]:
        return sort_key(search.sort_field, doc)

    matched.sort(key=key, reverse=search.descending)
    if search.after is not None:
        mark = cursor_mark(search.after)
        rest = [d for d in matched if (key(d) < mark if search.descending else key(d) > mark)]
    else:
        rest = matched[search.start :]
    window = rest[: search.size]
    return window, v2_meta(search, window, len(rest) > search.size, len(matched))
