"""Outgoing webhooks for every provider: queue, sign, deliver, retry, and keep the record.

A provider enqueues an event with the URL, the body and the name of a signer it registered
(each provider signs its own way). The scheduler's thread delivers what is due; a receiver that
fails (non-2xx, refused connection, timeout) is retried with growing delays measured on the
server clock, so advancing `/_mock/clock` makes the next retry due at once. Every attempt is
stored with the delivery and shown by the control plane.
"""

from __future__ import annotations

import json
import threading
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import timedelta
from typing import Any

import urllib3
from urllib3.util import parse_url

from mockserver.core import access_log
from mockserver.core.clock import Clock, utc_iso
from mockserver.core.errors import ApiError
from mockserver.core.ids import ids
from mockserver.core.outbound_http import post_for_status
from mockserver.core.store import Store

DELIVERY_HEADER = "X-Mockserver-Delivery"

KIND = "webhook_delivery"
# Delay before each retry, in seconds on the server clock; after the last, the delivery fails.
RETRY_DELAYS = (5, 30, 120, 600, 3600)
# Each read waits at most ATTEMPT_TIMEOUT; the whole attempt (connect, TLS, send, status line)
# at most ATTEMPT_DEADLINE, so a receiver that drips its headers cannot keep a thread.
ATTEMPT_TIMEOUT = 5.0
ATTEMPT_DEADLINE = 10.0
# Attempts under way at once, in all and per receiver (scheme, host and port): a slow receiver
# holds at most PER_RECEIVER threads, so other receivers' deliveries keep flowing.
POOL_SIZE = 32
PER_RECEIVER = 2


def receiver_of(url: str) -> str:
    """The receiver a URL names, as the per-receiver cap counts it: scheme, host and port."""
    try:
        parts = parse_url(url)
    except urllib3.exceptions.LocationParseError:
        return url
    return f"{parts.scheme}://{parts.host}:{parts.port or ''}"


def check_webhook_url(raw: Any) -> str:
    """An http(s) URL with a host, as a receiver needs; ApiError (400) naming the rule."""
    text = raw if isinstance(raw, str) else ""
    try:
        parts = parse_url(text)
    except urllib3.exceptions.LocationParseError:
        parts = None
    if parts is None or parts.scheme not in ("http", "https") or not parts.host:
        raise ApiError(
            400,
            "bad_request",
            f"a webhook URL must be http:// or https:// with a host, not {str(raw)[:80]!r}",
        )
    return text


Signer = Callable[[str, bytes, int], dict[str, str]]
"""(secret, raw body, unix timestamp) -> headers that carry the signature."""


class WebhookDispatcher:
    def __init__(self, store: Store, clock: Clock, wake: Callable[[], None] = lambda: None) -> None:
        self.store = store
        self.clock = clock
        self._wake_scheduler = wake
        self._signers: dict[str, Signer] = {}
        # Deliveries waiting for an attempt, and when the next one is due (server clock): a
        # pass reads from the store only those due, not every delivery waiting for a retry
        # (2,000 behind a receiver that is down cost 21 ms of every 100 ms pass on SQLite, and
        # 1.7 s on PostgreSQL).
        self._pending: dict[tuple[str, str], float] = {}
        self._lock = threading.Lock()
        self._run_lock = threading.Lock()  # one pass at a time picks what is due
        # Attempts under way; a delivery is never attempted twice at once.
        self._in_flight: dict[tuple[str, str], Future[None]] = {}
        self._busy_receivers: Counter[str] = Counter()
        self._pool = ThreadPoolExecutor(max_workers=POOL_SIZE, thread_name_prefix="webhook")
        # Counts resets: an attempt that was under way when the sandbox was reset must not
        # write its delivery back into the emptied store (one test's webhooks would reach the
        # next test).
        self._generation = 0
        self.reload()

    def register_signer(self, name: str, signer: Signer) -> None:
        self._signers[name] = signer

    def forget_in_flight(self) -> None:
        """Before a reset empties the store: attempts under way keep no record of themselves."""
        with self._lock:
            self._generation += 1

    def reload(self) -> None:
        """Pick up deliveries still pending in the store (after a restart or a reset)."""
        with self._lock:
            self._generation += 1
            self._pending = {
                (row["tenant"], row["id"]): row["doc"]["next_attempt_at"]
                for row in self.store.dump(kind=KIND)
                if row["doc"]["status"] in ("pending", "retrying")
            }

    def enqueue(
        self,
        *,
        tenant: str,
        provider: str,
        url: str,
        event: str,
        payload: dict[str, Any],
        signer: str,
        secret: str,
        subscription_id: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> dict[str, Any]:
        """Queue one delivery; the scheduler attempts it on its next pass."""
        body = json.dumps(payload, separators=(",", ":"))
        record = {
            "id": ids.uuid(),
            "tenant": tenant,
            "provider": provider,
            "subscription_id": subscription_id,
            "url": url,
            "event": event,
            "body": body,
            "signer": signer,
            "secret": secret,
            "headers": headers or {},
            "status": "pending",
            "attempts": [],
            "created_at": utc_iso(self.clock.now()),
            "next_attempt_at": self.clock.timestamp(),
        }
        with self.store.transaction() as tx:
            tx.insert(tenant, KIND, record["id"], record)
        with self._lock:
            self._pending[(tenant, record["id"])] = record["next_attempt_at"]
        self._wake_scheduler()
        return record

    def run_due(self, wait: bool = True) -> int:
        """Start an attempt for every delivery that is due now; how many were started.

        Attempts run on a pool with a cap per receiver, so a receiver that hangs until the
        deadline delays only its own deliveries, never other receivers' or the scheduler's
        other work. `wait` (the control plane, tests) returns once every delivery due now has
        been attempted, including those the per-receiver cap held back for a later pass.
        """
        with self._run_lock:
            started, held_back = self._start_due()
        total = len(started)
        while wait:
            with self._lock:
                running = list(self._in_flight.values())
            for future in running + started:
                future.result()
            if not held_back:
                break
            # Only what the cap held back: a retry that fell due meanwhile waits its turn.
            with self._run_lock:
                started, held_back = self._start_due(only=held_back)
            if not started:
                break
            total += len(started)
        return total

    def _start_due(
        self, only: set[tuple[str, str]] | None = None
    ) -> tuple[list[Future[None]], set[tuple[str, str]]]:
        """Start what is due (within `only`, when given); the futures and what the cap held."""
        now = self.clock.timestamp()
        with self._lock:
            keys = [
                key
                for key, due in self._pending.items()
                if due <= now and key not in self._in_flight and (only is None or key in only)
            ]
        futures = []
        held_back: set[tuple[str, str]] = set()
        for tenant, delivery_id in keys:
            record = self.store.get(tenant, KIND, delivery_id)
            if record is None or record["status"] not in ("pending", "retrying"):
                with self._lock:
                    self._pending.pop((tenant, delivery_id), None)
                continue
            if record["next_attempt_at"] > now:
                with self._lock:
                    self._pending[(tenant, delivery_id)] = record["next_attempt_at"]
                continue
            receiver = receiver_of(record["url"])
            with self._lock:
                if self._busy_receivers[receiver] >= PER_RECEIVER:
                    held_back.add((tenant, delivery_id))  # a later pass attempts it
                    continue
                self._busy_receivers[receiver] += 1
                future = self._pool.submit(self._attempt_in_flight, record, receiver)
                self._in_flight[(tenant, delivery_id)] = future
            futures.append(future)
        return futures, held_back

    def _attempt_in_flight(self, record: dict[str, Any], receiver: str) -> None:
        try:
            self._attempt(record)
        finally:
            with self._lock:
                self._in_flight.pop((record["tenant"], record["id"]), None)
                self._busy_receivers[receiver] -= 1
                if self._busy_receivers[receiver] <= 0:
                    del self._busy_receivers[receiver]
            self._wake_scheduler()  # deliveries held back for this receiver may go now

    def _attempt(self, record: dict[str, Any]) -> None:
        generation = self._generation
        body = record["body"].encode("utf-8")
        now = self.clock.now()
        headers = {
            "Content-Type": "application/json",
            "User-Agent": "mockserver-webhooks",
            **record.get("headers", {}),
            # Marks the request as a delivery: the control plane refuses it (a tenant's webhook
            # URL pointing at /_mock/reset must not wipe the sandbox).
            DELIVERY_HEADER: str(record["id"]),
            **self._signers[record["signer"]](record["secret"], body, int(now.timestamp())),
        }
        started = time.perf_counter()
        attempt: dict[str, Any] = {"number": len(record["attempts"]) + 1, "at": utc_iso(now)}
        try:
            # Only the status line matters, and it must come within the deadline: a receiver
            # that drips its headers or body cannot hold a delivery thread.
            status = post_for_status(
                record["url"],
                body,
                headers,
                read_timeout=ATTEMPT_TIMEOUT,
                deadline=ATTEMPT_DEADLINE,
            )
            attempt["status_code"] = status
            ok = 200 <= status < 300
        except urllib3.exceptions.HTTPError as exc:
            attempt["error"] = type(exc).__name__
            ok = False
        attempt["duration_ms"] = round((time.perf_counter() - started) * 1000, 1)
        attempt["headers"] = headers
        record["attempts"].append(attempt)
        if ok:
            record["status"] = "delivered"
        elif len(record["attempts"]) > len(RETRY_DELAYS):
            record["status"] = "failed"
        else:
            delay = RETRY_DELAYS[len(record["attempts"]) - 1]
            record["status"] = "retrying"
            record["next_attempt_at"] = (now + timedelta(seconds=delay)).timestamp()
        with self._lock:
            if generation != self._generation:
                return  # the sandbox was reset while this attempt was under way
            with self.store.transaction() as tx:
                tx.put(record["tenant"], KIND, record["id"], record)
            key = (record["tenant"], record["id"])
            if record["status"] == "retrying":
                self._pending[key] = record["next_attempt_at"]
            else:
                self._pending.pop(key, None)
        access_log.webhook_attempt(record, attempt)

    def deliveries(
        self, provider: str | None = None, status: str | None = None
    ) -> list[dict[str, Any]]:
        found = [row["doc"] for row in self.store.dump(kind=KIND)]
        return [
            {key: value for key, value in record.items() if key != "secret"}
            for record in found
            if (provider is None or record["provider"] == provider)
            and (status is None or record["status"] == status)
        ]

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)
