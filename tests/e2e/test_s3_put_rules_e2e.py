"""Presigned PUTs over real HTTP on both layers, as S3 answers them: a chunked body (no
Content-Length) is S3's 501 NotImplemented naming Transfer-Encoding, not a stored object; and
the link of a SEEK Pass request the user declined is refused (AccessDenied)."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
import requests

from tests.e2e.live import LiveServer
from tests.seekpass.helpers import http_token, seed_sample

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture(scope="module", params=["waitress", "granian"])
def server(request) -> Iterator[LiveServer]:
    with LiveServer(args=["--http", request.param, "--quiet"]) as live:
        yield live


def _batch(server: LiveServer) -> dict:
    base = f"{server.base_url}/seekpass"
    payload = json.loads(seed_sample())
    for index, item in enumerate(payload.get("credentials", payload.get("items", []))):
        item["credential_id"] = f"{item.get('credential_id', 'c')}-{id(payload)}-{index}"
    answer = requests.post(
        f"{base}/api/partner/v2/add/requests/batch.json",
        json=payload,
        headers={"Authorization": f"Bearer {http_token(base)}"},
        timeout=10,
    )
    assert answer.status_code in (200, 201), answer.text
    return answer.json()


def _pdf_upload(body: dict) -> str:
    for upload in body["asset_uploads"]:
        if "pdf" in upload["url"].lower() or upload["asset_id"].lower().endswith("pdf"):
            return upload["url"]
    return body["asset_uploads"][0]["url"]


def test_a_chunked_put_is_s3s_not_implemented(server: LiveServer) -> None:
    url = _pdf_upload(_batch(server))
    answer = requests.put(
        url, data=iter([PDF]), headers={"Content-Type": "application/pdf"}, timeout=10
    )
    assert answer.status_code == 501, answer.text
    assert "<Code>NotImplemented</Code>" in answer.text
    assert "<Header>Transfer-Encoding</Header>" in answer.text
    uploads = requests.get(f"{server.base_url}/_mock/uploads", timeout=10).json()
    key = url.split("/_s3/", 1)[1].split("?", 1)[0].split("/", 1)[1]
    mine = [u for u in uploads["uploads"] if u["key"] == requests.utils.unquote(key)]
    assert mine and mine[0]["status"] == "pending"  # nothing was stored


def test_the_link_of_a_declined_request_is_refused(server: LiveServer) -> None:
    body = _batch(server)
    url = _pdf_upload(body)
    content = body["redirect_uri"].rsplit("content=", 1)[1]
    declined = requests.post(
        f"{server.base_url}/_mock/seekpass/requests/{content}/complete",
        json={"outcome": "canceled"},
        timeout=10,
    )
    assert declined.status_code == 200, declined.text
    answer = requests.put(url, data=PDF, headers={"Content-Type": "application/pdf"}, timeout=10)
    assert answer.status_code == 403, answer.text
    assert "<Code>AccessDenied</Code>" in answer.text
