"""VEC webhook deliveries: `X-Webhook-Signature` is the hex HMAC-SHA256 of the raw body with the
endpoint's signing secret; `X-Webhook-Event`, `X-Webhook-ID` and an ISO 8601
`X-Webhook-Timestamp` travel beside it (VEC's webhooks guide)."""

from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, datetime
from typing import Any

from mockserver.core.clock import Clock
from mockserver.core.webhooks import WebhookDispatcher
from mockserver.providers.vec.accounts import Institution

SIGNER = "vec"


def sign(secret: str, body: bytes, timestamp: int) -> dict[str, str]:
    return {
        "X-Webhook-Signature": hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest(),
        "X-Webhook-Timestamp": datetime.fromtimestamp(timestamp, UTC).strftime(
            "%Y-%m-%dT%H:%M:%SZ"
        ),
    }


class Events:
    def __init__(self, dispatcher: WebhookDispatcher, clock: Clock) -> None:
        self.dispatcher = dispatcher
        self.clock = clock
        dispatcher.register_signer(SIGNER, sign)

    def emit(self, institution: Institution, event: str, fields: dict[str, Any]) -> None:
        """Send `event` to the institution's endpoint, if it has one with a URL."""
        webhook = institution.webhook or {}
        if not webhook.get("url"):
            return
        payload = {
            "event": event,
            "webhook_id": webhook.get("id"),
            "timestamp": self.clock.now().strftime("%Y-%m-%dT%H:%M:%SZ"),
            **fields,
        }
        self.dispatcher.enqueue(
            tenant=institution.tenant,
            provider="vec",
            url=webhook["url"],
            event=event,
            payload=payload,
            signer=SIGNER,
            secret=webhook.get("secret", ""),
            subscription_id=webhook.get("id"),
            headers={"X-Webhook-Event": event, "X-Webhook-ID": str(webhook.get("id"))},
        )
