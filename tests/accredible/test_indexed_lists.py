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
        extra = {"expired_on": f"20{27 + i % 3}-01-0{1 + i % 2}"} if i % 3 == 1 else {}
        body = credential(email=email, group=group, issued_on=issued, **extra)
        body["recipient"]["name"] = ("Ada Lovelace", "ada lovelace", "Émile Zola", "bo")[i % 4]
        if i % 5 == 0:
            body["meta_data"] = {"x": "1"}
        answer = create(client, body)
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
    monkeypatch.setattr(index_query, "WALK_AT", float("inf") if few else 1.0)
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


def _v2_queries(model) -> list[dict]:
    """Conditions of every kind the index answers, alone and together, and some it leaves to
    Python (objects, none, booleans), on values taken from the credentials themselves."""
    docs = model.credentials.all_for(_caller(model, "accredible-demo-key"))
    day, stamp = docs[7]["updated_at"][:10], docs[9]["created_at"]
    ids = [docs[3]["id"], docs[11]["id"]]
    return [
        {},
        {"recipient_email": "LEARNER1@example.com"},
        {"recipient_email[eq]": "p0@example.com"},
        {"group.id": WORKSHOP, "recipient_email": "learner1@example.com"},
        {"group.id": str(BOOTCAMP)},
        {"group.id[in]": [INTRO, str(BOOTCAMP)]},
        {"recipient_email[in]": ["learner1@example.com", "P3@example.com"]},
        {"recipient_email[in]": []},
        {"recipient_email": "learner1@example.com", "recipient_email[eq]": "learner2@example.com"},
        {"recipient_name": "ada lovelace"},
        {"issued_on[gte]": "2026-03-01"},
        {"issued_on[gt]": "2026-03-11", "issued_on[lte]": "2026-04-15"},
        {"issued_on[lt]": "2026-02-12", "group.id": WORKSHOP},
        {"issued_on[gte]": 2026},
        {"expired_on[lt]": "2028-01-02"},
        {"expired_on[gte]": "2028-01-01", "expired_on[lte]": "2029-01-01"},
        {"updated_at[lte]": day},
        {"updated_at[gt]": day},
        {"updated_at[lt]": day, "created_at[gte]": "2000-01-01"},
        {"created_at[gte]": stamp},
        {"created_at[gt]": stamp},
        {"id": ids[0]},
        {"id[in]": [ids[1], str(ids[0]), f"0{ids[0]}", "x", 1.5]},
        {"id": "no"},
        {"meta_data": {"x": "1"}},
        {"meta_data": {"x": "1"}, "group.id": WORKSHOP},
        {"meta_data": {"x": "1"}, "issued_on[lt]": "2026-03-01"},
        {"recipient_email": None},
        {"approve": True},
        {"recipient_name[gt]": "b"},
        {"issued_on[in]": ["2026-01-10"]},
    ]


SORTS = [None] + [{f: o} for f in sorted(search.SORTABLE) for o in ("asc", "desc")]


def _same(found, expected) -> None:
    assert [d["id"] for d in found[0]] == [d["id"] for d in expected[0]]
    assert found[1] == expected[1]


@pytest.mark.parametrize("few", [5000, 0], ids=["read-and-sort", "walk-in-order"])
@pytest.mark.parametrize("key", ["accredible-demo-key", "accredible-online-key"])
def test_v2_search_from_the_index_answers_as_the_search_in_python(
    many, key, few, monkeypatch
) -> None:
    """Every page, by offset and by cursor, of every query in every sort, against the search
    over all the caller's credentials in Python: the same credentials, order, counts and
    cursors (the cursor of one is followed by the other)."""
    monkeypatch.setattr(index_query, "FEW", few)
    monkeypatch.setattr(index_query, "WALK_AT", float("inf") if few else 1.0)
    caller = _caller(many, key)
    visible = many.credentials.all_for(caller)
    for query, sort in itertools.product(_v2_queries(many), SORTS):
        body: dict = {"query": query, **({"sort": sort} if sort else {})}
        for start in (0, 2, 16, 17):
            paged = {**body, "page": {"from": start, "size": 3}}
            _same(
                listing.v2_page(many.credentials, caller, paged), search.v2_search(visible, paged)
            )
        cursor, pages = None, 0
        while pages < 20:
            paged = {**body, "page": {"size": 4, **({"cursor": cursor} if cursor else {})}}
            found = listing.v2_page(many.credentials, caller, paged)
            _same(found, search.v2_search(visible, paged))
            cursor, pages = found[1]["cursor"], pages + 1
            if cursor is None:
                break
        assert cursor is None, (query, sort)


def test_v2_search_over_http_follows_its_cursor_through_ties(many, client) -> None:
    """Credentials made at one frozen moment share updated_at: the cursor still walks every
    one exactly once, newest first, across page boundaries."""
    seen, cursor = [], None
    for _ in range(10):
        page = {"size": 5, **({"cursor": cursor} if cursor else {})}
        answer = client.post(
            f"{BASE}/v2/credentials/search",
            json={
                "query": {"updated_at[gte]": "2000-01-01"},
                "sort": {"updated_at": "desc"},
                "page": page,
            },
            headers=AUTH,
        )
        assert answer.status_code == 200, answer.get_json()
        meta = answer.get_json()["meta"]
        assert meta["count"] == 17 and meta["from"] == 0
        seen += [c["id"] for c in answer.get_json()["credentials"]]
        cursor = meta["cursor"]
        if cursor is None:
            break
    assert len(seen) == len(set(seen)) == 17
    stamps = [many.credentials.store.get(TENANT, "credential", str(i))["updated_at"] for i in seen]
    assert stamps == sorted(stamps, reverse=True)


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
    store.index_kind("thing", lambda doc: {"colour": doc["colour"]}, fields=("colour",))
    assert store.query("t", "thing", {"colour": "blue"})[1] == [{"colour": "blue"}]
    long_value = "x" * 1000
    with store.transaction() as tx:
        tx.put("t", "thing", "3", {"colour": long_value})
        tx.put("t", "thing", "4", {"colour": "x" * 255})
    assert store.query("t", "thing", {"colour": long_value})[1] == [{"colour": long_value}]
    assert store.query("t", "thing", {"colour": "x" * 255})[0] == 1
    assert index_value(long_value) != index_value("x" * 999)
    store.close()


def test_a_long_in_list_is_answered_by_the_index_as_python_answers_it(many, monkeypatch) -> None:
    """More `[in]` values than a statement may carry on PostgreSQL (65,535 parameters) go to
    the index as one parameter (core/one_of.py), with the answers Python gives, page by page,
    without reading the tenant's every credential. A list the index cannot hold (a null in
    it) is still Python's, with the same answers."""
    caller = _caller(many, "accredible-demo-key")
    everyone = many.credentials.all_for(caller)
    emails = [f"nobody{n}@example.com" for n in range(70_000)]
    emails += ["learner1@example.com", "P3@EXAMPLE.com", "learner4@example.com"]
    ids = [str(n) for n in range(10**6, 10**6 + 2_000)] + [str(everyone[2]["id"])]
    queries = [
        {"recipient_email[in]": emails},
        {"recipient_email[in]": emails, "id[in]": ids + [str(everyone[1]["id"])]},
        {"id[in]": ids, "issued_on[gte]": "2026-01-01"},
    ]

    def every_page(body):
        pages = []
        for start in range(0, 40, 2):  # 17 credentials at most: 9 pages
            page = {**body, "page": {"size": 2, "from": start}}
            pages.append(listing.v2_page(many.credentials, caller, page))
            if len(pages[-1][0]) < 2:
                return pages
        raise AssertionError("more pages than credentials")

    for query in queries:
        for sort in ({"issued_on": "desc"}, {"id": "asc"}):
            body = {"query": query, "sort": sort}
            assert listing._translate(search.parse_v2(body))[2] is False
            python = [
                search.v2_search(everyone, {**body, "page": {"size": 2, "from": start}})
                for start in range(0, 2 * len(every_page(body)), 2)
            ]
            monkeypatch.setattr(many.credentials, "all_for", _not_every_credential)
            pages = every_page(body)
            monkeypatch.undo()
            for found, expected in zip(pages, python, strict=True):
                _same(found, expected)
            assert pages[0][1]["count"] > 0
    body = {"query": {"recipient_email[in]": [*emails, None]}}
    assert listing._translate(search.parse_v2(body))[2] is True
    _same(listing.v2_page(many.credentials, caller, body), search.v2_search(everyone, body))


def _not_every_credential(_caller):
    raise AssertionError("the whole tenant was read")
