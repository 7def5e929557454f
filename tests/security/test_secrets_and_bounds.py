"""What the control plane shows is masked and bounded: credentials in requests and answers
(a SEEK Pass token answer's access_token, a webhook's secret) never appear in the journal or
the state dump; every part of a journal entry is cut at the body limit; fixtures with YAML
aliases are refused; a tenant's webhook cannot drive the control plane."""

from __future__ import annotations

import json

from tests.receiver import webhook_receiver
from tests.seekpass.helpers import TOKEN_PATH, auth, token

SEEKPASS_WEBHOOKS = "/seekpass/api/partner/v2/webhooks"


def test_journal_masks_tokens_and_webhook_secrets_in_answers(client) -> None:
    access = token(client)
    hook = client.post(
        SEEKPASS_WEBHOOKS, json={"url": "http://127.0.0.1:9/hook"}, headers=auth(access)
    ).get_json()
    assert hook["secret"]
    entries = client.get("/_mock/requests?limit=10").get_json()["requests"]
    text = json.dumps(entries)
    assert access not in text and hook["secret"] not in text
    token_entry = next(e for e in entries if e["path"].endswith(TOKEN_PATH.rsplit("/", 1)[1]))
    assert json.loads(token_entry["response_body"])["access_token"] == "***"
    state = json.dumps(client.get("/_mock/state?provider=seekpass").get_json())
    assert hook["secret"] not in state


def test_every_part_of_an_entry_is_bounded(client, runtime) -> None:
    limit = runtime.journal.body_bytes
    big = "x" * (limit * 30)
    client.post(
        f"/accredible/v1/credentials?q={big}",
        data={"field": big, "other": big},
        headers={"X-Big": big, "Authorization": "Token token=accredible-demo-key"},
    )
    entry = client.get("/_mock/requests?limit=1").get_json()["requests"][0]
    assert len(entry["query"]) <= limit + 10
    assert len(entry["body"]) <= limit + 10
    assert all(len(value) <= limit + 10 for value in entry["headers"].values())
    assert len(json.dumps(entry)) < 6 * limit


def test_yaml_aliases_are_refused(client) -> None:
    bomb = "a: &a [x, x]\nb: &b [*a, *a]\nc: [*b, *b]\n"
    refused = client.post("/_mock/fixtures", data=bomb, content_type="application/yaml")
    assert refused.status_code == 400
    assert "aliases" in refused.get_json()["mock_error"]["message"]


def test_a_webhook_cannot_call_the_control_plane(client, runtime) -> None:
    # What the dispatcher sends, as the control plane receives it.
    refused = client.post(
        "/_mock/reset",
        json={},
        headers={"X-Mockserver-Delivery": "d-1", "User-Agent": "mockserver-webhooks"},
    )
    assert refused.status_code == 403
    with webhook_receiver() as receiver:
        hook = client.post(
            SEEKPASS_WEBHOOKS, json={"url": receiver.url}, headers=auth(token(client))
        )
        assert hook.status_code in (200, 201)
        client.post(
            "/seekpass/api/partner/v2/verify/requests/digital_identity.json",
            json={"request_id": "marked"},
            headers=auth(token(client)),
        )
        content = client.get("/_mock/seekpass/requests").get_json()["requests"][0]["id"]
        client.post(f"/_mock/seekpass/requests/{content}/complete", json={"outcome": "verified"})
        client.post("/_mock/webhooks/run")
        assert receiver.wait_for(1), "the delivery reached the receiver"
        assert all("X-Mockserver-Delivery" in r.headers for r in receiver.wait_for(1))
