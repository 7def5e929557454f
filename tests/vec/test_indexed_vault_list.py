"""The vault list paged from the store's index gives the answers the filters and sort in
Python give (issue 18): newest first with ties in creation time broken by id, every page
boundary, each filter, both query plans; and the index follows status changes and reset."""

from __future__ import annotations

import itertools

import pytest

from mockserver.core import index_query
from tests.vec.helpers import FULL, VAULT, entry, file_id

TENANT = "vec:demo-institute"


def _bulk(client, entries):
    answer = client.post(f"{VAULT}/bulk", json={"entries": entries}, headers=FULL)
    assert answer.status_code == 202, answer.get_json()
    return answer.get_json()["data"]["batch_id"]


@pytest.fixture
def vault(client, runtime):
    """23 vault certificates: two bulk batches and singles, four emails, on a clock that
    stands still for most of them (ties in creation time), some of them generated."""
    client.post("/_mock/clock", json={"freeze": True})
    batches = []
    for round_ in range(3):
        files = [file_id(client) for _ in range(6)]
        batches.append(
            _bulk(
                client,
                [
                    entry(
                        f,
                        applicant_email=f"P{i % 4}@example.com",
                        full_name=f"Learner {round_}-{i}",
                    )
                    for i, f in enumerate(files)
                ],
            )
        )
        client.post("/_mock/clock", json={"advance": 2 if round_ == 0 else 30})
    for i in range(5):
        answer = client.post(
            f"{VAULT}/bulk",
            json={"entries": [entry(file_id(client), applicant_email=f"s{i}@example.com")]},
            headers=FULL,
        )
        assert answer.status_code == 202
    return runtime.providers["vec"].model.vault, batches


QUERIES = [
    {},
    {"status": "generated"},
    {"status": "processing"},
    {"applicant_email": "p1@EXAMPLE.com"},
    {"status": "generated", "applicant_email": "p2@example.com"},
    {"search": "p3@"},
]


@pytest.mark.parametrize("few", [5000, 0], ids=["read-and-sort", "walk-in-order"])
def test_vault_pages_are_those_of_the_python_list(vault, few, monkeypatch) -> None:
    service, batches = vault
    monkeypatch.setattr(index_query, "FEW", few)
    monkeypatch.setattr(index_query, "WALK_AT", float("inf") if few else 1.0)
    caller = type("Caller", (), {"tenant": TENANT})()
    for query, size in itertools.product([*QUERIES, {"batch_id": batches[1]}], (1, 4, 15, 100)):
        reference, _ = service.list(caller, query)
        last = max(1, -(-len(reference) // size))
        for number in range(1, last + 2):
            paged = {**query, "page": str(number), "per_page": str(size)}
            records, total, _ = service.page(caller, paged)
            expected = reference[(number - 1) * size : number * size]
            assert [r["id"] for r in records] == [r["id"] for r in expected], (query, size, number)
            assert total == len(reference)


def test_the_list_over_http_follows_status_changes_and_reset(vault, client) -> None:
    _, batches = vault
    processing = client.get(f"{VAULT}?status=processing&per_page=100", headers=FULL).get_json()
    assert processing["meta"]["total"] > 0
    client.post("/_mock/clock", json={"advance": "1h"})
    client.post("/_mock/vec/process")
    assert client.get(f"{VAULT}?status=processing", headers=FULL).get_json()["meta"]["total"] == 0
    generated = client.get(f"{VAULT}?status=generated&per_page=5&page=2", headers=FULL).get_json()
    assert generated["meta"]["total"] == 23 and len(generated["data"]) == 5
    assert generated["meta"]["current_page"] == 2 and generated["meta"]["last_page"] == 5
    client.post("/_mock/reset")
    assert client.get(VAULT, headers=FULL).get_json()["meta"]["total"] == 0
