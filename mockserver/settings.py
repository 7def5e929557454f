"""Every knob of a server in one dataclass, filled from CLI flags and MOCKSERVER_* variables."""

from __future__ import annotations

import os
from dataclasses import dataclass, fields
from pathlib import Path

REPO_FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


@dataclass
class Settings:
    host: str = "127.0.0.1"
    port: int = 8080
    # The URL clients reach this server at; links handed out (redirect URIs, presigned uploads)
    # are built on it. Empty: taken from each request's Host header.
    public_url: str = ""
    data_dir: str = ""
    store_url: str = ""
    fixtures_dir: str = str(REPO_FIXTURES)
    provider_ports: bool = False
    threads: int = 8
    # The HTTP layer: "waitress" (pure Python, in process; network faults, --provider-ports)
    # or "granian" (Rust, about twice the throughput; mockserver/core/granian_server.py).
    http: str = "waitress"
    # Object storage: empty endpoint = embedded moto S3 behind /_s3 on the API port.
    s3_endpoint: str = ""
    s3_access_key: str = "mockserver-access-key"
    s3_secret_key: str = "mockserver-secret-key"
    s3_region: str = "us-east-1"
    s3_bucket: str = "mockserver-uploads"
    upload_url_expiry: int = 3600
    max_upload_bytes: int = 25 * 1024 * 1024
    max_request_bytes: int = 10 * 1024 * 1024
    # The request journal (/_mock/requests): entries kept (oldest dropped first) and the
    # bytes of each request and response body kept.
    journal_size: int = 1000
    journal_body_bytes: int = 16 * 1024
    # Secret the SEEK Pass access tokens (HS512 JWTs) are signed with; fixed so tokens survive
    # a restart on the same --data-dir.
    token_signing_key: str = (
        "mockserver-token-signing-key: set MOCKSERVER_TOKEN_SIGNING_KEY for a shared sandbox!"
    )

    @property
    def resolved_store_url(self) -> str:
        if self.store_url:
            return self.store_url
        if self.data_dir:
            from mockserver.core.store import sqlite_file_url

            return sqlite_file_url(self.data_dir)
        return "sqlite://"

    def to_env(self) -> dict[str, str]:
        """These settings as MOCKSERVER_* variables: how they reach a worker process that
        another program (Granian) starts, which from_env() reads back unchanged."""
        env: dict[str, str] = {}
        for spec in fields(self):
            value = getattr(self, spec.name)
            text = ("1" if value else "0") if isinstance(value, bool) else str(value)
            env[f"MOCKSERVER_{spec.name.upper()}"] = text
        return env

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None, **overrides: object) -> Settings:
        """Defaults, then MOCKSERVER_<FIELD> variables, then explicit overrides (CLI flags)."""
        environ = dict(os.environ if environ is None else environ)
        values: dict[str, object] = {}
        for spec in fields(cls):
            raw = environ.get(f"MOCKSERVER_{spec.name.upper()}")
            if raw is None:
                continue
            if spec.type in ("int", int):
                values[spec.name] = int(raw)
            elif spec.type in ("bool", bool):
                values[spec.name] = raw.strip().lower() in ("1", "true", "yes", "on")
            else:
                values[spec.name] = raw
        values.update({key: value for key, value in overrides.items() if value is not None})
        return cls(**values)  # type: ignore[arg-type]
