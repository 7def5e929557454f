"""Per-tenant records of every Accredible resource kind, over the shared store.

Accredible's ids are integers; each tenant has its own sequence per kind (`core/sequences`),
starting where the table below says so that ids of different kinds are easy to tell apart.
"""

from __future__ import annotations

from typing import Any

from mockserver.core import sequences
from mockserver.core.store import Transaction
from mockserver.core.text import ascii_digits

# Where each kind's ids start, so that ids of different kinds are easy to tell apart.
FIRST_ID = {
    "credential": 10000001,
    "group": 12001,
    "design": 7001,
    "department": 3001,
    "attribute_key": 4001,
    "data_export": 1,
    "team_member": 20001,
    "evidence_item": 100001,
    "reference": 200001,
}


def next_ids(tx: Transaction, tenant: str, kind: str, count: int = 1) -> list[int]:
    """Reserve `count` consecutive ids of a kind for a tenant."""
    return sequences.next_ids(tx, tenant, kind, count, FIRST_ID.get(kind, 1))


def bump_sequence(tx: Transaction, tenant: str, kind: str, used: int) -> None:
    """Keep the sequence past an id taken from the fixtures."""
    sequences.bump(tx, tenant, kind, used, FIRST_ID.get(kind, 1))


def int_id(raw: Any) -> int | None:
    """A path or body id as an integer, or None when it is not one."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        return raw
    if isinstance(raw, str) and ascii_digits(raw.strip()) and len(raw.strip()) < 19:
        return int(raw.strip())
    return None
