"""Verify with SEEK Pass over real HTTP, ending in a signed webhook on a local receiver."""

import hashlib
import hmac
import json

import requests

from tests.receiver import webhook_receiver
from tests.seekpass.helpers import http_token


def test_a_partner_receives_and_verifies_a_signed_webhook(server) -> None:
    base = f"{server.base_url}/seekpass"
    headers = {"Authorization": f"Bearer {http_token(base)}"}
    with webhook_receiver() as receiver:
        hook = requests.post(
            f"{base}/api/partner/v2/webhooks",
            json={"url": receiver.url},
            headers=headers,
            timeout=10,
        ).json()
        created = requests.post(
            f"{base}/api/partner/v2/verify/requests/digital_identity.json",
            json={"request_id": "e2e-verify"},
            headers=headers,
            timeout=10,
        )
        assert created.status_code == 201
        seekpass_id = created.json()["redirect_uri"].rsplit("content=", 1)[1]
        done = requests.post(
            f"{server.base_url}/_mock/seekpass/requests/{seekpass_id}/complete",
            json={"outcome": "verified"},
            timeout=10,
        )
        assert done.status_code == 200
        received = receiver.wait_for(1)
    assert len(received) == 1
    event = received[0]
    signed = event.headers["X-Timestamp"].encode() + b"." + event.body
    expected = hmac.new(hook["secret"].encode(), signed, hashlib.sha256).hexdigest()
    assert hmac.compare_digest(expected, event.headers["X-Signature"])
    payload = json.loads(event.body)
    assert payload["request_id"] == "e2e-verify"
    assert payload["type"] == "vwsp_request.verified"
    result = requests.get(
        f"{base}/api/partner/v2/verify/requests/e2e-verify.json", headers=headers, timeout=10
    ).json()
    assert result["status"] == "verified" and result["credential"]["full_name"]
    deliveries = requests.get(f"{server.base_url}/_mock/webhooks", timeout=10).json()
    assert deliveries["deliveries"][0]["status"] == "delivered"
