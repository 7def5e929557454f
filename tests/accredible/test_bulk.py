"""Bulk creation: v1 (100, all or nothing) and v2 (30, per-item results, 200/207/422)."""

from __future__ import annotations

from tests.accredible.helpers import AUTH, BASE, TENANT, WORKSHOP, credential, set_credits

V1 = f"{BASE}/v1/credentials/bulk_create"
V2 = f"{BASE}/v2/credentials/bulk_create"
DUPLICATE = (
    "has already been taken. Your group settings do not allow duplicates of this credential "
    "to be sent to the same email."
)


def one_account(client, key: str, settings: dict, course: bool) -> None:
    """Replace the Accredible fixtures with one account (department 1, group 1) and reset."""
    group = {"id": 1, "name": "g", "department_id": 1}
    if course:
        group |= {"course_name": "c", "course_description": "d"}
    account = {
        "id": key,
        "credits": 5,
        "api_keys": [{"key": key}],
        "departments": [{"id": 1, "name": "D", "url": "u", "logo": "l"}],
        "groups": [group],
        **settings,
    }
    assert (
        client.post("/_mock/fixtures", json={"accredible": {"accounts": [account]}}).status_code
        == 200
    )
    client.post("/_mock/reset")


def people(count: int, prefix: str = "p") -> list[dict]:
    return [credential(email=f"{prefix}{i}@example.com") for i in range(count)]


def test_v1_creates_up_to_100_and_answers_with_credentials(client, runtime) -> None:
    response = client.post(V1, json={"credentials": people(100)}, headers=AUTH)
    assert response.status_code == 200
    made = response.get_json()["credentials"]
    assert len(made) == 100 and all(item["approve"] for item in made)
    assert made[0]["custom_attibutes"] is None  # the documents' spelling, kept for clients
    assert len(runtime.store.list(TENANT, "credential")) == 100


def test_v1_over_100_is_refused_whole(client, runtime) -> None:
    response = client.post(V1, json={"credentials": people(101)}, headers=AUTH)
    assert response.status_code == 422
    assert "at most 100" in response.get_json()["errors"]
    assert runtime.store.list(TENANT, "credential") == []


def test_v1_one_bad_item_creates_nothing_and_names_it(client, runtime) -> None:
    items = people(5)
    items[3]["recipient"]["email"] = items[1]["recipient"]["email"]
    response = client.post(V1, json={"credentials": items}, headers=AUTH)
    assert response.status_code == 422
    assert response.get_json() == {"errors": {"credentials[3].recipient.email": [DUPLICATE]}}
    assert runtime.store.list(TENANT, "credential") == []
    items = people(3)
    del items[2]["recipient"]["name"]
    blank = client.post(V1, json={"credentials": items}, headers=AUTH)
    assert blank.get_json() == {"errors": {"credentials[2].recipient.name": ["can't be blank"]}}


def test_v1_without_credits_creates_unpublished(client) -> None:
    set_credits(client, 2)
    made = client.post(V1, json={"credentials": people(4)}, headers=AUTH).get_json()["credentials"]
    assert [item["approve"] for item in made] == [True, True, False, False]


def test_v1_documented_array_shape_on_request(client) -> None:
    one_account(client, "array-key", {"v1_bulk_response": "array"}, course=True)
    body = {"credentials": [credential(group=1)]}
    response = client.post(V1, json=body, headers={"Authorization": "Token array-key"})
    assert response.status_code == 200
    assert list(response.get_json()[0]) == ["credential"]


def test_v2_all_good_is_200(client) -> None:
    response = client.post(V2, json={"credentials": people(30)}, headers=AUTH)
    assert response.status_code == 200
    results = response.get_json()["results"]
    assert len(results) == 30 and all(set(item) == {"credential"} for item in results)


def test_v2_mixed_is_207_with_insufficient_credits_and_duplicates(client, runtime) -> None:
    set_credits(client, 20)
    items = people(30)
    for index in (7, 15, 29):
        items[index]["recipient"]["email"] = "p0@example.com"
    response = client.post(V2, json={"credentials": items}, headers=AUTH)
    assert response.status_code == 207
    results = response.get_json()["results"]
    invalid = [i for i, item in enumerate(results) if "credential" not in item]
    assert invalid == [7, 15, 29]
    assert results[7] == {
        "errors": {
            "code": "credential_invalid",
            "message": "The credential is not valid",
            "details": [{"property": "recipient.email", "message": DUPLICATE}],
        }
    }
    created = [item for item in results if "credential" in item]
    published = [item for item in created if item["credential"]["approve"]]
    unpublished = [item for item in created if not item["credential"]["approve"]]
    assert (len(published), len(unpublished)) == (20, 7)
    assert all(
        item["errors"]
        == {
            "code": "insufficient_credits",
            "message": "The credential was created but not published.",
        }
        for item in unpublished
    )
    assert len(runtime.store.list(TENANT, "credential")) == 27


def test_v2_all_invalid_is_422(client) -> None:
    client.post(V2, json={"credentials": people(2)}, headers=AUTH)
    again = client.post(V2, json={"credentials": people(2)}, headers=AUTH)
    assert again.status_code == 422
    assert all(
        item["errors"]["code"] == "credential_invalid" for item in again.get_json()["results"]
    )


def test_v2_over_30_and_empty(client) -> None:
    over = client.post(V2, json={"credentials": people(31)}, headers=AUTH)
    assert over.status_code == 422 and "at most 30" in over.get_json()["errors"]
    empty = client.post(V2, json={"credentials": []}, headers=AUTH)
    assert empty.get_json() == {"errors": {"credentials": ["can't be blank"]}}


def test_v2_errors_section_style_on_request(client) -> None:
    one_account(client, "styled-key", {"v2_error_key": "error"}, course=False)
    items = [{"recipient": {"name": "", "email": "x@example.com"}, "group_id": 1}]
    response = client.post(
        V2, json={"credentials": items}, headers={"Authorization": "Token styled-key"}
    )
    assert response.status_code == 422
    error = response.get_json()["results"][0]["error"]
    assert {"property": "recipient_name", "reason": "blank"} in error["details"]
    assert {"property": "name", "reason": "blank"} in error["details"]


def test_duplicates_allowed_group_takes_repeats_in_one_request(client) -> None:
    items = [credential(email="same@example.com", group=WORKSHOP) for _ in range(3)]
    assert client.post(V2, json={"credentials": items}, headers=AUTH).status_code == 200
