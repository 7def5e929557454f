"""Lists and searches answered from the store's index give exactly the answers the filters in
Python give (issue 18): the same credentials, the same order (ties in creation time broken by
id, as before), the same page boundaries and counts; and the index follows every change."""

from __future__ import annotations

import itertools

import pytest

from mockserver.core import index_query
from mockserver.core.store import Store, index_value
from mockserver.providers.accredible import listing, search
from mockserver.providers.accredible.accounts import Caller
from tests.accredible.helpers import (
    AUTH,
    BASE,
    BOOTCAMP,
    INTRO,
    TENANT,
    WORKSHOP,
    create,
    credential,
)


@pytest.fixture
def many(client, runtime):
    """17 credentials over three groups and two departments, some sharing an email (the
    workshop allows duplicates), on a frozen clock so that most share a creation time."""
    client.post("/_mock/clock", json={"freeze": True})
    made = []
    for i in range(17):
        group = (INTRO, WORKSHOP, BOOTCAMP)[i % 3]
        email = f"learner{i % 5}@example.com" if group == WORKSHOP else f"p{i}@Example.com"
        issued = f"2026-0{1 + i % 4}-1{i % 9}"
        answer = create(client, credential(email=email, group=group, issued_on=issued))
        assert answer.status_code == 200, answer.get_json()
        made.append(answer.get_json()["credential"])
        if i % 6 == 0:
            client.post("/_mock/clock", json={"advance": 1})
    return runtime.providers["accredible"].model


def _caller(model, key: str) -> Caller:
    tenant, department_id = model.accounts.keys[key]
    return Caller(model.accounts.by_tenant[tenant], department_id)


V1_SOURCES = [
    {},
    {"group_id": str(WORKSHOP)},
    {"group_id": str(INTRO), "email": "P0@example.com"},
    {"email": "learner1@example.com"},
    {"recipient.email": "LEARNER2@example.com", "group_id": str(WORKSHOP)},
    {"email": "learner1@example.com", "recipient.email": "learner2@example.com"},
    {"start_date": "2026-02-01", "end_date": "2026-03-31"},
    {"group_id": str(BOOTCAMP), "start_date": "2026-03-01"},
    {"recipient.name": "Ada Lovelace"},
    {"license_id": "None"},
    {"group_id": "no-such-group"},
    {"meta_data": {"x": "1"}},  # only the filters in Python: the unindexed path
]


@pytest.mark.parametrize("few", [5000, 0], ids=["read-and-sort", "walk-in-order"])
@pytest.mark.parametrize("key", ["accredible-demo-key", "accredible-online-key"])
def test_v1_pages_are_those_of_the_filters_in_python(many, client, key, few, monkeypatch) -> None:
    """Both plans of Store.query: few matches read and sorted, many walked in creation order
    (from the nearer end); FEW=0 makes every list take the second."""
    monkeypatch.setattr(index_query, "FEW", few)
    caller = _caller(many, key)
    visible = many.credentials.all_for(caller)
    if key == "accredible-online-key":  # department 202 sees the bootcamp's only
        assert 0 < len(visible) < 17 and all(d["group_id"] == BOOTCAMP for d in visible)
    for source, size in itertools.product(V1_SOURCES, (1, 2, 5, 50)):
        reference = search.v1_filter(many.credentials.all_for(caller), source)
        last = max(1, -(-len(reference) // size))
        for page in range(1, last + 2):  # every page, and one past the end
            query = {**source, "page": page, "page_size": size}
            docs, meta = listing.v1_page(many.credentials, caller, query)
            expected = reference[(page - 1) * size : page * size]
            assert [d["id"] for d in docs] == [d["id"] for d in expected], (source, size, page)
            assert meta["total_count"] == len(reference)
            assert meta["total_pages"] == (last if reference else 0)


def test_the_list_over_http_pages_a_group_in_creation_order(many, client) -> None:
    seen = []
    for page in (1, 2, 3):
        answer = client.get(
            f"{BASE}/v1/all_credentials?group_id={WORKSHOP}&page_size=2&page={page}", headers=AUTH
        ).get_json()
        seen += [c["id"] for c in answer["credentials"]]
        assert answer["meta"]["total_count"] == 6
    assert len(seen) == len(set(seen)) == 6  # every one once, across the page boundaries


V2_BODIES = [
    {"query": {"recipient_email": "LEARNER1@example.com"}},
    {"query": {"recipient_email[eq]": "p0@example.com"}, "sort": {"id": "desc"}},
    {"query": {"group.id": WORKSHOP, "recipient_email": "learner1@example.com"}},
    {"query": {"group.id": str(BOOTCAMP)}, "page": {"size": 2}},
    {"query": {"recipient_email[in]": ["learner1@example.com", "p3@example.com"]}},
    {"query": {"issued_on[gte]": "2026-03-01"}, "sort": {"issued_on": "asc"}},
    {"query": {"recipient_name": "ada lovelace"}, "page": {"from": 3, "size": 4}},
    {"query": {"id": "no"}},
]


@pytest.mark.parametrize("body", V2_BODIES)
def test_v2_search_narrowed_by_the_index_answers_the_same(many, body) -> None:
    caller = _caller(many, "accredible-demo-key")
    reference = search.v2_search(many.credentials.all_for(caller), body)
    narrowed = search.v2_search(listing.v2_candidates(many.credentials, caller, body), body)
    assert [d["id"] for d in narrowed[0]] == [d["id"] for d in reference[0]]
    assert narrowed[1] == reference[1]


def test_the_index_follows_updates_moves_deletes_and_reset(client, runtime) -> None:
    store = runtime.store
    made = create(client, credential(email="mover@example.com", group=INTRO)).get_json()
    credential_id = made["credential"]["id"]

    def group_ids(group):
        return store.query(TENANT, "credential", {"group_id": str(group)})[0]

    before_intro, before_workshop = group_ids(INTRO), group_ids(WORKSHOP)
    moved = client.put(
        f"{BASE}/v1/credentials/{credential_id}",
        json={"credential": {"group_id": WORKSHOP, "recipient": {"email": "moved@example.com"}}},
        headers=AUTH,
    )
    assert moved.status_code == 200, moved.get_json()
    assert (group_ids(INTRO), group_ids(WORKSHOP)) == (before_intro - 1, before_workshop + 1)
    assert store.query(TENANT, "credential", {"email": "mover@example.com"})[0] == 0
    assert store.query(TENANT, "credential", {"email": "moved@example.com"})[0] == 1
    listed = client.get(f"{BASE}/v1/all_credentials?email=moved@example.com", headers=AUTH)
    assert [c["id"] for c in listed.get_json()["credentials"]] == [credential_id]

    assert client.delete(f"{BASE}/v1/credentials/{credential_id}", headers=AUTH).status_code == 200
    assert store.query(TENANT, "credential", {"email": "moved@example.com"})[0] == 0
    create(client, credential(email="again@example.com"))
    client.post("/_mock/reset")
    assert store.query(TENANT, "credential", {"email": "again@example.com"})[0] == 0


def test_records_stored_before_a_kind_was_indexed_are_indexed_when_it_is() -> None:
    store = Store()
    with store.transaction() as tx:
        tx.put("t", "thing", "1", {"colour": "red"})
        tx.put("t", "thing", "2", {"colour": "blue"})
    store.index_kind("thing", lambda doc: {"colour": doc["colour"]})
    assert store.query("t", "thing", {"colour": "blue"})[1] == [{"colour": "blue"}]
    long_value = "x" * 1000
    with store.transaction() as tx:
        tx.put("t", "thing", "3", {"colour": long_value})
        tx.put("t", "thing", "4", {"colour": "x" * 255})
    assert store.query("t", "thing", {"colour": long_value})[1] == [{"colour": long_value}]
    assert store.query("t", "thing", {"colour": "x" * 255})[0] == 1
    assert index_value(long_value) != index_value("x" * 999)
    store.close()
