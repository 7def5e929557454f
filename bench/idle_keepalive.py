"""Idle keep-alive connections against `serve --http granian` (not pass/fail).

    python bench/idle_keepalive.py [--idle 32] [--connections 16] [--seconds 6]

Opens `--idle` keep-alive connections that each send one request and then sit idle, as a
client's connection pool leaves them; then times /_mock/health from a new connection and
runs wrk on an Accredible read and on /_mock/health. Granian's backpressure counts
connections, so with it at the thread count these idle connections froze every other client
(the fix is in mockserver/core/granian_server.py). Needs Debian's `wrk`.
"""

from __future__ import annotations

import argparse
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.e2e.live import LiveServer  # noqa: E402

ROWS = [
    (
        "accredible read",
        "/accredible/v1/issuer/details",
        "Authorization: Token token=accredible-demo-key",
    ),
    ("health", "/_mock/health", "Accept: application/json"),
]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--idle", type=int, default=32)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--seconds", type=int, default=6)
    args = parser.parse_args()
    with LiveServer(args=["--http", "granian", "--quiet"]) as server:
        host, port = server.base_url.rsplit("/", 1)[1].split(":")
        idle = []
        for _ in range(args.idle):
            connection = socket.create_connection((host, int(port)), timeout=10)
            connection.sendall(f"GET /_mock/health HTTP/1.1\r\nHost: {host}\r\n\r\n".encode())
            connection.recv(65536)
            idle.append(connection)
        started = time.perf_counter()
        requests.get(f"{server.base_url}/_mock/health", timeout=30)
        print(
            f"health from a new connection beside {args.idle} idle: "
            f"{(time.perf_counter() - started) * 1000:.1f} ms"
        )
        print(
            f"| row | requests/s | p50 | p99 |  (wrk -t2 -c{args.connections} "
            f"-d{args.seconds}s, {args.idle} idle connections open)"
        )
        for label, path, header in ROWS:
            out = subprocess.run(
                [
                    "wrk",
                    "-t2",
                    f"-c{args.connections}",
                    f"-d{args.seconds}s",
                    "--latency",
                    "-H",
                    header,
                    server.base_url + path,
                ],
                capture_output=True,
                text=True,
                timeout=args.seconds + 60,
                check=True,
            ).stdout
            rps = re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)
            latency = dict(re.findall(r"\s+(50|99)%\s+([\d.]+\w+)", out))
            print(f"| {label} | {float(rps):,.0f} | {latency.get('50')} | {latency.get('99')} |")
        for connection in idle:
            connection.close()


if __name__ == "__main__":
    main()
