"""Data exports: created `scheduled`, `processing` half-way, `completed` with a CSV link once
the account's `export_seconds` have passed on the server clock (seen so whenever they are
read: `Exports.settle`)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from mockserver.core.clock import Clock, utc_iso
from mockserver.core.storage import ObjectStorage
from mockserver.core.store import Store
from mockserver.providers.accredible.accounts import Accounts, Caller
from mockserver.providers.accredible.documents import export_csv
from mockserver.providers.accredible.records import next_ids

DEFAULT_EXPORT_SECONDS = 10.0


class Exports:
    def __init__(
        self, store: Store, clock: Clock, storage: ObjectStorage, accounts: Accounts
    ) -> None:
        self.store = store
        self.clock = clock
        self.storage = storage
        self.accounts = accounts

    def create(self, caller: Caller, entity: str, department_id: int) -> dict[str, Any]:
        now = self.clock.now()
        seconds = float(caller.account.fixtures.get("export_seconds", DEFAULT_EXPORT_SECONDS))
        with self.store.transaction() as tx:
            export_id = next_ids(tx, caller.tenant, "data_export")[0]
            doc = {
                "id": export_id,
                "department_id": department_id,
                "entity": entity,
                "status": "scheduled",
                "created_at": utc_iso(now),
                "ready_at": (now + timedelta(seconds=seconds)).timestamp(),
                "started_at": (now + timedelta(seconds=seconds / 2)).timestamp(),
                "keys": [],
            }
            tx.insert(caller.tenant, "data_export", str(export_id), doc)
        return doc

    def settle(self, tenant: str) -> None:
        """Bring the tenant's exports up to the clock, before any read of them: `processing`
        from half-way, `completed` (its CSV written) from `ready_at`.

        Done when they are read rather than by the scheduler: a pass over every tenant ten
        times a second cost an idle server on PostgreSQL a third of a core at 1,000 tenants,
        whether or not anyone had asked for an export. Read this way, an export made through
        one server is as far along on every other server sharing the store, and after a
        restart."""
        now = self.clock.timestamp()
        for doc in self.store.list(tenant, "data_export"):
            if doc["status"] == "completed":
                continue
            if now >= doc["ready_at"]:
                self.complete(tenant, doc)
            elif now >= doc["started_at"] and doc["status"] == "scheduled":
                self._set(tenant, {**doc, "status": "processing"})

    def pending(self, tenant: str) -> int:
        """How many of the tenant's exports the clock has not made ready yet."""
        now = self.clock.timestamp()
        return sum(
            1
            for doc in self.store.list(tenant, "data_export")
            if doc["status"] != "completed" and now < doc["ready_at"]
        )

    def complete(self, tenant: str, doc: dict[str, Any]) -> None:
        rows = self._rows(tenant, doc["entity"], doc["department_id"])
        key = f"{tenant}/accredible/exports/{doc['id']}-{doc['entity']}.csv"
        self.storage.put(key, export_csv(doc["entity"], rows), "text/csv")
        year = self.clock.now().year
        self._set(tenant, {**doc, "status": "completed", "keys": [{"year": year, "key": key}]})

    def _set(self, tenant: str, doc: dict[str, Any]) -> None:
        with self.store.transaction() as tx:
            tx.put(tenant, "data_export", str(doc["id"]), doc)

    def _rows(self, tenant: str, entity: str, department_id: int) -> list[dict[str, Any]]:
        if entity == "organizations":
            issuer = self.accounts.by_tenant[tenant].issuer
            return [{"id": issuer.get("id"), "name": issuer.get("name"), "url": issuer.get("url")}]
        kind = {
            "credentials": "credential",
            "credential_analytics": "credential",
            "groups": "group",
            "designs": "design",
        }[entity]
        docs = [d for d in self.store.list(tenant, kind) if d.get("department_id") == department_id]
        if entity == "credential_analytics":
            return [
                {"credential_id": d["id"], **event}
                for d in docs
                for event in d.get("analytics", [])
            ]
        if entity == "credentials":
            return [
                {
                    **d,
                    "recipient_name": d["recipient"].get("name"),
                    "recipient_email": d["recipient"].get("email"),
                }
                for d in docs
            ]
        return docs
