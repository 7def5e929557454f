"""The control plane with many tenants (not pass/fail).

    python bench/control_scale.py [--tenants 10000]

Loads `--tenants` accounts into each of the four providers through `POST /_mock/fixtures`
(in-process: create_app and Flask's test client, SQLite in memory) and times the load,
`GET /_mock/tenants`, `POST /_mock/reset` and the dashboard page. Targets (issue 15): tenants
under 1 s and reset under 2 s at 10,000.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from mockserver.app import create_app  # noqa: E402
from mockserver.core.runtime import Runtime  # noqa: E402
from mockserver.settings import Settings  # noqa: E402


def fixtures(n: int) -> dict:
    return {
        "vec": {
            "institutions": [
                {"id": f"i{i}", "tokens": [{"token": f"t{i}", "permissions": ["templates:view"]}]}
                for i in range(n)
            ]
        },
        "springest": {
            "partners": [{"id": f"p{i}", "api_keys": [{"key": f"k{i}"}]} for i in range(n)]
        },
        "seekpass": {
            "accounts": [
                {"id": f"a{i}", "clients": [{"client_id": f"c{i}", "client_secret": "s"}]}
                for i in range(n)
            ]
        },
        "accredible": {
            "accounts": [{"id": f"x{i}", "api_keys": [{"key": f"ak{i}"}]} for i in range(n)]
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tenants", type=int, default=10_000)
    args = parser.parse_args()
    runtime = Runtime(Settings())
    client = create_app(runtime.settings, runtime).test_client()
    try:
        for label, call in (
            (
                "POST /_mock/fixtures",
                lambda: client.post("/_mock/fixtures", json=fixtures(args.tenants)),
            ),
            ("GET /_mock/tenants", lambda: client.get("/_mock/tenants")),
            ("POST /_mock/reset", lambda: client.post("/_mock/reset")),
            ("GET /_mock/ (dashboard)", lambda: client.get("/_mock/")),
        ):
            started = time.perf_counter()
            status = call().status_code
            print(f"{label}: {status} in {time.perf_counter() - started:.2f} s")
    finally:
        runtime.close()


if __name__ == "__main__":
    main()
