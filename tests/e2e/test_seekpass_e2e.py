"""SEEK Pass over real HTTP on a live `mockserver serve`: the seed's own curl, real uploads."""

from __future__ import annotations

import json
import re
import subprocess

import pytest
import requests

from tests.seekpass.helpers import http_token, seed_sample, seed_sample_response
from tests.system import need_curl

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _curl(*args: str) -> tuple[int, str]:
    """Run curl; return (HTTP status, body)."""
    done = subprocess.run(
        [need_curl(), "-sS", "-o", "-", "-w", "\n%{http_code}", *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    body, _, status = done.stdout.rpartition("\n")
    return int(status), body


@pytest.fixture
def batch(server, tmp_path):
    """The seed's sample payload posted with the seed's own curl command line."""
    base = f"{server.base_url}/seekpass"
    access = http_token(base)
    payload = tmp_path / "batch.json"
    payload.write_text(seed_sample())
    status, body = _curl(
        "-L",
        f"{base}/api/partner/v2/add/requests/batch.json",
        "-H",
        "Content-Type: application/json",
        "-H",
        "Accept: application/json",
        "-H",
        f"Authorization: Bearer {access}",
        "--data",
        f"@{payload}",
    )
    assert status == 201, body
    return server, access, json.loads(body)


def test_seed_sample_returns_the_sample_responses_shape(batch) -> None:
    server, _, body = batch
    expected = json.loads(seed_sample_response())
    assert set(body) == set(expected)
    assert re.fullmatch(
        rf"{re.escape(server.base_url)}/seekpass/partner/add/batch"
        r"#clientId=seekpass-demo-client&content=[0-9a-f-]{36}",
        body["redirect_uri"],
    )
    assert [u["asset_id"] for u in body["asset_uploads"]] == [
        u["asset_id"] for u in expected["asset_uploads"]
    ]
    assert all(u["url"].startswith(f"{server.base_url}/_s3/") for u in body["asset_uploads"])


def _upload(url: str, content_type: str, data: bytes, tmp_path) -> tuple[int, str]:
    path = tmp_path / "upload.bin"
    path.write_bytes(data)
    return _curl(
        "-X", "PUT", url, "--header", f"Content-Type: {content_type}", "--data-binary", f"@{path}"
    )


def test_each_asset_link_takes_the_right_file_and_the_upload_is_seen(batch, tmp_path) -> None:
    server, _, body = batch
    types = {
        "edu-1": "application/pdf",
        "micro-1": "application/pdf",
        "micro-2": "image/png",
        "uc-1": "application/pdf",
    }
    for upload in body["asset_uploads"]:
        kind = next(k for k in types if f"-{k}-asset" in upload["asset_id"])
        data = PNG if types[kind] == "image/png" else PDF
        status, text = _upload(upload["url"], types[kind], data, tmp_path)
        assert status == 200, text
    uploads = requests.get(f"{server.base_url}/_mock/uploads?status=uploaded", timeout=10).json()
    assert uploads["count"] == 4
    assert {(u["size"], u["content_type"]) for u in uploads["uploads"]} == {
        (len(PDF), "application/pdf"),
        (len(PNG), "image/png"),
    }
    request = requests.get(f"{server.base_url}/_mock/seekpass/requests", timeout=10).json()
    assert {u["status"] for u in request["requests"][0]["uploads"]} == {"uploaded"}


def test_wrong_content_type_tampered_and_expired_links_fail_as_s3_does(batch, tmp_path) -> None:
    server, _, body = batch
    url = body["asset_uploads"][0]["url"]
    status, text = _upload(url, "image/png", PDF, tmp_path)
    assert status == 403
    assert "<Code>SignatureDoesNotMatch</Code>" in text
    tampered = re.sub(
        r"X-Amz-Signature=([0-9a-f])",
        lambda m: "X-Amz-Signature=" + ("0" if m.group(1) != "0" else "1"),
        url,
    )
    status, text = _upload(tampered, "application/pdf", PDF, tmp_path)
    assert status == 403 and "<Code>SignatureDoesNotMatch</Code>" in text
    requests.post(f"{server.base_url}/_mock/clock", json={"advance": 3601}, timeout=10)
    status, text = _upload(url, "application/pdf", PDF, tmp_path)
    assert status == 403
    assert "<Code>AccessDenied</Code><Message>Request has expired</Message>" in text
    assert "<ServerTime>" in text and "<Expires>" in text
    assert (
        requests.get(f"{server.base_url}/_mock/uploads?status=uploaded", timeout=10).json()["count"]
        == 0
    )


def test_browsers_may_upload_cross_origin(batch) -> None:
    _, _, body = batch
    response = requests.options(
        body["asset_uploads"][0]["url"],
        headers={
            "Origin": "http://localhost:3000",
            "Access-Control-Request-Method": "PUT",
            "Access-Control-Request-Headers": "content-type",
        },
        timeout=10,
    )
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] in ("*", "http://localhost:3000")
    assert "PUT" in response.headers["Access-Control-Allow-Methods"]


def test_the_provider_port_serves_the_same_api_at_its_root(batch) -> None:
    server, _, body = batch
    root = server.provider_urls["seekpass"]
    access = http_token(root)
    response = requests.get(
        f"{root}/api/partner/v1/submissions/3601f8ae-9181-41a3-89ed-6dbe5ecde2b5/status.json",
        headers={"Authorization": f"Bearer {access}"},
        timeout=10,
    )
    assert response.status_code == 200
    assert response.json()["status"] == "incomplete"
    assert response.headers["X-Mockserver"].endswith("provider=seekpass")
    created = requests.post(
        f"{root}/api/partner/v2/add/requests/batch.json",
        json={
            "credential_id": "via-port",
            "education_items": [json.loads(seed_sample())["education_items"][0]],
        },
        headers={"Authorization": f"Bearer {access}"},
        timeout=10,
    )
    assert created.status_code == 201
    assert created.json()["redirect_uri"].startswith(f"{root}/partner/add/batch#")
