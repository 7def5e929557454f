"""What the benchmarks share: lifting the sandbox's quotas, which a load run would hit at once
(the runs measure speed and inputs, not the limits)."""

from __future__ import annotations

import requests

UNLIMITED = 10**9


def lift_quotas(base: str) -> None:
    requests.post(f"{base}/_mock/accredible/rate_limit", json={"limit": UNLIMITED}, timeout=30)
    requests.post(f"{base}/_mock/accredible/credits", json={"balance": UNLIMITED}, timeout=30)
    for scope in ("certificate_posts", "requests"):
        requests.post(
            f"{base}/_mock/springest/limits", json={"scope": scope, "limit": UNLIMITED}, timeout=30
        )
