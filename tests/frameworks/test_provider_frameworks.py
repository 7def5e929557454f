"""Each provider takes requests the way its framework does (core/frameworks): Rails for
Accredible, Springest and SEEK Pass, Laravel for VEC. Paths and parameters as real clients send
them, and the journal keeps the path as it was sent."""

from __future__ import annotations

import io

from werkzeug.datastructures import MultiDict

from tests.accredible.helpers import AUTH, credential
from tests.accredible.helpers import BASE as ACCREDIBLE
from tests.springest.helpers import BASE as SPRINGEST
from tests.springest.helpers import KEY, PDF, listed
from tests.vec.helpers import FULL as VEC_AUTH

TOKEN = "/seekpass/api/partner/v1/oauth/token.json"


def test_accredible_takes_an_sdks_trailing_slash_on_every_create(client) -> None:
    """Accredible's Ruby SDK posts every create to a path ending in '/'."""
    made = client.post(
        f"{ACCREDIBLE}/v1/credentials/", headers=AUTH, json={"credential": credential()}
    )
    assert made.status_code == 200, made.get_json()
    group = client.post(
        f"{ACCREDIBLE}/v1/issuer/groups/",
        headers=AUTH,
        json={"group": {"name": "Slash 101", "course_name": "S", "course_description": "d"}},
    )
    assert group.status_code == 200, group.get_json()
    group_id = group.get_json()["group"]["id"]
    assert client.get(f"{ACCREDIBLE}/v1/issuer/groups/{group_id}/", headers=AUTH).status_code == 200
    assert client.get(f"{ACCREDIBLE}/v1/all_credentials/", headers=AUTH).status_code == 200
    journal = client.get("/_mock/requests?limit=10").get_json()["requests"]
    assert f"/accredible/v1/issuer/groups/{group_id}/" in [e["path"] for e in journal]


def test_accredible_takes_rails_format_suffix_and_repeated_slashes(client) -> None:
    made = client.post(
        f"{ACCREDIBLE}/v1/credentials.json", headers=AUTH, json={"credential": credential()}
    )
    assert made.status_code == 200
    credential_id = made.get_json()["credential"]["id"]
    shown = client.get(f"{ACCREDIBLE}/v1/credentials/{credential_id}.json", headers=AUTH)
    assert shown.get_json()["credential"]["id"] == credential_id
    assert client.get(f"{ACCREDIBLE}/v1//all_credentials", headers=AUTH).status_code == 200
    # A path the API does not have is still its documented 404.
    missing = client.get(f"{ACCREDIBLE}/v1/no_such_thing/", headers=AUTH)
    assert missing.status_code == 404 and missing.get_json() == {"error": "Not found"}


def _certificate(client, query: str = "", **fields):
    data = {**fields, "file": (io.BytesIO(PDF), "certificate.pdf")}
    return client.post(
        f"{SPRINGEST}/users/certificates.json{query}",
        data=data,
        content_type="multipart/form-data",
    )


def test_springest_finds_the_api_key_and_fields_wherever_rails_params_would(client) -> None:
    # api_key in the body, fields nested as a Rails form builder names them.
    nested = _certificate(
        client,
        api_key=KEY,
        **{
            "certificate[certification_id]": "104",
            "certificate[email]": "jan@corp.example",
            "certificate[valid_from]": "2024-01-01",
        },
    )
    assert nested.status_code == 200, nested.get_json()
    # Fields in the query string, merged with the body's.
    merged = _certificate(
        client,
        f"?api_key={KEY}&certification_id=104&valid_from=2024-02-01",
        email="jan@corp.example",
    )
    assert merged.status_code == 200, merged.get_json()
    assert merged.get_json()["certificate"]["valid_from"] == "2024-02-01"
    assert len(listed(client)) == 2


def test_springest_keeps_the_last_of_a_repeated_field_and_the_query_over_the_body(client) -> None:
    response = client.post(
        f"{SPRINGEST}/users/certificates.json/?api_key={KEY}&valid_from=2024-03-03",
        data=MultiDict(
            [
                ("certification_id", "104"),
                ("email", "first@corp.example"),
                ("email", "jan@corp.example"),
                ("valid_from", "2020-01-01"),
                ("file", (io.BytesIO(PDF), "certificate.pdf")),
            ]
        ),
        content_type="multipart/form-data",
    )
    assert response.status_code == 200, response.get_json()
    certificate = response.get_json()["certificate"]
    assert certificate["user"]["email"] == "jan@corp.example"
    assert certificate["valid_from"] == "2024-03-03"


def test_springest_without_a_key_anywhere_is_401(client) -> None:
    response = _certificate(client, certification_id="104")
    assert response.status_code == 401


def test_seekpass_token_takes_a_trailing_slash_and_the_last_repeated_field(client) -> None:
    response = client.post(
        TOKEN + "/",
        data=MultiDict(
            [
                ("grant_type", "client_credentials"),
                ("client_id", "someone-else"),
                ("client_id", "seekpass-demo-client"),
                ("client_secret", "seekpass-demo-secret"),
            ]
        ),
    )
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["token_type"].lower() == "bearer"


def test_vec_takes_a_trailing_slash_and_reads_input_as_laravel_does(client) -> None:
    listed_batches = client.get("/vec/business/batches/", headers=VEC_AUTH)
    assert listed_batches.status_code == 200
    uploaded = client.post(
        "/vec/business/certificate-vault/upload-file/",
        headers=VEC_AUTH,
        data=MultiDict(
            [("file", (io.BytesIO(PDF), "first.pdf")), ("file", (io.BytesIO(PDF), "last.pdf"))]
        ),
        content_type="multipart/form-data",
    )
    assert uploaded.status_code == 201, uploaded.get_json()
    assert uploaded.get_json()["data"]["file_name"] == "last.pdf"
