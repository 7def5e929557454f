"""The embedded S3 route in-process: limits and errors that need a tuned server."""

from datetime import UTC, datetime
from urllib.parse import urlsplit

import pytest

from mockserver.core import sigv4


@pytest.fixture
def signed(runtime):
    def make(
        key: str = "seekpass:demo-university/r/a.pdf",
        content_type="application/pdf",
        bucket: str | None = None,
        method="PUT",
    ) -> str:
        settings = runtime.settings
        url = f"http://localhost/_s3/{bucket or settings.s3_bucket}/{key}"
        full = sigv4.presign(
            method,
            url,
            access_key=settings.s3_access_key,
            secret_key=settings.s3_secret_key,
            region=settings.s3_region,
            now=runtime.clock.now(),
            expires=600,
            headers={"Content-Type": content_type} if method == "PUT" else None,
        )
        parts = urlsplit(full)
        return f"{parts.path}?{parts.query}"

    return make


def test_a_verified_put_is_stored_in_moto_and_recorded(client, runtime, signed) -> None:
    response = client.put(
        signed(), data=b"%PDF-1.4 hello", headers={"Content-Type": "application/pdf"}
    )
    assert response.status_code == 200
    assert response.headers["ETag"].startswith('"')
    assert runtime.storage.get("seekpass:demo-university/r/a.pdf") == b"%PDF-1.4 hello"
    record = client.get("/_mock/uploads").get_json()["uploads"][0]
    assert (record["status"], record["size"], record["tenant"]) == (
        "uploaded",
        14,
        "seekpass:demo-university",
    )


def test_a_presigned_get_returns_the_object(client, signed) -> None:
    client.put(signed(), data=b"abc", headers={"Content-Type": "application/pdf"})
    response = client.get(signed(method="GET"))
    assert response.status_code == 200
    assert response.data == b"abc"
    assert response.headers["Content-Type"] == "application/pdf"
    missing = client.get(signed(key="seekpass:demo-university/none", method="GET"))
    assert missing.status_code == 404
    assert b"<Code>NoSuchKey</Code>" in missing.data


def test_uploads_over_the_limit_are_entity_too_large(client, runtime, signed) -> None:
    original = runtime.settings.max_upload_bytes
    runtime.settings.max_upload_bytes = 10
    try:
        response = client.put(signed(), data=b"x" * 11, headers={"Content-Type": "application/pdf"})
    finally:
        runtime.settings.max_upload_bytes = original
    assert response.status_code == 400
    assert b"<Code>EntityTooLarge</Code>" in response.data
    assert b"<ProposedSize>11</ProposedSize><MaxSizeAllowed>10</MaxSizeAllowed>" in response.data
    assert client.get("/_mock/uploads").get_json()["count"] == 0


def test_an_upload_may_be_bigger_than_the_api_body_limit(client, runtime, signed) -> None:
    big = b"x" * (runtime.settings.max_request_bytes + 1)
    response = client.put(signed(), data=big, headers={"Content-Type": "application/pdf"})
    assert response.status_code == 200


def test_unknown_bucket_and_wrong_method_answer_in_s3_xml(client, signed) -> None:
    response = client.put(
        signed(bucket="elsewhere"), data=b"x", headers={"Content-Type": "application/pdf"}
    )
    assert response.status_code == 404
    assert b"<Code>NoSuchBucket</Code>" in response.data
    response = client.delete(signed())
    assert response.status_code == 405
    assert b"<Code>MethodNotAllowed</Code>" in response.data


def test_expired_link_is_refused_on_the_mock_clock(client, runtime, signed) -> None:
    url = signed()
    client.post("/_mock/clock", json={"advance": 601})
    response = client.put(url, data=b"x", headers={"Content-Type": "application/pdf"})
    assert response.status_code == 403
    assert b"<Message>Request has expired</Message>" in response.data
    server_time = runtime.clock.now().astimezone(UTC)
    assert server_time > datetime.now(UTC)
