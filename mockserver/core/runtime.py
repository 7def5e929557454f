"""One server's shared parts: settings, clock, store, object storage and providers."""

from __future__ import annotations

import copy
import secrets
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from marshmallow import Schema

from mockserver.core.clock import Clock
from mockserver.core.faults import Faults
from mockserver.core.fixture_files import check_sections, read_folder
from mockserver.core.ids import ids
from mockserver.core.journal import Journal, StoreJournal
from mockserver.core.provider import Provider, discover
from mockserver.core.ratelimit import MemoryCounts, Quota, RateLimiter, StoreCounts
from mockserver.core.scheduler import Scheduler
from mockserver.core.shared import ControlSync
from mockserver.core.storage import ObjectStorage
from mockserver.core.store import Store
from mockserver.core.uploads import Uploads
from mockserver.core.webhooks import WebhookDispatcher
from mockserver.settings import Settings

DEFAULT_SEED_TIME = datetime(2030, 1, 1, tzinfo=UTC)


class Runtime:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.clock = Clock()
        self.store = Store(
            settings.resolved_store_url,
            now=self.clock.timestamp,
            connections=settings.threads + 2,  # the request threads, the scheduler and journal
            memory_mb=settings.store_memory_mb,
            max_mb=settings.store_max_mb,
        )
        self._own_secrets(settings)
        self.storage = ObjectStorage(settings)
        self.uploads = Uploads(self.store, self.storage, self.clock)
        self.scheduler = Scheduler()
        self.journal: Journal | StoreJournal = (
            StoreJournal(self.store, settings.journal_size, settings.journal_body_bytes)
            if self.store.shared
            else Journal(settings.journal_size, settings.journal_body_bytes)
        )
        self.faults = Faults()
        # Requests that may wait out a delay (Prefer: delay, rules) at once: half the threads.
        self.delay_slots = threading.BoundedSemaphore(max(1, settings.threads // 2))
        self.limiters: dict[str, RateLimiter] = {}
        self.shared = ControlSync(
            self.store, self.clock, self.faults, self.limiters, self._forget_local_state
        )
        self.seeded: tuple[int, datetime] | None = None
        self.webhooks = WebhookDispatcher(self.store, self.clock, wake=self.scheduler.wake)
        self.scheduler.add("webhooks", lambda: self.webhooks.run_due(wait=False))
        self.providers: dict[str, Provider] = {cls.name: cls(self) for cls in discover()}
        self.load_fixture_dir(settings.fixtures_folder)
        # What the server started with, for a reset that also undoes fixtures loaded since
        # (the pytest plugin's per-test reset: what one test loads is gone in the next).
        self.initial_fixtures = {
            name: copy.deepcopy(p.fixtures) for name, p in self.providers.items()
        }
        self.shared.start()
        self.scheduler.add("shared control state", self.shared.sync)
        for name, provider in self.providers.items():
            self.scheduler.add(name, provider.tick)
        self.scheduler.start()

    def _own_secrets(self, settings: Settings) -> None:
        """Secrets left unset are this sandbox's own, random, never a default anyone knows."""
        made = {
            "s3_access_key": lambda: "MOCK" + secrets.token_hex(8).upper(),
            "s3_secret_key": lambda: secrets.token_urlsafe(30),
            "token_signing_key": lambda: secrets.token_urlsafe(48),
        }
        for name, make in made.items():
            if not getattr(settings, name):
                setattr(settings, name, self.store.secret(name, make))

    def limiter(self, name: str, quota: Quota) -> RateLimiter:
        """A named quota; its counts are in the store when several servers share it."""
        counts = StoreCounts(self.store, name) if self.store.shared else MemoryCounts()
        limiter = RateLimiter(quota, self.clock.timestamp, counts)
        self.limiters[name] = limiter
        return limiter

    def fixture_schemas(self) -> dict[str, Schema | None]:
        return {
            name: provider.fixture_schema() if provider.fixture_schema else None
            for name, provider in self.providers.items()
        }

    def load_fixture_dir(self, directory: str | Path) -> None:
        """Each provider reads `<name>.yaml` from the folder (a provider without one has no
        accounts). FixtureError, with every problem, before anything is applied."""
        found = read_folder(directory, self.fixture_schemas())
        for name, provider in self.providers.items():
            provider.load_fixtures(found[name])

    def load_fixtures(self, data: dict[str, Any]) -> list[str]:
        """Replace the fixtures of the providers named in `data`. FixtureError, with every
        problem (unknown providers, keys or types), before anything is applied."""
        check_sections(data, self.fixture_schemas())
        for name, section in data.items():
            self.providers[name].load_fixtures(section or {})
        return sorted(data)

    def reset(self, initial_fixtures: bool = False) -> float:
        """Forget all state, objects, clock changes and control-plane settings; the loaded
        fixtures stay and are applied afresh (or, with `initial_fixtures`, the ones the server
        started with). Returns milliseconds."""
        started = time.perf_counter()
        with self.scheduler.paused():
            self._reset(initial_fixtures)
        return round((time.perf_counter() - started) * 1000, 2)

    def _reset(self, initial_fixtures: bool) -> None:
        for name, provider in self.providers.items():
            if initial_fixtures:
                provider.load_fixtures(copy.deepcopy(self.initial_fixtures[name]))
            else:
                provider.load_fixtures(provider.fixtures)
        self.webhooks.forget_in_flight()
        # The clock first: the fixtures' records go back inside the store's emptying, stamped
        # with the time the sandbox restarts at (a seeded run's frozen moment).
        self._restart_clock()
        self.store.clear(refill=self._seed_fixture_records)
        self.storage.clear()
        self.journal.clear()
        if not self.store.shared:  # a shared store's clear emptied its quota counts as well
            for limiter in self.limiters.values():
                limiter.clear()
        # After the store's reset, not around it: this holds the control record locked in a
        # transaction of its own, which PostgreSQL's emptying of the records would wait for.
        with self.shared.change(reset=True):
            self._restart_clock()
            self.faults.clear()
            self._forget_local_state()

    def _restart_clock(self) -> None:
        self.clock.reset()
        if self.seeded is not None:
            self._seed_locally(*self.seeded)

    def _seed_fixture_records(self) -> None:
        for provider in self.providers.values():
            provider.seed()

    def _forget_local_state(self) -> None:
        """Drop what this server keeps in memory about stored state (after a reset, here or
        by another server on a shared store)."""
        self.webhooks.reload()
        for provider in self.providers.values():
            provider.on_reset()

    def apply_seed(self, value: int | None, now: datetime | None = None) -> None:
        """Make generated ids, dice rolls and timestamps repeatable (None: random again).

        Kept across /_mock/reset, which applies it afresh, so every reset starts the same run."""
        with self.shared.change():
            self._seed_locally(value, now)

    def _seed_locally(self, value: int | None, now: datetime | None = None) -> None:
        ids.seed(value)
        self.faults.rng.seed(value)
        if value is None:
            self.seeded = None
            self.clock.reset()
            return
        moment = now or DEFAULT_SEED_TIME
        self.seeded = (value, moment)
        self.clock.freeze(moment)

    def close(self) -> None:
        self.scheduler.stop()
        self.webhooks.close()
        self.journal.close()
        self.shared.close()
        self.storage.close()
        self.store.close()
