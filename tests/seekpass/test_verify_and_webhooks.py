"""Verify with SEEK Pass, webhook subscriptions, and signed, retried event deliveries."""

import hashlib
import hmac
import json
import re

import pytest

from tests.receiver import webhook_receiver
from tests.seekpass.helpers import TRAINING_CLIENT, auth, token

VERIFY = "/seekpass/api/partner/v2/verify/requests/digital_identity.json"
RESULT = "/seekpass/api/partner/v2/verify/requests/{}.json"
HOOKS = "/seekpass/api/partner/v2/webhooks"


@pytest.fixture
def headers(client):
    return auth(token(client))


def _complete(client, seekpass_id, **body):
    return client.post(f"/_mock/seekpass/requests/{seekpass_id}/complete", json=body)


def _seekpass_id(redirect_uri: str) -> str:
    return redirect_uri.rsplit("content=", 1)[1]


def test_a_verify_request_generates_its_request_id_when_absent(client, headers) -> None:
    response = client.post(VERIFY, json={}, headers=headers)
    assert response.status_code == 201
    body = response.get_json()
    assert re.fullmatch(r"[0-9a-f-]{36}", body["request_id"])
    assert (
        "/partner/verify/digitalIdentity#clientId=seekpass-demo-client&content="
        in body["redirect_uri"]
    )


def test_a_verify_request_keeps_the_partners_request_id_and_is_idempotent(client, headers) -> None:
    body = {"request_id": "vr-1", "callback_url": "https://partner.example.com/back"}
    first = client.post(VERIFY, json=body, headers=headers).get_json()
    again = client.post(VERIFY, json=body, headers=headers).get_json()
    assert first == again
    assert first["request_id"] == "vr-1"
    result = client.get(RESULT.format("vr-1"), headers=headers).get_json()
    assert result == {
        "request_id": "vr-1",
        "status": "incomplete",
        "finalized_at": None,
        "callback_url": "https://partner.example.com/back",
        "credential": None,
    }


def test_verify_needs_the_digital_identity_scopes(client) -> None:
    write_only = auth(token(client, scope="write.digital_identity"))
    client.post(VERIFY, json={"request_id": "vr-2"}, headers=write_only)
    response = client.get(RESULT.format("vr-2"), headers=write_only)
    assert response.status_code == 403
    assert response.get_json()["missing_scopes"] == ["read.digital_identity"]
    training = auth(token(client, TRAINING_CLIENT))
    assert client.post(VERIFY, json={}, headers=training).status_code == 403


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"callback_url": "javascript:alert(1)"}, "callback_url", "must be an http(s) URL"),
        ({"request_id": 5}, "request_id", "Not a valid string."),
        ({"request_id": " "}, "request_id", "can't be blank"),
    ],
)
def test_verify_request_rules(client, headers, body, field, message) -> None:
    response = client.post(VERIFY, json=body, headers=headers)
    assert response.status_code == 422
    assert response.get_json()["errors"][field] == [message]


def test_the_verified_identity_comes_back_in_the_result(client, headers) -> None:
    created = client.post(VERIFY, json={"request_id": "vr-3"}, headers=headers).get_json()
    _complete(
        client,
        _seekpass_id(created["redirect_uri"]),
        outcome="verified",
        credential={"full_name": "Jo Tester"},
    )
    result = client.get(RESULT.format("vr-3"), headers=headers).get_json()
    assert result["status"] == "verified"
    assert result["credential"]["full_name"] == "Jo Tester"
    assert result["credential"]["identity_document_validity"] == "government_database"
    status = client.get("/seekpass/api/partner/v1/submissions/vr-3/status.json", headers=headers)
    assert status.get_json()["status"] == "verified"


def test_webhook_crud_and_secret_rotation(client, headers) -> None:
    created = client.post(
        HOOKS, json={"name": "Main", "url": "https://partner.example.com/hook"}, headers=headers
    )
    assert created.status_code == 201
    hook = created.get_json()
    assert set(hook) == {"id", "name", "description", "url", "secret"}
    assert re.fullmatch(r"[0-9a-f]{64}", hook["secret"])
    assert hook["description"] is None
    assert client.get(HOOKS, headers=headers).get_json() == [hook]
    assert client.get(f"{HOOKS}/{hook['id']}", headers=headers).get_json() == hook
    updated = client.put(f"{HOOKS}/{hook['id']}", json={"description": "prod"}, headers=headers)
    assert updated.get_json() == {**hook, "description": "prod"}
    rotated = client.put(f"{HOOKS}/{hook['id']}/secret", headers=headers).get_json()
    assert rotated["secret"] != hook["secret"] and re.fullmatch(r"[0-9a-f]{64}", rotated["secret"])
    deleted = client.delete(f"{HOOKS}/{hook['id']}", headers=headers)
    assert deleted.status_code == 204 and deleted.data == b""
    assert client.get(f"{HOOKS}/{hook['id']}", headers=headers).status_code == 404
    assert client.delete(f"{HOOKS}/{hook['id']}", headers=headers).status_code == 404


def test_webhooks_belong_to_their_partner(client, headers) -> None:
    hook = client.post(HOOKS, json={"url": "https://a.example.com/h"}, headers=headers).get_json()
    other = auth(token(client, TRAINING_CLIENT))
    assert client.get(HOOKS, headers=other).get_json() == []
    assert client.get(f"{HOOKS}/{hook['id']}", headers=other).status_code == 404
    assert client.put(f"{HOOKS}/{hook['id']}/secret", headers=other).status_code == 404


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({}, "url", "Missing data for required field."),
        ({"url": "ftp://x.example.com"}, "url", "must be an http(s) URL"),
        (
            {"url": "https://x.example.com", "name": "n" * 256},
            "name",
            "Longer than maximum length 255.",
        ),
    ],
)
def test_webhook_rules(client, headers, body, field, message) -> None:
    response = client.post(HOOKS, json=body, headers=headers)
    assert response.status_code == 422
    assert response.get_json()["errors"][field] == [message]


def _signature_ok(secret: str, received) -> bool:
    """What a partner does: HMAC-SHA256 over "<X-Timestamp>.<raw body>", constant-time compare."""
    message = received.headers["X-Timestamp"].encode() + b"." + received.body
    expected = hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, received.headers["X-Signature"])


def test_verified_and_canceled_events_are_signed_and_delivered(client, runtime, headers) -> None:
    with webhook_receiver() as receiver:
        hook = client.post(HOOKS, json={"url": receiver.url}, headers=headers).get_json()
        for request_id, outcome in (("vr-ok", "verified"), ("vr-no", "canceled")):
            created = client.post(
                VERIFY, json={"request_id": request_id}, headers=headers
            ).get_json()
            _complete(client, _seekpass_id(created["redirect_uri"]), outcome=outcome)
        received = receiver.wait_for(2)
    assert len(received) == 2
    events = {json.loads(r.body)["request_id"]: json.loads(r.body) for r in received}
    assert events["vr-ok"]["type"] == "vwsp_request.verified"
    assert events["vr-no"]["type"] == "vwsp_request.canceled"
    assert set(events["vr-ok"]) == {"event_id", "request_id", "type", "created_at"}
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z", events["vr-ok"]["created_at"])
    assert all(_signature_ok(hook["secret"], r) for r in received)
    assert all(r.headers["Content-Type"] == "application/json" for r in received)
    forged = received[0].__class__(received[0].path, received[0].headers, received[0].body + b" ")
    assert not _signature_ok(hook["secret"], forged)


def test_add_requests_send_no_verify_events(client, headers) -> None:
    from tests.seekpass.helpers import BATCH_PATH, sample_batch

    with webhook_receiver() as receiver:
        client.post(HOOKS, json={"url": receiver.url}, headers=headers)
        created = client.post(BATCH_PATH, json=sample_batch(), headers=headers).get_json()
        _complete(client, _seekpass_id(created["redirect_uri"]), outcome="verified")
        client.post("/_mock/webhooks/run")
    assert receiver.received == []
    assert client.get("/_mock/webhooks").get_json()["count"] == 0


def test_a_failing_receiver_is_retried_with_backoff_on_the_server_clock(client, headers) -> None:
    with webhook_receiver(statuses=[500, 503]) as receiver:
        hook = client.post(HOOKS, json={"url": receiver.url}, headers=headers).get_json()
        created = client.post(VERIFY, json={"request_id": "vr-retry"}, headers=headers).get_json()
        _complete(client, _seekpass_id(created["redirect_uri"]), outcome="verified")
        assert len(receiver.wait_for(1)) == 1
        deliveries = client.get("/_mock/webhooks?provider=seekpass").get_json()["deliveries"]
        assert deliveries[0]["status"] == "retrying"
        assert deliveries[0]["attempts"][0]["status_code"] == 500
        client.post("/_mock/clock", json={"advance": 5})
        assert len(receiver.wait_for(2)) == 2
        client.post("/_mock/clock", json={"advance": 30})
        received = receiver.wait_for(3)
        assert len(received) == 3
    delivery = client.get("/_mock/webhooks?status=delivered").get_json()["deliveries"][0]
    assert [a["status_code"] for a in delivery["attempts"]] == [500, 503, 200]
    assert "secret" not in delivery
    bodies = {r.body for r in received}
    assert len(bodies) == 1  # the same event each time, re-signed at each attempt
    assert all(_signature_ok(hook["secret"], r) for r in received)


def test_an_unreachable_receiver_ends_failed_after_the_last_retry(client, headers) -> None:
    from mockserver.core.webhooks import RETRY_DELAYS

    client.post(HOOKS, json={"url": "http://127.0.0.1:9/unreachable"}, headers=headers)
    created = client.post(VERIFY, json={"request_id": "vr-dead"}, headers=headers).get_json()
    _complete(client, _seekpass_id(created["redirect_uri"]), outcome="canceled")
    for delay in (0, *RETRY_DELAYS):
        client.post("/_mock/clock", json={"advance": delay})
        client.post("/_mock/webhooks/run")
    delivery = client.get("/_mock/webhooks").get_json()["deliveries"][0]
    assert delivery["status"] == "failed"
    assert len(delivery["attempts"]) == len(RETRY_DELAYS) + 1
    assert all("error" in attempt for attempt in delivery["attempts"])


def test_a_hanging_receiver_does_not_hold_up_other_deliveries(client, headers) -> None:
    import time

    from tests.receiver import webhook_receiver as receiver_factory

    with receiver_factory(delay=3.0) as slow, receiver_factory() as fast:
        client.post(HOOKS, json={"url": slow.url}, headers=headers)
        client.post(HOOKS, json={"url": fast.url}, headers=headers)
        created = client.post(VERIFY, json={"request_id": "vr-slow"}, headers=headers).get_json()
        started = time.monotonic()
        _complete(client, _seekpass_id(created["redirect_uri"]), outcome="verified")
        assert len(fast.wait_for(1, timeout=2.5)) == 1
        assert time.monotonic() - started < 2.5
        assert len(slow.wait_for(1, timeout=5)) == 1
