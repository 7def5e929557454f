"""What VEC's vault, batch and certificate lists filter and sort on, kept in the store's index
(Store.index_kind), so a page of a 100,000-certificate tenant reads a page.

The orders are the ones the lists had when they sorted every record in Python: batches newest
first; certificates by `sort_field` (created_at unless asked), empty values last ascending and
first descending, ties in creation order either way (core/order_keys.py).
"""

from __future__ import annotations

from typing import Any

from mockserver.core.order_keys import sort_key
from mockserver.core.store import Store
from mockserver.providers.vec.schemas import SORT_FIELDS

DAY_FILTERS = {"issue_date": "issue_day", "generated_at": "generated_day"}
# The index's fields per kind (Store.index_kind).
VAULT = ("status", "batch_id", "applicant_email", "newest")
BATCH = ("status", "newest")


def vault_fields(record: dict[str, Any]) -> dict[str, str | None]:
    """A vault certificate's index rows: its list filters as VaultService.list compares them,
    and its place in the newest-first order (creation time, then id; fixed width, so text
    order)."""
    return {
        "status": str(record["status"]),
        "applicant_email": str(record["applicant_email"]).lower(),
        "batch_id": _text(record.get("batch_id")),
        "newest": f"{record['created_at']}|{int(record['id']):012d}",
    }


def batch_fields(batch: dict[str, Any]) -> dict[str, str | None]:
    """A batch's status, and its place newest first (ties: the older first, as before)."""
    return {
        "status": str(batch["status"]),
        "newest": sort_key(batch["created_at"], _tie(batch), descending=True),
    }


def certificate_fields(certificate: dict[str, Any]) -> dict[str, str | None]:
    """A certificate's equality filters, the days its date filters compare, and one key per
    sort field and direction."""
    fields: dict[str, str | None] = {
        "batch_id": str(certificate["batch_id"]),
        "status": str(certificate["status"]),
        "customer_id": _text(certificate.get("customer_id")),
    }
    for name, day_field in DAY_FILTERS.items():
        value = certificate.get(name)
        fields[day_field] = value[:10] if value else None
    tie = _tie(certificate)
    for name in SORT_FIELDS:
        value = certificate.get(name)
        fields[order_field(name, "asc")] = sort_key(value, tie, descending=False)
        fields[order_field(name, "desc")] = sort_key(value, tie, descending=True)
    return fields


def page_of(params: dict[str, Any]) -> tuple[int, int]:
    """(page number, page size) as Laravel's paginator reads them."""
    return params.get("page") or 1, params.get("per_page") or 15


def newest_page(
    store: Store, tenant: str, kind: str, equal: dict[str, str], params: dict[str, Any]
) -> tuple[list[dict], int]:
    """The requested page of a kind kept newest first in its `newest` index field (the
    vault and the batches), and how many match `equal`."""
    number, size = page_of(params)
    total, docs = store.query(
        tenant, kind, equal, offset=(number - 1) * size, limit=size, order=("newest", True)
    )
    return docs, total


def order_field(name: str, direction: str) -> str:
    """The index field that orders certificates by `name` in `direction` ("asc" or "desc").
    Short: fourteen of these are kept per certificate, each twice."""
    return f"{name}:{direction[0]}"


def _tie(doc: dict[str, Any]) -> str:
    """Creation order, fixed width and short (it is in fourteen index values per
    certificate): when the batch was made (real time: the server clock may stand still), the
    batch, the certificate's CSV row. Records made before `made_ns` was kept add their id."""
    made = int(doc.get("made_ns", 0))
    batch = str(doc.get("batch_id") or doc.get("id") or "")[:8]
    tie = f"{made:020d}{batch:8.8}{int(doc.get('row', 0)):06d}"
    return tie if made else tie + str(doc.get("uuid") or doc.get("id"))


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


CERTIFICATE = (
    "batch_id",
    "status",
    "customer_id",
    *DAY_FILTERS.values(),
    *(order_field(name, direction) for name in SORT_FIELDS for direction in ("asc", "desc")),
)
