"""OAuth client-credentials tokens and how the API treats them."""

import jwt
import pytest

from tests.seekpass.helpers import (
    BATCH_PATH,
    FULL_CLIENT,
    TOKEN_PATH,
    TRAINING_CLIENT,
    auth,
    sample_batch,
    token,
)

STATUS_PATH = "/seekpass/api/partner/v1/submissions/x/status.json"


def _form(**changes):
    form = {
        "grant_type": "client_credentials",
        "client_id": FULL_CLIENT[0],
        "client_secret": FULL_CLIENT[1],
    }
    form.update(changes)
    return {key: value for key, value in form.items() if value is not None}


def test_token_is_an_hs512_jwt_with_the_requested_scopes(client) -> None:
    response = client.post(TOKEN_PATH, data=_form(scope="write.education write.microcredential"))
    assert response.status_code == 200
    body = response.get_json()
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == 7200
    assert body["scope"] == "write.education write.microcredential"
    assert response.headers["Cache-Control"] == "no-store"
    assert jwt.get_unverified_header(body["access_token"])["alg"] == "HS512"


def test_without_scope_the_token_carries_every_granted_scope(client) -> None:
    body = client.post(TOKEN_PATH, data=_form()).get_json()
    assert set(body["scope"].split()) >= {"write.education", "write.universal"}


def test_client_credentials_in_basic_auth_and_json_are_accepted(client) -> None:
    import base64

    basic = base64.b64encode(b"seekpass-demo-client:seekpass-demo-secret").decode()
    response = client.post(
        TOKEN_PATH,
        data={"grant_type": "client_credentials"},
        headers={"Authorization": f"Basic {basic}"},
    )
    assert response.status_code == 200
    response = client.post(TOKEN_PATH, json=_form())
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("form", "status", "error"),
    [
        (_form(client_id="nobody"), 401, "invalid_client"),
        (_form(client_secret="wrong"), 401, "invalid_client"),
        (_form(client_id=None, client_secret=None), 401, "invalid_client"),
        (_form(grant_type="password"), 400, "unsupported_grant_type"),
        (_form(grant_type=None), 400, "invalid_request"),
        (_form(scope="write.education write.nonsense"), 400, "invalid_scope"),
    ],
)
def test_token_errors_follow_rfc_6749(client, form, status, error) -> None:
    response = client.post(TOKEN_PATH, data=form)
    assert response.status_code == status
    body = response.get_json()
    assert body["error"] == error
    assert body["error_description"]


def test_scope_not_granted_to_the_client_is_named(client) -> None:
    response = client.post(
        TOKEN_PATH,
        data={
            "grant_type": "client_credentials",
            "client_id": TRAINING_CLIENT[0],
            "client_secret": TRAINING_CLIENT[1],
            "scope": "write.education write.right_to_work",
        },
    )
    assert response.status_code == 400
    assert "write.right_to_work" in response.get_json()["error_description"]


@pytest.mark.parametrize(
    ("headers", "description"),
    [
        ({}, "No access token was given"),
        ({"Authorization": "Bearer not-a-jwt"}, "The access token is invalid"),
        ({"Authorization": "Token abc"}, "No access token was given"),
    ],
)
def test_missing_or_bad_tokens_get_401_invalid_token(client, headers, description) -> None:
    response = client.get(STATUS_PATH, headers=headers)
    assert response.status_code == 401
    assert response.get_json() == {"error": "invalid_token", "error_description": description}
    assert response.headers["WWW-Authenticate"].startswith('Bearer realm="SEEK Pass"')


def test_a_token_signed_with_another_key_is_invalid(client) -> None:
    forged = jwt.encode({"sub": FULL_CLIENT[0], "exp": 4102444800}, "x" * 64, algorithm="HS512")
    response = client.get(STATUS_PATH, headers=auth(forged))
    assert response.get_json()["error_description"] == "The access token is invalid"


def test_tokens_expire_on_the_server_clock(client) -> None:
    access = token(client)
    assert client.get(STATUS_PATH, headers=auth(access)).status_code == 404
    client.post("/_mock/clock", json={"advance": 7199})
    assert client.get(STATUS_PATH, headers=auth(access)).status_code == 404
    client.post("/_mock/clock", json={"advance": 1})
    response = client.get(STATUS_PATH, headers=auth(access))
    assert response.status_code == 401
    assert response.get_json()["error_description"] == "The access token expired"


def test_a_token_of_a_client_removed_from_the_fixtures_stops_working(client) -> None:
    access = token(client, TRAINING_CLIENT)
    client.post("/_mock/fixtures", json={"seekpass": {"accounts": []}})
    assert client.get(STATUS_PATH, headers=auth(access)).status_code == 401


def test_batch_needs_the_write_scope_of_every_kind_it_holds(client) -> None:
    access = token(client, TRAINING_CLIENT)
    response = client.post(BATCH_PATH, json=sample_batch(), headers=auth(access))
    assert response.status_code == 403
    body = response.get_json()
    assert body["error"] == "insufficient_scope"
    assert body["missing_scopes"] == [
        "write.digital_identity",
        "write.english_proficiency",
        "write.right_to_work",
        "write.career_history",
        "write.universal",
    ]
    narrow = token(client, scope="write.education")
    only_education = {"credential_id": "b", "education_items": sample_batch()["education_items"]}
    assert client.post(BATCH_PATH, json=only_education, headers=auth(narrow)).status_code == 201
    with_micro = dict(
        only_education,
        credential_id="c",
        microcredential_items=sample_batch()["microcredential_items"],
    )
    response = client.post(BATCH_PATH, json=with_micro, headers=auth(narrow))
    assert response.status_code == 403
    assert response.get_json()["missing_scopes"] == ["write.microcredential"]
    # An empty group adds nothing, so it asks for no scope.
    with_empty = dict(only_education, credential_id="d", english_proficiency_items=[])
    assert client.post(BATCH_PATH, json=with_empty, headers=auth(narrow)).status_code == 201
