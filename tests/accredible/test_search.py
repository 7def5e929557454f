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
    # Rails reads page numbers with to_i: "zero" is 0, which means the first page.
    zero = client.get(f"{BASE}/v1/all_credentials?page=zero&page_size=2", headers=AUTH)
    assert zero.status_code == 200
    assert zero.get_json()["meta"]["current_page"] == 1


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


def test_page_numbers_are_read_as_rails_reads_them(client) -> None:
    """Rails' to_i on page and page_size, in query strings and JSON bodies alike: "5" is 5,
    "2abc" is 2, and an official SDK's unfilled "{page_size}" is 0, which means the default.
    The fixtures hold 8 groups, so total_pages shows the page size that was applied."""
    for path in (
        "/v1/credentials/search",
        "/v1/issuer/groups/search",
        "/v1/designs/search",
        "/v1/departments/search",
        "/v1/attribute_keys/search",
    ):
        text = client.post(f"{BASE}{path}", json={"page": "1", "page_size": "5"}, headers=AUTH)
        assert text.status_code == 200, (path, text.get_json())
    groups = client.post(f"{BASE}/v1/issuer/groups/search", json={"page_size": "5"}, headers=AUTH)
    assert groups.get_json()["meta"]["total_pages"] == 2

    def pages(query: str) -> int:
        answer = client.get(f"{BASE}/v1/issuer/all_groups?{query}", headers=AUTH)
        assert answer.status_code == 200, (query, answer.get_json())
        return answer.get_json()["meta"]["total_pages"]

    assert pages("page=1&page_size={page_size}") == 1  # 0: the default of 50
    assert pages("page_size=2abc") == 4
    assert pages("page_size=3&page_size=4") == 2  # the last value wins
    assert pages("page=zero&page_size=-3") == 1  # page 0 is the first; a size below 1 the default


def test_an_in_list_matches_as_comparing_each_value_did() -> None:
    """`[in]` is checked against a set made once per search; it matches exactly what comparing
    the value with each item (search._equal) matched: case aside, null only for a missing
    value, booleans and their texts, numbers and their texts."""
    import itertools

    from mockserver.providers.accredible import search

    values = [None, True, False, "true", "TRUE", "None", "none", "", 0, 1, "1", "a@B.com", 2.5]
    items = [None, True, "FALSE", "", "1", 0, "A@b.COM", "none", "2.5"]
    for size in range(len(items) + 1):
        for wanted in itertools.combinations(items, size):
            one_of = search._one_of(list(wanted))
            for value in values:
                expected = any(search._equal(value, item) for item in wanted)
                assert one_of(value) == expected, (value, wanted)


def test_a_search_with_a_very_long_in_list_finds_its_match(client) -> None:
    """200,000 `[in]` values (more parameters than a statement takes: one parameter, in the
    index) find the one credential whose email is among them, case aside. How long such a
    search takes is bench/long_in_list.py's."""
    headers = {"Authorization": "Token token=accredible-demo-key"}
    emails = [f"nobody{n}@example.com" for n in range(200_000)]
    made = client.post(
        "/accredible/v1/credentials",
        json={
            "credential": {"recipient": {"name": "X", "email": "x@example.com"}, "group_id": 9001}
        },
        headers=headers,
    )
    assert made.status_code == 200, made.get_data(as_text=True)
    body = {"query": {"recipient_email[in]": [*emails, "X@EXAMPLE.com"]}}
    found = client.post("/accredible/v2/credentials/search", json=body, headers=headers)
    assert found.status_code == 200, found.get_data(as_text=True)
    answer = found.get_json()
    assert answer["meta"]["count"] == 1
    assert [c["recipient_email"] for c in answer["credentials"]] == ["x@example.com"]
