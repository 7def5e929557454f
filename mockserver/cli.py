"""`mockserver serve | routes | contracts`."""

from __future__ import annotations

import argparse
import signal
import sys
from typing import Any

from mockserver.settings import Settings

HTTP_LAYERS = ("waitress", "granian")


def _serve_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", help="address to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, help="port to bind, 0 for any free one (default 8080)")
    parser.add_argument("--public-url", help="URL clients use to reach the server")
    parser.add_argument("--data-dir", help="keep state in a SQLite file in this folder")
    parser.add_argument("--store-url", help="SQLAlchemy URL of the state store")
    parser.add_argument("--fixtures-dir", help="folder of <provider>.yaml fixture files")
    parser.add_argument(
        "--provider-ports",
        action="store_true",
        default=None,
        help="also serve each provider at the root of a port of its own",
    )
    parser.add_argument("--threads", type=int, help="threads running requests (default 8)")
    parser.add_argument(
        "--http",
        choices=HTTP_LAYERS,
        help="HTTP layer: waitress (default; network faults, --provider-ports) or granian "
        "(faster, for load tests)",
    )
    parser.add_argument("--s3-endpoint", help="use this S3 endpoint instead of embedded moto")
    parser.add_argument("--s3-access-key")
    parser.add_argument("--s3-secret-key")
    parser.add_argument("--s3-region")
    parser.add_argument("--s3-bucket")


def _settings(args: argparse.Namespace) -> Settings:
    names = [
        "host",
        "port",
        "public_url",
        "data_dir",
        "store_url",
        "fixtures_dir",
        "provider_ports",
        "threads",
        "http",
        "s3_endpoint",
        "s3_access_key",
        "s3_secret_key",
        "s3_region",
        "s3_bucket",
    ]
    return Settings.from_env(**{name: getattr(args, name, None) for name in names})


def serve(settings: Settings) -> None:
    """Run the sandbox until SIGINT or SIGTERM on the HTTP layer the settings name."""
    if settings.http == "granian":
        from mockserver.core import granian_server

        granian_server.run(settings)
    else:
        serve_waitress(settings)


def serve_waitress(settings: Settings) -> None:
    from mockserver.announce import announce
    from mockserver.app import create_app
    from mockserver.core import wsgi_server
    from mockserver.core.ports import ProviderPorts
    from mockserver.core.runtime import Runtime

    runtime = Runtime(settings)
    app = create_app(settings, runtime)
    names = list(runtime.providers)
    listen = [f"{settings.host}:{settings.port}"]
    if settings.provider_ports:
        step = 0 if settings.port == 0 else 1
        listen += [f"{settings.host}:{settings.port + step * (i + 1)}" for i in range(len(names))]
    prefixes_by_port: dict[int, str] = {}
    server: Any = wsgi_server.create(
        ProviderPorts(app, prefixes_by_port), settings.threads, listen=" ".join(listen)
    )
    bound = _bound_ports(server)
    provider_ports: dict[str, int] = {}
    if settings.provider_ports:
        provider_ports = dict(zip(names, bound[1:], strict=True))
        for name, port in provider_ports.items():
            prefixes_by_port[port] = runtime.providers[name].prefix
    announce(settings, runtime, bound[0], provider_ports)

    def _stop(*_: Any) -> None:
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


def routes(settings: Settings) -> None:
    from mockserver.app import create_app
    from mockserver.core.runtime import Runtime

    runtime = Runtime(settings)
    try:
        app = create_app(settings, runtime)
        for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
            methods = ",".join(sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}))
            print(f"{methods:<12} {rule.rule}")
    finally:
        runtime.close()


def contracts(settings: Settings) -> int:
    from mockserver.app import create_app
    from mockserver.core.contracts import compare
    from mockserver.core.runtime import Runtime

    runtime = Runtime(settings)
    failed = 0
    try:
        app = create_app(settings, runtime)
        for name, provider in runtime.providers.items():
            missing, extra = compare(app, name, provider.prefix)
            state = "ok" if not (missing or extra) else "MISMATCH"
            print(f"{name}: {state}")
            for method, path in sorted(missing):
                print(f"  in contract, not served: {method} {path}")
            for method, path in sorted(extra):
                print(f"  served, not in contract: {method} {path}")
            failed += bool(missing or extra)
    finally:
        runtime.close()
    return 1 if failed else 0


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="mockserver", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    _serve_args(commands.add_parser("serve", help="run the sandbox server"))
    _serve_args(commands.add_parser("routes", help="list every route the server answers"))
    _serve_args(commands.add_parser("contracts", help="compare served routes with the contracts"))
    args = parser.parse_args(argv)
    settings = _settings(args)
    if settings.http not in HTTP_LAYERS:
        choices = ", ".join(HTTP_LAYERS)
        parser.error(f"MOCKSERVER_HTTP must be one of {choices}, not {settings.http!r}")
    if settings.http == "granian" and settings.provider_ports:
        parser.error("--provider-ports needs the waitress HTTP layer (granian listens on one port)")
    if args.command == "serve":
        serve(settings)
    elif args.command == "routes":
        routes(settings)
    else:
        sys.exit(contracts(settings))


if __name__ == "__main__":
    main()
