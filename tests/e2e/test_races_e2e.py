"""32 concurrent clients over real HTTP racing for what may be won once: the same SEEK Pass
batch (credential id and asset ids) and the same VEC file; exactly one winner, exact counts."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import requests

from tests.seekpass.helpers import BATCH_PATH, http_token, sample_batch


def test_32_clients_one_seekpass_batch(server) -> None:
    headers = {"Authorization": f"Bearer {http_token(server.base_url + '/seekpass')}"}
    url = server.base_url + BATCH_PATH
    with ThreadPoolExecutor(max_workers=32) as pool:
        answers = list(
            pool.map(
                lambda _: requests.post(url, json=sample_batch(), headers=headers, timeout=30),
                range(32),
            )
        )
    assert {a.status_code for a in answers} == {201}
    assert len({a.json()["redirect_uri"] for a in answers}) == 1  # one request, replayed
    state = requests.get(f"{server.base_url}/_mock/seekpass/requests", timeout=10).json()
    assert state["count"] == 1
    assert len(state["requests"][0]["uploads"]) == len(answers[0].json()["asset_uploads"])


def test_32_clients_one_vec_file(server) -> None:
    headers = {"Authorization": "Bearer vec-demo-full-token"}
    vault = f"{server.base_url}/vec/business/certificate-vault"
    file_id = requests.post(
        f"{vault}/upload-file",
        files={"file": ("c.pdf", b"%PDF-1.4 x")},
        headers=headers,
        timeout=10,
    ).json()["data"]["file_id"]

    def bulk(i: int) -> int:
        entry = {
            "certificate_title": "T",
            "full_name": f"Person {i}",
            "applicant_email": f"p{i}@example.com",
            "file_id": file_id,
        }
        return requests.post(
            f"{vault}/bulk", json={"entries": [entry]}, headers=headers, timeout=30
        ).status_code

    with ThreadPoolExecutor(max_workers=32) as pool:
        codes = list(pool.map(bulk, range(32)))
    assert sorted(codes) == [202] + [422] * 31
    listed = requests.get(vault, headers=headers, timeout=10).json()
    assert listed["meta"]["total"] == 1
