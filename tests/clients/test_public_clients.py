"""Public client libraries from PyPI, driven through their own documented flows against a
live sandbox over real HTTP (a `mockserver serve` process on an ephemeral port).

- pyaccredible 0.6 (Accredible's Python wrapper; django-accredible builds on it): groups,
  credentials, bulk create, list by group, PDFs, deletes.
- requests-oauthlib (the OAuth 2 client SEEK Pass's client-credentials grant is used with):
  a token, then a batch posted through the authorised session.

Where a client is outdated against the provider's documents, the test says so and asserts
the documented answer (see the issue note and FIDELITY.md)."""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterator

import pytest
import requests
from oauthlib.oauth2 import BackendApplicationClient
from pyaccredible.client import AccredibleWrapper
from requests_oauthlib import OAuth2Session

from tests.e2e.live import LiveServer
from tests.seekpass.helpers import seed_sample


@pytest.fixture(scope="module")
def server() -> Iterator[LiveServer]:
    with LiveServer(args=["--quiet"]) as live:
        yield live


@pytest.fixture
def accredible(server: LiveServer) -> AccredibleWrapper:
    # The wrapper joins paths onto its base URL, which must end in /v1/ as production's does.
    return AccredibleWrapper("accredible-demo-key", server=f"{server.base_url}/accredible/v1/")


def test_pyaccredible_group_and_credential_lifecycle(accredible: AccredibleWrapper) -> None:
    made = accredible.group_create(
        name="pyaccredible-group",
        course_name="Python",
        course_description="Wrapped",
        design_id=501,  # the deprecated field django-accredible sends
        attach_pdf=True,
    )
    assert made.status_code == 200, made.text
    group_id = made.json()["group"]["id"]
    updated = accredible.group_update(group_id, course_name="Python 2")
    assert updated.status_code == 200 and updated.json()["group"]["course_name"] == "Python 2"

    created = accredible.credential_create(
        group_id, "Ada Lovelace", "ada@example.com", datetime.date(2024, 1, 2), {"cohort": "7"}
    )
    assert created.status_code == 200, created.text
    credential = created.json()["credential"]
    assert credential["issued_on"] == "2024-01-02"
    assert credential["custom_attributes"] == {"cohort": "7"}
    # The fields django-accredible reads from every created credential.
    for field in ("id", "issued_on", "url", "seo_image"):
        assert credential[field] is not None, field
    assert credential["certificate"]["image"]["preview"]
    assert credential["badge"]["image"]["preview"]

    renamed = accredible.credential_update(credential["id"], name="Renamed")
    assert renamed.status_code == 200 and renamed.json()["credential"]["name"] == "Renamed"

    bulk = accredible.credential_create_bulk(
        group_id, [("Bo", "bo@example.com"), ("Cy", "cy@example.com")], datetime.date(2024, 1, 3)
    )
    assert bulk.status_code == 200, bulk.text
    assert [c["recipient"]["email"] for c in bulk.json()["credentials"]] == [
        "bo@example.com",
        "cy@example.com",
    ]
    listed = accredible.get_credentials_by_group(group_id)
    assert listed.status_code == 200
    assert len(listed.json()["credentials"]) == 3

    pdf = accredible.generate_pdf(credential["id"])
    assert pdf.status_code == 200 and requests.get(pdf.json()["file"], timeout=10).ok

    # Outdated client: it sends {"credentials": [...]}, the documents name the field
    # credential_ids, so the API's 422 is what the wrapper gets.
    many = accredible.generate_bulk_pdf([credential["id"]])
    assert many.status_code == 422
    assert "credential_ids" in many.json()["errors"]

    deleted = accredible.credential_delete(credential["id"])
    assert deleted.status_code == 200
    accredible.group_credentials_delete(group_id)  # deletes the rest, then the group
    gone = accredible.get(f"{accredible.API_URL}issuer/groups/{group_id}")
    assert gone.status_code == 404 and gone.json() == {"errors": "Doesn't exist"}


def test_pyaccredible_with_a_wrong_key_gets_rails_401(server: LiveServer) -> None:
    wrong = AccredibleWrapper("not-a-key", server=f"{server.base_url}/accredible/v1/")
    answer = wrong.group_create(name="x", course_name="x", course_description="x")
    assert answer.status_code == 401
    assert answer.text == "HTTP Token: Access denied.\n"


def test_requests_oauthlib_client_credentials_then_a_batch(
    server: LiveServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OAUTHLIB_INSECURE_TRANSPORT", "1")  # plain http on loopback
    base = f"{server.base_url}/seekpass/api/partner"
    session = OAuth2Session(client=BackendApplicationClient(client_id="seekpass-demo-client"))
    token = session.fetch_token(
        token_url=f"{base}/v1/oauth/token.json",
        client_id="seekpass-demo-client",
        client_secret="seekpass-demo-secret",
    )
    assert token["token_type"].lower() == "bearer" and token["expires_in"] > 0
    answer = session.post(f"{base}/v2/add/requests/batch.json", json=json.loads(seed_sample()))
    assert answer.status_code == 201, answer.text
    assert answer.json()["redirect_uri"]


def test_creates_as_accredibles_ruby_sdk_sends_them(server: LiveServer) -> None:
    """accredible-api-ruby posts every create to a path ending in '/': a credential, an
    evidence item, a reference and a group, over real HTTP (Rails ignores the slash)."""
    base = f"{server.base_url}/accredible/v1"
    headers = {"Authorization": "Token token=accredible-demo-key"}

    def post(path: str, body: dict) -> dict:
        answer = requests.post(f"{base}{path}", json=body, headers=headers, timeout=10)
        assert answer.status_code == 200, (path, answer.text)
        return answer.json()

    group = post(
        "/issuer/groups/",
        {"group": {"name": "ruby-sdk", "course_name": "Ruby", "course_description": "Gem"}},
    )["group"]
    credential = post(
        "/credentials/",
        {
            "credential": {
                "recipient": {"name": "Ruby User", "email": "ruby@example.com"},
                "group_id": group["id"],
            }
        },
    )["credential"]
    evidence = post(
        f"/credentials/{credential['id']}/evidence_items/",
        {"evidence_item": {"description": "Grade", "category": "grade", "string_object": "83"}},
    )
    assert evidence["evidence_item"]["id"]
    reference = post(
        f"/credentials/{credential['id']}/references/",
        {"reference": {"description": "Worked hard", "relationship": "managed"}},
    )
    assert reference["reference"]["id"]
