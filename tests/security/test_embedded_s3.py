"""The embedded moto S3 answers this server alone: a request to its internal port without the
sandbox's token is S3's 403, whatever credentials it claims; the server's own uploads work."""

from __future__ import annotations

import boto3
import requests
from botocore.config import Config
from botocore.exceptions import ClientError


def test_the_internal_port_refuses_anyone_else(runtime) -> None:
    bucket = runtime.settings.s3_bucket
    # The server's own client carries the token: it works.
    runtime.storage.client.put_object(Bucket=bucket, Key="t/own", Body=b"x")
    assert runtime.storage.client.list_objects_v2(Bucket=bucket)["KeyCount"] >= 1
    endpoint = runtime.storage.client.meta.endpoint_url
    listing = requests.get(f"{endpoint}/{runtime.settings.s3_bucket}", timeout=10)
    assert listing.status_code == 403 and b"AccessDenied" in listing.content
    # Even with the sandbox's own keys, a client without the token is refused.
    outsider = boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id=runtime.settings.s3_access_key,
        aws_secret_access_key=runtime.settings.s3_secret_key,
        config=Config(s3={"addressing_style": "path"}),
    )
    try:
        outsider.list_objects_v2(Bucket=runtime.settings.s3_bucket)
        raise AssertionError("the embedded S3 answered an outsider")
    except ClientError as error:
        assert error.response["Error"]["Code"] == "AccessDenied"
