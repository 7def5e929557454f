"""Two `mockserver serve` processes on one PostgreSQL store: one sandbox behind two
addresses. The duplicate rule and the id counters hold across the processes."""

from __future__ import annotations

import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from tests.e2e.live import LiveServer
from tests.postgres import empty_pg_url

AUTH = {"Authorization": "Token token=accredible-demo-key"}


@pytest.fixture
def two_servers() -> Iterator[tuple[LiveServer, LiveServer]]:
    url = empty_pg_url()
    with LiveServer(args=["--store-url", url]) as first:
        with LiveServer(args=["--store-url", url]) as second:
            yield first, second


def _create(base: str, email: str) -> int:
    body = {"credential": {"recipient": {"name": "Race", "email": email}, "group_id": 9001}}
    return requests.post(
        f"{base}/accredible/v1/credentials", json=body, headers=AUTH, timeout=30
    ).status_code


def test_32_clients_on_two_servers_one_duplicate_winner(two_servers) -> None:
    first, second = two_servers
    bases = [first.base_url, second.base_url] * 16
    with ThreadPoolExecutor(max_workers=32) as pool:
        codes = list(pool.map(lambda base: _create(base, "same@example.com"), bases))
    assert sorted(codes) == [200] + [422] * 31
    for server in (first, second):
        listed = requests.get(
            f"{server.base_url}/accredible/v1/all_credentials",
            params={"email": "same@example.com"},
            headers=AUTH,
            timeout=30,
        )
        assert listed.json()["meta"]["total_count"] == 1  # both addresses see the one winner


def test_ids_stay_unique_across_processes(two_servers) -> None:
    first, second = two_servers
    jobs = [
        (base, f"learner{i}@example.com")
        for i, base in enumerate([first.base_url, second.base_url] * 16)
    ]
    with ThreadPoolExecutor(max_workers=32) as pool:
        codes = list(pool.map(lambda job: _create(*job), jobs))
    assert codes == [200] * 32
    listed = requests.get(
        f"{second.base_url}/accredible/v1/all_credentials",
        params={"page_size": 100},
        headers=AUTH,
        timeout=30,
    ).json()
    ids = [c["id"] for c in listed["credentials"]]
    assert len(ids) == 32 and len(set(ids)) == 32
    details = requests.get(
        f"{first.base_url}/accredible/v1/issuer/details", headers=AUTH, timeout=30
    ).json()
    assert details["issuer"]["certificate_left"] == 1000 - 32  # no credit spent twice


# --- the control plane is one thing too ---------------------------------------------------


def _control(base: str, method: str, path: str, **kwargs) -> requests.Response:
    return requests.request(method, f"{base}/_mock{path}", timeout=30, **kwargs)


def test_a_fault_rule_added_on_one_server_fires_once_across_both(two_servers) -> None:
    first, second = two_servers
    added = _control(
        first.base_url,
        "POST",
        "/faults",
        json={"provider": "accredible", "path": "*/issuer/details", "status": 503, "times": 1},
    )
    assert added.status_code == 201
    details = "/accredible/v1/issuer/details"
    answers = [
        requests.get(f"{base}{details}", headers=AUTH, timeout=30).status_code
        for base in (second.base_url, first.base_url, second.base_url)
    ]
    assert answers == [503, 200, 200]  # fired on the other server, and only once in all
    for server in (first, second):
        rule = _control(server.base_url, "GET", f"/faults/{added.json()['id']}").json()
        assert (rule["fired"], rule["times"], rule["active"]) == (1, 0, False)


def test_clock_and_quota_settings_follow_whichever_server_changed_them(two_servers) -> None:
    first, second = two_servers
    moved = _control(
        first.base_url, "POST", "/clock", json={"set": "2031-05-01T00:00:00Z", "freeze": True}
    )
    assert moved.status_code == 200
    assert _control(second.base_url, "GET", "/clock").json()["now"] == "2031-05-01T00:00:00Z"
    limited = _control(first.base_url, "POST", "/accredible/rate_limit", json={"limit": 5})
    assert limited.status_code == 200
    assert _control(second.base_url, "GET", "/accredible/rate_limit").json()["all"]["limit"] == 5
    # One quota of 5 across both servers, not 5 each.
    codes = [
        requests.get(f"{base}/accredible/v1/issuer/details", headers=AUTH, timeout=30).status_code
        for base in [first.base_url, second.base_url] * 4
    ]
    assert codes == [200] * 5 + [429] * 3


def test_a_read_past_the_shared_quota_answers_only_the_refusal(two_servers) -> None:
    """A read's quota hit goes with the record it reads (core/later_verdicts.py): past the
    quota the answer is still rack-attack's 429 and nothing of the view's, whatever the view
    would have answered; writes are judged before their view as ever."""
    first, second = two_servers
    assert _control(first.base_url, "POST", "/accredible/rate_limit", json={"limit": 2}).ok
    details = "/accredible/v1/issuer/details"
    missing = "/accredible/v1/credentials/999999"
    assert requests.get(first.base_url + details, headers=AUTH, timeout=30).status_code == 200
    assert requests.get(second.base_url + missing, headers=AUTH, timeout=30).status_code == 404
    answers = [
        requests.get(first.base_url + details, headers=AUTH, timeout=30),
        requests.get(second.base_url + missing, headers=AUTH, timeout=30),
        requests.head(first.base_url + details, headers=AUTH, timeout=30),
        requests.post(
            second.base_url + "/accredible/v1/credentials",
            json={"credential": {"recipient": {"name": "Late", "email": "late@example.com"}}},
            headers=AUTH,
            timeout=30,
        ),
    ]
    assert [answer.status_code for answer in answers] == [429] * 4
    for answer in answers[:2]:
        assert answer.text == "Retry later\n"
        assert 1 <= int(answer.headers["Retry-After"]) <= 300
    seen = _control(second.base_url, "GET", "/requests", params={"provider": "accredible"})
    statuses = [entry["status"] for entry in seen.json()["requests"]]
    assert sorted(statuses) == [200, 404, 429, 429, 429, 429]
    listed = requests.get(
        second.base_url + "/accredible/v1/all_credentials",
        params={"email": "late@example.com"},
        headers=AUTH,
        timeout=30,
    )
    assert listed.status_code == 429  # still past the quota: the refused post made nothing
    _control(first.base_url, "POST", "/accredible/rate_limit", json={"limit": 100})
    listed = requests.get(
        second.base_url + "/accredible/v1/all_credentials",
        params={"email": "late@example.com"},
        headers=AUTH,
        timeout=30,
    )
    assert listed.json()["meta"]["total_count"] == 0


def test_a_refused_read_writes_nothing_its_view_would_have(two_servers) -> None:
    """A credential's page records that it was seen (an analytics event, a write in a GET):
    past the quota the page answers 429 and records nothing (core/later_verdicts.py)."""
    first, second = two_servers
    body = {"credential": {"recipient": {"name": "Seen", "email": "seen@example.com"}}}
    body["credential"]["group_id"] = 9001
    made = requests.post(
        f"{first.base_url}/accredible/v1/credentials", json=body, headers=AUTH, timeout=30
    )
    assert made.status_code == 200, made.text
    page = "/accredible/" + made.json()["credential"]["url"].split("/accredible/", 1)[1]
    assert _control(first.base_url, "POST", "/accredible/rate_limit", json={"limit": 1}).ok
    assert requests.get(second.base_url + page, timeout=30).status_code == 200
    refused = requests.get(first.base_url + page, timeout=30)
    assert refused.status_code == 429 and refused.text == "Retry later\n"
    assert _control(first.base_url, "POST", "/accredible/rate_limit", json={"limit": 100}).ok
    analytics = requests.get(
        f"{second.base_url}/accredible/v1/analytics",
        params={"group_id": 9001},
        headers=AUTH,
        timeout=30,
    ).json()["analytics"]
    assert [event["event"] for event in analytics] == ["recipient_view_certificate"]


def test_journal_and_reset_cover_both_servers(two_servers) -> None:
    first, second = two_servers
    for base in (first.base_url, second.base_url):
        requests.get(f"{base}/accredible/v1/issuer/details", headers=AUTH, timeout=30)
    for server in (first, second):
        seen = _control(server.base_url, "GET", "/requests", params={"provider": "accredible"})
        entries = seen.json()["requests"]
        assert len(entries) == 2
        assert entries[0]["id"] != entries[1]["id"]
    _control(first.base_url, "POST", "/faults", json={"provider": "vec", "status": 500})
    _control(first.base_url, "POST", "/clock", json={"advance": "48h"})
    assert len(_control(second.base_url, "GET", "/faults").json()["faults"]) == 1
    assert _control(second.base_url, "GET", "/clock").json()["offset_seconds"] > 47 * 3600
    assert _control(first.base_url, "POST", "/reset").status_code == 200
    assert _control(second.base_url, "GET", "/faults").json()["faults"] == []
    assert _control(second.base_url, "GET", "/clock").json()["frozen"] is False
    assert abs(_control(second.base_url, "GET", "/clock").json()["offset_seconds"]) < 5
    assert _control(second.base_url, "GET", "/requests/count").json()["count"] == 0


def test_rules_added_at_once_on_both_servers_are_all_kept(two_servers) -> None:
    first, second = two_servers
    bodies = [{"provider": "vec", "path": f"/vec/rule{i}", "status": 500} for i in range(16)]
    jobs = list(zip([first.base_url, second.base_url] * 8, bodies, strict=True))
    with ThreadPoolExecutor(max_workers=16) as pool:
        codes = list(
            pool.map(lambda job: _control(job[0], "POST", "/faults", json=job[1]).status_code, jobs)
        )
    assert codes == [201] * 16
    for server in (first, second):
        paths = {
            rule["path"] for rule in _control(server.base_url, "GET", "/faults").json()["faults"]
        }
        assert paths == {body["path"] for body in bodies}  # no change lost to another's


def test_an_export_made_through_one_server_is_ready_through_the_other(two_servers) -> None:
    """Exports move along the clock when they are read, on whichever server reads them (no
    server's scheduler has to have seen them)."""
    first, second = two_servers
    made = requests.post(
        f"{first.base_url}/accredible/v1/data_exports",
        json={"data_export": {"entity": "credentials", "department_id": 201}},
        headers=AUTH,
        timeout=30,
    )
    assert made.status_code == 201, made.text
    export_id = made.json()["data_export"]["id"]
    path = f"/accredible/v1/data_exports/{export_id}"
    seen = requests.get(f"{second.base_url}{path}", headers=AUTH, timeout=30).json()
    assert seen["data_export"]["status"] == "scheduled"
    assert _control(first.base_url, "POST", "/clock", json={"advance": "1h"}).status_code == 200
    ready = requests.get(f"{second.base_url}{path}", headers=AUTH, timeout=30).json()
    assert ready["data_export"]["status"] == "completed"
    assert ready["data_export"]["urls"], ready
    again = requests.get(f"{first.base_url}{path}", headers=AUTH, timeout=30).json()
    # The link is each server's own (its address, its signature), to the same object: the
    # servers share one S3-compatible store in a deployment (README), not in this test.
    assert again["data_export"]["status"] == "completed"
    assert [link["year"] for link in again["data_export"]["urls"]] == [
        link["year"] for link in ready["data_export"]["urls"]
    ]
    csv = requests.get(ready["data_export"]["urls"][0]["url"], timeout=30)
    assert csv.status_code == 200 and csv.text.startswith("id,")


def test_resets_through_one_server_while_another_takes_writes(two_servers) -> None:
    """QA resets the shared sandbox while a load runs through another server: every reset
    answers 200 and every write 200. With resets deleting row by row, PostgreSQL found a
    deadlock every second or two between a reset and the writes, and cancelled one of them
    (a 503); with the fixtures written back in a transaction after the emptying, a write
    between the two found its group gone (a 422, for a quarter of the writes or more)."""
    first, second = two_servers
    stop = time.monotonic() + 3
    writes: list[int] = []

    def write(worker: int) -> None:
        number = 0
        while time.monotonic() < stop:
            number += 1
            writes.append(_create(second.base_url, f"load-{worker}-{number}@example.com"))

    with ThreadPoolExecutor(max_workers=4) as pool:
        for worker in range(4):
            pool.submit(write, worker)
        resets = []
        while time.monotonic() < stop:
            resets.append(_control(first.base_url, "POST", "/reset").status_code)
            time.sleep(0.1)
    assert resets and set(resets) == {200}
    assert writes and set(writes) == {200}, {code: writes.count(code) for code in set(writes)}
