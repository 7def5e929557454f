"""VEC's state and behaviour: accounts, the certificate vault and the template workflow."""

from __future__ import annotations

from typing import Any

from mockserver.core.clock import Clock
from mockserver.core.storage import ObjectStorage
from mockserver.core.store import Store
from mockserver.core.webhooks import WebhookDispatcher
from mockserver.providers.vec.accounts import Accounts
from mockserver.providers.vec.batches import BatchService
from mockserver.providers.vec.events import Events
from mockserver.providers.vec.vault import VaultService


class VecModel:
    def __init__(
        self, store: Store, clock: Clock, storage: ObjectStorage, dispatcher: WebhookDispatcher
    ) -> None:
        self.clock = clock
        self.storage = storage
        self.accounts = Accounts()
        self.events = Events(dispatcher, clock)
        self.vault = VaultService(store, clock, storage, self.accounts, self.events)
        self.batches = BatchService(store, clock, storage, self.accounts)

    def load_fixtures(self, data: dict[str, Any], tenant_id: Any) -> None:
        self.accounts.load(data, tenant_id)

    def tick(self) -> None:
        self.vault.process_due()
        self.batches.advance()

    def reload(self) -> None:
        self.vault.reload()
        self.batches.reload()
