"""Credential lists and searches answered from the store's index (core/store.py `query`), so
their cost follows the page, not the account's size.

The index keeps each credential's fields as the filters compare them (search.py): v1's exact
filters as text (emails lower-cased), the issue date for the date range, the department for
department-scoped keys, and v2's `eq` fields lower-cased (its equality ignores case). A list
whose filters the index holds is counted and paged in SQL. Any other list or search narrows
its candidates by the index where it can, then runs the filters it always ran (search.py) on
those: the answers are the same either way, which tests/accredible/test_indexed_lists.py
checks against the unindexed path.
"""

from __future__ import annotations

from typing import Any

from mockserver.core.order_keys import key_range, key_then_tie
from mockserver.core.text import ascii_digits
from mockserver.providers.accredible import search
from mockserver.providers.accredible.accounts import Caller
from mockserver.providers.accredible.credentials import CredentialService
from mockserver.providers.accredible.paging import positive_int
from mockserver.providers.accredible.presenters import page_meta
from mockserver.providers.accredible.schemas import date_param

KIND = "credential"
# v1 filters the index answers exactly, and the index field each one reads.
V1_EXACT = {
    "group_id": "group_id",
    "email": "email",
    "recipient.email": "email",
    "recipient.name": "recipient_name",
    "recipient_id": "recipient_id",
    "recipient.id": "recipient_id",
    "license_id": "license_id",
}
V1_PYTHON_ONLY = ("meta_data", "recipient.meta_data", "start_updated_date", "end_updated_date")
# v2 `eq` conditions the index narrows by (case-insensitive text, as search._equal compares),
# and the index field each reads: two share v1's rows, whose text is lower-cased already.
V2_EXACT = {
    "group.id": "group_id",
    "recipient_email": "email",
    "uuid": "v2:uuid",
    "recipient_id": "v2:recipient_id",
    "recipient_name": "v2:recipient_name",
    "license_id": "v2:license_id",
}
NONE = "None"  # str(None): what v1's filters compare a missing value as
# Fields many credentials share, whose totals the store keeps counted (Store.index_kind).
COUNTED = ("group_id", "department_id")


def credential_fields(doc: dict[str, Any]) -> dict[str, str | None]:
    """A credential's index rows (Store.index_kind), each as search.py compares it; missing
    values get no row (a filter asking for one is answered by the filters in Python)."""
    recipient = doc.get("recipient") or {}
    fields: dict[str, str | None] = {
        "group_id": str(doc.get("group_id")),
        "email": str(recipient.get("email") or "").lower(),
        "recipient_name": str(recipient.get("name") or ""),
        "recipient_id": str(recipient.get("id")),
        "license_id": str(doc.get("license_id")),
        "department_id": str(doc.get("department_id")),
    }
    fields = {name: value for name, value in fields.items() if value != NONE}
    for name, index_field in V2_EXACT.items():
        if index_field.startswith("v2:"):
            value = search.V2_FIELDS[name](doc)
            fields[index_field] = None if value is None else str(value).lower()
    for name, index_field in SORTED_BY.items():
        fields[index_field] = sorted_by(name, doc)
    return fields


# Every field a v2 search sorts by, kept as the order search.sort_key gives (its text, then
# the id): a search sorts and pages in SQL, and a date range is a range of these keys.
SORTED_BY = {name: f"by:{name}" for name in sorted(search.SORTABLE)}
DATES = ("issued_on", "expired_on", "updated_at", "created_at")
_ID_WIDTH = 20  # search.sort_key's ids: zero-filled to this width
# The index's fields (Store.index_kind).
FIELDS = (
    "group_id",
    "department_id",
    "email",
    "recipient_name",
    "recipient_id",
    "license_id",
    *(field for field in V2_EXACT.values() if field.startswith("v2:")),
    *SORTED_BY.values(),
)


def _number(value: int) -> str:
    """A whole number as text that sorts as the number does, kept short (it is in eight
    index values of every credential): its length as one character, then its digits."""
    digits = str(value)
    return chr(0x40 + len(digits)) + digits


def _key(text: str, credential_id: int) -> str:
    return key_then_tie(text, _number(credential_id))


def sorted_by(name: str, doc: dict[str, Any]) -> str:
    """A credential's index value for sorting by `name` (ids sort by themselves alone)."""
    text, credential_id = search.sort_key(name, doc)
    return _number(credential_id) if name == "id" else _key(text, credential_id)


def _mark(wanted: search.V2Search) -> str | None:
    """The index value a search's cursor continues after; None where the index cannot say
    (an id cursor that is not a zero-filled id: no cursor this mock gave out)."""
    assert wanted.after is not None
    text, credential_id = search.cursor_mark(wanted.after)
    if wanted.sort_field != "id":
        return _key(text, credential_id)
    if len(text) != _ID_WIDTH or not ascii_digits(text):
        return None
    return _number(int(text))


def _days(start: str | None, end: str | None) -> tuple[str | None, str | None]:
    """v1's issue-date filter as a range of sort keys: from `start`, through `end` (v1 takes
    a credential without an issue date as issued on "", which only an end date lets in)."""
    return start, None if end is None else key_range("lte", end)[1]  # type: ignore[index]


def _scope(caller: Caller) -> dict[str, str]:
    """A department-scoped key sees its department's credentials only (Caller.sees)."""
    return {} if caller.department_id is None else {"department_id": str(caller.department_id)}


def v1_page(
    credentials: CredentialService, caller: Caller, source: dict[str, Any], default_size: int = 50
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """One page of GET /v1/all_credentials or POST /v1/credentials/search, and its meta."""
    start, end = date_param(source, "start_date"), date_param(source, "end_date")
    page = positive_int(source, "page", 1)
    size = positive_int(source, "page_size", default_size)
    given = [
        (V1_EXACT[key], str(source[key]).lower() if "email" in key else str(source[key]))
        for key in V1_EXACT
        if source.get(key) not in (None, "")
    ]
    wanted = dict(given)
    python_only = any(source.get(key) not in (None, "") for key in V1_PYTHON_ONLY) or any(
        value == NONE for _, value in given
    )
    # `email` and `recipient.email` both given, and different: nothing can match, and the
    # filters in Python say so.
    clashing = len(set(given)) != len(wanted)
    if python_only or clashing:
        found = search.v1_filter(credentials.all_for(caller), source)
        offset = (page - 1) * size
        return found[offset : offset + size], page_meta(page, size, len(found))
    total, docs = credentials.store.query(
        caller.tenant,
        KIND,
        {**wanted, **_scope(caller)},
        {SORTED_BY["issued_on"]: _days(start, end)} if start or end else None,
        offset=(page - 1) * size,
        limit=size,
    )
    return docs, page_meta(page, size, total)


class _Unindexed(Exception):
    """A v2 condition the index cannot answer exactly (search._matches runs it)."""


def _scalar_texts(field: str, values: list[Any]) -> list[str]:
    """`values` as the index keeps `field`, for equality as search._equal compares (case
    aside); values it compares another way (none, "", booleans, objects) are not indexed. A
    list of any length goes to the index (a long one as one parameter: core/one_of.py)."""
    texts = []
    for value in values:
        if value is None or value == "" or isinstance(value, bool | dict | list):
            raise _Unindexed(field)
        text = str(value).lower()
        if field == "id":  # ids are whole numbers, kept zero-filled
            if not ascii_digits(text) or text != str(int(text)) or len(text) > _ID_WIDTH:
                continue  # no id is written that way
            text = _number(int(text))
        texts.append(text)
    return texts


def _translate(search_: search.V2Search) -> tuple[dict[str, set[str]], dict[str, list], bool]:
    """The index's share of a search: allowed values per index field, key ranges per sort
    field, and whether conditions remain that only Python can check."""
    allowed: dict[str, set[str]] = {}
    ranges: dict[str, list[tuple[str | None, str | None]]] = {}
    leftover = False
    for field, op, wanted in search_.conditions:
        try:
            if op in ("eq", "in") and (field in V2_EXACT or field == "id"):
                index_field = SORTED_BY["id"] if field == "id" else V2_EXACT[field]
                texts = set(_scalar_texts(field, wanted if op == "in" else [wanted]))
                allowed[index_field] = allowed.get(index_field, texts) & texts
                continue
            if field in DATES and op not in ("eq", "in"):
                bound = str(wanted)
                leading = field in ("updated_at", "created_at") and len(bound) == 10
                found = key_range(op, bound, leading)
                if found is None:
                    raise _Unindexed(field)
                ranges.setdefault(SORTED_BY[field], []).append(found)
                continue
        except _Unindexed:
            pass
        leftover = True
    return allowed, ranges, leftover


def _narrowest(bounds: list[tuple[str | None, str | None]]) -> tuple[str | None, str | None]:
    lows = [low for low, _ in bounds if low is not None]
    highs = [high for _, high in bounds if high is not None]
    return (max(lows) if lows else None, min(highs) if highs else None)


def v2_page(
    credentials: CredentialService, caller: Caller, body: dict[str, Any]
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """One page of POST /v2/credentials/search and its meta. Conditions the index holds
    (equality and `in` on the indexed fields and ids, ranges of the dates) are counted, sorted
    and paged in SQL, the cursor walked from its mark; any other condition is checked in Python
    on the credentials the indexed ones leave (search.v2_search), with the same answers."""
    wanted = search.parse_v2(body)
    allowed, ranges, leftover = _translate(wanted)
    any_of = {field: sorted(values) for field, values in allowed.items()}
    any_of |= {field: [value] for field, value in _scope(caller).items()}
    between = {field: _narrowest(bounds) for field, bounds in ranges.items()}
    store = credentials.store
    after = None if wanted.after is None else _mark(wanted)
    if leftover or (wanted.after is not None and after is None):
        if not allowed and not ranges:
            return search.v2_search(credentials.all_for(caller), body)
        _, docs = store.query(caller.tenant, KIND, any_of=any_of, between=between)
        return search.v2_search(docs, body)
    total, docs = store.query(
        caller.tenant,
        KIND,
        any_of=any_of,
        between=between,
        offset=0 if after is not None else wanted.start,
        limit=wanted.size + 1,
        order=(SORTED_BY[wanted.sort_field], wanted.descending),
        after=after,
    )
    window = docs[: wanted.size]
    return window, search.v2_meta(wanted, window, len(docs) > wanted.size, total)
