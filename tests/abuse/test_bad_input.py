"""What generators miss: truncated and invalid UTF-8 JSON, deep nesting, arrays far past the
documented limits, XML bombs, path traversal, header injection and many unknown routes. Every
answer is the provider's own error, never a 500."""

from __future__ import annotations

import io

import pytest

from tests.seekpass.helpers import auth, token
from tests.springest.helpers import post as post_certificate

ACCREDIBLE = {"Authorization": "Token token=accredible-demo-key"}
VEC = {"Authorization": "Bearer vec-demo-full-token"}
JSON_TARGETS = [
    ("accredible", "/accredible/v1/credentials", ACCREDIBLE),
    ("vec", "/vec/business/certificate-vault/bulk", VEC),
    ("seekpass", "/seekpass/api/partner/v2/add/requests/batch.json", None),
]


def _headers(client, provider, headers):
    return auth(token(client)) if provider == "seekpass" else headers


@pytest.mark.parametrize(("provider", "path", "headers"), JSON_TARGETS)
@pytest.mark.parametrize(
    "body",
    [
        b'{"credentials": [{"recipient": {"name": "A"',
        b'{"a": "\xff\xfe\xfa"}',
        b"[" * 100_000,
        b'{"a": ' * 50_000 + b"1" + b"}" * 50_000,
    ],
    ids=["truncated", "invalid-utf8", "deep-array", "deep-object"],
)
def test_broken_json_is_a_provider_4xx(client, provider, path, headers, body) -> None:
    response = client.post(
        path,
        data=body,
        content_type="application/json",
        headers=_headers(client, provider, headers),
    )
    assert 400 <= response.status_code < 500, response.get_data(as_text=True)[:200]
    assert response.headers["X-Mockserver"].endswith(f"provider={provider}")
    assert b"<html" not in response.data.lower()


def test_arrays_far_past_the_documented_limits(client) -> None:
    recipient = {"recipient": {"name": "A", "email": "a@example.com"}, "group_id": 9001}
    v2 = client.post(
        "/accredible/v2/credentials/bulk_create",
        json={"credentials": [recipient] * 5000},
        headers=ACCREDIBLE,
    )
    assert v2.status_code == 422 and "at most 30" in v2.get_json()["errors"]
    v1 = client.post(
        "/accredible/v1/credentials/bulk_create",
        json={"credentials": [recipient] * 5000},
        headers=ACCREDIBLE,
    )
    assert v1.status_code == 422 and "at most 100" in v1.get_json()["errors"]
    entry = {
        "certificate_title": "T",
        "full_name": "N",
        "applicant_email": "n@example.com",
        "file_id": "00000000-0000-0000-0000-000000000000",
    }
    vec = client.post(
        "/vec/business/certificate-vault/bulk", json={"entries": [entry] * 5000}, headers=VEC
    )
    assert vec.status_code == 422 and "message" in vec.get_json()


def test_xml_bombs_are_never_parsed(client) -> None:
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa">'
        + b"".join(
            b'<!ENTITY %c "&%c;&%c;&%c;&%c;&%c;&%c;&%c;&%c;&%c;&%c;">'
            % ((98 + i,) + (97 + i,) * 10)
            for i in range(9)
        )
        + b"]><l>&j;</l>"
    )
    key = "springest-certificates-key"
    response = client.post(
        f"/springest/users/certificates.xml?api_key={key}",
        data=bomb,
        content_type="application/xml",
    )
    assert response.status_code == 400 and b"multipart/form-data" in response.data
    as_file = post_certificate(client, fmt=".xml", file=bomb, filename="bomb.xml")
    assert as_file.status_code == 400 and b"PDF" in as_file.data


def test_path_traversal_in_file_names_and_keys(client, runtime) -> None:
    posted = post_certificate(client, filename="../../../../etc/passwd.pdf")
    assert posted.status_code == 200
    stored = runtime.store.list("springest:demo-lms", "certificate")[0]["file"]
    assert ".." not in stored["key"] and stored["key"].startswith("springest:demo-lms/")
    uploaded = client.post(
        "/vec/business/certificate-vault/upload-file",
        headers=VEC,
        data={"file": (io.BytesIO(b"%PDF-1.4 x"), "../../x/../evil.pdf")},
        content_type="multipart/form-data",
    )
    assert uploaded.status_code == 201
    keys = [u["key"] for u in runtime.uploads.all()] + [
        row["doc"].get("key", "") for row in runtime.store.dump("vec:", "vec_file")
    ]
    assert all(".." not in k for k in keys)
    for path in (
        "/_s3/mockserver-uploads/../../etc/passwd",
        "/_s3/mockserver-uploads/%2e%2e/%2e%2e/etc/passwd",
    ):
        response = client.put(path, data=b"x", headers={"Content-Length": "1"})
        assert response.status_code in (400, 403, 404), path
        assert b"<Error>" in response.data


def test_header_injection_through_the_request_id(client) -> None:
    # Test clients refuse to send CR/LF in a header, so the raw environ carries it.
    response = client.get(
        "/accredible/v1/issuer/details",
        headers=ACCREDIBLE,
        environ_overrides={"HTTP_X_REQUEST_ID": "abc\r\nSet-Cookie: pwned=1"},
    )
    assert response.status_code == 200
    assert "pwned" not in response.headers.get("X-Request-Id", "")
    assert "Set-Cookie" not in response.headers
    plain = client.get(
        "/accredible/v1/issuer/details", headers={**ACCREDIBLE, "X-Request-Id": "trace-123"}
    )
    assert plain.headers["X-Request-Id"] == "trace-123"


def test_ten_thousand_unknown_routes(client, runtime) -> None:
    statuses = set()
    for i in range(10_000):
        provider = ("accredible", "vec", "springest", "seekpass")[i % 4]
        response = client.get(f"/{provider}/no/such/route/{i}")
        statuses.add((provider, response.status_code, response.mimetype))
    assert {status for _, status, _ in statuses} == {404}
    assert all(mimetype in ("application/json",) for _, _, mimetype in statuses)
    unmatched = client.get("/_mock/requests/unmatched?limit=1").get_json()
    assert unmatched["count"] == runtime.journal.size  # bounded: the oldest were dropped
    assert client.get("/_mock/health").status_code == 200


def test_non_ascii_digits_in_ids_are_not_numbers(client) -> None:
    """ "²" passes str.isdigit() but not int(): schemathesis found it made 500s."""
    for path, method in (
        ("/accredible/v1/frontend/credential_website_embed_image/certificate/%C2%B2", "GET"),
        ("/accredible/v1/credentials/%C2%B27/references/1", "PUT"),
        ("/accredible/v1/credentials/%C2%B3/evidence_items/1", "GET"),
    ):
        response = client.open(
            path,
            method=method,
            headers=ACCREDIBLE,
            json={"reference": {}} if method == "PUT" else None,
        )
        assert response.status_code == 404, path
    assert _update_new_collection(client, {"groups": [{"id": "²"}]}).status_code == 422
    springest = client.get(
        "/springest/users/certificates.json"
        "?api_key=springest-certificates-key&certification_id=%C2%B2"
    )
    assert springest.status_code == 400


def test_updates_with_refs_without_ids_are_invalid(client) -> None:
    """A partial (update) load left nested refs' id optional: schemathesis found the 500."""
    assert _update_new_collection(client, {"groups": [{}]}).status_code == 422
    group = client.put(
        "/accredible/v1/issuer/groups/9001",
        headers=ACCREDIBLE,
        json={"group": {"collections": [{}]}},
    )
    assert group.status_code == 422


def _update_new_collection(client, changes: dict):
    """PUT `changes` to a collection created for the purpose."""
    collection = client.post(
        "/accredible/v1/collections", headers=ACCREDIBLE, json={"collection": {"name": "c"}}
    ).get_json()["collection"]
    return client.put(
        f"/accredible/v1/collections/{collection['id']}",
        headers=ACCREDIBLE,
        json={"collection": changes},
    )
