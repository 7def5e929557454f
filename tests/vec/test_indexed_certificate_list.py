"""VEC's certificate and batch lists paged from the store's index (issue 18) give what the
filters and sort in Python gave: every sort field both ways, empty values last ascending and
first descending, ties in creation order (batch, then CSV row) both ways, the date filters,
the search fallback, every page boundary and both query plans; batch counts from the index."""

from __future__ import annotations

import io
import itertools

import pytest

from mockserver.core import index_query
from mockserver.providers.vec.batches import CERTIFICATE_KIND
from mockserver.providers.vec.schemas import SORT_FIELDS
from tests.vec.helpers import FULL

TENANT = "vec:demo-institute"
PLAIN = "7b1f4c1e-8d2a-4f57-9c3e-2a6d5e0b9f10"


def _csv(round_: int) -> bytes:
    """Nine rows: names that tie, a bad email (fails, never generated), two issue dates."""
    rows = ["RecipientsEmail,RecipientsName,IssueDate"]
    for i in range(9):
        email = "not-an-email" if i == 4 else f"p{i % 3}@example.com"
        day = "01-06-2025" if i % 2 else f"0{round_ + 2}-07-2025"
        rows.append(f"{email},Learner {i % 4},{day}")
    return "\n".join(rows).encode()


def _batch(client, round_: int) -> str:
    form = {
        "name": f"Cohort {round_}",
        "template_id": PLAIN,
        "csv_file": (io.BytesIO(_csv(round_)), "recipients.csv"),
    }
    answer = client.post("/vec/business/batches", data=form, headers=FULL)
    assert answer.status_code == 201, answer.get_json()
    return answer.get_json()["data"]["id"]


@pytest.fixture
def certificates(client, runtime):
    """Four batches of nine on a frozen clock (two share a creation time), the first two
    generated, so generated_at is empty for some and not others."""
    client.post("/_mock/clock", json={"freeze": True})
    batches = [_batch(client, 0), _batch(client, 1)]
    client.post("/_mock/clock", json={"advance": 60})
    client.get("/vec/business/batches", headers=FULL)  # the lifecycle moves on a read
    client.post("/_mock/clock", json={"advance": 5})
    batches += [_batch(client, 2), _batch(client, 3)]
    client.post("/_mock/clock", json={"advance": 1})
    client.get("/vec/business/batches", headers=FULL)
    return runtime.providers["vec"].model, batches


def _reference(model, query: dict) -> list[dict]:
    """The list as the Python filter and sort made it, over certificates in creation order
    (when their batch was made, the batch, the CSV row: listing._tie)."""
    items = sorted(
        model.batches.store.list(TENANT, CERTIFICATE_KIND),
        key=lambda c: (c["made_ns"], c["batch_id"][:8], c["row"]),
    )
    for name in ("batch_id", "status"):
        if query.get(name):
            items = [c for c in items if str(c[name]) == query[name]]
    if query.get("issue_date_from"):
        items = [c for c in items if c["issue_date"][:10] >= query["issue_date_from"]]
    if query.get("generated_at_to"):
        items = [
            c
            for c in items
            if c["generated_at"] and c["generated_at"][:10] <= query["generated_at_to"]
        ]
    if query.get("search"):
        term = query["search"].lower()
        items = [
            c
            for c in items
            if any(term in str(c[k]).lower() for k in ("name", "email", "reference_id"))
        ]
    field = query.get("sort_field", "created_at")
    items.sort(
        key=lambda c: (c[field] is None, str(c[field] or "")),
        reverse=query.get("sort_order", "desc") == "desc",
    )
    return items


def _queries(batches: list[str]) -> list[dict]:
    sorts = [{}] + [
        {"sort_field": field, "sort_order": order}
        for field, order in itertools.product(SORT_FIELDS, ("asc", "desc"))
    ]
    filters = [
        {},
        {"status": "generated"},
        {"batch_id": batches[2]},
        {"issue_date_from": "2025-07-03"},
        {"generated_at_to": "2030-01-01", "status": "generated"},
        {"search": "P1@"},
    ]
    return [{**f, **s} for f in filters for s in sorts]


@pytest.mark.parametrize("few", [5000, 0], ids=["read-and-sort", "walk-in-order"])
def test_certificate_pages_are_those_of_the_python_list(certificates, few, monkeypatch) -> None:
    model, batches = certificates
    monkeypatch.setattr(index_query, "FEW", few)
    monkeypatch.setattr(index_query, "WALK_AT", float("inf") if few else 1.0)
    caller = type("Caller", (), {"tenant": TENANT})()
    for query in _queries(batches):
        reference = _reference(model, query)
        for size in (7, 100) if query.get("sort_field") else (1, 7, 100):
            last = max(1, -(-len(reference) // size))
            for number in range(1, last + 2):
                paged = {**query, "page": str(number), "per_page": str(size)}
                items, total, _ = model.batches.certificates(caller, paged)
                expected = reference[(number - 1) * size : number * size]
                assert [c["uuid"] for c in items] == [c["uuid"] for c in expected], (
                    query,
                    size,
                    number,
                )
                assert total == len(reference)


def test_ties_come_in_csv_order_both_ways(certificates, client) -> None:
    _, batches = certificates
    for order in ("asc", "desc"):
        page = client.get(
            f"/vec/business/certificates?batch_id={batches[0]}&sort_field=status"
            f"&sort_order={order}&per_page=100",
            headers=FULL,
        ).get_json()["data"]
        generated = [c["email"] for c in page if c["status"] == "generated"]
        assert generated == [f"p{i % 3}@example.com" for i in range(9) if i != 4]


def test_batch_list_newest_first_with_counts_from_the_index(certificates, client) -> None:
    _, batches = certificates
    listed = client.get("/vec/business/batches?per_page=3", headers=FULL).get_json()
    assert listed["meta"]["total"] == 4 and listed["meta"]["last_page"] == 2
    # batches 2 and 3 share a creation time: the older of the tie first, as the sort did
    assert [b["id"] for b in listed["data"]] == [batches[2], batches[3], batches[0]]
    # (batches 0 and 1 tie too: 0 was made first)
    first = listed["data"][2]
    assert (first["processed_certificates"], first["failed_certificates"]) == (8, 1)
    second = client.get("/vec/business/batches?per_page=3&page=2", headers=FULL).get_json()
    assert [b["id"] for b in second["data"]] == [batches[1]]
    done = client.get("/vec/business/batches?status=partially_completed", headers=FULL).get_json()
    assert {b["id"] for b in done["data"]} == {batches[0], batches[1]}
    client.post("/_mock/reset")
    assert client.get("/vec/business/batches", headers=FULL).get_json()["meta"]["total"] == 0
    empty = client.get("/vec/business/certificates", headers=FULL).get_json()
    assert empty["meta"]["total"] == 0


def test_empty_sort_parameters_mean_the_default_order(certificates, client) -> None:
    """Laravel makes an empty parameter null; a null sort is the default (a 500 before)."""
    default = client.get("/vec/business/certificates?per_page=100", headers=FULL).get_json()
    empty = client.get(
        "/vec/business/certificates?per_page=100&sort_field=&sort_order=", headers=FULL
    )
    assert empty.status_code == 200
    assert [c["id"] for c in empty.get_json()["data"]] == [c["id"] for c in default["data"]]


def test_the_tie_orders_as_its_numbers_do() -> None:
    """The tie's base-62 parts compare as text the way their numbers compare (a CSV's row 61
    before row 62, one nanosecond before the next), and a number too wide is refused rather
    than cut."""
    import random

    from mockserver.providers.vec import listing

    rng = random.Random(18)
    numbers = [0, 1, 9, 10, 35, 36, 61, 62, 63, 3843, 3844, 62**5 - 1]
    numbers += [rng.randrange(62**5) for _ in range(300)]
    for a, b in itertools.combinations(numbers, 2):
        assert (listing._digits(a, 5) < listing._digits(b, 5)) == (a < b), (a, b)
    now = 1_796_148_975_735_627_000
    assert listing._digits(now, 11) < listing._digits(now + 1, 11)
    assert listing._digits(2**63 - 1, 11) > listing._digits(now, 11)
    with pytest.raises(ValueError):
        listing._digits(62**5, 5)
    first = {"made_ns": now, "batch_id": "b5ddb4db-17b5", "row": 61}
    assert listing._tie(first) < listing._tie({**first, "row": 62})
    assert listing._tie({**first, "row": 14_776_336}) < listing._tie({**first, "made_ns": now + 1})
