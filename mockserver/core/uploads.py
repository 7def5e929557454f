"""Upload slots: which presigned link belongs to which tenant and which provider object.

A provider asks for a link with `issue`; the record it leaves says what the link is for. When
the object arrives (through the embedded S3 route, or found by HEAD on an external S3), the
record is marked uploaded with its size and type, so providers notice uploads without the
client telling them, and the control plane can list every upload.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from mockserver.core.clock import Clock, utc_iso
from mockserver.core.storage import ObjectStorage
from mockserver.core.store import Store, Transaction

KIND = "upload"


def tenant_of_key(key: str) -> str:
    """Object keys start with the owning tenant, so an arriving object finds its record."""
    return key.split("/", 1)[0]


class Uploads:
    def __init__(self, store: Store, storage: ObjectStorage, clock: Clock) -> None:
        self.store = store
        self.storage = storage
        self.clock = clock

    def issue(
        self,
        tenant: str,
        key: str,
        content_type: str,
        public_base: str,
        expires: int,
        ref: dict[str, Any],
    ) -> tuple[str, dict[str, Any]]:
        """A presigned PUT link for `key` (which must start with `tenant/`) and its slot record.

        The caller saves the record with `save` in the same transaction as the object the
        upload belongs to, so a refused request leaves no slot behind.
        """
        if tenant_of_key(key) != tenant:
            raise ValueError("an upload key must start with its tenant")
        now = self.clock.now()
        url = self.storage.presign_put(key, content_type, public_base, now, expires)
        record = {
            "key": key,
            "tenant": tenant,
            "content_type": content_type,
            "ref": ref,
            "status": "pending",
            "issued_at": utc_iso(now),
            "expires_at": utc_iso(now + timedelta(seconds=expires)),
            "size": None,
            "etag": None,
            "uploaded_at": None,
        }
        return url, record

    @staticmethod
    def save(tx: Transaction, record: dict[str, Any], new: bool = False) -> None:
        """Keep an issued slot, inside the caller's transaction (`new`: it cannot exist yet)."""
        if new:
            tx.insert(record["tenant"], KIND, record["key"], record)
        else:
            tx.put(record["tenant"], KIND, record["key"], record)

    @staticmethod
    def close(tx: Transaction, tenant: str, key: str) -> None:
        """The object the slot was for is gone (a canceled request): a PUT to its link is
        refused from now on (`closed`), and what was uploaded already is no longer listed
        as the provider's."""
        record = tx.get(tenant, KIND, key, for_update=True)
        if record is not None and record["status"] == "pending":
            record["status"] = "closed"
            tx.put(tenant, KIND, key, record)

    def is_closed(self, key: str) -> bool:
        record = self.store.get(tenant_of_key(key), KIND, key)
        return record is not None and record["status"] == "closed"

    def received(self, key: str, size: int, content_type: str, etag: str) -> dict[str, Any]:
        """Record an object that has just been stored; creates a record if none was issued."""
        tenant = tenant_of_key(key)
        with self.store.transaction() as tx:
            record = tx.get(tenant, KIND, key, for_update=True) or {
                "key": key,
                "tenant": tenant,
                "content_type": content_type,
                "ref": {},
                "issued_at": None,
                "expires_at": None,
            }
            record.update(
                status="uploaded",
                size=size,
                etag=etag,
                content_type=content_type,
                uploaded_at=utc_iso(self.clock.now()),
            )
            tx.put(tenant, KIND, key, record)
        return record

    def get(self, tenant: str, key: str) -> dict[str, Any] | None:
        """The record of one upload; on an external S3 a pending one is checked by HEAD."""
        record = self.store.get(tenant, KIND, key)
        if record and record["status"] == "pending" and not self.storage.embedded:
            found = self.storage.head(key)
            if found is not None:
                record = self.received(key, found.size, found.content_type, found.etag)
        return record

    def all(self) -> list[dict[str, Any]]:
        return [row["doc"] for row in self.store.dump(kind=KIND)]
