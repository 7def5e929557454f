"""AWS Signature Version 4 for presigned S3 URLs: signing and verification.

moto accepts any presigned PUT (expired, tampered, wrong Content-Type), and real S3 rejects
each of these. So the server signs its upload links here, against the mock clock, and checks
every incoming PUT here before a byte reaches moto. The canonicalisation follows the same rules
botocore uses, so links made by boto3 verify too (a unit test holds the two together).
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit

ALGORITHM = "AWS4-HMAC-SHA256"
UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD"
MAX_EXPIRES = 604800  # S3 refuses presigned links valid for more than seven days
CLOCK_SKEW = timedelta(minutes=15)
AMZ_DATE_FORMAT = "%Y%m%dT%H%M%SZ"
_REQUIRED = (
    "X-Amz-Algorithm",
    "X-Amz-Credential",
    "X-Amz-Signature",
    "X-Amz-Date",
    "X-Amz-SignedHeaders",
    "X-Amz-Expires",
)


@dataclass
class S3Error(Exception):
    """An S3 error answer: HTTP status, S3 error code, message and extra XML elements."""

    status: int
    code: str
    message: str
    extra: dict[str, str] = field(default_factory=dict)


def _hmac(key: bytes, text: str) -> bytes:
    return hmac.new(key, text.encode("utf-8"), hashlib.sha256).digest()


def signing_key(secret: str, date: str, region: str, service: str) -> bytes:
    key = _hmac(("AWS4" + secret).encode("utf-8"), date)
    key = _hmac(key, region)
    key = _hmac(key, service)
    return _hmac(key, "aws4_request")


def canonical_uri(path: str) -> str:
    """S3 signs the path encoded once, slashes kept and never normalised."""
    return quote(path, safe="/~")


def canonical_query(params: list[tuple[str, str]]) -> str:
    pairs = sorted(
        (quote(key, safe="-_.~"), quote(value, safe="-_.~"))
        for key, value in params
        if key != "X-Amz-Signature"
    )
    return "&".join(f"{key}={value}" for key, value in pairs)


def canonical_request(
    method: str,
    path: str,
    params: list[tuple[str, str]],
    headers: Mapping[str, str],
    signed_headers: list[str],
) -> str:
    header_lines = "".join(
        f"{name}:{' '.join(headers.get(name, '').split())}\n" for name in signed_headers
    )
    return "\n".join(
        [
            method,
            canonical_uri(path),
            canonical_query(params),
            header_lines,
            ";".join(signed_headers),
            UNSIGNED_PAYLOAD,
        ]
    )


def string_to_sign(amz_date: str, scope: str, request_text: str) -> str:
    digest = hashlib.sha256(request_text.encode("utf-8")).hexdigest()
    return f"{ALGORITHM}\n{amz_date}\n{scope}\n{digest}"


def presign(
    method: str,
    url: str,
    *,
    access_key: str,
    secret_key: str,
    region: str,
    now: datetime,
    expires: int,
    headers: Mapping[str, str] | None = None,
    service: str = "s3",
) -> str:
    """A presigned URL for `url`, signed at `now` (the mock clock) for `expires` seconds."""
    parts = urlsplit(url)
    signed = {"host": parts.netloc}
    signed.update({name.lower(): value for name, value in (headers or {}).items()})
    signed_names = sorted(signed)
    amz_date = now.astimezone(UTC).strftime(AMZ_DATE_FORMAT)
    scope = f"{amz_date[:8]}/{region}/{service}/aws4_request"
    params = [
        ("X-Amz-Algorithm", ALGORITHM),
        ("X-Amz-Credential", f"{access_key}/{scope}"),
        ("X-Amz-Date", amz_date),
        ("X-Amz-Expires", str(expires)),
        ("X-Amz-SignedHeaders", ";".join(signed_names)),
    ]
    path = unquote(parts.path)
    text = canonical_request(method, path, params, signed, signed_names)
    key = signing_key(secret_key, amz_date[:8], region, service)
    signature = hmac.new(
        key, string_to_sign(amz_date, scope, text).encode("utf-8"), hashlib.sha256
    ).hexdigest()
    query = urlencode(params + [("X-Amz-Signature", signature)], quote_via=quote, safe="")
    return f"{parts.scheme}://{parts.netloc}{canonical_uri(path)}?{query}"


@dataclass
class VerifiedRequest:
    access_key: str
    signed_at: datetime
    expires_at: datetime


def verify(
    method: str,
    path: str,
    query_string: str,
    headers: Mapping[str, str],
    secret_for: Callable[[str], str | None],
    now: datetime,
) -> VerifiedRequest:
    """Check a presigned request as S3 does; raise S3Error with S3's own answer if it fails.

    `path` is the decoded request path, `headers` maps lower-case names to values.
    """
    params = parse_qsl(query_string, keep_blank_values=True)
    query = dict(params)
    if "X-Amz-Algorithm" not in query and "X-Amz-Signature" not in query:
        raise S3Error(403, "AccessDenied", "Access Denied")
    names = [name for name, _value in params if name.lower().startswith("x-amz-")]
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        # dict() keeps the last of repeated values, so a bogus first signature would pass
        # unseen; S3 takes one value per authentication parameter.
        raise S3Error(
            400,
            "AuthorizationQueryParametersError",
            f"Query-string authentication parameters must appear once: {', '.join(repeated)}",
        )
    if any(name not in query for name in _REQUIRED):
        raise S3Error(
            400,
            "AuthorizationQueryParametersError",
            "Query-string authentication version 4 requires the X-Amz-Algorithm, "
            "X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, "
            "and X-Amz-Expires parameters.",
        )
    if query["X-Amz-Algorithm"] != ALGORITHM:
        raise S3Error(
            400,
            "AuthorizationQueryParametersError",
            'X-Amz-Algorithm only supports "AWS4-HMAC-SHA256"',
        )
    credential = query["X-Amz-Credential"].split("/")
    if len(credential) != 5 or credential[4] != "aws4_request":
        raise S3Error(
            400,
            "AuthorizationQueryParametersError",
            "Error parsing the X-Amz-Credential parameter; the Credential is mal-formed; "
            'expecting "<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request".',
        )
    access_key, date, region, service, _ = credential
    secret = secret_for(access_key)
    if secret is None:
        raise S3Error(
            403,
            "InvalidAccessKeyId",
            "The AWS Access Key Id you provided does not exist in our records.",
            {"AWSAccessKeyId": access_key},
        )
    try:
        signed_at = datetime.strptime(query["X-Amz-Date"], AMZ_DATE_FORMAT).replace(tzinfo=UTC)
    except ValueError as exc:
        raise S3Error(
            400,
            "AuthorizationQueryParametersError",
            "X-Amz-Date must be in the ISO8601 Long Format \"yyyyMMdd'T'HHmmss'Z'\"",
        ) from exc
    try:
        expires = int(query["X-Amz-Expires"])
    except ValueError as exc:
        raise S3Error(
            400, "AuthorizationQueryParametersError", "X-Amz-Expires should be a number"
        ) from exc
    if expires < 0:
        raise S3Error(
            400, "AuthorizationQueryParametersError", "X-Amz-Expires must be non-negative"
        )
    if expires > MAX_EXPIRES:
        raise S3Error(
            400,
            "AuthorizationQueryParametersError",
            "X-Amz-Expires must be less than a week (in seconds) that is 604800",
        )
    try:
        expires_at = signed_at + timedelta(seconds=expires)
    except OverflowError:  # signed in year 9999: no expiry; "not valid yet" below
        expires_at = datetime.max.replace(tzinfo=UTC)
    if now > expires_at:
        raise S3Error(
            403,
            "AccessDenied",
            "Request has expired",
            {
                "X-Amz-Expires": str(expires),
                "Expires": expires_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
                "ServerTime": now.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            },
        )
    if signed_at - now > CLOCK_SKEW:
        raise S3Error(403, "AccessDenied", "Request is not valid yet")
    signed_names = query["X-Amz-SignedHeaders"].split(";")
    scope = "/".join(credential[1:])
    text = canonical_request(method, path, params, headers, signed_names)
    to_sign = string_to_sign(query["X-Amz-Date"], scope, text)
    expected = hmac.new(
        signing_key(secret, date, region, service), to_sign.encode("utf-8"), hashlib.sha256
    ).hexdigest()
    if not hmac.compare_digest(expected, query["X-Amz-Signature"]):
        raise S3Error(
            403,
            "SignatureDoesNotMatch",
            "The request signature we calculated does not match the signature you provided. "
            "Check your key and signing method.",
            {
                "AWSAccessKeyId": access_key,
                "StringToSign": to_sign,
                "SignatureProvided": query["X-Amz-Signature"],
                "CanonicalRequest": text,
            },
        )
    return VerifiedRequest(access_key=access_key, signed_at=signed_at, expires_at=expires_at)
