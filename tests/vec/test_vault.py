"""The certificate vault: files, bulk and single creation, rules, processing, retry, download."""

import io

import pypdf
import pytest

from tests.vec.helpers import (
    EXE,
    FULL,
    JPG,
    OTHER,
    PDF,
    PNG,
    READONLY,
    VAULT,
    entry,
    file_id,
    upload,
)


def _bulk(client, entries, headers=FULL):
    return client.post(f"{VAULT}/bulk", json={"entries": entries}, headers=headers)


def _advance(client, seconds):
    client.post("/_mock/clock", json={"advance": seconds})


@pytest.mark.parametrize(
    ("data", "name", "mime"),
    [
        (PDF, "c.pdf", "application/pdf"),
        (PNG, "c.png", "image/png"),
        (JPG, "c.jpg", "image/jpeg"),
        (JPG, "c.JPEG", "image/jpeg"),
    ],
)
def test_upload_file_answers_201_with_the_file_id(client, data, name, mime) -> None:
    response = upload(client, data, name)
    assert response.status_code == 201
    body = response.get_json()
    assert body["message"] == "File uploaded successfully"
    assert body["data"]["file_name"] == name
    assert body["data"]["mime_type"] == mime
    assert body["data"]["size"] == len(data)


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (EXE, "certificate.pdf"),  # a renamed executable
        (b"just text", "certificate.pdf"),
        (b"GIF89a....", "certificate.gif"),
    ],
)
def test_upload_file_judges_type_by_content(client, data, name) -> None:
    response = upload(client, data, name)
    assert response.status_code == 422
    assert response.get_json() == {
        "message": "The file field must be a file of type: pdf, jpg, jpeg, png.",
        "errors": {"file": ["The file field must be a file of type: pdf, jpg, jpeg, png."]},
    }


@pytest.mark.parametrize("name", ["cert.txt", "certificate.exe", "no-extension"])
def test_a_real_pdf_is_taken_whatever_its_name(client, name) -> None:
    """Laravel's `mimes` rule reads the type from the content, never from the name."""
    response = upload(client, PDF, name)
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["data"]["mime_type"] == "application/pdf"


def test_upload_file_size_limit_and_missing_file(client) -> None:
    big = upload(client, PDF + b"0" * (20 * 1024 * 1024), "big.pdf")
    assert big.status_code == 422
    assert big.get_json()["errors"]["file"] == [
        "The file field must not be greater than 20480 kilobytes."
    ]
    missing = client.post(f"{VAULT}/upload-file", data={}, headers=FULL)
    assert missing.get_json()["errors"] == {"file": ["The file field is required."]}


def test_tokens_and_permissions(client) -> None:
    assert client.get(VAULT).get_json() == {"message": "Unauthorized - Invalid API token"}
    assert client.get(VAULT, headers={"Authorization": "Bearer nope"}).status_code == 401
    for method, path, permission in [
        ("post", f"{VAULT}/upload-file", "certificate-vault:create"),
        ("post", f"{VAULT}/bulk", "certificate-vault:create"),
        ("post", VAULT, "certificate-vault:create"),
        ("post", f"{VAULT}/9e7860f0-05d1-4fd0-b3e0-e98e19f1cf15/retry", "certificate-vault:update"),
        (
            "get",
            f"{VAULT}/9e7860f0-05d1-4fd0-b3e0-e98e19f1cf15/download",
            "certificate-vault:download",
        ),
        ("get", "/vec/business/batches", "batches:view"),
    ]:
        response = getattr(client, method)(path, headers=READONLY)
        assert response.status_code == 403, path
        assert response.get_json() == {
            "message": "Forbidden - Insufficient permissions",
            "required_permission": permission,
        }


def test_bulk_queues_certificates_that_generate_on_the_clock(client) -> None:
    files = [file_id(client) for _ in range(3)]
    response = _bulk(
        client, [entry(f, applicant_email=f"p{i}@example.com") for i, f in enumerate(files)]
    )
    assert response.status_code == 202
    body = response.get_json()
    assert body["message"] == "Bulk vault upload queued for processing"
    assert body["data"]["total"] == 3 and body["data"]["status"] == "processing"
    batch = body["data"]["batch_id"]
    listed = client.get(f"{VAULT}?batch_id={batch}", headers=FULL).get_json()
    assert [item["status"]["value"] for item in listed["data"]] == ["processing"] * 3
    _advance(client, 4)
    assert (
        client.get(f"{VAULT}?batch_id={batch}&status=processing", headers=FULL).get_json()["meta"][
            "total"
        ]
        == 3
    )
    _advance(client, 1)
    listed = client.get(f"{VAULT}?batch_id={batch}", headers=FULL).get_json()
    assert [item["status"]["value"] for item in listed["data"]] == ["generated"] * 3
    assert (
        listed["data"][0]["status"]["description"] == "Certificate has been successfully generated"
    )


def test_bulk_reports_every_error_entry_by_entry_and_creates_nothing(client) -> None:
    good = file_id(client)
    response = _bulk(
        client,
        [
            entry(good, certificate_title="T" * 256),
            entry(good, applicant_email="not-an-email", full_name=KeyError),
            entry("9e3b101f-c264-4f97-945f-20dfa7163768"),
            entry("not-a-uuid", issue_date="01/06/2025", details="d" * 1001),
        ],
    )
    assert response.status_code == 422
    body = response.get_json()
    assert body["errors"] == [
        "Entry 0: The certificate title field must not be greater than 255 characters.",
        "Entry 1: The full name field is required.",
        "Entry 1: The applicant email field must be a valid email address.",
        "Entry 2: file_id 9e3b101f-c264-4f97-945f-20dfa7163768 not found",
        "Entry 3: The file id field must be a valid UUID.",
        "Entry 3: The issue date field must match the format Y-m-d.",
        "Entry 3: The details field must not be greater than 1000 characters.",
    ]
    assert body["message"].startswith("Entry 0: The certificate title field must not be greater")
    assert client.get(VAULT, headers=FULL).get_json()["meta"]["total"] == 0
    assert _bulk(client, [entry(good)]).status_code == 202  # the file is still free


def test_unresolved_file_ids_get_the_documented_message(client) -> None:
    response = _bulk(client, [entry("9e3b101f-c264-4f97-945f-20dfa7163768")])
    assert response.get_json() == {
        "message": "Some file_ids could not be resolved",
        "errors": ["Entry 0: file_id 9e3b101f-c264-4f97-945f-20dfa7163768 not found"],
    }


def test_duplicates_reuse_and_other_tenants_files(client) -> None:
    first, second = file_id(client), file_id(client)
    duplicate = _bulk(
        client, [entry(first), entry(first, applicant_email="x@example.com"), entry(second)]
    )
    assert duplicate.get_json()["errors"] == [
        f"Entry 1: duplicate entry: file_id {first} is also used by entry 0",
        "Entry 2: duplicate entry: same certificate_title, full_name and applicant_email "
        "as entry 0",
    ]
    assert _bulk(client, [entry(first)]).status_code == 202
    reused = _bulk(client, [entry(first, applicant_email="y@example.com")])
    assert reused.get_json()["errors"] == [f"Entry 0: file_id {first} has already been used"]
    theirs = file_id(client, headers=OTHER)
    foreign = _bulk(client, [entry(theirs)])
    assert foreign.get_json()["errors"] == [f"Entry 0: file_id {theirs} not found"]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({}, "The entries field is required."),
        ({"entries": []}, "The entries field must have at least 1 items."),
        ({"entries": "x"}, "The entries field must be an array."),
    ],
)
def test_bulk_needs_entries(client, body, message) -> None:
    response = client.post(f"{VAULT}/bulk", json=body, headers=FULL)
    assert response.status_code == 422
    assert response.get_json() == {"message": message, "errors": [message]}


def test_single_upload_and_its_rules(client) -> None:
    form = {
        "certificate_title": "Diploma",
        "full_name": "Omar Saleh",
        "applicant_email": "alumni@example.com",
        "issue_date": "2025-06-01",
        "certificate_file": (io.BytesIO(PDF), "diploma.pdf"),
    }
    response = client.post(VAULT, data=form, headers=FULL)
    assert response.status_code == 201
    data = response.get_json()["data"]
    assert data["status"]["value"] == "processing"
    assert data["reference_id"].startswith("VEC-IC-")
    assert data["source"] == {"value": "vault", "label": "Vault"}
    refused = client.post(VAULT, data={"full_name": "", "applicant_email": "bad"}, headers=FULL)
    assert refused.status_code == 422
    assert refused.get_json()["errors"] == {
        "certificate_title": ["The certificate title field is required."],
        "full_name": ["The full name field is required."],
        "applicant_email": ["The applicant email field must be a valid email address."],
        "certificate_file": ["The certificate file field is required."],
    }
    assert (
        refused.get_json()["message"]
        == "The certificate title field is required. (and 3 more errors)"
    )


def test_view_assigns_known_customers_and_download_serves_the_verified_pdf(client) -> None:
    response = _bulk(client, [entry(file_id(client), applicant_email="alumni@example.com")])
    certificate = client.get(VAULT, headers=FULL).get_json()["data"][0]["uuid"]
    early = client.get(f"{VAULT}/{certificate}/download", headers=FULL)
    assert early.status_code == 422
    _advance(client, 5)
    detail = client.get(f"{VAULT}/{certificate}", headers=FULL).get_json()["data"]
    assert response.status_code == 202
    assert detail["assigned_at"] and detail["verified_at"]
    assert detail["institution_name"] == "Demo Institute of Technology"
    assert [d["type"] for d in detail["documents"]] == ["verified_pdf", "original"]
    qr = client.get(detail["qrcode_path"])  # a presigned S3 GET link
    assert qr.status_code == 200 and b"<svg" in qr.data
    pdf = client.get(f"{VAULT}/{certificate}/download", headers=FULL)
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    text = pypdf.PdfReader(io.BytesIO(pdf.data), strict=True).pages[0].extract_text()
    assert "Rana Haddad" in text and detail["reference_id"] in text


def test_failures_and_retry(client) -> None:
    _bulk(client, [entry(file_id(client), applicant_email="always-fails@example.com")])
    certificate = client.get(VAULT, headers=FULL).get_json()["data"][0]["uuid"]
    not_failed = client.post(f"{VAULT}/{certificate}/retry", headers=FULL)
    assert not_failed.get_json() == {"message": "Only failed vault certificates can be retried."}
    _advance(client, 5)
    assert (
        client.get(f"{VAULT}/{certificate}", headers=FULL).get_json()["data"]["status"]["value"]
        == "failed"
    )
    client.post("/_mock/vec/processing", json={"fail_emails": []})
    retried = client.post(f"{VAULT}/{certificate}/retry", headers=FULL)
    assert retried.status_code == 200
    assert retried.get_json()["message"] == "Vault certificate retry initiated"
    assert retried.get_json()["data"]["status"]["value"] == "processing"
    _advance(client, 5)
    assert (
        client.get(f"{VAULT}/{certificate}", headers=FULL).get_json()["data"]["status"]["value"]
        == "generated"
    )


def test_fail_next_from_the_control_plane(client) -> None:
    client.post("/_mock/vec/processing", json={"fail_next": 1, "processing_seconds": 0})
    _bulk(client, [entry(file_id(client)), entry(file_id(client), applicant_email="b@example.com")])
    client.post("/_mock/vec/process")
    statuses = sorted(
        i["status"]["value"] for i in client.get(VAULT, headers=FULL).get_json()["data"]
    )
    assert statuses == ["failed", "generated"]


def test_list_filters_search_and_pagination(client) -> None:
    for index in range(5):
        _bulk(
            client,
            [
                entry(
                    file_id(client),
                    full_name=f"Person {index}",
                    applicant_email=f"p{index}@example.com",
                )
            ],
        )
    page = client.get(f"{VAULT}?per_page=2&page=2", headers=FULL).get_json()
    assert [i["full_name"] for i in page["data"]] == ["Person 2", "Person 1"]
    assert page["meta"]["total"] == 5 and page["meta"]["last_page"] == 3
    assert page["meta"]["from"] == 3 and page["meta"]["to"] == 4
    assert page["links"]["next"].endswith("per_page=2&page=3")
    assert client.get(f"{VAULT}?search=person 4", headers=FULL).get_json()["meta"]["total"] == 1
    assert (
        client.get(f"{VAULT}?applicant_email=P3@example.com", headers=FULL).get_json()["meta"][
            "total"
        ]
        == 1
    )
    bad = client.get(f"{VAULT}?per_page=101&status=done", headers=FULL)
    assert bad.status_code == 422
    assert bad.get_json()["errors"] == {
        "per_page": ["The per page field must not be greater than 100."],
        "status": ["The selected status is invalid."],
    }


def test_other_institutions_see_nothing(client) -> None:
    _bulk(client, [entry(file_id(client))])
    certificate = client.get(VAULT, headers=FULL).get_json()["data"][0]["uuid"]
    assert client.get(VAULT, headers=OTHER).get_json()["meta"]["total"] == 0
    missing = client.get(f"{VAULT}/{certificate}", headers=OTHER)
    assert missing.status_code == 404
    assert missing.get_json()["message"].startswith("No query results for model")
