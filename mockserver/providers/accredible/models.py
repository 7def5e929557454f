"""Accredible's state and behaviour, gathered for the routes and the control plane."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from mockserver.core.clock import Clock
from mockserver.core.ratelimit import Quota, RateLimiter, quota_from
from mockserver.core.seeding import seed_accounts
from mockserver.core.storage import ObjectStorage
from mockserver.core.store import Store, Transaction
from mockserver.providers.accredible import listing
from mockserver.providers.accredible.accounts import Account, Accounts
from mockserver.providers.accredible.catalog import Catalog
from mockserver.providers.accredible.credentials import CredentialService
from mockserver.providers.accredible.credits import Credits
from mockserver.providers.accredible.exports import Exports

DEFAULT_LIMIT = Quota(limit=2000, window_seconds=300, period_seconds=30)
DEFAULT_SEARCH_V1_LIMIT = Quota(limit=100, window_seconds=60, period_seconds=60)


class AccredibleModel:
    def __init__(
        self,
        store: Store,
        clock: Clock,
        storage: ObjectStorage,
        make_limiter: Callable[[str, Quota], RateLimiter],
    ) -> None:
        self.store = store
        self.clock = clock
        self.storage = storage
        self.accounts = Accounts()
        self.credits = Credits(store)
        self.catalog = Catalog(store, clock)
        self.credentials = CredentialService(store, clock, self.credits)
        # Lists and searches read the index, not every credential (listing.py).
        store.index_kind(
            listing.KIND, listing.credential_fields, listing.COUNTED, fields=listing.FIELDS
        )
        self.exports = Exports(store, clock, storage, self.accounts)
        self.limiter = make_limiter("accredible.all", DEFAULT_LIMIT)
        self.search_v1_limiter = make_limiter("accredible.search_v1", DEFAULT_SEARCH_V1_LIMIT)
        self.fixtures: dict[str, Any] = {}

    def load_fixtures(self, data: dict[str, Any], tenant_id: Any) -> None:
        self.fixtures = data
        self.accounts.load(data, tenant_id)
        self.limiter.configure(quota_from(data.get("rate_limit"), DEFAULT_LIMIT))
        self.search_v1_limiter.configure(
            quota_from(data.get("search_v1_rate_limit"), DEFAULT_SEARCH_V1_LIMIT)
        )
        self.seed()

    def seed(self) -> None:
        """Put each account's fixture records in the store once (a restart on the same data
        directory keeps what the API changed since)."""
        seed_accounts(self.store, self.accounts.by_tenant.values(), self._seed_one)

    def _seed_one(self, tx: Transaction, account: Account) -> None:
        if tx.get(account.tenant, "account", "seeded") is not None:
            return
        self.catalog.seed(tx, account)
        self.credits.seed(tx, account)
        tx.insert(account.tenant, "account", "seeded", {"seeded": True})

    def reload(self) -> None:
        self.seed()
