"""Checks `mockserver serve` makes before it starts serving, on either HTTP layer.

Under Granian the sandbox is built in a worker process, where a failure would surface as a
worker's traceback; so everything an operator can get wrong is checked here first, in the
process the operator started, and reported as a StartupError (one line each, exit 2).
"""

from __future__ import annotations

import ssl
import tempfile
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from mockserver.core.fixture_files import read_folder
from mockserver.core.provider import discover
from mockserver.core.startup import StartupError
from mockserver.settings import Settings


def preflight(settings: Settings) -> None:
    """StartupError for the first kind of mistake found (all of its problems listed)."""
    check_fixtures(settings.fixtures_folder)
    if settings.data_dir:
        check_data_dir(settings.data_dir)
    check_store(settings)
    if settings.s3_endpoint:
        check_s3_endpoint(settings)
    if settings.tls_cert:
        check_tls_files(settings.tls_cert, settings.tls_key)


def check_fixtures(folder: str | Path) -> int:
    """Every provider's fixture file in `folder` is valid; returns how many tenants they
    declare (FixtureError, a StartupError, otherwise)."""
    schemas = {cls.name: cls.fixture_schema() if cls.fixture_schema else None for cls in discover()}
    found = read_folder(folder, schemas)
    return sum(_tenant_count(section) for section in found.values())


def _tenant_count(section: dict) -> int:
    """Entries of a fixture file's top-level lists: each provider's file has one, its
    accounts (institutions, partners)."""
    return (
        sum(len(value) for value in section.values() if isinstance(value, list)) if section else 0
    )


def check_data_dir(data_dir: str) -> None:
    folder = Path(data_dir)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as exc:
        raise StartupError(
            f"--data-dir {folder}: cannot write there ({exc.strerror or exc}); choose a folder "
            "this user can create and write"
        ) from None


def check_store(settings: Settings) -> None:
    """Open the store once (creating its tables, as the server will) and close it."""
    from sqlalchemy.exc import SQLAlchemyError

    from mockserver.core.store import Store

    try:
        Store(settings.resolved_store_url).close()
    except (SQLAlchemyError, OSError, ValueError) as exc:
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        what = (
            f"--store-url {masked_url(settings.store_url)}"
            if settings.store_url
            else (f"the state file in --data-dir {settings.data_dir}")
        )
        raise StartupError(
            f"cannot open {what}: {reason}; check that the database runs and the URL, "
            "user and password are right"
            if settings.store_url
            else f"cannot open {what}: {reason}; choose a folder this user can write"
        ) from None


def check_s3_endpoint(settings: Settings) -> None:
    import boto3
    from botocore.config import Config
    from botocore.exceptions import BotoCoreError, ClientError

    client = boto3.client(
        "s3",
        endpoint_url=settings.s3_endpoint,
        aws_access_key_id=settings.s3_access_key,
        aws_secret_access_key=settings.s3_secret_key,
        region_name=settings.s3_region,
        config=Config(connect_timeout=3, read_timeout=5, retries={"max_attempts": 1}),
    )
    try:
        client.list_buckets()
    except ClientError:
        return  # it answered: keys or permissions are the server's to report per upload
    except (BotoCoreError, ValueError) as exc:
        raise StartupError(
            f"--s3-endpoint {settings.s3_endpoint} does not answer ({exc}); start that S3 "
            "store, or leave --s3-endpoint out to use the embedded one"
        ) from None


def check_tls_files(cert: str, key: str) -> None:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    try:
        context.load_cert_chain(cert, key)
    except FileNotFoundError as exc:
        raise StartupError(f"--tls-cert/--tls-key: no file {exc.filename}") from None
    except (ssl.SSLError, OSError) as exc:
        raise StartupError(
            f"--tls-cert {cert} / --tls-key {key}: not a PEM certificate and its private key "
            f"({exc})"
        ) from None


def masked_url(url: str) -> str:
    """A store URL fit for a log line: the password replaced by ***."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return urlunsplit(parts._replace(netloc=netloc))
