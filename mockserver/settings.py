"""Every knob of a server in one dataclass, filled from CLI flags and MOCKSERVER_* variables."""

from __future__ import annotations

import os
from dataclasses import dataclass, fields

from mockserver.core import cpu_affinity
from mockserver.core.startup import StartupError

HTTP_LAYERS = ("waitress", "granian")
LOG_FORMATS = ("text", "json")
# (smallest, largest) of each number setting; None: no bound.
NUMBER_RANGES: dict[str, tuple[int, int | None]] = {
    "port": (0, 65535),
    "threads": (1, 1024),
    "upload_url_expiry": (1, 7 * 24 * 3600),  # S3's own limit on a presigned link
    "max_upload_bytes": (1, None),
    "max_request_bytes": (1, None),
    "journal_size": (0, None),
    "journal_body_bytes": (0, None),
    "store_memory_mb": (1, None),
    "store_max_mb": (1, None),
}


@dataclass
class Settings:
    host: str = "127.0.0.1"
    port: int = 8080
    # The URL clients reach this server at; links handed out (redirect URIs, presigned uploads)
    # are built on it. Empty: taken from each request's Host header.
    public_url: str = ""
    data_dir: str = ""
    store_url: str = ""
    # The default store (neither data_dir nor store_url) holds its pages in memory up to this
    # many MiB; beyond it they go to a temporary file, deleted when the server stops, so a
    # sandbox that grows large does not grow the process with it (core/store.py).
    store_memory_mb: int = 256
    # ... and holds at most this many MiB in all: beyond it, writes answer 503 until a reset.
    store_max_mb: int = 4096
    # Empty: the default fixtures packaged with mockserver (mockserver/resources.py).
    fixtures_dir: str = ""
    provider_ports: bool = False
    threads: int = 8
    # The CPUs the server's threads run on: "auto" (one, the one fewest other mockserver
    # servers here use), "all", or a list like "0" or "2-3" (core/cpu_affinity.py says why).
    cpus: str = "auto"
    # The HTTP layer: "waitress" (pure Python, in process; network faults, --provider-ports)
    # or "granian" (Rust, up to a third more reads/s held to one CPU, about twice when free to
    # move; mockserver/core/granian_server.py).
    http: str = "waitress"
    # Object storage: empty endpoint = embedded moto S3 behind /_s3 on the API port.
    s3_endpoint: str = ""
    # Empty: made at random for this sandbox (kept in its store; core/runtime.py), so no
    # outsider knows them. Set them for an external S3 (--s3-endpoint needs its own keys).
    s3_access_key: str = ""
    s3_secret_key: str = ""
    s3_region: str = "us-east-1"
    s3_bucket: str = "mockserver-uploads"
    upload_url_expiry: int = 3600
    max_upload_bytes: int = 25 * 1024 * 1024
    max_request_bytes: int = 10 * 1024 * 1024
    # The request journal (/_mock/requests): entries kept (oldest dropped first) and the
    # bytes of each request and response body kept.
    journal_size: int = 1000
    journal_body_bytes: int = 16 * 1024
    # Access log: one line per request on standard output, as text or JSON; quiet: none.
    log_format: str = "text"
    quiet: bool = False
    # HTTPS: tls alone makes a certificate authority and a server certificate at start
    # (core/tls.py); tls_cert and tls_key serve a certificate of your own.
    tls: bool = False
    tls_cert: str = ""
    tls_key: str = ""
    # Set at start by --tls: the certificate authority file clients are told to trust.
    tls_ca_file: str = ""
    # The control plane (/_mock, the dashboard): a bearer token it requires (empty: none, and
    # `serve` warns when it listens beyond loopback), and host names it answers to besides
    # loopback, the bound address and the public URL's (comma-separated; "*" for any).
    control_token: str = ""
    allowed_hosts: str = ""
    # Secret the SEEK Pass access tokens (HS512 JWTs) are signed with. Empty: made at random
    # for this sandbox and kept in its store, so tokens survive a restart on the same
    # --data-dir and hold on every server sharing a PostgreSQL store.
    token_signing_key: str = ""

    @property
    def fixtures_folder(self) -> str:
        """The folder fixtures are read from: the one named, else the packaged defaults."""
        if self.fixtures_dir:
            return self.fixtures_dir
        from mockserver.resources import default_fixtures_dir

        return str(default_fixtures_dir())

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
                try:
                    values[spec.name] = int(raw)
                except ValueError:
                    raise StartupError(
                        f"MOCKSERVER_{spec.name.upper()} must be a whole number, not {raw!r}"
                    ) from None
            elif spec.type in ("bool", bool):
                values[spec.name] = raw.strip().lower() in ("1", "true", "yes", "on")
            else:
                values[spec.name] = raw
        values.update({key: value for key, value in overrides.items() if value is not None})
        return cls(**values)  # type: ignore[arg-type]

    def check(self) -> None:
        """StartupError naming every setting out of its range (flag and variable alike)."""
        problems = []
        for name, (low, high) in NUMBER_RANGES.items():
            value = getattr(self, name)
            if value < low or (high is not None and value > high):
                allowed = f"between {low} and {high}" if high is not None else f"at least {low}"
                problems.append(f"{_names(name)} must be {allowed}, not {value}")
        for name, choices in (("http", HTTP_LAYERS), ("log_format", LOG_FORMATS)):
            if getattr(self, name) not in choices:
                problems.append(
                    f"{_names(name)} must be one of {', '.join(choices)}, "
                    f"not {getattr(self, name)!r}"
                )
        cpus_problem = cpu_affinity.check(self.cpus)
        if cpus_problem:
            problems.append(f"{_names('cpus')} {cpus_problem}")
        if bool(self.tls_cert) != bool(self.tls_key):
            problems.append("--tls-cert and --tls-key go together: give both, or neither")
        if self.s3_endpoint and not (self.s3_access_key and self.s3_secret_key):
            problems.append("--s3-endpoint needs that store's --s3-access-key and --s3-secret-key")
        if self.tls_enabled and self.provider_ports:
            problems.append("--provider-ports cannot be combined with --tls/--tls-cert")
        if self.http == "granian" and self.provider_ports:
            problems.append(
                "--provider-ports needs the waitress HTTP layer (granian listens on one port)"
            )
        if problems:
            raise StartupError(*problems)

    @property
    def tls_enabled(self) -> bool:
        return self.tls or bool(self.tls_cert)

    @property
    def scheme(self) -> str:
        return "https" if self.tls_enabled else "http"


def _names(field: str) -> str:
    """How an operator spells a setting: its flag and its variable."""
    return f"--{field.replace('_', '-')} (MOCKSERVER_{field.upper()})"
