"""--data-dir: what a 2xx acknowledged is still there after a kill -9 and a restart."""

import requests

from tests.e2e.live import LiveServer
from tests.seekpass.helpers import SAMPLE_BATCH, http_token


def test_acknowledged_batches_survive_a_crash(tmp_path) -> None:
    args = ["--data-dir", str(tmp_path)]
    acknowledged = []
    with LiveServer(args=args) as first:
        headers = {"Authorization": f"Bearer {http_token(first.base_url + '/seekpass')}"}
        for index in range(5):
            payload = dict(SAMPLE_BATCH, credential_id=f"durable-{index}")
            response = requests.post(
                f"{first.base_url}/seekpass/api/partner/v2/add/requests/batch.json",
                json=payload,
                headers=headers,
                timeout=10,
            )
            assert response.status_code == 201
            acknowledged.append((payload["credential_id"], response.json()["redirect_uri"]))
        first.kill()
    with LiveServer(args=args) as second:
        headers = {"Authorization": f"Bearer {http_token(second.base_url + '/seekpass')}"}
        for credential_id, _ in acknowledged:
            response = requests.get(
                f"{second.base_url}/seekpass/api/partner/v1/submissions/{credential_id}/status.json",
                headers=headers,
                timeout=10,
            )
            assert response.status_code == 200
            assert response.json()["status"] == "incomplete"
        requests_state = requests.get(
            f"{second.base_url}/_mock/seekpass/requests", timeout=10
        ).json()
        assert requests_state["count"] == 5
