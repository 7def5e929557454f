"""Values no provider's parser takes, refused once at the edge: JSON NaN and Infinity, lone
UTF-16 surrogates. Each answer is the provider's 4xx (never a 500), nothing is stored, and
the control plane refuses them the same way."""

from __future__ import annotations

import pytest

from tests.accredible.helpers import AUTH
from tests.seekpass.helpers import BATCH_PATH, auth, token

SURROGATE = '"\\ud800"'


def _raw(client, path: str, text: str, headers: dict) -> object:
    return client.post(path, data=text, content_type="application/json", headers=headers)


@pytest.mark.parametrize(
    "text",
    [
        '{"credential_id": SURROGATE, "education_items": []}'.replace("SURROGATE", SURROGATE),
        '{"credential_id": "c", "education_items": [{"credential_id": "e", "assets": '
        '[{"asset_id": SURROGATE, "asset_type": "pdf"}]}]}'.replace("SURROGATE", SURROGATE),
        '{"credential_id": "c", "x": NaN}',
        '{"credential_id": "c", "x": Infinity}',
    ],
)
def test_seekpass_batch(client, text) -> None:
    answer = _raw(client, BATCH_PATH, text, auth(token(client)))
    assert 400 <= answer.status_code < 500, answer.get_data(as_text=True)
    assert client.get("/_mock/state?kind=request").get_json()["count"] == 0


@pytest.mark.parametrize(
    "text",
    [
        '{"credential": {"recipient": {"name": "A", "email": "a@example.com"}, '
        '"group_id": SURROGATE}}'.replace("SURROGATE", SURROGATE),
        '{"credential": {"recipient": {"name": "A", "email": "a@example.com"}, '
        '"group_name": SURROGATE}}'.replace("SURROGATE", SURROGATE),
        '{"credential": {"recipient": {"name": "A", "email": "a@example.com"}, '
        '"group_id": 9001, "meta_data": {"x": NaN}}}',
    ],
)
def test_accredible_credentials(client, text) -> None:
    answer = _raw(client, "/accredible/v1/credentials", text, AUTH)
    assert answer.status_code == 400, answer.get_data(as_text=True)
    assert "error" in answer.get_data(as_text=True).lower()
    assert client.get("/_mock/state?kind=credential").get_json()["count"] == 0


def test_a_surrogate_pair_is_text_and_is_taken(client) -> None:
    text = (
        '{"credential": {"recipient": {"name": "A \\ud83d\\ude00", "email": "a@example.com"}, '
        '"group_id": 9001}}'
    )
    answer = _raw(client, "/accredible/v1/credentials", text, AUTH)
    assert answer.status_code == 200
    assert answer.get_json()["credential"]["recipient"]["name"] == "A \U0001f600"


@pytest.mark.parametrize(
    ("path", "text"),
    [
        ("/_mock/accredible/rate_limit", '{"limit": NaN}'),
        ("/_mock/springest/limits", '{"scope": "requests", "limit": Infinity}'),
        ("/_mock/vec/processing", '{"fail_next": NaN}'),
        ("/_mock/requests/find", '{"limit": NaN}'),
        ("/_mock/faults", '{"status": 503, "path": SURROGATE}'.replace("SURROGATE", SURROGATE)),
    ],
)
def test_control_plane_numbers_and_text(client, path, text) -> None:
    answer = _raw(client, path, text, {})
    assert answer.status_code == 400, answer.get_data(as_text=True)
    # The provider still answers afterwards (a NaN quota once made every request a 500).
    assert client.get("/accredible/v1/issuer/details", headers=AUTH).status_code == 200


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/_mock/accredible/rate_limit", {"limit": 10, "period_seconds": 1e-300}),
        ("/_mock/accredible/rate_limit", {"limit": 10, "window_seconds": 1e300}),
        ("/_mock/accredible/rate_limit", {"limit": 10**30}),
        ("/_mock/springest/limits", {"scope": "requests", "limit": 10**40}),
        ("/_mock/vec/processing", {"fail_next": 10**30}),
        ("/_mock/vec/processing", {"fail_next": -5}),
        ("/_mock/accredible/credits", {"balance": 10**40}),
    ],
)
def test_control_numbers_out_of_their_range(client, path, body) -> None:
    answer = client.post(path, json=body)
    assert answer.status_code in (400, 422), answer.get_data(as_text=True)
    assert " from " in answer.get_json()["mock_error"]["message"]  # names the range
    assert client.get("/accredible/v1/issuer/details", headers=AUTH).status_code == 200
