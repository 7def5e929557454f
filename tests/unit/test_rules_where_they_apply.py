"""A fault rule fires only where its outcome can happen: requests it cannot affect neither
use up its `times` nor carry its name in the journal, and a rule that can never fire is
refused when it is added (issue 17, part 1)."""

from __future__ import annotations

from tests.accredible.helpers import AUTH, BASE, credential

BULK = f"{BASE}/v2/credentials/bulk_create"


def _bulk(client, *emails: str):
    body = {"credentials": [credential(email=email) for email in emails]}
    return client.post(BULK, json=body, headers=AUTH)


def test_a_one_shot_scenario_waits_for_the_operation_it_applies_to(client) -> None:
    added = client.post(
        "/_mock/faults",
        json={"provider": "accredible", "scenario": "insufficient_credits", "times": 1},
    )
    assert added.status_code == 201
    # Unrelated requests first: a read, a path nobody serves, a refused key.
    assert client.get(f"{BASE}/v1/issuer/groups/9001", headers=AUTH).status_code == 200
    assert client.get(f"{BASE}/v1/no_such_thing", headers=AUTH).status_code == 404
    refused = client.post(
        BULK, json={"credentials": [credential()]}, headers={"Authorization": "Token token=x"}
    )
    assert refused.status_code == 401
    rule = client.get("/_mock/faults").get_json()["faults"][0]
    assert rule["times"] == 1 and rule["fired"] == 0  # none of those used it up

    first = _bulk(client, "one@example.com")
    assert first.status_code == 207, first.get_json()  # the rule's scenario, applied
    second = _bulk(client, "two@example.com")
    assert second.status_code == 200  # used up: back to normal
    journal = client.get("/_mock/requests?limit=10").get_json()["requests"]
    labelled = [entry for entry in journal if entry.get("fault")]
    assert [(e["method"], e["path"], e["status"]) for e in labelled] == [
        ("POST", "/accredible/v2/credentials/bulk_create", 207)
    ]


def test_a_rule_that_can_never_fire_is_refused(client) -> None:
    never = client.post(
        "/_mock/faults",
        json={
            "provider": "accredible",
            "scenario": "insufficient_credits",
            "method": "GET",
            "path": "/accredible/v1/issuer/*",
        },
    )
    assert never.status_code == 422
    body = never.get_json()["mock_error"]
    assert "never happens" in body["message"]
    assert "POST /v1/credentials" in body["applies_to"]
    fits = client.post(
        "/_mock/faults",
        json={
            "provider": "accredible",
            "scenario": "insufficient_credits",
            "path": "/accredible/v2/*",
        },
    )
    assert fits.status_code == 201


def test_the_catalogue_lists_each_scenarios_operations(client) -> None:
    found = client.get("/_mock/scenarios?provider=accredible").get_json()["scenarios"]
    credits = next(s for s in found if s["name"] == "insufficient_credits")
    assert credits["operations"] == [
        "POST /v1/credentials",
        "POST /v1/credentials/bulk_create",
        "POST /v2/credentials/bulk_create",
    ]
    unauthorized = next(s for s in found if s["name"] == "unauthorized")
    assert unauthorized["operations"] == [] and unauthorized["applies_to"] == "every operation"
