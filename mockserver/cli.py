"""mockserver: a local sandbox that answers like the SEEK Pass, VEC, Accredible and Springest
APIs. `mockserver serve` runs it; `mockserver COMMAND --help` says more of each command."""

from __future__ import annotations

import argparse
import signal
import sys
from typing import Any

from mockserver import __version__
from mockserver.core.startup import StartupError, listen_error
from mockserver.settings import HTTP_LAYERS, LOG_FORMATS, Settings

# (flag, Settings field, argparse options, help); every flag has a MOCKSERVER_* variable.
SERVE_FLAGS: list[tuple[str, str, dict[str, Any], str]] = [
    ("--host", "host", {}, "address to bind (default 127.0.0.1)"),
    ("--port", "port", {"type": int}, "port to bind, 0 for any free one (default 8080)"),
    (
        "--public-url",
        "public_url",
        {},
        "URL clients reach the server at, for the links it hands out (containers, proxies)",
    ),
    (
        "--data-dir",
        "data_dir",
        {},
        "keep state in a SQLite file in this folder (survives restarts)",
    ),
    (
        "--store-url",
        "store_url",
        {},
        "SQLAlchemy URL of the state store, e.g. "
        "postgresql+psycopg://user:password@host/db for a shared sandbox",
    ),
    (
        "--store-memory-mb",
        "store_memory_mb",
        {"type": int},
        "MiB of memory the default store's pages may take; beyond it they go to a temporary "
        "file, deleted at stop (default 256)",
    ),
    (
        "--store-max-mb",
        "store_max_mb",
        {"type": int},
        "MiB the default store may hold in all, memory and file; beyond it writes answer 503 "
        "until a reset (default 4096)",
    ),
    (
        "--fixtures-dir",
        "fixtures_dir",
        {},
        "folder of <provider>.yaml fixture files (default: the ones packaged with mockserver)",
    ),
    (
        "--provider-ports",
        "provider_ports",
        {"action": "store_true", "default": None},
        "also serve each provider at the root of a port of its own (port+1, port+2, ...)",
    ),
    ("--threads", "threads", {"type": int}, "threads running requests (default 8)"),
    (
        "--cpus",
        "cpus",
        {},
        "CPUs the server runs on: auto (default: one, the one fewest other mockserver servers "
        "use), all, or a list like 0 or 2-3",
    ),
    (
        "--http",
        "http",
        {"choices": HTTP_LAYERS},
        "HTTP layer: waitress (default; network "
        "faults, --provider-ports) or granian (faster, for load tests)",
    ),
    ("--s3-endpoint", "s3_endpoint", {}, "an S3 store to use instead of the embedded one"),
    ("--s3-access-key", "s3_access_key", {}, "access key for the S3 store"),
    ("--s3-secret-key", "s3_secret_key", {}, "secret key for the S3 store"),
    ("--s3-region", "s3_region", {}, "region the upload links are signed for"),
    ("--s3-bucket", "s3_bucket", {}, "bucket uploads go into"),
    (
        "--log-format",
        "log_format",
        {"choices": LOG_FORMATS},
        "access log lines as text (default) or one JSON object each",
    ),
    (
        "--quiet",
        "quiet",
        {"action": "store_true", "default": None},
        "no access log lines (start-up lines, warnings and errors still show)",
    ),
    (
        "--tls",
        "tls",
        {"action": "store_true", "default": None},
        "serve HTTPS with a "
        "certificate made at start (its CA file's path is printed, for clients to trust)",
    ),
    ("--tls-cert", "tls_cert", {}, "serve HTTPS with this PEM certificate (with --tls-key)"),
    ("--tls-key", "tls_key", {}, "the PEM private key of --tls-cert"),
    (
        "--control-token",
        "control_token",
        {},
        "require 'Authorization: Bearer TOKEN' on the control plane (/_mock and the dashboard)",
    ),
    (
        "--allowed-host",
        "allowed_hosts",
        {"action": "append"},
        "a host name the control plane "
        "answers to besides loopback, --host and --public-url (repeatable; comma-separated in "
        "the variable)",
    ),
]


def _serve_parser(commands: Any) -> None:
    parser = commands.add_parser(
        "serve",
        help="run the sandbox server",
        description="Run the sandbox: every provider under its prefix on one port, the "
        "control plane at /_mock. Each flag can also be set by the variable in brackets.",
    )
    for flag, name, options, text in SERVE_FLAGS:
        parser.add_argument(flag, dest=name, help=f"{text} [MOCKSERVER_{name.upper()}]", **options)


def _settings(args: argparse.Namespace) -> Settings:
    overrides = {name: getattr(args, name, None) for _flag, name, _options, _text in SERVE_FLAGS}
    if overrides.get("allowed_hosts"):
        overrides["allowed_hosts"] = ",".join(overrides["allowed_hosts"])
    settings = Settings.from_env(**overrides)
    settings.check()
    return settings


def serve(settings: Settings) -> None:
    """Run the sandbox until SIGINT or SIGTERM on the HTTP layer the settings name."""
    from mockserver.core import cpu_affinity
    from mockserver.core.access_log import configure as configure_logging
    from mockserver.core.memory import keep_large_buffers_out_of_the_heap
    from mockserver.core.preflight import preflight
    from mockserver.core.tls import prepare as prepare_tls

    preflight(settings)
    cpu_affinity.pin(settings.cpus)  # before the threads and Granian's worker start
    keep_large_buffers_out_of_the_heap()
    prepare_tls(settings)
    configure_logging(settings)
    if settings.http == "granian":
        from mockserver.core import granian_server

        granian_server.run(settings)
    else:
        serve_waitress(settings)


def serve_waitress(settings: Settings) -> None:
    from mockserver.announce import announce
    from mockserver.app import create_app
    from mockserver.core import tls, wsgi_server
    from mockserver.core.ports import ProviderPorts
    from mockserver.core.runtime import Runtime

    runtime = Runtime(settings)
    app = create_app(settings, runtime)
    names = list(runtime.providers)
    listen = [(settings.host, settings.port)]
    if settings.provider_ports:
        step = 0 if settings.port == 0 else 1
        listen += [(settings.host, settings.port + step * (i + 1)) for i in range(len(names))]
    prefixes_by_port: dict[int, str] = {}
    relay = None
    try:
        sockets = wsgi_server.bind(listen)
        if settings.tls_enabled:
            # waitress speaks plain HTTP: a TLS relay takes the public port (core/tls.py).
            public, sockets = sockets, wsgi_server.bind([("127.0.0.1", 0)])
            relay = tls.TlsRelay(public, sockets[0].getsockname()[:2], tls.server_context(settings))
        server: Any = wsgi_server.create(
            ProviderPorts(app, prefixes_by_port),
            settings.threads,
            body_limit=wsgi_server.body_ceiling(settings),
            sockets=sockets,
            url_scheme=settings.scheme,
        )
    except OSError as exc:
        runtime.close()
        host, port = getattr(exc, "address", listen[0])
        raise listen_error(host, port, exc) from None
    bound = _bound_ports(server)
    if relay is not None:
        bound = [int(sock.getsockname()[1]) for sock in relay.listeners]
        relay.start()
    provider_ports: dict[str, int] = {}
    if settings.provider_ports:
        provider_ports = dict(zip(names, bound[1:], strict=True))
        for name, port in provider_ports.items():
            prefixes_by_port[port] = runtime.providers[name].prefix
    announce(settings, runtime, bound[0], provider_ports)

    def _stop(*_: Any) -> None:
        if relay is not None:
            relay.close()
        server.close()
        runtime.close()
        sys.exit(0)

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    server.run()


def _bound_ports(server: Any) -> list[int]:
    if hasattr(server, "effective_listen"):
        return [int(port) for _host, port in server.effective_listen]
    return [int(server.effective_port)]


def routes() -> None:
    from mockserver.app import create_app
    from mockserver.core.runtime import Runtime

    runtime = Runtime(Settings())
    try:
        app = create_app(runtime.settings, runtime)
        for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
            methods = ",".join(sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}))
            print(f"{methods:<12} {rule.rule}")
    finally:
        runtime.close()


def contracts() -> int:
    from mockserver.app import create_app
    from mockserver.core.contracts import compare, compare_control
    from mockserver.core.runtime import Runtime

    runtime = Runtime(Settings())
    try:
        app = create_app(runtime.settings, runtime)
        results = [
            (name, "", *compare(app, name, provider.prefix))
            for name, provider in runtime.providers.items()
        ]
        results.append(("control", "/_mock", *compare_control(app)))
    finally:
        runtime.close()
    for name, prefix, missing, extra in results:
        print(f"{name}: {'ok' if not (missing or extra) else 'MISMATCH'}")
        for method, path in sorted(missing):
            print(f"  in contract, not served: {method} {prefix}{path}")
        for method, path in sorted(extra):
            print(f"  served, not in contract: {method} {prefix}{path}")
    return 1 if any(missing or extra for _n, _p, missing, extra in results) else 0


def check_fixtures(folder: str | None) -> int:
    from mockserver.core.preflight import check_fixtures as check

    where = folder or Settings.from_env().fixtures_folder
    tenants = check(where)
    print(f"{where}: ok ({tenants} tenants)")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="mockserver", description=__doc__)
    parser.add_argument("--version", action="version", version=f"mockserver {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    _serve_parser(commands)
    commands.add_parser(
        "routes",
        help="list every route the server answers",
        description="List every route (method and path) the server answers, providers, "
        "control plane and uploads alike.",
    )
    commands.add_parser(
        "contracts",
        help="compare the served routes with the packaged contracts",
        description="Compare each provider's served routes with its OpenAPI contract; exits 1 "
        "on a difference.",
    )
    fixtures = commands.add_parser(
        "fixtures",
        help="check fixture files without serving",
        description="Work with fixture files (one <provider>.yaml per provider).",
    )
    actions = fixtures.add_subparsers(dest="action", required=True, metavar="ACTION")
    check = actions.add_parser(
        "check",
        help="validate a fixtures folder",
        description="Validate every <provider>.yaml in a folder as `serve` would, and list "
        "each problem with its file and place; exits 2 on any problem.",
    )
    check.add_argument(
        "folder",
        nargs="?",
        help="the folder (default: --fixtures-dir's default) [MOCKSERVER_FIXTURES_DIR]",
    )
    return parser


def main(argv: list[str] | None = None) -> None:
    args = build_parser().parse_args(argv)
    try:
        if args.command == "serve":
            serve(_settings(args))
        elif args.command == "routes":
            routes()
        elif args.command == "contracts":
            sys.exit(contracts())
        else:
            sys.exit(check_fixtures(args.folder))
    except StartupError as exc:
        for line in exc.problems:
            print(f"mockserver: error: {line}", file=sys.stderr, flush=True)
        sys.exit(2)
    except KeyboardInterrupt:
        sys.exit(130)


if __name__ == "__main__":
    main()
