"""Writing the fixtures' records into the store for many accounts at once.

One transaction per account made a reset of a sandbox with 10,000 tenants take seconds (a
transaction each, twice per reset). All accounts go in one transaction; only if another
server sharing the store seeded one of them at the same moment (a Conflict, which ends the
transaction) are they written one by one, skipping those already there.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TypeVar

from mockserver.core.store import Conflict, Store, Transaction

Account = TypeVar("Account")


def seed_accounts(
    store: Store, accounts: Iterable[Account], seed_one: Callable[[Transaction, Account], None]
) -> None:
    """`seed_one(tx, account)` for every account; it must skip an account already seeded."""
    accounts = list(accounts)
    try:
        with store.transaction() as tx:
            for account in accounts:
                seed_one(tx, account)
        return
    except Conflict:
        pass
    for account in accounts:
        try:
            with store.transaction() as tx:
                seed_one(tx, account)
        except Conflict:
            continue  # another server sharing the store seeded this account just now
