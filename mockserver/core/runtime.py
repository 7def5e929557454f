"""One server's shared parts: settings, clock, store, object storage and providers."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml

from mockserver.core.clock import Clock
from mockserver.core.faults import Faults
from mockserver.core.ids import ids
from mockserver.core.journal import Journal
from mockserver.core.provider import Provider, discover
from mockserver.core.scheduler import Scheduler
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
        self.store = Store(settings.resolved_store_url, now=self.clock.timestamp)
        self.storage = ObjectStorage(settings)
        self.uploads = Uploads(self.store, self.storage, self.clock)
        self.scheduler = Scheduler()
        self.journal = Journal(settings.journal_size, settings.journal_body_bytes)
        self.faults = Faults()
        self.seeded: tuple[int, datetime] | None = None
        self.webhooks = WebhookDispatcher(self.store, self.clock, wake=self.scheduler.wake)
        self.scheduler.add("webhooks", lambda: self.webhooks.run_due(wait=False))
        self.providers: dict[str, Provider] = {cls.name: cls(self) for cls in discover()}
        self.load_fixture_dir(settings.fixtures_dir)
        for name, provider in self.providers.items():
            self.scheduler.add(name, provider.tick)
        self.scheduler.start()

    def load_fixture_dir(self, directory: str | Path) -> None:
        """Each provider reads `<name>.yaml` from the directory (absent: no accounts)."""
        folder = Path(directory)
        for name, provider in self.providers.items():
            path = folder / f"{name}.yaml"
            data = yaml.safe_load(path.read_text(encoding="utf-8")) if path.is_file() else {}
            provider.load_fixtures(data or {})

    def load_fixtures(self, data: dict[str, Any]) -> list[str]:
        """Replace the fixtures of the providers named in `data`; unknown names raise KeyError."""
        unknown = sorted(set(data) - set(self.providers))
        if unknown:
            raise KeyError(", ".join(unknown))
        for name, section in data.items():
            self.providers[name].load_fixtures(section or {})
        return sorted(data)

    def reset(self) -> float:
        """Forget all state, objects, clock changes and control-plane settings; the loaded
        fixtures stay and are applied afresh. Returns milliseconds."""
        started = time.perf_counter()
        for provider in self.providers.values():
            provider.load_fixtures(provider.fixtures)
        self.store.clear()
        self.storage.clear()
        self.clock.reset()
        self.webhooks.reload()
        self.journal.clear()
        self.faults.clear()
        for provider in self.providers.values():
            provider.on_reset()
        if self.seeded is not None:
            self.apply_seed(*self.seeded)
        return round((time.perf_counter() - started) * 1000, 2)

    def apply_seed(self, value: int | None, now: datetime | None = None) -> None:
        """Make generated ids, dice rolls and timestamps repeatable (None: random again).

        Kept across /_mock/reset, which applies it afresh, so every reset starts the same run."""
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
        self.storage.close()
        self.store.close()
