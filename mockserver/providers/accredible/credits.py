"""An account's credit balance: publishing a credential spends one.

The balance is a store record, so spending it happens in the same transaction as creating the
credential: two concurrent requests can never both spend the last credit.
"""

from __future__ import annotations

from mockserver.core import scenarios
from mockserver.core.store import Store, Transaction
from mockserver.providers.accredible.accounts import Account

KIND = "account"
RECORD = "credits"


class Credits:
    def __init__(self, store: Store) -> None:
        self.store = store

    def seed(self, tx: Transaction, account: Account) -> None:
        if tx.get(account.tenant, KIND, RECORD) is None:
            tx.put(account.tenant, KIND, RECORD, {"balance": account.initial_credits})

    def spend(self, tx: Transaction, account: Account) -> bool:
        """Take one credit if there is one; False when the balance is empty."""
        if scenarios.active("insufficient_credits"):
            return False
        record = tx.locked(account.tenant, KIND, RECORD, {"balance": account.initial_credits})
        if record["balance"] <= 0:
            return False
        tx.put(account.tenant, KIND, RECORD, {"balance": record["balance"] - 1})
        return True

    def pool(self, tx: Transaction, account: Account) -> CreditPool:
        """The balance read once for a transaction that publishes many credentials."""
        record = tx.locked(account.tenant, KIND, RECORD, {"balance": account.initial_credits})
        if scenarios.active("insufficient_credits"):  # this request runs as if none were left
            return CreditPool(tx, account.tenant, 0)
        return CreditPool(tx, account.tenant, int(record["balance"]))

    def balance(self, account: Account) -> int:
        record = self.store.get(account.tenant, KIND, RECORD)
        return account.initial_credits if record is None else int(record["balance"])

    def set(self, account: Account, balance: int) -> None:
        with self.store.transaction() as tx:
            tx.put(account.tenant, KIND, RECORD, {"balance": balance})


class CreditPool:
    """Credits taken one by one inside a transaction and written back once at its end."""

    def __init__(self, tx: Transaction, tenant: str, balance: int) -> None:
        self.tx = tx
        self.tenant = tenant
        self.balance = balance
        self.taken = 0

    def take(self) -> bool:
        if self.balance - self.taken <= 0:
            return False
        self.taken += 1
        return True

    def commit(self) -> None:
        if self.taken:
            self.tx.put(self.tenant, KIND, RECORD, {"balance": self.balance - self.taken})
