"""The v2 credential batch: what it creates, and each rule it enforces."""

import copy
import threading
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.seekpass.helpers import BATCH_PATH, FULL_CLIENT, auth, sample_batch, token


@pytest.fixture
def headers(client):
    return auth(token(client))


def _post(client, headers, payload):
    return client.post(BATCH_PATH, json=payload, headers=headers)


def test_sample_batch_creates_a_request_with_one_upload_link_per_asset(client, headers) -> None:
    response = _post(client, headers, sample_batch())
    assert response.status_code == 201
    body = response.get_json()
    assert list(body) == ["redirect_uri", "asset_uploads"]
    base, fragment = body["redirect_uri"].split("#")
    assert base == "http://127.0.0.1:8080/seekpass/partner/add/batch"
    params = parse_qs(fragment)
    assert params["clientId"] == [FULL_CLIENT[0]]
    request_id = params["content"][0]
    # Groups in the order the batch page's sample response lists them.
    assert [upload["asset_id"] for upload in body["asset_uploads"]] == [
        "mock-batch-0001-degree-pdf",
        "mock-batch-0001-micro-png",
        "mock-batch-0001-english-pdf",
        "mock-batch-0001-universal-jpg",
    ]
    link = urlsplit(body["asset_uploads"][1]["url"])
    assert link.path.startswith("/_s3/mockserver-uploads/")
    query = parse_qs(link.query)
    assert query["X-Amz-SignedHeaders"] == ["content-type;host"]
    assert query["X-Amz-Expires"] == ["3600"]
    state = client.get("/_mock/seekpass/requests").get_json()
    assert state["count"] == 1
    stored = state["requests"][0]
    assert stored["id"] == request_id
    assert stored["status"] == "incomplete"
    assert stored["tenant"] == "seekpass:demo-university"
    assert [a["content_type"] for a in stored["assets"]] == [
        "application/pdf",
        "image/png",
        "application/pdf",
        "image/jpeg",
    ]
    assert {u["status"] for u in stored["uploads"]} == {"pending"}


def test_a_batch_without_assets_answers_an_empty_upload_list(client, headers) -> None:
    payload = {
        "credential_id": "plain",
        "right_to_work_items": sample_batch()["right_to_work_items"],
    }
    response = _post(client, headers, payload)
    assert response.status_code == 201
    assert response.get_json()["asset_uploads"] == []


def _break(path: str, value):
    """The sample batch with the value at a dotted path (list indexes as numbers) replaced."""
    payload = sample_batch()
    *parents, last = path.split(".")
    target = payload
    for part in parents:
        target = target[int(part)] if part.isdigit() else target[part]
    if value is KeyError:
        del target[int(last) if last.isdigit() else last]
    else:
        target[int(last) if last.isdigit() else last] = value
    return payload


RULES = [
    ("credential_id", KeyError, "credential_id", "Missing data for required field."),
    ("credential_id", "  ", "credential_id", "can't be blank"),
    ("credential_id", 17, "credential_id", "Not a valid string."),
    (
        "education_items.0.fields.course_name",
        KeyError,
        "education_items[0].fields.course_name",
        "Missing data for required field.",
    ),
    (
        "education_items.0.fields.conferral_year",
        None,
        "education_items[0].fields.conferral_year",
        "is required unless awaiting_graduation is true",
    ),
    (
        "education_items.0.fields.conferral_year",
        "24",
        "education_items[0].fields.conferral_year",
        "must be a date in YYYY format",
    ),
    (
        "education_items.0.fields.has_majors",
        "true",
        "education_items[0].fields.has_majors",
        "must be true or false",
    ),
    (
        "education_items.0.fields.transcript.subjects.0.grade",
        KeyError,
        "education_items[0].fields.transcript.subjects[0].grade",
        "Missing data for required field.",
    ),
    (
        "education_items.0.assets.0.asset_type",
        "png",
        "education_items[0].assets[0].asset_type",
        "Must be one of: pdf, open_cert.",
    ),
    (
        "microcredential_items.0.assets.0.asset_type",
        "gif",
        "microcredential_items[0].assets[0].asset_type",
        "Must be one of: pdf, jpg, png, open_cert.",
    ),
    (
        "microcredential_items.0.fields.issue_date",
        "2024-02-30",
        "microcredential_items[0].fields.issue_date",
        "must be a date in YYYY-MM-DD format",
    ),
    (
        "microcredential_items.0.fields.expiry_date",
        "15/03/2027",
        "microcredential_items[0].fields.expiry_date",
        "must be a date in YYYY-MM-DD format",
    ),
    (
        "english_proficiency_items.0.assets.0.asset_type",
        "jpg",
        "english_proficiency_items[0].assets[0].asset_type",
        "Must be one of: pdf.",
    ),
    (
        "english_proficiency_items.0.fields.test_scores.overall",
        KeyError,
        "english_proficiency_items[0].fields.test_scores.overall",
        "Missing data for required field.",
    ),
    (
        "english_proficiency_items.0.fields.test_scores.cefr_scores",
        KeyError,
        "english_proficiency_items[0].fields.test_scores.cefr_scores",
        "Missing data for required field.",
    ),
    (
        "universal_credential_items.0.assets.0.asset_type",
        "open_cert",
        "universal_credential_items[0].assets[0].asset_type",
        "Must be one of: pdf, jpg, png.",
    ),
    (
        "universal_credential_items.0.fields.credential_category",
        KeyError,
        "universal_credential_items[0].fields.credential_category",
        "is required (the older credential_sub_type is accepted in its place)",
    ),
    (
        "right_to_work_items.0.fields.singapore_work_rights",
        KeyError,
        "right_to_work_items[0].fields.singapore_work_rights",
        "is required when country is SG",
    ),
    (
        "right_to_work_items.0.fields.country",
        "Singapore",
        "right_to_work_items[0].fields.country",
        "must be an ISO 3166-1 alpha-2 code",
    ),
    (
        "career_history.fields.employment.0.role_title",
        None,
        "career_history.fields.employment[0].role_title",
        "role_title or role_classification is required",
    ),
    (
        "career_history.fields.employment.0.start_date",
        "2022-02-01",
        "career_history.fields.employment[0].start_date",
        "must be a date in YYYY-MM format",
    ),
    (
        "career_history.fields.employment",
        [],
        "career_history.fields.employment",
        "must list at least one employment",
    ),
    (
        "digital_identity.fields.identity_verification_level",
        "gold",
        "digital_identity.fields.identity_verification_level",
        "Must be one of: basic, standard.",
    ),
    ("digital_identity", [], "digital_identity", "Invalid input type."),
    (
        "digital_identity.fields.identity_document_validity",
        "selfie",
        "digital_identity.fields.identity_document_validity",
        "Must be one of: manual, government_database, verifiable_credential.",
    ),
    (
        "digital_identity.fields.date_of_birth",
        "1990-13-01",
        "digital_identity.fields.date_of_birth",
        "must be a date in YYYY-MM-DD format",
    ),
    (
        "digital_identity.fields.partner_chain",
        [{"label": "x"}],
        "digital_identity.fields.partner_chain[0].name",
        "Missing data for required field.",
    ),
    (
        "education_items.0.fields.awaiting_graduation",
        1,
        "education_items[0].fields.awaiting_graduation",
        "must be true or false",
    ),
    (
        "education_items.0.fields.majors",
        ["Statistics", ""],
        "education_items[0].fields.majors[1]",
        "can't be blank",
    ),
    (
        "education_items.0.fields.transcript.subjects",
        KeyError,
        "education_items[0].fields.transcript.subjects",
        "Missing data for required field.",
    ),
    (
        "education_items.0.fields.transcript.overall.issuance_date",
        "01/12/2023",
        "education_items[0].fields.transcript.overall.issuance_date",
        "must be a date in YYYY-MM-DD format",
    ),
    (
        "education_items.0.fields.transcript.subjects.0.completion_date",
        "Dec 2022",
        "education_items[0].fields.transcript.subjects[0].completion_date",
        "must be a date in YYYY or YYYY-MM-DD format",
    ),
    (
        "education_items.0.assets.0.asset_id",
        KeyError,
        "education_items[0].assets[0].asset_id",
        "Missing data for required field.",
    ),
    (
        "english_proficiency_items.0.fields.test_scores.subskills",
        [{"skill": "reading"}],
        "english_proficiency_items[0].fields.test_scores.subskills[0].score",
        "Missing data for required field.",
    ),
    (
        "english_proficiency_items.0.fields.test_scores.overall.scale",
        "",
        "english_proficiency_items[0].fields.test_scores.overall.scale",
        "can't be blank",
    ),
    (
        "universal_credential_items.0.assets.0.asset_data",
        "ftp://example.com/a.pdf",
        "universal_credential_items[0].assets[0].asset_data",
        "must be an http(s) URL or a data URL",
    ),
    (
        "universal_credential_items.0.fields.expiry_date",
        "2026",
        "universal_credential_items[0].fields.expiry_date",
        "must be a date in YYYY-MM-DD format",
    ),
    (
        "career_history.fields.employment.0.organisation",
        KeyError,
        "career_history.fields.employment[0].organisation",
        "Missing data for required field.",
    ),
    (
        "career_history.fields.employment.0.last_processed_month",
        "2024-13",
        "career_history.fields.employment[0].last_processed_month",
        "must be a date in YYYY-MM format",
    ),
    (
        "right_to_work_items.0.fields.full_name",
        None,
        "right_to_work_items[0].fields.full_name",
        "Field may not be null.",
    ),
    ("education_items", {}, "education_items", "Not a valid list."),
]


@pytest.mark.parametrize(
    ("path", "value", "field", "message"), RULES, ids=[r[0] + "=" + repr(r[1])[:20] for r in RULES]
)
def test_each_rule_is_refused_with_its_field_and_rule(
    client, headers, path, value, field, message
) -> None:
    response = _post(client, headers, _break(path, value))
    assert response.status_code == 422, response.get_data(as_text=True)
    body = response.get_json()
    assert body["error"] == "validation_failed"
    assert message in body["errors"][field], body["errors"]
    assert body["error_description"].startswith(f"{field}: ")
    assert client.get("/_mock/seekpass/requests").get_json()["count"] == 0


def test_conferral_year_may_be_null_when_awaiting_graduation(client, headers) -> None:
    payload = _break("education_items.0.fields.conferral_year", None)
    payload["education_items"][0]["fields"]["awaiting_graduation"] = True
    assert _post(client, headers, payload).status_code == 201


def test_the_older_universal_fields_and_role_classification_are_accepted(client, headers) -> None:
    payload = sample_batch()
    fields = payload["universal_credential_items"][0]["fields"]
    del fields["credential_category"]
    fields.update(credential_sub_type="Cert", issue_date="2024-08-31")
    employment = payload["career_history"]["fields"]["employment"][0]
    employment.update(role_title=None, role_classification="Analyst")
    assert _post(client, headers, payload).status_code == 201


def test_every_error_of_a_request_is_reported_together(client, headers) -> None:
    payload = _break("education_items.0.fields.course_name", KeyError)
    payload["microcredential_items"][0]["assets"][0]["asset_type"] = "gif"
    payload["right_to_work_items"][0]["assets"] = [{"asset_id": "x", "asset_type": "pdf"}]
    errors = _post(client, headers, payload).get_json()["errors"]
    assert set(errors) == {
        "education_items[0].fields.course_name",
        "microcredential_items[0].assets[0].asset_type",
        "right_to_work_items[0].assets",
    }


def test_credential_ids_and_asset_ids_must_be_unique_within_the_request(client, headers) -> None:
    payload = sample_batch()
    payload["education_items"][1]["credential_id"] = payload["education_items"][0]["credential_id"]
    payload["microcredential_items"][0]["assets"][0]["asset_id"] = "mock-batch-0001-degree-pdf"
    errors = _post(client, headers, payload).get_json()["errors"]
    assert errors["education_items[1].credential_id"] == [
        "must be unique within the request; education_items[0].credential_id has the same value"
    ]
    assert errors["microcredential_items[0].assets[0].asset_id"] == [
        "must be unique within the request; "
        "education_items[0].assets[0].asset_id has the same value"
    ]


@pytest.mark.parametrize("group", ["digital_identity", "career_history", "right_to_work_items"])
def test_assets_only_on_the_four_kinds_that_take_them(client, headers, group) -> None:
    payload = sample_batch()
    item = payload[group] if isinstance(payload[group], dict) else payload[group][0]
    item["assets"] = [{"asset_id": "nope", "asset_type": "pdf"}]
    path = group if isinstance(payload[group], dict) else f"{group}[0]"
    errors = _post(client, headers, payload).get_json()["errors"]
    assert errors[f"{path}.assets"][0].startswith(f"is not accepted for {group}")


def test_a_universal_credential_takes_at_most_one_asset(client, headers) -> None:
    payload = sample_batch()
    payload["universal_credential_items"][0]["assets"].append(
        {"asset_id": "second", "asset_type": "pdf"}
    )
    errors = _post(client, headers, payload).get_json()["errors"]
    assert errors["universal_credential_items[0].assets"] == ["at most one asset is allowed"]


def test_a_batch_must_hold_at_least_one_credential(client, headers) -> None:
    response = _post(client, headers, {"credential_id": "empty", "education_items": []})
    assert response.status_code == 422
    assert response.get_json()["errors"]["credential_id"][0].startswith(
        "the batch holds no credentials"
    )


def test_unknown_properties_are_ignored(client, headers) -> None:
    payload = sample_batch(tracking_ref="abc")
    payload["education_items"][0]["fields"]["campus"] = "North"
    assert _post(client, headers, payload).status_code == 201


@pytest.mark.parametrize(
    ("data", "content_type", "status", "error"),
    [
        (b'{"credential_id": "x", ', "application/json", 400, "bad_request"),
        (b"\xff\xfe", "application/json", 400, "bad_request"),
        (b'{"credential_id": "x"}', "text/plain", 415, "unsupported_media_type"),
        (b"[1, 2]", "application/json", 422, "validation_failed"),
        (b"[" * 100000, "application/json", 400, "bad_request"),
    ],
)
def test_unreadable_bodies_get_the_envelope_not_a_500(
    client, headers, data, content_type, status, error
) -> None:
    response = client.post(BATCH_PATH, data=data, headers={**headers, "Content-Type": content_type})
    assert response.status_code == status
    assert response.get_json()["error"] == error


def test_same_credential_id_within_48_hours_returns_the_original_request(client, headers) -> None:
    first = _post(client, headers, sample_batch()).get_json()
    client.post("/_mock/clock", json={"advance": "47h"})
    headers = auth(token(client))  # the first token expired two hours in
    second = _post(client, headers, sample_batch(education_items=[])).get_json()
    assert second["redirect_uri"] == first["redirect_uri"]
    assert [u["asset_id"] for u in second["asset_uploads"]] == [
        u["asset_id"] for u in first["asset_uploads"]
    ]
    assert second["asset_uploads"][0]["url"] != first["asset_uploads"][0]["url"]  # fresh links
    assert client.get("/_mock/seekpass/requests").get_json()["count"] == 1


def test_a_repost_within_48_hours_is_the_original_whatever_its_body_holds(client, headers) -> None:
    """An invalid body, or one with other asset ids, gets the original answer (201): the id
    decides, the new body is not read (FIDELITY.md)."""
    first = _post(client, headers, sample_batch()).get_json()
    invalid = {"credential_id": sample_batch()["credential_id"], "education_items": "oops"}
    again = client.post(BATCH_PATH, json=invalid, headers=headers)
    assert again.status_code == 201, again.get_json()
    assert again.get_json()["redirect_uri"] == first["redirect_uri"]
    other_assets = sample_batch()
    for item in other_assets["education_items"]:
        for asset in item.get("assets") or []:
            asset["asset_id"] = "new-" + asset["asset_id"]
    different = _post(client, headers, other_assets).get_json()
    assert [u["asset_id"] for u in different["asset_uploads"]] == [
        u["asset_id"] for u in first["asset_uploads"]
    ]
    assert client.get("/_mock/seekpass/requests").get_json()["count"] == 1


def test_after_48_hours_the_same_id_starts_a_new_request(client, headers) -> None:
    first = _post(client, headers, sample_batch()).get_json()
    client.post("/_mock/clock", json={"advance": "48h"})
    second = _post(client, auth(token(client)), sample_batch()).get_json()
    assert second["redirect_uri"] != first["redirect_uri"]
    requests = client.get("/_mock/seekpass/requests").get_json()["requests"]
    assert sorted(r["status"] for r in requests) == ["canceled", "incomplete"]


def test_other_tenants_may_use_the_same_credential_id(client, headers) -> None:
    from tests.seekpass.helpers import TRAINING_CLIENT

    other = auth(token(client, TRAINING_CLIENT))
    payload = {"credential_id": "shared-id", "education_items": sample_batch()["education_items"]}
    mine = _post(client, headers, payload).get_json()
    theirs = _post(client, other, copy.deepcopy(payload)).get_json()
    assert mine["redirect_uri"] != theirs["redirect_uri"]
    assert "clientId=seekpass-training-client" in theirs["redirect_uri"]


def test_concurrent_posts_of_one_batch_create_exactly_one_request(app, headers) -> None:
    results: list[tuple[int, str]] = []
    barrier = threading.Barrier(16, timeout=10)

    def post() -> None:
        local = app.test_client()
        barrier.wait()
        response = local.post(BATCH_PATH, json=sample_batch(), headers=headers)
        results.append((response.status_code, response.get_json()["redirect_uri"]))

    threads = [threading.Thread(target=post) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert len(results) == 16
    assert {status for status, _ in results} == {201}
    assert len({uri for _, uri in results}) == 1
    assert app.test_client().get("/_mock/seekpass/requests").get_json()["count"] == 1
