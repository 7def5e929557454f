"""Springest's state and behaviour: partners, certifications, certificates, the two quotas."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from mockserver.core.clock import Clock
from mockserver.core.ratelimit import Quota, RateLimiter, quota_from
from mockserver.core.storage import ObjectStorage
from mockserver.core.store import Store
from mockserver.providers.springest.accounts import Accounts
from mockserver.providers.springest.certificates import CertificateService

# 30 certificate posts a minute (sliding, in 1-second steps) and 4000 requests an hour per key.
DEFAULT_POSTS = Quota(limit=30, window_seconds=60, period_seconds=1)
DEFAULT_REQUESTS = Quota(limit=4000, window_seconds=3600, period_seconds=60)


class SpringestModel:
    def __init__(
        self,
        store: Store,
        clock: Clock,
        storage: ObjectStorage,
        make_limiter: Callable[[str, Quota], RateLimiter],
    ) -> None:
        self.store = store
        self.clock = clock
        self.accounts = Accounts()
        self.post_limiter = make_limiter("springest.certificate_posts", DEFAULT_POSTS)
        self.request_limiter = make_limiter("springest.requests", DEFAULT_REQUESTS)
        self.certificates = CertificateService(store, clock, storage, self.post_limiter)

    def load_fixtures(self, data: dict[str, Any], tenant_id: Any) -> None:
        self.accounts.load(data, tenant_id)
        limits = data.get("limits") or {}
        self.post_limiter.configure(quota_from(limits.get("certificate_posts"), DEFAULT_POSTS))
        self.request_limiter.configure(quota_from(limits.get("requests"), DEFAULT_REQUESTS))
        self.seed()

    def seed(self) -> None:
        self.certificates.seed(self.accounts.partners.values())

    def reload(self) -> None:
        self.seed()
