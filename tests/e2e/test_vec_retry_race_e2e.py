"""Concurrent retries of one failed VEC certificate: exactly one wins, and
`certificate_application.retried` is sent once (2-4 of 8 used to succeed), on both layers."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from tests.e2e.live import LiveServer
from tests.receiver import webhook_receiver
from tests.vec.helpers import PDF

AUTH = {"Authorization": "Bearer vec-demo-full-token"}


@pytest.mark.parametrize("layer", ["waitress", "granian"])
def test_concurrent_retries_of_one_failed_certificate(layer: str) -> None:
    with LiveServer(args=["--http", layer, "--quiet"]) as server, webhook_receiver() as hooks:
        base, control = f"{server.base_url}/vec/business", f"{server.base_url}/_mock"
        requests.put(f"{control}/vec/webhook", json={"url": hooks.url}, timeout=10)
        requests.post(
            f"{control}/vec/processing", json={"processing_seconds": 0, "fail_next": 1}, timeout=10
        )
        file_id = requests.post(
            f"{base}/certificate-vault/upload-file",
            headers=AUTH,
            files={"file": ("c.pdf", PDF, "application/pdf")},
            timeout=10,
        ).json()["data"]["file_id"]
        requests.post(
            f"{base}/certificate-vault/bulk",
            headers=AUTH,
            timeout=10,
            json={
                "entries": [
                    {
                        "certificate_title": "D",
                        "full_name": "A",
                        "file_id": file_id,
                        "applicant_email": "a@example.com",
                    }
                ]
            },
        )
        requests.post(f"{control}/vec/process", timeout=10)
        listed = requests.get(f"{base}/certificate-vault", headers=AUTH, timeout=10).json()
        (failed,) = [c for c in listed["data"] if c["status"]["value"] == "failed"]
        with ThreadPoolExecutor(max_workers=8) as pool:
            codes = list(
                pool.map(
                    lambda _: (
                        requests.post(
                            f"{base}/certificate-vault/{failed['uuid']}/retry",
                            headers=AUTH,
                            timeout=10,
                        ).status_code
                    ),
                    range(8),
                )
            )
        assert sorted(codes) == [200] + [422] * 7, codes
        requests.post(f"{control}/webhooks/run", timeout=30)
        events = [r.headers.get("X-Webhook-Event") for r in hooks.wait_for(2)]
        assert events.count("certificate_application.retried") == 1, events
