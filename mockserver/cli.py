"""`mockserver serve | routes | contracts`."""

from __future__ import annotations

import argparse
import signal
import sys
from typing import Any

from mockserver.settings import Settings


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
    parser.add_argument("--threads", type=int, help="waitress worker threads (default 8)")
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
        "s3_endpoint",
        "s3_access_key",
        "s3_secret_key",
        "s3_region",
        "s3_bucket",
    ]
    return Settings.from_env(**{name: getattr(args, name, None) for name in names})


def serve(settings: Settings) -> None:
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
    main_port = bound[0]
    base = settings.public_url.rstrip("/") or f"http://{_display_host(settings.host)}:{main_port}"
    print(f"mockserver listening on http://{_display_host(settings.host)}:{main_port}", flush=True)
    print(f"  control plane: {base}/_mock/health", flush=True)
    for index, provider in enumerate(runtime.providers.values()):
        line = f"  {provider.title:<12} {base}{provider.prefix}"
        if settings.provider_ports:
            port = bound[index + 1]
            prefixes_by_port[port] = provider.prefix
            line += f"   and http://{_display_host(settings.host)}:{port}"
        print(line, flush=True)
        for tenant in provider.tenants():
            print(f"    tenant {tenant['tenant']}: {_credentials_text(tenant)}", flush=True)

    runtime.storage.wait_ready()
    print("mockserver ready (Ctrl+C stops it)", flush=True)

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


def _display_host(host: str) -> str:
    return "127.0.0.1" if host in ("0.0.0.0", "") else host


def _credentials_text(tenant: dict[str, Any]) -> str:
    """Each provider says how its credentials read (`summary` in its tenants() entries)."""
    return str(tenant.get("summary", ""))


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
    if args.command == "serve":
        serve(settings)
    elif args.command == "routes":
        routes(settings)
    else:
        sys.exit(contracts(settings))


if __name__ == "__main__":
    main()
