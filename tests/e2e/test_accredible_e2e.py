"""Accredible over real HTTP on a live `mockserver serve`: the documents' own example bodies,
and a v2 bulk of 30 with 3 duplicates and credits for 20."""

from __future__ import annotations

import requests

from tests.accredible.helpers import example

HEADERS = {"Authorization": "Token token=accredible-demo-key"}
FREE_FORM = {"custom_attributes", "custom_attibutes", "meta_data", "string_object"}


def _same_shape(documented: object, served: object, path: str = "") -> list[str]:
    """Keys the documented example has that the served body lacks (recursively, first items of
    lists); values may differ."""
    missing: list[str] = []
    if isinstance(documented, dict) and isinstance(served, dict):
        for key, value in documented.items():
            if key not in served:
                missing.append(f"{path}.{key}")
            elif key not in FREE_FORM:  # the client's own data, not the API's shape
                missing += _same_shape(value, served[key], f"{path}.{key}")
    elif isinstance(documented, list) and isinstance(served, list) and documented and served:
        missing += _same_shape(documented[0], served[0], f"{path}[0]")
    return missing


def test_seed_create_examples_answer_in_the_documented_shape(server) -> None:
    base = f"{server.base_url}/accredible"
    for name in ("create_credential", "create_new_credential"):
        request_body, documented = example(f"{name}.request.json"), example(f"{name}.200.json")
        response = requests.post(
            f"{base}/v1/credentials", json=request_body, headers=HEADERS, timeout=10
        )
        assert response.status_code == 200, response.text
        served = response.json()
        assert _same_shape(documented, served) == [], name
        credential = served["credential"]
        assert credential["recipient"]["email"] == request_body["credential"]["recipient"]["email"]
        # Every link in the body leads back to the mock and answers there.
        for url in (credential["url"], credential["badge"]["image"]["preview"]):
            assert url.startswith(server.base_url)
            assert requests.get(url, timeout=10).status_code == 200


def test_seed_bulk_examples(server) -> None:
    base = f"{server.base_url}/accredible"
    v1_body = example("bulk_create_v1.request.json")
    v1 = requests.post(
        f"{base}/v1/credentials/bulk_create", json=v1_body, headers=HEADERS, timeout=10
    )
    assert v1.status_code == 200
    assert [c["group_id"] for c in v1.json()["credentials"]] == [22625, 62430]
    # The seed's own v2 request block is not valid JSON; the OpenAPI document's example is.
    v2_body = example("bulk_create_v2.request.openapi.json")
    for item in v2_body["credentials"]:
        item["recipient"]["email"] = "v2-" + item["recipient"]["email"]
    v2 = requests.post(
        f"{base}/v2/credentials/bulk_create", json=v2_body, headers=HEADERS, timeout=10
    )
    assert v2.status_code == 200
    assert all(set(result) == {"credential"} for result in v2.json()["results"])


def test_v2_bulk_of_30_with_3_duplicates_and_credits_for_20(server) -> None:
    base = f"{server.base_url}/accredible"
    assert (
        requests.post(
            f"{server.base_url}/_mock/accredible/credits",
            json={"tenant": "accredible:demo-academy", "balance": 20},
            timeout=10,
        ).status_code
        == 200
    )
    items = [
        {
            "recipient": {"name": f"Learner {i}", "email": f"learner{i}@example.com"},
            "group_id": 9001,
        }
        for i in range(30)
    ]
    for index in (10, 20, 25):
        items[index]["recipient"]["email"] = "learner0@example.com"
    response = requests.post(
        f"{base}/v2/credentials/bulk_create",
        json={"credentials": items},
        headers=HEADERS,
        timeout=30,
    )
    assert response.status_code == 207
    results = response.json()["results"]
    documented = {
        "207": example("bulk_create_v2.207.json"),
        "422": example("bulk_create_v2.422.json"),
    }
    invalid = [r for r in results if "credential" not in r]
    unpublished = [r for r in results if "credential" in r and "errors" in r]
    published = [r for r in results if set(r) == {"credential"}]
    assert (len(published), len(unpublished), len(invalid)) == (20, 7, 3)
    assert [i for i, r in enumerate(results) if "credential" not in r] == [10, 20, 25]
    # Each kind of item has exactly the documented shape and wording.
    assert invalid[0] == documented["422"]["results"][0]
    assert unpublished[0]["errors"] == documented["207"]["results"][0]["errors"]
    assert _same_shape(documented["207"]["results"][0], unpublished[0]) == []
    assert unpublished[0]["credential"]["approve"] is False
    details = requests.get(f"{base}/v1/issuer/details", headers=HEADERS, timeout=10).json()
    assert details["issuer"]["certificate_left"] == 0
    again = requests.post(
        f"{base}/v2/credentials/bulk_create",
        json={"credentials": items[:3]},
        headers=HEADERS,
        timeout=10,
    )
    assert again.status_code == 422
    assert [r["errors"]["code"] for r in again.json()["results"]] == ["credential_invalid"] * 3
