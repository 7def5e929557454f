"""Object storage for uploads: embedded moto S3 by default, any S3 endpoint on request.

Embedded mode starts moto's threaded server on an internal loopback port and talks to it with
boto3, so objects get real S3 semantics (ETags, listings, HEAD). Clients never see that port:
their presigned links point at `/_s3/<bucket>/<key>` on the API's own address, where the
upload route verifies the signature, expiry, Content-Type and size first (moto checks none of
them) and only then hands the bytes to moto. One port serves everything, which is what a
container or a CI job wants, and moto's in-memory objects stay in this one process.

With `--s3-endpoint` the links point straight at that S3 (MinIO, AWS), which enforces its own
rules on real time; uploads are then discovered by HEAD requests instead of being seen arrive.
"""

from __future__ import annotations

import logging
import secrets
import threading
from dataclasses import dataclass
from datetime import datetime
from typing import Any, BinaryIO
from urllib.parse import quote

from mockserver.core import sigv4
from mockserver.settings import Settings

S3_PREFIX = "/_s3"


@dataclass
class StoredObject:
    key: str
    size: int
    content_type: str
    etag: str


class ObjectStorage:
    """Starts in the background: the embedded S3 (and boto3, 0.3 s of imports) boots once the
    server is answering (`start()`), or on the first call that needs it, which then waits.
    Signing links needs only the settings. Booting while the server still loaded made both
    share one interpreter lock and pushed the first 200 back by a few tenths of a second."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.bucket = settings.s3_bucket
        self.embedded = not settings.s3_endpoint
        self._internal_token = secrets.token_urlsafe(24)
        self._moto = None
        self._client = None
        self._boot_error: BaseException | None = None
        self._ready = threading.Event()
        self._started = False
        self._start_lock = threading.Lock()

    def start(self) -> None:
        """Begin booting in the background (once; later calls do nothing)."""
        with self._start_lock:
            if self._started:
                return
            self._started = True
        threading.Thread(target=self._boot, name="s3-boot", daemon=True).start()

    def _boot(self) -> None:
        try:
            import boto3
            from botocore.config import Config

            endpoint = self.settings.s3_endpoint or self._start_moto()
            self._client = boto3.client(
                "s3",
                endpoint_url=endpoint,
                aws_access_key_id=self.settings.s3_access_key,
                aws_secret_access_key=self.settings.s3_secret_key,
                region_name=self.settings.s3_region,
                config=Config(
                    signature_version="s3v4",
                    # The body was checked by the caller already (the presigned PUT's SigV4,
                    # the provider's file rules); hashing 20 MB twice more before handing it
                    # over (SHA-256 to sign it, CRC32 as a checksum) halved upload throughput.
                    s3={"addressing_style": "path", "payload_signing_enabled": False},
                    request_checksum_calculation="when_required",
                ),
            )
            if self.embedded:
                # Every call of ours carries the token the embedded S3 requires.
                self._client.meta.events.register("before-send.s3", self._mark_internal)
            self._ensure_bucket()
        except BaseException as exc:  # surfaced to the first caller instead of lost
            self._boot_error = exc
        finally:
            self._ready.set()

    def _mark_internal(self, request: Any, **_: Any) -> None:
        from mockserver.core.embedded_s3 import TOKEN_HEADER

        request.headers[TOKEN_HEADER] = self._internal_token

    @property
    def client(self) -> Any:
        self.start()
        if not self._ready.wait(timeout=60) or self._boot_error is not None:
            raise RuntimeError(f"object storage did not start: {self._boot_error}")
        return self._client

    def wait_ready(self) -> None:
        self.client  # noqa: B018 - waiting is the point

    def _start_moto(self) -> str:
        from mockserver.core.embedded_s3 import GuardedMotoServer

        logging.getLogger("werkzeug").setLevel(logging.ERROR)
        self._moto = GuardedMotoServer(self._internal_token)
        self._moto.start()
        host, port = self._moto.get_host_and_port()
        return f"http://{host}:{port}"

    def _ensure_bucket(self) -> None:
        from botocore.exceptions import ClientError

        try:
            self._client.create_bucket(Bucket=self.bucket)
        except ClientError as exc:
            if exc.response["Error"]["Code"] not in (
                "BucketAlreadyOwnedByYou",
                "BucketAlreadyExists",
            ):
                raise

    def secret_for(self, access_key: str) -> str | None:
        """The secret of an access key our links are signed with (only ours is known)."""
        return self.settings.s3_secret_key if access_key == self.settings.s3_access_key else None

    def presign_put(
        self, key: str, content_type: str, public_base: str, now: datetime, expires: int
    ) -> str:
        """A link that accepts one PUT of `key` with exactly `content_type`."""
        params = {"Bucket": self.bucket, "Key": key, "ContentType": content_type}
        headers = {"Content-Type": content_type}
        return self._presign("put_object", "PUT", params, headers, public_base, now, expires)

    def presign_get(self, key: str, public_base: str, now: datetime, expires: int) -> str:
        """A link that downloads `key` until it expires (for documents providers hand out)."""
        params = {"Bucket": self.bucket, "Key": key}
        return self._presign("get_object", "GET", params, {}, public_base, now, expires)

    def _presign(
        self,
        operation: str,
        method: str,
        params: dict[str, str],
        headers: dict[str, str],
        public_base: str,
        now: datetime,
        expires: int,
    ) -> str:
        """External S3 signs on real time through boto3; embedded links are signed here on the
        server clock and point at the API's own /_s3 route."""
        if not self.embedded:
            return self.client.generate_presigned_url(operation, Params=params, ExpiresIn=expires)
        key = quote(params["Key"], safe="/~")
        return sigv4.presign(
            method,
            f"{public_base.rstrip('/')}{S3_PREFIX}/{self.bucket}/{key}",
            access_key=self.settings.s3_access_key,
            secret_key=self.settings.s3_secret_key,
            region=self.settings.s3_region,
            now=now,
            expires=expires,
            headers=headers,
        )

    def put(self, key: str, body: bytes | BinaryIO, content_type: str) -> StoredObject:
        """Store an object; `body` is bytes or a seekable file positioned at its start."""
        if isinstance(body, bytes):
            size = len(body)
        else:
            size = body.seek(0, 2)
            body.seek(0)
        result = self.client.put_object(
            Bucket=self.bucket, Key=key, Body=body, ContentType=content_type, ContentLength=size
        )
        return StoredObject(key, size, content_type, result["ETag"])

    def head(self, key: str) -> StoredObject | None:
        from botocore.exceptions import ClientError

        try:
            meta = self.client.head_object(Bucket=self.bucket, Key=key)
        except ClientError:
            return None
        return StoredObject(key, meta["ContentLength"], meta.get("ContentType", ""), meta["ETag"])

    def get(self, key: str) -> bytes | None:
        from botocore.exceptions import ClientError

        try:
            return self.client.get_object(Bucket=self.bucket, Key=key)["Body"].read()
        except ClientError:
            return None

    def clear(self) -> None:
        """Delete every object in the bucket (used by /_mock/reset)."""
        if not self._started and self.embedded:
            return  # never booted: nothing can have been stored (a reset need not boot it)
        paginator = self.client.get_paginator("list_objects_v2")
        for page in paginator.paginate(Bucket=self.bucket):
            keys: list[dict[str, Any]] = [{"Key": item["Key"]} for item in page.get("Contents", [])]
            if keys:
                self.client.delete_objects(Bucket=self.bucket, Delete={"Objects": keys})

    def close(self) -> None:
        if not self._started:
            return  # nothing booted, nothing to stop
        self._ready.wait(timeout=60)
        if self._moto is not None:
            self._moto.stop()
            self._moto = None
