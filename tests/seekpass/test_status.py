"""Submission status: incomplete until the user acts, canceled after 48 hours."""

import pytest

from tests.seekpass.helpers import BATCH_PATH, TRAINING_CLIENT, auth, sample_batch, token

ONE = "/seekpass/api/partner/v1/submissions/{}/status.json"
MANY = "/seekpass/api/partner/v1/submissions/status.json"


@pytest.fixture
def submitted(client):
    headers = auth(token(client))
    body = client.post(BATCH_PATH, json=sample_batch(), headers=headers).get_json()
    request_id = body["redirect_uri"].rsplit("content=", 1)[1]
    return headers, request_id


def test_a_new_submission_is_incomplete(client, submitted) -> None:
    headers, _ = submitted
    response = client.get(ONE.format("mock-batch-0001"), headers=headers)
    assert response.status_code == 200
    assert response.get_json() == {
        "id": "mock-batch-0001",
        "status": "incomplete",
        "finalized_at": None,
    }


@pytest.mark.parametrize("outcome", ["verified", "canceled"])
def test_the_users_answer_finalizes_it(client, submitted, outcome) -> None:
    headers, request_id = submitted
    now = client.post("/_mock/clock", json={"advance": "3h", "freeze": True}).get_json()["now"]
    headers = auth(token(client))
    done = client.post(f"/_mock/seekpass/requests/{request_id}/complete", json={"outcome": outcome})
    assert done.status_code == 200
    body = client.get(ONE.format("mock-batch-0001"), headers=headers).get_json()
    assert body == {"id": "mock-batch-0001", "status": outcome, "finalized_at": now}
    again = client.post(
        f"/_mock/seekpass/requests/{request_id}/complete", json={"outcome": outcome}
    )
    assert again.status_code == 409


def test_pending_requests_are_canceled_after_48_hours(client, submitted) -> None:
    _, request_id = submitted
    created = client.get("/_mock/seekpass/requests").get_json()["requests"][0]["created_at"]
    client.post("/_mock/clock", json={"advance": "48h"})
    body = client.get(ONE.format("mock-batch-0001"), headers=auth(token(client))).get_json()
    assert body["status"] == "canceled"
    assert body["finalized_at"] > created
    late = client.post(f"/_mock/seekpass/requests/{request_id}/complete", json={})
    assert late.status_code == 409


def test_unknown_ids_and_other_tenants_ids_are_not_found(client, submitted) -> None:
    headers, _ = submitted
    response = client.get(ONE.format("never-sent"), headers=headers)
    assert response.status_code == 404
    assert response.get_json()["error"] == "not_found"
    other = auth(token(client, TRAINING_CLIENT))
    assert client.get(ONE.format("mock-batch-0001"), headers=other).status_code == 404
    listed = client.post(MANY, json={"ids": ["mock-batch-0001"]}, headers=other).get_json()
    assert listed == {"credentials": []}


def test_status_of_many_lists_known_ids_once(client, submitted) -> None:
    headers, _ = submitted
    response = client.post(
        MANY, json={"ids": ["mock-batch-0001", "unknown", "mock-batch-0001"]}, headers=headers
    )
    assert response.status_code == 200
    assert response.get_json() == {
        "credentials": [{"id": "mock-batch-0001", "status": "incomplete", "finalized_at": None}]
    }


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"ids": [str(i) for i in range(31)]}, "must list between 1 and 30 ids"),
        ({"ids": []}, "must list between 1 and 30 ids"),
        ({}, "Missing data for required field."),
        ({"ids": "abc"}, "Not a valid list."),
    ],
)
def test_status_of_many_takes_1_to_30_ids(client, submitted, body, message) -> None:
    headers, _ = submitted
    response = client.post(MANY, json=body, headers=headers)
    assert response.status_code == 422
    assert response.get_json()["errors"]["ids"] == [message]


def test_thirty_ids_are_accepted(client, submitted) -> None:
    headers, _ = submitted
    ids = ["mock-batch-0001"] + [f"x{i}" for i in range(29)]
    assert client.post(MANY, json={"ids": ids}, headers=headers).status_code == 200
