"""Network faults on real connections: reset, empty response, malformed chunked body; the
server keeps serving afterwards."""

from __future__ import annotations

import pytest
import requests

VEC = {"Authorization": "Bearer vec-demo-full-token"}


@pytest.mark.parametrize(
    ("kind", "error", "says"),
    [
        ("reset", requests.exceptions.ConnectionError, "reset by peer"),
        ("empty", requests.exceptions.ConnectionError, "without response"),
        ("malformed_chunk", requests.exceptions.ChunkedEncodingError, "InvalidChunkLength"),
    ],
)
def test_network_faults_break_the_connection(server, kind, error, says) -> None:
    base = server.base_url
    rule = requests.post(
        f"{base}/_mock/faults", json={"provider": "vec", "network": kind, "times": 1}, timeout=10
    )
    assert rule.status_code == 201
    with pytest.raises(error, match=says):
        requests.get(f"{base}/vec/business/certificate-vault", headers=VEC, timeout=10)
    # Through the Prefer header, for one request only, too.
    with pytest.raises(error, match=says):
        requests.get(
            f"{base}/vec/business/certificate-vault",
            headers={**VEC, "Prefer": f"network={kind}"},
            timeout=10,
        )
    after = requests.get(f"{base}/vec/business/certificate-vault", headers=VEC, timeout=10)
    assert after.status_code == 200
    assert requests.get(f"{base}/_mock/health", timeout=10).status_code == 200
    fired = requests.get(f"{base}/_mock/faults/{rule.json()['id']}", timeout=10).json()
    assert fired["fired"] == 1
