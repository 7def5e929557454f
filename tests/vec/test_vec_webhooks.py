"""VEC webhooks: certificate events signed with HMAC-SHA256 of the raw body."""

import hashlib
import hmac
import json

from tests.receiver import webhook_receiver
from tests.vec.helpers import FULL, VAULT, entry, file_id


def test_created_and_approved_events_are_signed(client) -> None:
    with webhook_receiver() as receiver:
        settings = client.put("/_mock/vec/webhook", json={"url": receiver.url, "secret": "s3cret"})
        webhook_id = settings.get_json()["webhook"]["id"]
        client.post(f"{VAULT}/bulk", json={"entries": [entry(file_id(client))]}, headers=FULL)
        client.post("/_mock/clock", json={"advance": 5})
        received = receiver.wait_for(2)
    assert [r.headers["X-Webhook-Event"] for r in received] == [
        "certificate_application.created",
        "certificate_application.approved",
    ]
    for delivery in received:
        expected = hmac.new(b"s3cret", delivery.body, hashlib.sha256).hexdigest()
        assert hmac.compare_digest(expected, delivery.headers["X-Webhook-Signature"])
        assert delivery.headers["X-Webhook-ID"] == webhook_id
        assert delivery.headers["X-Webhook-Timestamp"].endswith("Z")
    created = json.loads(received[0].body)
    assert created["event"] == "certificate_application.created"
    assert created["trigger_context"] == "bulk_upload" and created["source"] == "vault"
    assert created["webhook_id"] == webhook_id
    assert {"application_id", "uuid", "certificate_title", "applicant_email"} <= set(created)
