"""The lines `mockserver serve` prints at start-up, whichever HTTP layer serves the app.

People copy the URLs and demo credentials from them, and tests and scripts wait for
"mockserver ready", which is printed only once uploads can be taken (the S3 store answers).
"""

from __future__ import annotations

import sys
import threading
from pathlib import Path
from typing import Any

from mockserver.core import cpu_affinity
from mockserver.settings import Settings


def announce(
    settings: Settings, runtime: Any, main_port: int, provider_ports: dict[str, int]
) -> None:
    """Print where everything is; `provider_ports` maps provider names to their own ports.

    Call it just before the server accepts connections: the "ready" line follows from a thread
    of its own once uploads can be taken as well."""
    warn_if_exposed(settings)
    host = display_host(settings.host)
    scheme = settings.scheme
    base = settings.public_url.rstrip("/") or f"{scheme}://{host}:{main_port}"
    print(f"mockserver listening on {scheme}://{host}:{main_port}", flush=True)
    print(f"  control plane: {base}/_mock/health", flush=True)
    print(f"  fixtures: {settings.fixtures_folder}", flush=True)
    held = cpu_affinity.held_line()
    if held:
        print(f"  {held}", flush=True)
    unused = unused_local_fixtures(settings)
    if unused:
        print(f"  note: {unused} is not read; pass --fixtures-dir {unused} to use it", flush=True)
    if settings.tls_ca_file:
        print(f"  TLS: trust the certificate authority in {settings.tls_ca_file}", flush=True)
    for name, provider in runtime.providers.items():
        line = f"  {provider.title:<12} {base}{provider.prefix}"
        if name in provider_ports:
            line += f"   and http://{host}:{provider_ports[name]}"
        print(line, flush=True)
        tenants = provider.tenants()
        for tenant in tenants:
            # Each provider says how its credentials read (`summary` in its tenants()).
            print(f"    tenant {tenant['tenant']}: {tenant.get('summary', '')}", flush=True)
        if not tenants:
            print(f"    no tenants: the fixtures folder has no {name}.yaml accounts", flush=True)
    # The server answers from now on; "ready" follows once uploads can be taken too (the
    # embedded S3 boots behind the first requests, and an upload waits for it).
    runtime.storage.start()
    threading.Thread(target=_ready_when_storage_is, args=(runtime,), daemon=True).start()


def _ready_when_storage_is(runtime: Any) -> None:
    runtime.storage.wait_ready()
    print("mockserver ready (Ctrl+C stops it)", flush=True)


def warn_if_exposed(settings: Settings) -> None:
    """A control plane without a token on an address others can reach lets them reset the
    sandbox and read every credential: said once, on standard error."""
    from mockserver.control.guard import is_loopback

    if not settings.control_token and not is_loopback(settings.host):
        print(
            f"mockserver: warning: listening on {settings.host} without --control-token: "
            "anyone who reaches this port can drive the control plane (/_mock)",
            file=sys.stderr,
            flush=True,
        )


def unused_local_fixtures(settings: Settings) -> str | None:
    """`./fixtures` when it holds YAML files but the packaged fixtures are in use: a user who
    keeps their own fixtures there is told, rather than left wondering why they do not apply."""
    local = Path("fixtures")
    if settings.fixtures_dir or not local.is_dir() or not any(local.glob("*.yaml")):
        return None
    if local.resolve() == Path(settings.fixtures_folder).resolve():
        return None  # a checkout: the packaged fixtures are these
    return "./fixtures"


def display_host(host: str) -> str:
    """A wildcard bind address is not one a browser can open; loopback is."""
    return "127.0.0.1" if host in ("0.0.0.0", "") else host
