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
        "issued_on": str(doc.get("issued_on") or ""),
        "department_id": str(doc.get("department_id")),
    }
    fields = {name: value for name, value in fields.items() if value != NONE}
    for name, index_field in V2_EXACT.items():
        if index_field.startswith("v2:"):
            value = search.V2_FIELDS[name](doc)
            fields[index_field] = None if value is None else str(value).lower()
    return fields


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
        {"issued_on": (start, end)} if start or end else None,
        offset=(page - 1) * size,
        limit=size,
    )
    return docs, page_meta(page, size, total)


def v2_candidates(
    credentials: CredentialService, caller: Caller, body: dict[str, Any]
) -> list[dict[str, Any]]:
    """The credentials a v2 search may match: narrowed by its `eq` conditions on indexed
    fields, else all the caller sees. search.v2_search filters, sorts and pages them."""
    query = body.get("query") if isinstance(body, dict) else None
    equal: dict[str, str] = {}
    if isinstance(query, dict):
        for key, wanted in query.items():
            match = search._KEY.match(str(key))
            if not match or (match.group(2) or "eq") != "eq" or match.group(1) not in V2_EXACT:
                continue
            if wanted is None or wanted == "" or isinstance(wanted, bool | dict | list):
                continue  # compared another way (search._equal): not narrowed here
            equal[V2_EXACT[match.group(1)]] = str(wanted).lower()
    if not equal:
        return credentials.all_for(caller)
    _, docs = credentials.store.query(caller.tenant, KIND, {**equal, **_scope(caller)})
    return docs
