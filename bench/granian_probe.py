"""What the same app does behind a faster HTTP layer: the framework floor (bench/floor_app.py)
and mockserver's own Accredible read served by Granian (a Rust HTTP server with a WSGI
interface) instead of waitress, measured with wrk as in suite.py. An experiment for the
question the Prism row leaves open (is waitress the limit?), not a supported way to run the
sandbox: under Granian the network faults (`Prefer: network=…`, which break waitress's own
connections) answer 501, and `mockserver serve` does not offer it.

    pip install granian && .venv/bin/python bench/granian_probe.py [--seconds 8]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import lift_quotas  # noqa: E402
from bench.suite import free_port, lua_script, wait_for_port, wrk  # noqa: E402

GRANIAN = Path(sys.executable).with_name("granian")
AUTH = {"Authorization": "Token token=accredible-demo-key"}


def floor_app() -> object:
    """Factory for Granian: the framework floor."""
    from bench.floor_app import build

    return build()


def mockserver_app() -> object:
    """Factory for Granian: the whole sandbox with default settings, S3 ready."""
    from mockserver.app import create_app

    app = create_app()
    app.extensions["mockserver"].storage.wait_ready()
    return app


def measure(factory: str, path: str, seconds: float, work: Path) -> dict[str, float]:
    port = free_port()
    process = subprocess.Popen(
        [
            str(GRANIAN),
            "--interface",
            "wsgi",
            "--factory",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            "1",
            "--blocking-threads",
            "8",
            "--log-level",
            "error",
            f"bench.granian_probe:{factory}",
        ],
        cwd=Path(__file__).resolve().parents[1],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for_port(port, process, 60)
        base = f"http://127.0.0.1:{port}"
        if factory == "mockserver_app":
            lift_quotas(base)
        script = lua_script("GET", AUTH, None, directory=work)
        wrk(base + path, script, 3, 16)  # warm-up
        return wrk(base + path, script, seconds, 16)
    finally:
        process.terminate()
        process.wait(timeout=20)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=8)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="mockserver-granian-"))
    floor = measure("floor_app", "/v1/issuer/details", args.seconds, work)
    ours = measure("mockserver_app", "/accredible/v1/issuer/details", args.seconds, work)
    for label, result in (("floor on Granian", floor), ("Accredible read on Granian", ours)):
        print(
            f"{label:<28} {result['rps']:.0f} req/s, p50 {result['p50']:.1f} / p99 "
            f"{result['p99']:.1f} ms ({result['errors']} non-2xx of {result['requests']})"
        )


if __name__ == "__main__":
    main()
