"""Abuse over real connections: 50 MB bodies get the provider's 413 and the server stays up;
32 concurrent clients share one Springest quota exactly."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import requests

from tests.springest.helpers import KEY, PDF


def test_fifty_megabyte_bodies_are_refused_in_the_providers_own_shape(server) -> None:
    body = b"{" + b" " * (50 * 1024 * 1024) + b"}"
    accredible = requests.post(
        f"{server.base_url}/accredible/v1/credentials",
        data=body,
        headers={
            "Authorization": "Token token=accredible-demo-key",
            "Content-Type": "application/json",
        },
        timeout=120,
    )
    assert accredible.status_code == 413
    assert set(accredible.json()) == {"errors"}
    vec = requests.post(
        f"{server.base_url}/vec/business/certificate-vault/bulk",
        data=body,
        headers={"Authorization": "Bearer vec-demo-full-token", "Content-Type": "application/json"},
        timeout=120,
    )
    assert vec.status_code == 413 and "message" in vec.json()
    assert requests.get(f"{server.base_url}/_mock/health", timeout=10).status_code == 200


def test_32_clients_share_the_springest_quota_exactly(server) -> None:
    base = f"{server.base_url}/springest/users/certificates.json"

    def post(i: int) -> int:
        return requests.post(
            base,
            params={"api_key": KEY},
            data={
                "certification_id": "104",
                "email": f"p{i}@corp.example",
                "valid_from": "2024-01-01",
            },
            files={"file": ("c.pdf", PDF, "application/pdf")},
            timeout=30,
        ).status_code

    requests.post(f"{server.base_url}/_mock/clock", json={"freeze": True}, timeout=10)
    with ThreadPoolExecutor(max_workers=32) as pool:
        codes = list(pool.map(post, range(32)))
    assert sorted(codes) == [200] * 30 + [400] * 2
    listed = requests.get(base, params={"api_key": KEY}, timeout=10).json()["certificates"]
    assert len(listed) == 30
