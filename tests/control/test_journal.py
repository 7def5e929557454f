"""The request journal: entries with masked secrets, filters, count and find, unmatched
requests with the nearest route, the bound, and reset."""

from __future__ import annotations

from tests.springest.helpers import post as post_certificate

ACCREDIBLE = {"Authorization": "Token token=accredible-demo-key"}
CREATE = {
    "credential": {"recipient": {"name": "Ann", "email": "ann@example.com"}, "group_id": 9001}
}


def test_provider_requests_are_journaled_with_secrets_masked(client) -> None:
    client.post("/accredible/v1/credentials", json=CREATE, headers=ACCREDIBLE)
    client.post(
        "/seekpass/api/partner/v1/oauth/token.json",
        data={
            "grant_type": "client_credentials",
            "client_id": "seekpass-demo-client",
            "client_secret": "seekpass-demo-secret",
        },
    )
    client.get("/springest/users/certificates.json?api_key=springest-certificates-key")
    listed = client.get("/_mock/requests").get_json()
    assert listed["count"] == 3
    springest, token, created = listed["requests"]  # newest first
    assert created["path"] == "/accredible/v1/credentials" and created["status"] == 200
    assert created["tenant"] == "accredible:demo-academy"
    assert created["headers"]["Authorization"] == "Token ***"
    assert '"email": "ann@example.com"' in created["body"]
    assert '"approve":true' in created["response_body"].replace(" ", "")
    assert created["duration_ms"] >= 0 and created["request_id"]
    assert "seekpass-demo-secret" not in str(token) and "client_secret=***" in token["body"]
    assert token["tenant"] == "seekpass:demo-university"
    assert springest["query"] == "api_key=***" and "springest-certificates-key" not in str(
        springest
    )


def test_count_find_and_filters(client) -> None:
    for _ in range(3):
        client.post("/accredible/v1/credentials", json=CREATE, headers=ACCREDIBLE)
    post_certificate(client, email="j@corp.example", filename="c.pdf")
    count = client.get("/_mock/requests/count?provider=accredible&status=4xx").get_json()
    assert count == {"count": 2}  # the second and third are duplicates
    assert client.get("/_mock/requests/count?status=200").get_json() == {"count": 2}
    found = client.post("/_mock/requests/find", json={"path": "/springest/*", "method": "post"})
    entry = found.get_json()["requests"][0]
    assert entry["files"] == {"file": {"filename": "c.pdf", "content_type": "application/pdf"}}
    assert (
        client.post("/_mock/requests/find", json={"body_contains": "ann@example.com"}).get_json()[
            "count"
        ]
        == 3
    )
    one = client.get(f"/_mock/requests/{entry['id']}").get_json()
    assert one["id"] == entry["id"]
    bad = client.get("/_mock/requests?colour=red")
    assert bad.status_code == 400 and "unknown criteria" in bad.get_json()["mock_error"]["message"]


def test_unmatched_requests_name_the_nearest_route(client) -> None:
    client.get("/accredible/v1/credentialz/1", headers=ACCREDIBLE)
    client.delete("/springest/certifications.json?api_key=x")
    client.get("/_mock/healthz")
    unmatched = client.get("/_mock/requests/unmatched").get_json()
    assert unmatched["count"] == 3
    control, wrong_method, typo = unmatched["requests"]
    assert typo["hint"]["route"] == "/accredible/v1/credentials/<credential_id>"
    assert wrong_method["hint"] == {
        "route": "/springest/certifications.json",
        "methods": ["GET"],
        "method_matches": False,
    }
    assert control["path"] == "/_mock/healthz" and control["hint"]["route"] == "/_mock/health"
    # Matched control-plane calls themselves are not journaled.
    assert client.get("/_mock/requests/count?path=/_mock/*").get_json() == {"count": 1}


def test_journal_is_bounded_and_reset_empties_it(client, runtime) -> None:
    runtime.journal.resize(5)
    try:
        for _ in range(8):
            client.get("/accredible/v1/issuer/details", headers=ACCREDIBLE)
        listed = client.get("/_mock/requests").get_json()
        assert listed["count"] == 5 and listed["journal_size"] == 5
        assert [e["id"] for e in listed["requests"]] == sorted(
            (e["id"] for e in listed["requests"]), reverse=True
        )
        client.post("/_mock/reset")
        assert client.get("/_mock/requests").get_json()["count"] == 0
        client.get("/accredible/v1/issuer/details", headers=ACCREDIBLE)
        assert client.delete("/_mock/requests").status_code == 200
        assert client.get("/_mock/requests/count").get_json() == {"count": 0}
    finally:
        runtime.journal.resize(runtime.settings.journal_size)
