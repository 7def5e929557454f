"""Memory of the request journal under large form bodies (not pass/fail).

    python bench/journal_memory.py [--requests 300] [--field-mb 9.5]

Sends `--requests` unauthenticated multipart posts, each with one form field of `--field-mb`
MB, to Springest's certificates route (the journal records every provider request), and
prints the server's RSS before, after, and after `DELETE /_mock/requests`. Each journal entry
keeps at most MOCKSERVER_JOURNAL_BODY_BYTES of every part, so RSS must not grow with the
fields' size (it grew by 11 MB per entry before).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.run import rss_mb  # noqa: E402
from tests.e2e.live import LiveServer  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--field-mb", type=float, default=9.5)
    args = parser.parse_args()
    field = "x" * int(args.field_mb * 1024 * 1024)
    with LiveServer(args=["--quiet"]) as server:
        pid = server.process.pid
        url = f"{server.base_url}/springest/users/certificates.json"
        before = rss_mb(pid)
        session = requests.Session()
        for _ in range(args.requests):
            session.post(url, files={"note": (None, field)}, timeout=60)
        entries = requests.get(f"{server.base_url}/_mock/requests/count", timeout=10).json()
        after = rss_mb(pid)
        requests.delete(f"{server.base_url}/_mock/requests", timeout=10)
        cleared = rss_mb(pid)
    print(
        f"{args.requests} posts of {args.field_mb} MB fields, {entries['count']} journal "
        f"entries: RSS {before:.0f} MB before, {after:.0f} MB after, {cleared:.0f} MB after "
        "DELETE /_mock/requests"
    )


if __name__ == "__main__":
    main()
