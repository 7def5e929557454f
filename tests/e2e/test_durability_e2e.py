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


def test_vec_state_survives_a_crash_and_the_verified_pdf_is_remade(tmp_path) -> None:
    args = ["--data-dir", str(tmp_path)]
    headers = {"Authorization": "Bearer vec-demo-full-token"}
    with LiveServer(args=args) as first:
        vault = f"{first.base_url}/vec/business/certificate-vault"
        requests.post(
            f"{first.base_url}/_mock/vec/processing", json={"processing_seconds": 0}, timeout=10
        )
        file_id = requests.post(
            f"{vault}/upload-file",
            files={"file": ("c.pdf", b"%PDF-1.4\n%%EOF\n")},
            headers=headers,
            timeout=10,
        ).json()["data"]["file_id"]
        entry = {
            "certificate_title": "Diploma",
            "full_name": "Kept Person",
            "applicant_email": "kept@example.com",
            "file_id": file_id,
        }
        assert (
            requests.post(
                f"{vault}/bulk", json={"entries": [entry]}, headers=headers, timeout=10
            ).status_code
            == 202
        )
        listed = requests.get(vault, headers=headers, timeout=10).json()
        assert listed["data"][0]["status"]["value"] == "generated"
        first.kill()
    with LiveServer(args=args) as second:
        vault = f"{second.base_url}/vec/business/certificate-vault"
        listed = requests.get(vault, headers=headers, timeout=10).json()
        assert listed["meta"]["total"] == 1
        certificate = listed["data"][0]["uuid"]
        pdf = requests.get(f"{vault}/{certificate}/download", headers=headers, timeout=10)
        assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")
        reuse = requests.post(
            f"{vault}/bulk",
            json={"entries": [{**entry, "full_name": "X"}]},
            headers=headers,
            timeout=10,
        )
        assert reuse.json()["errors"] == [f"Entry 0: file_id {file_id} has already been used"]
