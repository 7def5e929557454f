"""Tenant isolation, resource by resource: what one account made, another account's
credential never gets. Each answer is the provider's not-found or forbidden, and no body
carries the owner's data."""

from __future__ import annotations

import io

import pytest

from tests.seekpass.helpers import BATCH_PATH, TRAINING_CLIENT, auth, sample_batch, token
from tests.springest.helpers import post as post_certificate

OWNER_MARK = "owner-secret-marker"


def _refused(response, what: str) -> None:
    assert response.status_code in (403, 404), (what, response.status_code)
    assert OWNER_MARK not in response.get_data(as_text=True), what
    assert "owner@example.com" not in response.get_data(as_text=True), what


def test_accredible_every_resource(client) -> None:
    owner = {"Authorization": "Token token=accredible-demo-key"}
    other = {"Authorization": "Token token=accredible-sandbox-key"}
    credential = client.post(
        "/accredible/v1/credentials",
        headers=owner,
        json={
            "credential": {
                "recipient": {"name": OWNER_MARK, "email": "owner@example.com"},
                "group_id": 9001,
                "id": "OWNER-1",
                "evidence_items": [{"description": OWNER_MARK, "category": "url"}],
                "references": [{"description": OWNER_MARK, "relationship": "taught"}],
            }
        },
    ).get_json()["credential"]
    cid, evidence, reference = (
        credential["id"],
        credential["evidence_items"][0]["id"],
        credential["references"][0]["id"],
    )
    group = client.post(
        "/accredible/v1/issuer/groups",
        headers=owner,
        json={"group": {"name": OWNER_MARK, "course_name": "c", "course_description": "d"}},
    ).get_json()["group"]
    design = client.post(
        "/accredible/v1/designs",
        headers=owner,
        json={"design": {"name": OWNER_MARK, "kind": "badge", "encoded_content": "x"}},
    ).get_json()["design"]
    collection = client.post(
        "/accredible/v1/collections", headers=owner, json={"collection": {"name": OWNER_MARK}}
    ).get_json()["collection"]
    export = client.post(
        "/accredible/v1/data_exports",
        headers=owner,
        json={"data_export": {"entity": "credentials", "department_id": 201}},
    ).get_json()["data_export"]
    member = client.post(
        "/accredible/v1/team_members",
        headers=owner,
        json={
            "team_member": {
                "name": OWNER_MARK,
                "email": "owner@example.com",
                "department_permissions": [
                    {
                        "department_id": 201,
                        "permissions": {
                            "designs": True,
                            "emails": True,
                            "credential_attributes": True,
                            "analytics": True,
                            "settings": True,
                            "role": "viewer",
                        },
                    }
                ],
            }
        },
    ).get_json()["team_member"]
    base = "/accredible"
    attempts = [
        ("GET", f"/v1/credentials/{cid}", None),
        ("GET", "/v1/credentials/OWNER-1", None),
        ("GET", f"/v1/credentials/{credential['encoded_id']}", None),
        ("PUT", f"/v1/credentials/{cid}", {"credential": {"grade": "F"}}),
        ("DELETE", f"/v1/credentials/{cid}", None),
        ("GET", f"/v1/credentials/{cid}/evidence_items/{evidence}", None),
        (
            "PUT",
            f"/v1/credentials/{cid}/evidence_items/{evidence}",
            {"evidence_item": {"description": "x"}},
        ),
        ("DELETE", f"/v1/credentials/{cid}/evidence_items/{evidence}", None),
        (
            "POST",
            f"/v1/credentials/{cid}/evidence_items",
            {"evidence_item": {"description": "x", "category": "url"}},
        ),
        ("GET", f"/v1/credentials/{cid}/references/{reference}", None),
        (
            "PUT",
            f"/v1/credentials/{cid}/references/{reference}",
            {"reference": {"description": "x"}},
        ),
        ("DELETE", f"/v1/credentials/{cid}/references/{reference}", None),
        ("POST", f"/v1/credentials/generate_single_pdf/{cid}", None),
        ("POST", "/v1/credentials/generate_pdf", {"credential_ids": [cid]}),
        ("POST", f"/v1/credentials/analytics/{cid}", None),
        ("POST", "/v1/sso/generate_link", {"credential_id": str(cid)}),
        ("GET", f"/v1/issuer/credential_redirect?id={cid}&issuer_id=5120", None),
        ("GET", f"/v1/issuer/groups/{group['id']}", None),
        ("PUT", f"/v1/issuer/groups/{group['id']}", {"group": {"name": "x"}}),
        ("DELETE", f"/v1/issuer/groups/{group['id']}", None),
        ("POST", f"/v1/issuer/groups/{group['id']}/clone", None),
        ("GET", f"/v1/designs/{design['id']}", None),
        ("PUT", f"/v1/designs/{design['id']}", {"design": {"name": "x"}}),
        ("DELETE", f"/v1/designs/{design['id']}", None),
        ("POST", f"/v1/designs/{design['id']}/copy", None),
        ("POST", f"/v1/designs/{design['id']}/preview", {}),
        ("GET", "/v1/departments/201", None),
        ("PUT", "/v1/departments/201", {"department": {"name": "x"}}),
        ("DELETE", "/v1/departments/201", None),
        ("PUT", f"/v1/collections/{collection['id']}", {"collection": {"name": "x"}}),
        ("DELETE", f"/v1/collections/{collection['id']}", None),
        ("GET", f"/v1/data_exports/{export['id']}", None),
        (
            "POST",
            "/v1/data_exports",
            {"data_export": {"entity": "credentials", "department_id": 201}},
        ),
        ("GET", f"/v1/team_members/{member['id']}", None),
        ("PUT", f"/v1/team_members/{member['id']}", {"team_member": {"name": "x"}}),
        ("DELETE", f"/v1/team_members/{member['id']}", None),
    ]
    for method, path, body in attempts:
        _refused(
            client.open(base + path, method=method, json=body, headers=other), f"{method} {path}"
        )
    lists = [
        ("GET", "/v1/all_credentials", None),
        ("POST", "/v1/credentials/search", {}),
        ("POST", "/v2/credentials/search", {"query": {}}),
        ("GET", "/v1/issuer/all_groups", None),
        ("POST", "/v1/issuer/groups/search", {}),
        ("GET", "/v1/designs", None),
        ("POST", "/v1/designs/search", {}),
        ("POST", "/v1/collections/search", {"query": {}}),
        ("GET", "/v1/data_exports", None),
        ("GET", "/v1/analytics", None),
        ("POST", "/v1/attribute_keys/search", {}),
        ("POST", "/v1/departments/search", {}),
    ]
    for method, path, body in lists:
        response = client.open(base + path, method=method, json=body, headers=other)
        assert response.status_code == 200, path
        assert OWNER_MARK not in response.get_data(as_text=True), path
    # And the owner still has everything.
    assert client.get(f"{base}/v1/credentials/{cid}", headers=owner).status_code == 200


def test_vec_every_resource(client) -> None:
    owner = {"Authorization": "Bearer vec-demo-full-token"}
    other = {"Authorization": "Bearer vec-second-college-token"}
    file_id = client.post(
        "/vec/business/certificate-vault/upload-file",
        headers=owner,
        data={"file": (io.BytesIO(b"%PDF-1.4 x"), "a.pdf")},
        content_type="multipart/form-data",
    ).get_json()["data"]["file_id"]
    entry = {
        "certificate_title": OWNER_MARK,
        "full_name": OWNER_MARK,
        "applicant_email": "owner@example.com",
        "file_id": file_id,
    }
    bulk = client.post(
        "/vec/business/certificate-vault/bulk", json={"entries": [entry]}, headers=owner
    ).get_json()["data"]
    vault = client.get("/vec/business/certificate-vault", headers=owner).get_json()["data"][0]
    for method, path in [
        ("GET", f"/vec/business/certificate-vault/{vault['uuid']}"),
        ("POST", f"/vec/business/certificate-vault/{vault['uuid']}/retry"),
        ("GET", f"/vec/business/certificate-vault/{vault['uuid']}/download"),
    ]:
        _refused(client.open(path, method=method, headers=other), path)
    reuse = client.post(
        "/vec/business/certificate-vault/bulk", json={"entries": [entry]}, headers=other
    )
    assert reuse.status_code == 422 and OWNER_MARK not in reuse.get_data(as_text=True)
    listed = client.get(
        f"/vec/business/certificate-vault?batch_id={bulk['batch_id']}", headers=other
    )
    assert listed.status_code == 200 and OWNER_MARK not in listed.get_data(as_text=True)


def test_springest_every_resource(client) -> None:
    owner, other = "springest-certificates-key", "springest-other-key"
    post_certificate(client, key=owner, email="owner@example.com")
    listed = client.get(f"/springest/users/certificates.json?api_key={other}")
    assert listed.status_code == 200 and "owner@example.com" not in listed.get_data(as_text=True)
    filtered = client.get(
        f"/springest/users/certificates.json?api_key={other}&certification_id=104"
    )
    _refused(filtered, "filter by the owner's certification")
    posted = post_certificate(client, key=other, email="x@example.com")
    _refused(posted, "post into the owner's certification")


@pytest.mark.parametrize("kind", ["status", "webhook", "verify"])
def test_seekpass_every_resource(client, kind) -> None:
    owner = auth(token(client))
    other = auth(token(client, TRAINING_CLIENT))
    if kind == "status":
        client.post(BATCH_PATH, json=sample_batch(), headers=owner)
        path = "/seekpass/api/partner/v1/submissions/mock-batch-0001/status.json"
        _refused(client.get(path, headers=other), path)
        return
    if kind == "webhook":
        hook = client.post(
            "/seekpass/api/partner/v2/webhooks",
            headers=owner,
            json={"url": f"https://owner.example.com/{OWNER_MARK}"},
        ).get_json()
        base = f"/seekpass/api/partner/v2/webhooks/{hook['id']}"
        for method, path, body in [
            ("GET", base, None),
            ("DELETE", base, None),
            ("PUT", base, {"url": "https://x.example.com"}),
            ("PUT", f"{base}/secret", None),
        ]:
            _refused(client.open(path, method=method, json=body, headers=other), path)
        listed = client.get("/seekpass/api/partner/v2/webhooks", headers=other)
        assert OWNER_MARK not in listed.get_data(as_text=True)
        return
    client.post(
        "/seekpass/api/partner/v2/verify/requests/digital_identity.json",
        json={"request_id": "owner-verify"},
        headers=owner,
    )
    path = "/seekpass/api/partner/v2/verify/requests/owner-verify.json"
    _refused(client.get(path, headers=other), path)
