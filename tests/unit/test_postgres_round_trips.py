"""On a store shared on PostgreSQL an ordinary read makes one round trip (issue 18): the quota
hit goes with the record it answers from (core/later_verdicts.py). Control changes reach other
servers by NOTIFY, not by a read per request; the journal is written off the request path.
Counted by a relay that sees every message the servers send PostgreSQL
(tests/pg_round_trips.py)."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest

from mockserver.app import create_app
from mockserver.core import postgres, shared
from mockserver.core.ratelimit import Quota, RateLimiter, StoreCounts
from mockserver.core.store import Store
from mockserver.settings import Settings
from tests.pg_round_trips import CountingProxy, through
from tests.postgres import empty_pg_url, pg_url

DETAILS = "/accredible/v1/issuer/details"
AUTH = {"Authorization": "Token token=accredible-demo-key"}


@pytest.fixture
def proxy(monkeypatch) -> Iterator[CountingProxy]:
    # A connection that sat a second is pinged before use: one round trip more, on a timer.
    # Not what these tests count (a slow moment in the suite would make it fire).
    monkeypatch.setattr(postgres, "IDLE_PING_SECONDS", 3600.0)
    url = empty_pg_url()
    with CountingProxy(urlsplit(url).port or 5432) as relay:
        yield relay


def _server(proxy: CountingProxy):
    """An app on the shared store through the relay, its background passes stopped (they
    make round trips of their own on a clock, which would blur the counts)."""
    settings = Settings(public_url="http://127.0.0.1:8080", store_url=through(pg_url(), proxy.port))
    app = create_app(settings)
    runtime = app.extensions["mockserver"]
    runtime.scheduler.stop()
    return app, runtime


def _trips(proxy: CountingProxy, runtime, send) -> int:
    """Round trips (journal writing aside) that `send()` made, once its entry is written."""
    before = proxy.round_trips
    answer = send()
    runtime.journal.flush()
    assert answer.status_code == 200, answer.get_data(as_text=True)
    return proxy.round_trips - before


def test_an_ordinary_read_makes_one_round_trip_and_control_changes_are_pushed(
    proxy,
) -> None:
    first_app, first = _server(proxy)
    second_app, second = _server(proxy)
    try:
        one, two = first_app.test_client(), second_app.test_client()
        # Warm: connections open (psycopg also prepares a statement on a connection the fifth
        # time it runs there: one round trip more, once, which the relay counts apart).
        for client in (one, two) * 10:
            client.get(DETAILS, headers=AUTH)
        counts = [_trips(proxy, first, lambda: one.get(DETAILS, headers=AUTH)) for _ in range(10)]
        assert counts == [1] * 10  # the quota hit with the credit balance
        assert proxy.prepare_round_trips > 0  # (what would have made some of them 3)
        journal_before = proxy.journal_round_trips
        assert len(second.journal.entries({"path": DETAILS})) == 30  # both servers' entries
        assert proxy.journal_round_trips > journal_before

        # A clock change on the first server: announced, read and confirmed by the second
        # server's watching thread before the first answers; the second's reads still cost
        # one.
        moved = one.post("/_mock/clock", json={"set": "2031-05-01T00:00:00Z", "freeze": True})
        assert moved.status_code == 200
        assert second.clock.now().isoformat().startswith("2031-05-01T00:00:00")
        assert _trips(proxy, second, lambda: two.get(DETAILS, headers=AUTH)) == 1
    finally:
        first.close()
        second.close()


def _stop_watching(runtime) -> None:
    """The server's thread that applies announcements as they arrive, stopped: what is left
    is what a request does."""
    runtime.shared._stopping.set()
    runtime.shared._watcher.join(5)
    assert not runtime.shared._watcher.is_alive()


def test_a_server_that_lost_its_listening_connection_reads_the_control_record(proxy) -> None:
    app, runtime = _server(proxy)
    other_app, other = _server(proxy)
    try:
        _stop_watching(runtime)
        client = app.test_client()
        for _ in range(10):
            client.get(DETAILS, headers=AUTH)
        runtime.shared._listener._connection.close()  # as if PostgreSQL had dropped it
        other_app.test_client().post("/_mock/clock", json={"advance": "24h"})
        # finds the connection broken: listens again (LISTEN), reads the control record; then
        # the quota hit with the credit balance
        assert _trips(proxy, runtime, lambda: client.get(DETAILS, headers=AUTH)) == 3
        assert runtime.clock.state() == other.clock.state()
        assert _trips(proxy, runtime, lambda: client.get(DETAILS, headers=AUTH)) == 1
    finally:
        runtime.close()
        other.close()


def test_a_change_answers_once_the_other_server_applied_it_however_slow_its_link(proxy) -> None:
    """PostgreSQL passes an announcement on to each listening server on its own time: here the
    second server's link holds everything for 0.2 s. The first server answers the change only
    once the second confirmed it, so the client's next call, on the second, finds it (without
    the confirmations the announcement was still in the relay at that point)."""
    first_app = create_app(Settings(public_url="http://127.0.0.1:8080", store_url=pg_url()))
    first = first_app.extensions["mockserver"]
    first.scheduler.stop()
    second_app, second = _server(proxy)
    try:
        proxy.delay = 0.2
        client = first_app.test_client()
        for moment in ("2031-05-01T00:00:00Z", "2032-06-02T00:00:00Z"):
            moved = client.post("/_mock/clock", json={"set": moment, "freeze": True})
            assert moved.status_code == 200
            assert second.clock.now().isoformat().startswith(moment[:19])
        added = client.post("/_mock/faults", json={"provider": "accredible", "status": 503})
        assert added.status_code == 201, added.get_data(as_text=True)
        answer = second_app.test_client().get(DETAILS, headers=AUTH)
        assert answer.status_code == 503
    finally:
        proxy.delay = 0.0
        first.close()
        second.close()


def test_a_server_that_does_not_confirm_is_waited_for_a_bounded_time(
    proxy, monkeypatch, caplog
) -> None:
    """A server that hears but never confirms (stuck) does not hold changes up for good: the
    wait ends after ANNOUNCE_WAIT_SECONDS, with a log line naming it."""
    monkeypatch.setattr(shared, "ANNOUNCE_WAIT_SECONDS", 0.5)
    app, runtime = _server(proxy)
    stuck_app, stuck = _server(proxy)
    try:
        _stop_watching(stuck)
        pid = stuck.shared._listener.pid
        assert pid is not None
        with caplog.at_level(logging.WARNING, logger="mockserver.shared"):
            moved = app.test_client().post("/_mock/clock", json={"advance": "1h"})
        assert moved.status_code == 200
        assert f"did not confirm a change within 0.5 s (PostgreSQL backend pids {pid})" in (
            caplog.text
        )
        caplog.clear()
        # Once it has caught up (its next request), it confirms again.
        stuck_app.test_client().get(DETAILS, headers=AUTH)
        stuck.shared._stopping.clear()
        stuck.shared.start()
        with caplog.at_level(logging.WARNING, logger="mockserver.shared"):
            moved = app.test_client().post("/_mock/clock", json={"advance": "1h"})
        assert moved.status_code == 200
        assert "did not confirm" not in caplog.text
        assert stuck.clock.state() == runtime.clock.state()
    finally:
        runtime.close()
        stuck.close()


def test_idle_background_work_makes_no_round_trips_whatever_waits(proxy) -> None:
    """A scheduler pass costs nothing while nothing is due: deliveries waiting for a retry
    (a receiver that is down) are not read each pass, nor are Accredible's accounts searched
    for exports to move along (they move when read). Both were read ten times a second."""
    _app, runtime = _server(proxy)
    try:
        runtime.clock.freeze()
        webhooks = runtime.webhooks
        webhooks.register_signer("none", lambda secret, body, at: {})
        for number in range(20):
            webhooks.enqueue(
                tenant="accredible:demo-academy",
                provider="accredible",
                url="http://127.0.0.1:9/down",  # the discard port: refused
                event="test",
                payload={"number": number},
                signer="none",
                secret="s",
            )
        assert webhooks.run_due(wait=True) == 20
        assert {d["status"] for d in webhooks.deliveries()} == {"retrying"}
        before = proxy.round_trips
        for _ in range(10):
            runtime.scheduler.run_once()
        assert proxy.round_trips - before == 0, list(proxy.trace)[-10:]
        runtime.clock.advance(5)  # the first retry is due: each delivery is read again
        assert webhooks.run_due(wait=True) == 20
        assert [len(d["attempts"]) for d in webhooks.deliveries()] == [2] * 20
    finally:
        runtime.close()


def test_a_vec_batch_processing_costs_a_pass_nothing_until_it_is_due(proxy) -> None:
    """A pass looks at a VEC batch only when its start or its certificates' processing time
    has come; before, it listed every certificate of a processing batch each pass."""
    import io

    app, runtime = _server(proxy)
    try:
        client = app.test_client()
        runtime.clock.freeze()
        rows = ["RecipientsEmail,RecipientsName,IssueDate"]
        rows += [f"p{number}@example.com,Learner {number},01-06-2025" for number in range(30)]
        made = client.post(
            "/vec/business/batches",
            data={
                "name": "Cohort",
                "template_id": "7b1f4c1e-8d2a-4f57-9c3e-2a6d5e0b9f10",
                "csv_file": (io.BytesIO("\n".join(rows).encode()), "recipients.csv"),
            },
            headers={"Authorization": "Bearer vec-demo-full-token"},
        )
        assert made.status_code == 201, made.get_json()
        tenant, batch_id = "vec:demo-institute", made.get_json()["data"]["id"]
        runtime.clock.advance(2)  # past its start: processing, done 5 s later
        runtime.scheduler.run_once()
        assert runtime.store.get(tenant, "vec_batch", batch_id)["status"] == "processing"
        before = proxy.round_trips
        for _ in range(10):
            runtime.scheduler.run_once()
        assert proxy.round_trips - before == 0, list(proxy.trace)[-10:]
        runtime.clock.advance(5)
        runtime.scheduler.run_once()
        assert runtime.store.get(tenant, "vec_batch", batch_id)["status"] == "completed"
    finally:
        runtime.close()


def test_a_waiting_quota_hit_goes_with_the_next_read_or_alone_when_asked(proxy) -> None:
    store = Store(through(pg_url(), proxy.port))
    quota = Quota(limit=10**6, window_seconds=60, period_seconds=60)
    limiter = RateLimiter(quota, time.time, StoreCounts(store, "t"))
    try:
        with store.transaction() as tx:
            tx.put("tenant", "thing", "1", {"n": 1})
        for _ in range(6):  # warm: connections open, statements prepared
            later = limiter.hit_soon("key")
            assert store.get("tenant", "thing", "1") == {"n": 1}
            assert later().allowed  # type: ignore[operator]
            assert limiter.hit_soon("key")().allowed  # type: ignore[operator]
        before = proxy.round_trips
        later = limiter.hit_soon("key")
        assert proxy.round_trips == before  # nothing sent while it waits
        assert store.get("tenant", "thing", "1") == {"n": 1}
        assert proxy.round_trips == before + 1  # the hit went with the read
        assert later().allowed  # type: ignore[operator]
        assert proxy.round_trips == before + 1
        assert limiter.hit_soon("key")().allowed  # type: ignore[operator]
        assert proxy.round_trips == before + 2  # no read came: made alone when asked
        assert store.get("tenant", "thing", "1") == {"n": 1}
        assert proxy.round_trips == before + 3  # and the next read is a read alone
    finally:
        store.close()
