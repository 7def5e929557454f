"""Per-tenant integer id sequences kept in the store.

Several providers number their records (Accredible credentials, Springest certificates). The
next number is a store record advanced inside the transaction that creates the record, so ids
stay unique under concurrency and continue after a restart on the same data directory.
"""

from __future__ import annotations

from mockserver.core.store import Transaction

KIND = "sequence"


def next_ids(tx: Transaction, tenant: str, name: str, count: int = 1, first: int = 1) -> list[int]:
    """Reserve `count` consecutive ids of sequence `name`, starting at `first` when new."""
    if count <= 0:
        return []
    sequence = tx.locked(tenant, KIND, name, {"next": first})
    start = int(sequence["next"])
    tx.put(tenant, KIND, name, {"next": start + count})
    return list(range(start, start + count))


def bump(tx: Transaction, tenant: str, name: str, used: int, first: int = 1) -> None:
    """Keep a sequence past an id taken elsewhere (a fixture's own id)."""
    sequence = tx.locked(tenant, KIND, name, {"next": first})
    if used >= int(sequence["next"]):
        tx.put(tenant, KIND, name, {"next": used + 1})
