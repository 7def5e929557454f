"""What VEC's vault, batch and certificate lists filter and sort on, kept in the store's index
(Store.index_kind), so a page of a 100,000-certificate tenant reads a page.

The orders are the ones the lists had when they sorted every record in Python: batches newest
first; certificates by `sort_field` (created_at unless asked), empty values last ascending and
first descending, ties in creation order either way (core/order_keys.py). A certificate's sort
fields are ordered fields of the index (one value each, both directions, ties on its `tie`).
"""

from __future__ import annotations

from typing import Any

from mockserver.core.order_keys import sort_key, sort_value
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
    """A certificate's equality filters, the days its date filters compare, a value per sort
    field, and its place in creation order (the tie)."""
    fields: dict[str, str | None] = {
        "batch_id": str(certificate["batch_id"]),
        "status": str(certificate["status"]),
        "customer_id": _text(certificate.get("customer_id")),
    }
    for name, day_field in DAY_FILTERS.items():
        value = certificate.get(name)
        fields[day_field] = value[:10] if value else None
    for name in SORT_FIELDS:
        fields[order_field(name)] = sort_value(certificate.get(name))
    fields[TIE] = _tie(certificate)
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


def order_field(name: str) -> str:
    """The index field that orders certificates by `name`, either way."""
    return f"by:{name}"


def _tie(doc: dict[str, Any]) -> str:
    """Creation order, fixed width and short (each of a certificate's fourteen sort indexes
    holds it): when the batch was made (real time: the server clock may stand still), the
    batch, the certificate's CSV row. Records made before `made_ns` was kept add their id."""
    made = int(doc.get("made_ns", 0))
    batch = str(doc.get("batch_id") or doc.get("id") or "")[:8]
    tie = f"{_digits(made, 11)}{batch:8.8}{_digits(int(doc.get('row', 0)), 5)}"
    return tie if made else tie + str(doc.get("uuid") or doc.get("id"))


_DIGITS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"  # in text order


def _digits(number: int, width: int) -> str:
    """`number` in base 62, `width` digits: fixed width, so text order is number order (11
    digits hold any nanosecond time, 5 any CSV row a body can carry: 62**5 is 916,132,832,
    and each row takes 8 bytes or more)."""
    digits = []
    for _ in range(width):
        number, digit = divmod(number, 62)
        digits.append(_DIGITS[digit])
    if number:
        raise ValueError(f"too large for {width} base-62 digits")
    return "".join(reversed(digits))


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


TIE = "tie"
CERTIFICATE_ORDERS = tuple(order_field(name) for name in SORT_FIELDS)
CERTIFICATE = ("batch_id", "status", "customer_id", *DAY_FILTERS.values(), *CERTIFICATE_ORDERS, TIE)
