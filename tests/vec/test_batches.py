"""The template workflow: templates, CSV batches, their lifecycle and the certificates."""

import io

import pytest

from tests.vec.helpers import FULL, OTHER

PLAIN = "7b1f4c1e-8d2a-4f57-9c3e-2a6d5e0b9f10"
SIGNED = "7b1f4c1e-8d2a-4f57-9c3e-2a6d5e0b9f11"
DEAN = "4f0e7a52-2c6b-4c8e-9a51-0d7f7f5b6a01"
REGISTRAR = "4f0e7a52-2c6b-4c8e-9a51-0d7f7f5b6a02"
CSV = (
    b"RecipientsEmail,RecipientsName,IssueDate,Grade\n"
    b"ok@example.com,Ok Person,01-06-2025,A\n"
    b"alumni@example.com,Alex Alumni,,B\n"
    b"bad-email,Bad Person,01-06-2025,C\n"
)


def _create(client, template=PLAIN, csv=CSV, name="Spring cohort", headers=FULL, **extra):
    form = {
        "name": name,
        "template_id": template,
        "csv_file": (io.BytesIO(csv), "recipients.csv"),
        **extra,
    }
    return client.post("/vec/business/batches", data=form, headers=headers)


def _advance(client, seconds):
    client.post("/_mock/clock", json={"advance": seconds})


def test_templates_list_and_search(client) -> None:
    page = client.get("/vec/business/certificate-templates", headers=FULL).get_json()
    assert [t["name"] for t in page["data"]] == ["Course Completion", "Signed Diploma"]
    signed = page["data"][1]
    assert signed["has_signatures"] and signed["requires_signature_setup"]
    found = client.get(
        "/vec/business/certificate-templates?search=diploma", headers=FULL
    ).get_json()
    assert [t["id"] for t in found["data"]] == [SIGNED]


def test_a_bad_row_fails_its_certificate_not_the_batch(client) -> None:
    response = _create(client)
    assert response.status_code == 201
    batch = response.get_json()["data"]
    assert batch["status"] == "pending"
    assert (batch["total_certificates"], batch["failed_certificates"]) == (3, 1)
    _advance(client, 1)
    running = client.get(f"/vec/business/batches/{batch['id']}", headers=FULL).get_json()["data"]
    assert running["status"] == "processing"
    _advance(client, 5)
    done = client.get(f"/vec/business/batches/{batch['id']}", headers=FULL).get_json()["data"]
    assert done["status"] == "partially_completed"
    assert (done["processed_certificates"], done["failed_certificates"], done["progress"]) == (
        2,
        1,
        100,
    )
    assert done["completion_date"]
    certificates = client.get(
        f"/vec/business/certificates?batch_id={batch['id']}&sort_field=name&sort_order=asc",
        headers=FULL,
    ).get_json()["data"]
    assert [(c["name"], c["status"]) for c in certificates] == [
        ("Alex Alumni", "generated"),
        ("Bad Person", "failed"),
        ("Ok Person", "generated"),
    ]
    assert certificates[0]["customer_id"] == 12
    assert certificates[2]["issue_date"] == "2025-06-01T00:00:00.000000Z"
    assert certificates[2]["custom_data"] == {"Grade": "A"}
    assert certificates[1]["pdf_path"] is None and certificates[2]["pdf_path"]
    one = client.get(f"/vec/business/certificates/{certificates[2]['id']}", headers=FULL)
    assert one.get_json()["data"]["email"] == "ok@example.com"


def test_a_signed_template_waits_for_approval(client) -> None:
    response = _create(
        client,
        SIGNED,
        **{
            "signatories[0][user_uuid]": DEAN,
            "signatories[0][index]": "1",
            "signatories[1][user_uuid]": REGISTRAR,
            "signatories[1][index]": "2",
        },
    )
    assert response.status_code == 201, response.get_json()
    batch_id = response.get_json()["data"]["id"]
    _advance(client, 6)
    waiting = client.get(f"/vec/business/batches/{batch_id}", headers=FULL).get_json()["data"]
    assert waiting["status"] == "waiting_for_approval"
    assert client.post(f"/_mock/vec/batches/{batch_id}/approve", json={}).status_code == 200
    done = client.get("/vec/business/batches?status=partially_completed", headers=FULL).get_json()
    assert [b["id"] for b in done["data"]] == [batch_id]


@pytest.mark.parametrize(
    ("extra", "errors"),
    [
        ({}, {"signatories": ["The signatories field is required."]}),
        (
            {
                "signatories[0][user_uuid]": DEAN,
                "signatories[0][index]": "1",
                "signatories[1][user_uuid]": DEAN,
                "signatories[1][index]": "2",
            },
            {
                "signatories.1.user_uuid": [
                    "The signatories.1.user_uuid field has a duplicate value."
                ]
            },
        ),
        (
            {
                "signatories[0][user_uuid]": DEAN,
                "signatories[0][index]": "1",
                "signatories[1][user_uuid]": REGISTRAR,
                "signatories[1][index]": "3",
            },
            {"signatories": ["The signatories indices must be sequential, starting at 1."]},
        ),
        (
            {
                "signatories[0][user_uuid]": "00000000-0000-0000-0000-000000000000",
                "signatories[0][index]": "1",
                "signatories[1][user_uuid]": REGISTRAR,
                "signatories[1][index]": "2",
            },
            {"signatories.0.user_uuid": ["The selected signatories.0.user_uuid is invalid."]},
        ),
        (
            {"signatories[0][user_uuid]": DEAN, "signatories[0][index]": "1"},
            {"signatories": ["The signatories field must contain 2 items."]},
        ),
    ],
)
def test_signatory_rules(client, extra, errors) -> None:
    response = _create(client, SIGNED, **extra)
    assert response.status_code == 422
    assert response.get_json()["errors"] == errors


@pytest.mark.parametrize(
    ("kwargs", "field", "message"),
    [
        ({"name": ""}, "name", "The name field is required."),
        (
            {"template": "00000000-0000-0000-0000-000000000000"},
            "template_id",
            "The selected template id is invalid.",
        ),
        ({"template": "x"}, "template_id", "The template id field must be a valid UUID."),
        (
            {"csv": b"Email,Name\na@example.com,A\n"},
            "csv_file",
            "The csv file must contain the RecipientsEmail and RecipientsName columns.",
        ),
        (
            {"csv": b"RecipientsEmail,RecipientsName\n"},
            "csv_file",
            "The csv file must contain at least one recipient row.",
        ),
    ],
)
def test_batch_rules(client, kwargs, field, message) -> None:
    response = _create(client, **kwargs)
    assert response.status_code == 422
    assert response.get_json()["errors"][field] == [message]


def test_certificate_filters_and_isolation(client) -> None:
    batch_id = _create(client).get_json()["data"]["id"]
    _advance(client, 6)
    generated = client.get("/vec/business/certificates?status=generated", headers=FULL).get_json()
    assert generated["meta"]["total"] == 2
    assert (
        client.get("/vec/business/certificates?customer_id=12", headers=FULL).get_json()["meta"][
            "total"
        ]
        == 1
    )
    assert (
        client.get(
            "/vec/business/certificates?issue_date_from=2025-06-02", headers=FULL
        ).get_json()["meta"]["total"]
        == 1
    )
    assert (
        client.get("/vec/business/certificates?search=alumni", headers=FULL).get_json()["meta"][
            "total"
        ]
        == 1
    )
    assert client.get(f"/vec/business/batches/{batch_id}", headers=OTHER).status_code == 404
    assert client.get("/vec/business/certificates", headers=OTHER).get_json()["meta"]["total"] == 0
