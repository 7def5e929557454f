"""/_mock/seed: the same requests after the same seed give the same ids and timestamps."""

from __future__ import annotations

import io

VEC = {"Authorization": "Bearer vec-demo-full-token"}
ACCREDIBLE = {"Authorization": "Token token=accredible-demo-key"}


def _run(client) -> list:
    client.post("/_mock/reset")
    upload = client.post(
        "/vec/business/certificate-vault/upload-file",
        headers=VEC,
        data={"file": (io.BytesIO(b"%PDF-1.4 x"), "a.pdf")},
        content_type="multipart/form-data",
    ).get_json()
    collection = client.post(
        "/accredible/v1/collections", headers=ACCREDIBLE, json={"collection": {"name": "c"}}
    ).get_json()
    credential = client.post(
        "/accredible/v1/credentials",
        headers=ACCREDIBLE,
        json={
            "credential": {"recipient": {"name": "A", "email": "a@example.com"}, "group_id": 9001}
        },
    ).get_json()
    return [upload, collection, credential]


def test_same_seed_same_answers_and_unseeding(client) -> None:
    seeded = client.post("/_mock/seed", json={"seed": 42}).get_json()
    assert seeded == {"seed": 42, "now": "2030-01-01T00:00:00+00:00"}
    first = _run(client)
    second = _run(client)
    assert first == second
    assert first[2]["credential"]["issued_on"] == "2030-01-01"
    client.post("/_mock/seed", json={"seed": 7, "now": "2031-06-01T12:00:00Z"})
    other = _run(client)
    assert other[0]["data"]["file_id"] != first[0]["data"]["file_id"]
    assert other[2]["credential"]["issued_on"] == "2031-06-01"
    client.post("/_mock/seed", json={"seed": None})
    assert client.get("/_mock/seed").get_json() == {"seed": None, "now": None}
    assert _run(client)[1] != _run(client)[1]  # collection ids are random again
    assert client.post("/_mock/seed", json={"seed": "x"}).status_code == 400
    for far in ("9999-12-31T23:00:00Z", "0001-01-01T00:00:00+05:00"):
        refused = client.post("/_mock/seed", json={"seed": 1, "now": far})
        assert refused.status_code == 400 and "now:" in refused.get_json()["mock_error"]["message"]
    assert client.get("/_mock/seed").get_json() == {"seed": None, "now": None}


def test_a_seeded_reset_stamps_the_fixture_records_with_the_frozen_time(client) -> None:
    """A seeded run is the same after every reset, the fixtures' own records included: they
    are written back after the clock went back to the seed's moment, not before."""
    client.post("/_mock/seed", json={"seed": 5, "now": "2031-06-01T12:00:00Z"})
    assert client.post("/_mock/clock", json={"advance": "24h"}).status_code == 200
    client.post("/_mock/reset")
    group = client.get("/accredible/v1/issuer/groups/9001", headers=ACCREDIBLE).get_json()
    assert group["group"]["created_at"].startswith("2031-06-01T12:00:00")
    client.post("/_mock/seed", json={"seed": None})
