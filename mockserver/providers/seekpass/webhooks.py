"""SEEK Pass webhook subscriptions, their secrets, and the signed verify events they receive.

Signature (inferred; the pages say only that the timestamp header is part of the HMAC input):
`X-Signature` = hex HMAC-SHA256 with the webhook's secret over "<X-Timestamp>.<raw body>", and
`X-Timestamp` = Unix seconds on the server clock when the attempt is made.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

from mockserver.core.clock import Clock
from mockserver.core.errors import ApiError
from mockserver.core.ids import ids
from mockserver.core.store import Store
from mockserver.core.webhooks import WebhookDispatcher

KIND = "webhook"
SIGNER = "seekpass"
EVENT_TYPES = {"verified": "vwsp_request.verified", "canceled": "vwsp_request.canceled"}


def sign(secret: str, body: bytes, timestamp: int) -> dict[str, str]:
    message = str(timestamp).encode("ascii") + b"." + body
    digest = hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()
    return {"X-Signature": digest, "X-Timestamp": str(timestamp)}


def _public(webhook: dict[str, Any]) -> dict[str, Any]:
    return {key: webhook[key] for key in ("id", "name", "description", "url", "secret")}


class WebhookSubscriptions:
    def __init__(self, store: Store, clock: Clock, dispatcher: WebhookDispatcher) -> None:
        self.store = store
        self.clock = clock
        self.dispatcher = dispatcher
        dispatcher.register_signer(SIGNER, sign)

    def create(self, tenant: str, data: dict[str, Any]) -> dict[str, Any]:
        webhook = {
            "id": ids.uuid(),
            "name": data.get("name"),
            "description": data.get("description"),
            "url": data["url"],
            "secret": ids.hex(32),
        }
        with self.store.transaction() as tx:
            tx.insert(tenant, KIND, webhook["id"], webhook)
        return _public(webhook)

    def list(self, tenant: str) -> list[dict[str, Any]]:
        return [_public(webhook) for webhook in self.store.list(tenant, KIND)]

    def get(self, tenant: str, webhook_id: str) -> dict[str, Any]:
        webhook = self.store.get(tenant, KIND, webhook_id)
        if webhook is None:
            raise ApiError(404, "not_found", f"No webhook with id {webhook_id!r}")
        return _public(webhook)

    def update(self, tenant: str, webhook_id: str, data: dict[str, Any]) -> dict[str, Any]:
        changes = {key: data[key] for key in ("name", "description", "url") if key in data}
        return self._replace(tenant, webhook_id, **changes)

    def rotate_secret(self, tenant: str, webhook_id: str) -> dict[str, Any]:
        return self._replace(tenant, webhook_id, secret=ids.hex(32))

    def _replace(self, tenant: str, webhook_id: str, **changes: Any) -> dict[str, Any]:
        with self.store.transaction() as tx:
            webhook = tx.get(tenant, KIND, webhook_id, for_update=True)
            if webhook is None:
                raise ApiError(404, "not_found", f"No webhook with id {webhook_id!r}")
            webhook.update(changes)
            tx.put(tenant, KIND, webhook_id, webhook)
        return _public(webhook)

    def delete(self, tenant: str, webhook_id: str) -> None:
        with self.store.transaction() as tx:
            if not tx.delete(tenant, KIND, webhook_id):
                raise ApiError(404, "not_found", f"No webhook with id {webhook_id!r}")

    def emit_verify_result(self, tenant: str, request: dict[str, Any]) -> list[dict[str, Any]]:
        """One event per registered webhook when a verify request is verified or canceled."""
        event_type = EVENT_TYPES.get(request["status"])
        if request["type"] != "verify" or event_type is None:
            return []
        now = self.clock.now()
        queued = []
        for webhook in self.store.list(tenant, KIND):
            payload = {
                "event_id": ids.uuid(),
                "request_id": request["credential_id"],
                "type": event_type,
                "created_at": now.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
            }
            queued.append(
                self.dispatcher.enqueue(
                    tenant=tenant,
                    provider="seekpass",
                    url=webhook["url"],
                    event=event_type,
                    payload=payload,
                    signer=SIGNER,
                    secret=webhook["secret"],
                    subscription_id=webhook["id"],
                )
            )
        return queued
