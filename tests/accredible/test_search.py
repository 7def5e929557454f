"""Lists and searches: v1 filters and pages, v2 operators, sort, offset and cursor paging."""

from __future__ import annotations

from tests.accredible.helpers import AUTH, BASE, INTRO, WORKSHOP, create, credential

V2 = f"{BASE}/v2/credentials/search"


def make(client, count: int, group: int = INTRO, **extra) -> list[dict]:
    return [
        create(
            client, credential(email=f"s{group}-{i}@example.com", group=group, **extra)
        ).get_json()["credential"]
        for i in range(count)
    ]


def test_all_credentials_filters_and_pages(client) -> None:
    make(client, 3)
    make(client, 2, group=WORKSHOP)
    page = client.get(f"{BASE}/v1/all_credentials?group_id={INTRO}&page_size=2", headers=AUTH)
    body = page.get_json()
    assert len(body["credentials"]) == 2
    assert body["meta"] == {
        "current_page": 1,
        "next_page": 2,
        "prev_page": None,
        "total_pages": 2,
        "total_count": 3,
    }
    one = client.get(f"{BASE}/v1/all_credentials?email=S9002-1@example.com", headers=AUTH)
    assert [c["recipient"]["email"] for c in one.get_json()["credentials"]] == [
        "s9002-1@example.com"
    ]
    bad = client.get(f"{BASE}/v1/all_credentials?page=zero", headers=AUTH)
    assert bad.status_code == 400


def test_v1_search_by_recipient_and_meta_data(client) -> None:
    create(client, credential(email="m@example.com", meta_data={"cohort": "7"}))
    create(client, credential(email="n@example.com", meta_data={"cohort": "8"}))
    found = client.post(
        f"{BASE}/v1/credentials/search", headers=AUTH, json={"meta_data": {"cohort": "7"}}
    ).get_json()
    assert [c["recipient"]["email"] for c in found["credentials"]] == ["m@example.com"]
    wrong = client.post(f"{BASE}/v1/credentials/search", headers=AUTH, json={"meta_data": "7"})
    assert wrong.status_code == 400


def test_v2_operators_and_flat_results(client) -> None:
    make(client, 2, issued_on="2023-03-01")
    make(client, 2, group=WORKSHOP, issued_on="2024-05-01")
    body = {"query": {"group.id[in]": [INTRO, WORKSHOP], "issued_on[gte]": "2024-01-01"}}
    found = client.post(V2, json=body, headers=AUTH).get_json()
    assert found["meta"]["count"] == 2
    first = found["credentials"][0]
    assert first["group"]["id"] == WORKSHOP and first["recipient_email"].startswith("s9002")
    assert {"uuid", "encoded_id", "recipient_name", "issuer_id", "seo_image"} <= set(first)
    exact = client.post(
        V2, json={"query": {"recipient_email": "s9001-0@example.com"}}, headers=AUTH
    )
    assert exact.get_json()["meta"]["count"] == 1


def test_v2_sort_and_cursor_walk_every_result_once(client) -> None:
    made = make(client, 5)
    seen, cursor = [], None
    for _ in range(10):
        page = {"size": 2} if cursor is None else {"size": 2, "cursor": cursor}
        body = client.post(
            V2, json={"query": {}, "sort": {"id": "desc"}, "page": page}, headers=AUTH
        ).get_json()
        seen += [item["id"] for item in body["credentials"]]
        cursor = body["meta"]["cursor"]
        if cursor is None:
            break
    assert seen == sorted((c["id"] for c in made), reverse=True)


def test_v2_refusals_are_invalid_search_query(client) -> None:
    cases = [
        {"query": {}, "sort": {"issued_on": "increasing"}},
        {"query": {"colour": "red"}},
        {"query": {}, "page": {"from": 9990, "size": 20}},
        {"query": {}, "page": {"cursor": "not-a-cursor"}},
        {"sort": {"id": "asc"}},
    ]
    for body in cases:
        response = client.post(V2, json=body, headers=AUTH)
        assert response.status_code == 400, body
        assert response.get_json()["status"] == "invalid_search_query"
    sort = client.post(V2, json=cases[0], headers=AUTH).get_json()
    assert sort == {
        "code": 400,
        "message": "Sort order increasing is not supported",
        "status": "invalid_search_query",
        "errors": {},
    }


def test_page_numbers_in_search_bodies_are_json_integers(client) -> None:
    """Query strings carry digits as text; JSON bodies must send numbers (the document's
    type), so "5" is refused in every v1 search body and taken in a query string."""
    for path in (
        "/v1/credentials/search",
        "/v1/issuer/groups/search",
        "/v1/designs/search",
        "/v1/departments/search",
        "/v1/attribute_keys/search",
    ):
        for name in ("page", "page_size"):
            refused = client.post(f"{BASE}{path}", json={name: "5"}, headers=AUTH)
            assert refused.status_code == 400, (path, name)
            assert refused.get_json() == {"errors": f"{name} must be a positive integer"}
        taken = client.post(f"{BASE}{path}", json={"page": 1, "page_size": 5}, headers=AUTH)
        assert taken.status_code == 200, path
    listed = client.get(f"{BASE}/v1/all_credentials?page=1&page_size=5", headers=AUTH)
    assert listed.status_code == 200
