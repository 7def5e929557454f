"""/_mock/issued: per provider, what it handed out."""

from __future__ import annotations

from tests.seekpass.helpers import token

ACCREDIBLE = {"Authorization": "Token token=accredible-demo-key"}


def test_issued_lists_credentials_and_tokens_per_provider(client) -> None:
    token(client)
    client.post(
        "/accredible/v1/credentials",
        headers=ACCREDIBLE,
        json={
            "credential": {"recipient": {"name": "A", "email": "a@example.com"}, "group_id": 9001}
        },
    )
    issued = client.get("/_mock/issued").get_json()
    assert set(issued) == {"seekpass", "vec", "accredible", "springest", "uploads"}
    assert issued["accredible"]["credentials"]["count"] == 1
    assert issued["accredible"]["credentials"]["latest"][0]["recipient"]["email"] == "a@example.com"
    tokens = issued["seekpass"]["tokens"]
    assert tokens["count"] >= 1 and tokens["latest"][0]["sub"] == "seekpass-demo-client"
    only = client.get("/_mock/issued?provider=accredible&tenant=accredible:sandbox-college")
    body = only.get_json()
    assert set(body) == {"accredible"}
    assert body["accredible"]["credentials"]["count"] == 0  # the other account's is not here
    assert body["accredible"]["groups"]["count"] == 1
