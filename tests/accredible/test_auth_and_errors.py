"""API keys (the three header forms), the plain-text 401, department scoping and the error
bodies Accredible documents."""

from __future__ import annotations

import pytest

from tests.accredible.helpers import AUTH, BASE, BOOTCAMP, INTRO, KEY, ONLINE, create, credential


@pytest.mark.parametrize(
    "header", [f"Token token={KEY}", f'Token token="{KEY}"', f"Token {KEY}", f"Bearer {KEY}"]
)
def test_every_key_form_clients_send_is_accepted(client, header) -> None:
    response = client.get(f"{BASE}/v1/issuer/details", headers={"Authorization": header})
    assert response.status_code == 200
    assert response.get_json()["issuer"]["name"] == "Demo Academy"


@pytest.mark.parametrize("header", [None, "Token token=nope", "Basic abc", "Token "])
def test_unknown_or_missing_key_is_rails_plain_text_401(client, header) -> None:
    headers = {"Authorization": header} if header else {}
    response = client.get(f"{BASE}/v1/issuer/details", headers=headers)
    assert response.status_code == 401
    assert response.mimetype == "text/plain"
    assert response.get_data(as_text=True) == "HTTP Token: Access denied.\n"
    assert response.headers["WWW-Authenticate"] == 'Token realm="Application"'


def test_department_key_sees_only_its_department(client) -> None:
    assert client.get(f"{BASE}/v1/issuer/groups/{BOOTCAMP}", headers=ONLINE).status_code == 200
    hidden = client.get(f"{BASE}/v1/issuer/groups/{INTRO}", headers=ONLINE)
    assert hidden.status_code == 404
    assert hidden.get_json() == {"errors": "Doesn't exist"}
    groups = client.get(f"{BASE}/v1/issuer/all_groups", headers=ONLINE).get_json()["groups"]
    assert [group["id"] for group in groups] == [BOOTCAMP]
    assert client.get(f"{BASE}/v1/departments/201", headers=ONLINE).status_code == 404
    assert client.get(f"{BASE}/v1/departments/202", headers=ONLINE).status_code == 200


def test_department_key_cannot_issue_into_or_see_another_department(client) -> None:
    refused = create(client, credential(group=INTRO), headers=ONLINE)
    assert refused.status_code == 422
    assert refused.get_json() == {"errors": "Invalid Group"}
    made = create(client, credential()).get_json()["credential"]
    assert client.get(f"{BASE}/v1/credentials/{made['id']}", headers=ONLINE).status_code == 404
    design = client.post(
        f"{BASE}/v1/designs",
        json={
            "design": {"name": "x", "kind": "badge", "encoded_content": "e", "department_id": 201}
        },
        headers=ONLINE,
    )
    assert design.status_code == 403
    assert design.get_json() == {"errors": "You do not have access to this department"}


def test_department_key_may_not_manage_departments_or_team(client) -> None:
    body = {"department": {"name": "New", "url": "https://x.example", "logo": "https://x/l.png"}}
    response = client.post(f"{BASE}/v1/departments", json=body, headers=ONLINE)
    assert response.status_code == 403
    assert client.get(f"{BASE}/v1/team_members/1", headers=ONLINE).status_code == 403


def test_unknown_route_and_bad_json_bodies(client) -> None:
    missing = client.get(f"{BASE}/v1/nothing-here", headers=AUTH)
    assert missing.status_code == 404
    assert missing.get_json() == {"error": "Not found"}
    bad = client.post(
        f"{BASE}/v1/credentials", data="{not json", content_type="application/json", headers=AUTH
    )
    assert bad.status_code == 400
    assert "not valid JSON" in bad.get_json()["errors"]
    form = client.post(f"{BASE}/v1/credentials", data="a=b", headers=AUTH)
    assert form.status_code == 400


def test_rate_limit_counts_per_address_in_periods_and_recovers(client, runtime) -> None:
    client.post(
        "/_mock/accredible/rate_limit",
        json={"limit": 3, "window_seconds": 60, "period_seconds": 30},
    )
    runtime.clock.freeze()
    for _ in range(3):
        assert client.get(f"{BASE}/v1/issuer/details", headers=AUTH).status_code == 200
    refused = client.get(f"{BASE}/v1/issuer/details", headers=AUTH)
    assert refused.status_code == 429
    assert refused.get_data(as_text=True) == "Retry later\n"
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    # An unauthenticated request is counted too (the limit sits before authentication).
    assert client.get(f"{BASE}/v1/issuer/details").status_code == 429
    runtime.clock.advance(61)
    assert client.get(f"{BASE}/v1/issuer/details", headers=AUTH).status_code == 200
    runtime.clock.unfreeze()


def test_v1_search_has_its_stricter_limit(client) -> None:
    client.post(
        "/_mock/accredible/rate_limit",
        json={"limit": 2, "scope": "search_v1", "window_seconds": 60, "period_seconds": 60},
    )
    codes = [
        client.post(f"{BASE}/v1/credentials/search", json={}, headers=AUTH).status_code
        for _ in range(3)
    ]
    assert codes == [200, 200, 429]
    assert (
        client.post(f"{BASE}/v2/credentials/search", json={"query": {}}, headers=AUTH).status_code
        == 200
    )


def test_another_account_never_sees_the_data(client) -> None:
    from tests.accredible.helpers import SANDBOX

    made = create(client, credential(id="MINE-1")).get_json()["credential"]
    for path in (
        f"/v1/credentials/{made['id']}",
        "/v1/credentials/MINE-1",
        f"/v1/credentials/{made['encoded_id']}",
        f"/v1/issuer/groups/{BOOTCAMP}",
        "/v1/designs/501",
        "/v1/departments/201",
    ):
        response = client.get(f"{BASE}{path}", headers=SANDBOX)
        assert response.status_code == 404, path
        assert response.get_json() == {"errors": "Doesn't exist"}
    listed = client.get(f"{BASE}/v1/all_credentials", headers=SANDBOX).get_json()
    assert listed["credentials"] == []
    found = client.post(f"{BASE}/v2/credentials/search", json={"query": {}}, headers=SANDBOX)
    assert found.get_json()["meta"]["count"] == 0
