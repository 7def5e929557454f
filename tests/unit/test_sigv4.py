"""Our SigV4 presigning agrees with botocore's, and verification refuses what S3 refuses."""

from datetime import UTC, datetime, timedelta
from urllib.parse import unquote, urlsplit

import boto3
import pytest
from botocore.config import Config

from mockserver.core import sigv4
from mockserver.core.sigv4 import S3Error

KEY, SECRET = "AKMOCK", "secret-of-the-mock"
NOW = datetime(2026, 5, 1, 12, 0, 0, tzinfo=UTC)


def _secret(access_key: str) -> str | None:
    return SECRET if access_key == KEY else None


def _check(url: str, content_type: str = "application/pdf", now: datetime = NOW, method="PUT"):
    parts = urlsplit(url)
    headers = {"host": parts.netloc, "content-type": content_type}
    return sigv4.verify(method, unquote(parts.path), parts.query, headers, _secret, now)


def _ours(key: str = "t:a/req/asset one+é.pdf", expires: int = 600) -> str:
    return sigv4.presign(
        "PUT",
        f"http://127.0.0.1:8080/_s3/bucket/{key}",
        access_key=KEY,
        secret_key=SECRET,
        region="us-east-1",
        now=NOW,
        expires=expires,
        headers={"Content-Type": "application/pdf"},
    )


def test_a_boto3_presigned_url_verifies() -> None:
    client = boto3.client(
        "s3",
        endpoint_url="http://127.0.0.1:8080/_s3",
        aws_access_key_id=KEY,
        aws_secret_access_key=SECRET,
        region_name="us-east-1",
        config=Config(signature_version="s3v4", s3={"addressing_style": "path"}),
    )
    url = client.generate_presigned_url(
        "put_object",
        Params={
            "Bucket": "bucket",
            "Key": "t:a/req/asset one+é.pdf",
            "ContentType": "application/pdf",
        },
        ExpiresIn=600,
    )
    verified = _check(url, now=datetime.now(UTC))
    assert verified.access_key == KEY


def test_our_presigned_url_verifies_until_it_expires() -> None:
    url = _ours()
    assert _check(url).expires_at == NOW + timedelta(seconds=600)
    assert _check(url, now=NOW + timedelta(seconds=600)).access_key == KEY
    with pytest.raises(S3Error) as error:
        _check(url, now=NOW + timedelta(seconds=601))
    assert (error.value.status, error.value.code, error.value.message) == (
        403,
        "AccessDenied",
        "Request has expired",
    )
    assert error.value.extra["Expires"] == "2026-05-01T12:10:00Z"
    assert error.value.extra["ServerTime"] == "2026-05-01T12:10:01Z"


@pytest.mark.parametrize(
    "tamper",
    [
        lambda url: url.replace("X-Amz-Signature=", "X-Amz-Signature=0"),
        lambda url: url.replace("/req/", "/other/"),
        lambda url: url.replace("127.0.0.1:8080", "127.0.0.1:9090"),
        lambda url: url.replace("X-Amz-Expires=600", "X-Amz-Expires=6000"),
    ],
)
def test_any_change_to_a_signed_url_is_a_signature_mismatch(tamper) -> None:
    with pytest.raises(S3Error) as error:
        _check(tamper(_ours()))
    assert (error.value.status, error.value.code) == (403, "SignatureDoesNotMatch")


def test_a_different_content_type_than_signed_is_a_signature_mismatch() -> None:
    with pytest.raises(S3Error) as error:
        _check(_ours(), content_type="image/png")
    assert error.value.code == "SignatureDoesNotMatch"
    assert "content-type:image/png" in error.value.extra["CanonicalRequest"]


def test_missing_auth_unknown_key_and_bad_parameters() -> None:
    with pytest.raises(S3Error) as error:
        _check("http://127.0.0.1:8080/_s3/bucket/key")
    assert (error.value.status, error.value.code) == (403, "AccessDenied")
    with pytest.raises(S3Error) as error:
        _check(_ours().replace("X-Amz-Algorithm=AWS4-HMAC-SHA256&", ""))
    assert (error.value.status, error.value.code) == (400, "AuthorizationQueryParametersError")
    with pytest.raises(S3Error) as error:
        _check(_ours().replace(f"Credential={KEY}", "Credential=SOMEONE"))
    assert (error.value.status, error.value.code) == (403, "InvalidAccessKeyId")
    with pytest.raises(S3Error) as error:
        _check(_ours(expires=604801))
    assert "less than a week" in error.value.message


def test_a_link_signed_in_the_future_is_not_valid_yet() -> None:
    with pytest.raises(S3Error) as error:
        _check(_ours(), now=NOW - timedelta(hours=1))
    assert error.value.message == "Request is not valid yet"


def test_a_link_dated_at_the_end_of_time_is_not_valid_yet_rather_than_a_crash() -> None:
    url = _ours(expires=604800)
    dated = url.replace(f"X-Amz-Date={NOW:%Y%m%dT%H%M%SZ}", "X-Amz-Date=99991231T235959Z")
    assert dated != url
    with pytest.raises(S3Error) as error:
        _check(dated)
    assert (error.value.status, error.value.message) == (403, "Request is not valid yet")


@pytest.mark.parametrize("name", ["X-Amz-Signature", "X-Amz-Credential", "X-Amz-Expires"])
def test_a_repeated_authentication_parameter_is_refused(name: str) -> None:
    url = _ours()
    value = dict(p.split("=", 1) for p in urlsplit(url).query.split("&"))[name]
    bogus_first = url.replace("?", f"?{name}=bogus&", 1)
    assert value  # the real one stays, last, where dict() used to pick it
    with pytest.raises(S3Error) as error:
        _check(bogus_first)
    assert (error.value.status, error.value.code) == (400, "AuthorizationQueryParametersError")
    assert name in error.value.message
