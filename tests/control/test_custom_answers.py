"""Rules with their own answers and richer matchers, and journal queries with the same
matchers (issue 17, part 2)."""

from __future__ import annotations

import io

import pytest

from mockserver.core.errors import ApiError
from tests.accredible.helpers import AUTH, credential
from tests.seekpass.helpers import auth, token

VEC = {"Authorization": "Bearer vec-demo-full-token"}
PROBES = {
    "seekpass": ("GET", "/seekpass/api/partner/v2/webhooks"),
    "vec": ("GET", "/vec/business/certificate-vault"),
    "accredible": ("GET", "/accredible/v1/issuer/details"),
    "springest": ("GET", "/springest/certifications.json?api_key=springest-certifications-key"),
}


def _headers(client, provider: str) -> dict[str, str]:
    return {
        "seekpass": lambda: auth(token(client)),
        "vec": lambda: VEC,
        "accredible": lambda: AUTH,
        "springest": lambda: {},
    }[provider]()


@pytest.mark.parametrize("provider", sorted(PROBES))
def test_a_message_is_answered_in_the_providers_own_envelope(
    app, runtime, client, provider
) -> None:
    method, path = PROBES[provider]
    headers = _headers(client, provider)  # before the rule: it would answer the token request
    added = client.post(
        "/_mock/faults",
        json={"provider": provider, "status": 422, "message": "upstream field missing", "times": 1},
    )
    assert added.status_code == 201, added.get_json()
    answer = client.open(path, method=method, headers=headers)
    with app.test_request_context(path, method=method):
        expected = runtime.providers[provider].render_error(
            ApiError(422, "unprocessable_entity", "upstream field missing")
        )
    assert answer.status_code == 422
    assert answer.get_data() == expected.get_data()
    assert "upstream field missing" in answer.get_data(as_text=True)


def test_a_body_of_your_own_with_headers(client) -> None:
    client.post(
        "/_mock/faults",
        json={
            "provider": "vec",
            "method": "GET",
            "path": "/vec/business/certificate-templates",
            "status": 200,
            "body": {"data": [{"id": 1, "name": None}], "meta": {"odd": True}},
            "headers": {"X-Upstream": "stubbed"},
        },
    )
    answer = client.get("/vec/business/certificate-templates", headers=VEC)
    assert answer.status_code == 200
    assert answer.get_json() == {"data": [{"id": 1, "name": None}], "meta": {"odd": True}}
    assert answer.headers["X-Upstream"] == "stubbed"
    text_rule = client.post(
        "/_mock/faults",
        json={"provider": "springest", "status": 503, "body": "maintenance", "times": 1},
    )
    assert text_rule.status_code == 201
    text = client.get(PROBES["springest"][1])
    assert (text.status_code, text.get_data(as_text=True), text.mimetype) == (
        503,
        "maintenance",
        "text/plain",
    )


def test_rules_match_on_headers_and_on_a_json_body_subset(client) -> None:
    client.post(
        "/_mock/faults",
        json={
            "provider": "accredible",
            "match_headers": {"X-Test-Case": "upstream-down"},
            "status": 503,
            "message": "down for this case",
        },
    )
    client.post(
        "/_mock/faults",
        json={
            "provider": "accredible",
            "method": "POST",
            "match_body": {"credential": {"group_id": 9002}},
            "status": 422,
            "message": "only for the workshop group",
        },
    )
    details = "/accredible/v1/issuer/details"
    assert client.get(details, headers=AUTH).status_code == 200
    tagged = client.get(details, headers={**AUTH, "X-Test-Case": "upstream-down"})
    assert tagged.status_code == 503
    create = "/accredible/v1/credentials"
    intro = client.post(create, json={"credential": credential()}, headers=AUTH)
    assert intro.status_code == 200
    workshop = client.post(
        create, json={"credential": credential(email="w@example.com", group=9002)}, headers=AUTH
    )
    assert workshop.status_code == 422
    assert "only for the workshop group" in workshop.get_data(as_text=True)


def test_the_journal_takes_the_same_matchers(client) -> None:
    client.get("/accredible/v1/issuer/details", headers={**AUTH, "X-Test-Case": "a"})
    client.post(
        "/accredible/v1/credentials",
        json={"credential": credential(email="j@example.com", group=9002)},
        headers=AUTH,
    )
    by_header = client.post("/_mock/requests/find", json={"match_headers": {"x-test-case": "a"}})
    assert by_header.get_json()["count"] == 1
    by_query = client.get("/_mock/requests/count?header=X-Test-Case:a").get_json()
    assert by_query["count"] == 1
    by_body = client.post(
        "/_mock/requests/find", json={"match_body": {"credential": {"group_id": 9002}}}
    ).get_json()
    assert [e["path"] for e in by_body["requests"]] == ["/accredible/v1/credentials"]
    wrong = client.post("/_mock/requests/find", json={"match_body": [1]})
    assert wrong.status_code == 400
    assert "match_body must be a JSON object" in wrong.get_json()["mock_error"]["message"]


def test_custom_answers_are_checked(client) -> None:
    for body, allowed in [
        ({"provider": "vec", "message": "m"}, "needs its status"),
        ({"provider": "vec", "status": 422, "message": "m", "body": {}}, "give body"),
        ({"provider": "vec", "headers": {"X": "a\nb"}}, "headers must be"),
        ({"provider": "vec", "status": 500, "match_headers": ["x"]}, "match_headers must"),
    ]:
        answer = client.post("/_mock/faults", json=body)
        assert answer.status_code == 422, body
        assert allowed in answer.get_json()["mock_error"]["message"], body


def test_a_body_matcher_never_reads_an_upload_past_the_api_limit(client) -> None:
    """A JSON-subset rule looks at JSON bodies only: a 12 MB file (over the API's 10 MiB,
    under the upload limit) still reaches VEC's upload route."""
    client.post(
        "/_mock/faults",
        json={"provider": "vec", "match_body": {"x": 1}, "status": 500, "message": "never"},
    )
    pdf = b"%PDF-1.4\n" + b"0" * (12 * 1024 * 1024)
    answer = client.post(
        "/vec/business/certificate-vault/upload-file",
        data={"file": (io.BytesIO(pdf), "big.pdf")},
        headers=VEC,
        content_type="multipart/form-data",
    )
    assert answer.status_code == 201, answer.get_json()
