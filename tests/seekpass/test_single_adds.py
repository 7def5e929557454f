"""Single adds (v1 and v2) and the v1 batch: shapes, rules, redirects, idempotency."""

import base64
import copy

import pytest

from tests.seekpass.helpers import SAMPLE_BATCH, TRAINING_CLIENT, auth, token

V2 = "/seekpass/api/partner/v2/add/requests/{}.json"
V1 = "/seekpass/api/partner/v1/add/{}.json"
ITEMS = {
    "education": SAMPLE_BATCH["education_items"][0],
    "microcredential": SAMPLE_BATCH["microcredential_items"][0],
    "english_proficiency": SAMPLE_BATCH["english_proficiency_items"][0],
    "digital_identity": {
        "credential_id": "id-1",
        "fields": {
            "full_name": "Avery Quinn",
            "date_of_birth": "1994-07-02",
            "identity_document_validity": "government_database",
            "identity_document_liveness": "automated",
            "identity_document_person_match": "automated",
        },
    },
    "right_to_work": SAMPLE_BATCH["right_to_work_items"][0],
    "career_history": SAMPLE_BATCH["career_history"],
    "universal_credential": SAMPLE_BATCH["universal_credential_items"][0],
}
REDIRECTS = {
    "education": "education",
    "microcredential": "microcredential",
    "english_proficiency": "englishProficiency",
    "digital_identity": "digitalIdentity",
    "right_to_work": "rightToWork",
    "career_history": "careerHistory",
    "universal_credential": "universalCredential",
}


@pytest.fixture
def headers(client):
    return auth(token(client))


@pytest.mark.parametrize("kind", list(ITEMS))
def test_v2_single_add_of_every_kind(client, headers, kind) -> None:
    response = client.post(V2.format(kind), json=copy.deepcopy(ITEMS[kind]), headers=headers)
    assert response.status_code == 201, response.get_data(as_text=True)
    body = response.get_json()
    assert body["redirect_uri"].startswith(
        f"http://127.0.0.1:8080/seekpass/partner/add/{REDIRECTS[kind]}#clientId=seekpass-demo-client&content="
    )
    takes_assets = "assets" in ITEMS[kind]
    assert ("asset_uploads" in body) is takes_assets
    if takes_assets:
        assert [u["asset_id"] for u in body["asset_uploads"]] == [
            a["asset_id"] for a in ITEMS[kind]["assets"]
        ]
    status = client.get(
        f"/seekpass/api/partner/v1/submissions/{ITEMS[kind]['credential_id']}/status.json",
        headers=headers,
    ).get_json()
    assert status["status"] == "incomplete"


def test_v2_single_is_idempotent_per_credential_id(client, headers) -> None:
    first = client.post(V2.format("education"), json=ITEMS["education"], headers=headers).get_json()
    again = client.post(V2.format("education"), json=ITEMS["education"], headers=headers).get_json()
    assert first["redirect_uri"] == again["redirect_uri"]
    assert client.get("/_mock/seekpass/requests").get_json()["count"] == 1


def test_v2_single_needs_its_own_scope(client) -> None:
    narrow = auth(token(client, TRAINING_CLIENT))
    response = client.post(V2.format("right_to_work"), json=ITEMS["right_to_work"], headers=narrow)
    assert response.status_code == 403
    assert response.get_json()["missing_scopes"] == ["write.right_to_work"]


def test_v2_single_refuses_assets_where_the_kind_takes_none(client, headers) -> None:
    body = dict(ITEMS["career_history"], assets=[{"asset_id": "a", "asset_type": "pdf"}])
    response = client.post(V2.format("career_history"), json=body, headers=headers)
    assert response.status_code == 422
    assert response.get_json()["errors"]["assets"][0].startswith(
        "is not accepted for career_history"
    )


@pytest.mark.parametrize(
    ("fields", "missing"),
    [
        (
            {"full_name": "A"},
            [
                "identity_document_liveness",
                "identity_document_person_match",
                "identity_document_validity",
            ],
        ),
        (
            {"full_name": "A", "identity_document_validity": "manual"},
            ["identity_document_liveness", "identity_document_person_match"],
        ),
    ],
)
def test_single_digital_identity_needs_one_whole_field_set(
    client, headers, fields, missing
) -> None:
    body = {"credential_id": "id-x", "fields": fields}
    response = client.post(V2.format("digital_identity"), json=body, headers=headers)
    assert response.status_code == 422
    errors = response.get_json()["errors"]
    assert sorted(key.removeprefix("fields.") for key in errors) == missing
    older = {
        "credential_id": "id-y",
        "fields": {"full_name": "A", "identity_verification_level": "basic"},
    }
    assert (
        client.post(V2.format("digital_identity"), json=older, headers=headers).status_code == 201
    )


def test_universal_asset_data_as_a_data_url_is_stored_without_an_upload(
    client, runtime, headers
) -> None:
    pdf = b"%PDF-1.4 inline"
    body = copy.deepcopy(ITEMS["universal_credential"])
    body["assets"] = [
        {
            "asset_id": "inline",
            "asset_type": "pdf",
            "asset_data": "data:application/pdf;base64," + base64.b64encode(pdf).decode(),
        }
    ]
    response = client.post(V2.format("universal_credential"), json=body, headers=headers)
    assert response.status_code == 201
    assert response.get_json()["asset_uploads"] == []
    request = client.get("/_mock/seekpass/requests").get_json()["requests"][0]
    assert request["uploads"] == [
        {
            "asset_id": "inline",
            "status": "uploaded",
            "size": len(pdf),
            "content_type": "application/pdf",
        }
    ]
    assert runtime.storage.get(request["assets"][0]["key"]) == pdf


def test_universal_asset_data_as_a_url_needs_no_upload(client, headers) -> None:
    body = copy.deepcopy(ITEMS["universal_credential"])
    body["assets"] = [
        {
            "asset_id": "remote",
            "asset_type": "png",
            "asset_data": "https://files.example.com/licence.png",
        }
    ]
    response = client.post(V2.format("universal_credential"), json=body, headers=headers)
    assert response.get_json()["asset_uploads"] == []
    request = client.get("/_mock/seekpass/requests").get_json()["requests"][0]
    assert request["uploads"][0]["status"] == "url"


@pytest.mark.parametrize(
    ("asset_data", "message"),
    [
        (
            "data:image/png;base64,iVBORw0KGgo=",
            "the data URL holds image/png, but asset_type pdf needs application/pdf",
        ),
        ("data:application/pdf;base64,***", "the data URL's base64 is malformed"),
        ("file:///etc/passwd", "must be an http(s) URL or a data URL"),
    ],
)
def test_universal_asset_data_rules(client, headers, asset_data, message) -> None:
    body = copy.deepcopy(ITEMS["universal_credential"])
    body["assets"] = [{"asset_id": "x", "asset_type": "pdf", "asset_data": asset_data}]
    response = client.post(V2.format("universal_credential"), json=body, headers=headers)
    assert response.status_code == 422
    assert message in response.get_json()["errors"]["assets[0].asset_data"]


def _v1(kind: str, document_type: str, document=None, **changes):
    credential = copy.deepcopy(ITEMS[kind]["fields"])
    body = {
        "id": f"v1-{kind}",
        "document_type": document_type,
        "credential_type": kind,
        "data": {"credential": credential, "document": document},
    }
    body.update(changes)
    return body


V1_CASES = [
    ("education", "open_cert", '{"version": "open-attestation/2.0"}'),
    ("education", "pdf", "https://files.example.com/degree.pdf"),
    ("english_proficiency", "english_assessment", "https://files.example.com/result.pdf"),
    ("microcredential", "png", "https://files.example.com/badge.png"),
    ("microcredential", "none", None),
    ("digital_identity", "none", None),
    ("right_to_work", "none", None),
    ("career_history", "none", None),
]


@pytest.mark.parametrize(("kind", "document_type", "document"), V1_CASES)
def test_v1_single_add_of_every_kind(client, headers, kind, document_type, document) -> None:
    response = client.post(
        V1.format(kind), json=_v1(kind, document_type, document), headers=headers
    )
    assert response.status_code == 201, response.get_data(as_text=True)
    body = response.get_json()
    assert list(body) == ["redirect_uri"]
    assert (
        f"/partner/add/{REDIRECTS[kind]}#clientId=seekpass-demo-client&documentType={document_type}&content="
        in body["redirect_uri"]
    )


@pytest.mark.parametrize(
    ("path_kind", "body", "field", "message"),
    [
        (
            "education",
            _v1("education", "png"),
            "document_type",
            "Must be one of: pdf, open_cert, none.",
        ),
        (
            "education",
            _v1("education", "pdf", credential_type="microcredential"),
            "credential_type",
            "must be education (the type in the path)",
        ),
        (
            "education",
            _v1("education", "pdf", "ftp://x/y.pdf"),
            "data.document",
            "must be a public http(s) URL of the pdf file",
        ),
        (
            "right_to_work",
            _v1("right_to_work", "none", "https://x/y.pdf"),
            "data.document",
            "must be null when document_type is none",
        ),
        ("education", _v1("education", "none", id=""), "id", "can't be blank"),
        (
            "career_history",
            {"id": "a", "document_type": "none", "credential_type": "career_history"},
            "data",
            "Missing data for required field.",
        ),
    ],
)
def test_v1_envelope_rules(client, headers, path_kind, body, field, message) -> None:
    response = client.post(V1.format(path_kind), json=body, headers=headers)
    assert response.status_code == 422
    assert message in response.get_json()["errors"][field]


def test_v1_credential_fields_are_validated_under_data_credential(client, headers) -> None:
    body = _v1("education", "none")
    del body["data"]["credential"]["course_name"]
    errors = client.post(V1.format("education"), json=body, headers=headers).get_json()["errors"]
    assert errors == {"data.credential.course_name": ["Missing data for required field."]}


def test_v1_batch(client, headers) -> None:
    body = {
        "id": "v1-batch-1",
        "credentials": [
            {
                "id": "c1",
                "credential_type": "education",
                "data": {"credential": ITEMS["education"]["fields"]},
            },
            {
                "id": "c2",
                "credential_type": "right_to_work",
                "data": {"credential": ITEMS["right_to_work"]["fields"]},
            },
        ],
    }
    response = client.post("/seekpass/api/partner/v1/add/batch.json", json=body, headers=headers)
    assert response.status_code == 201
    assert (
        "/partner/add/batch#clientId=seekpass-demo-client&content="
        in response.get_json()["redirect_uri"]
    )
    narrow = auth(token(client, TRAINING_CLIENT))
    refused = client.post("/seekpass/api/partner/v1/add/batch.json", json=body, headers=narrow)
    assert refused.get_json()["missing_scopes"] == ["write.right_to_work"]


def test_v1_batch_rules(client, headers) -> None:
    body = {
        "id": "v1-batch-2",
        "credentials": [
            {
                "id": "c1",
                "credential_type": "education",
                "data": {"credential": {"full_name": "A"}},
            },
            {"id": "c1", "credential_type": "passport", "data": {"credential": {}}},
        ],
    }
    errors = client.post(
        "/seekpass/api/partner/v1/add/batch.json", json=body, headers=headers
    ).get_json()["errors"]
    assert errors["credentials[0].data.credential.course_name"] == [
        "Missing data for required field."
    ]
    assert errors["credentials[1].id"] == [
        "must be unique within the request; credentials[0].id has the same value"
    ]
    assert errors["credentials[1].credential_type"][0].startswith("Must be one of: education")
    empty = client.post(
        "/seekpass/api/partner/v1/add/batch.json",
        json={"id": "e", "credentials": []},
        headers=headers,
    )
    assert empty.get_json()["errors"]["credentials"] == ["must hold at least one credential"]


def test_v1_ids_follow_the_48_hour_rule(client, headers) -> None:
    body = _v1("right_to_work", "none")
    first = client.post(V1.format("right_to_work"), json=body, headers=headers).get_json()
    assert client.post(V1.format("right_to_work"), json=body, headers=headers).get_json() == first
    client.post("/_mock/clock", json={"advance": "48h"})
    fresh = auth(token(client))
    status = client.get(
        "/seekpass/api/partner/v1/submissions/v1-right_to_work/status.json", headers=fresh
    ).get_json()
    assert status["status"] == "canceled"
    second = client.post(V1.format("right_to_work"), json=body, headers=fresh).get_json()
    assert second["redirect_uri"] != first["redirect_uri"]
    status = client.get(
        "/seekpass/api/partner/v1/submissions/v1-right_to_work/status.json", headers=fresh
    ).get_json()
    assert status == {"id": "v1-right_to_work", "status": "incomplete", "finalized_at": None}


def test_v2_single_asset_ids_must_be_unique(client, headers) -> None:
    body = copy.deepcopy(ITEMS["education"])
    body["assets"] = [
        {"asset_id": "same", "asset_type": "pdf"},
        {"asset_id": "same", "asset_type": "pdf"},
    ]
    response = client.post(V2.format("education"), json=body, headers=headers)
    assert response.status_code == 422
    assert response.get_json()["errors"]["assets[1].asset_id"] == [
        "must be unique within the request; assets[0].asset_id has the same value"
    ]
