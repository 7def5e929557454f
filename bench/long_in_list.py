"""A v2 search with a very long `recipient_email[in]` list, over one tenant (not pass/fail).

    python bench/long_in_list.py [--credentials 2000] [--values 20000]

A list longer than core/one_of.py's LONG goes to the index as one statement parameter (it
was checked in Python on every credential of the tenant before). Fills the tenant as
bench/growth.py does (the store's bulk path; SQLite in memory, the Flask test client), then
times one search whose list holds one credential's email (upper case) among `--values`
others.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.growth import AUTH, fill  # noqa: E402
from mockserver.app import create_app  # noqa: E402
from mockserver.core.runtime import Runtime  # noqa: E402
from mockserver.settings import Settings  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--credentials", type=int, default=2000)
    parser.add_argument("--values", type=int, default=20000)
    args = parser.parse_args()
    settings = Settings(host="127.0.0.1", port=0, quiet=True)
    runtime = Runtime(settings)
    client = create_app(settings, runtime).test_client()
    first = fill(runtime, client, args.credentials)
    emails = [f"nobody{n}@example.com" for n in range(args.values)]
    emails.append(f"LEARNER{first + args.credentials // 2}@example.com")
    body = {"query": {"recipient_email[in]": emails}, "page": {"size": 5}}
    started = time.perf_counter()
    answer = client.post("/accredible/v2/credentials/search", json=body, headers=AUTH)
    took = (time.perf_counter() - started) * 1000
    count = answer.get_json()["meta"]["count"]
    print(
        f"{args.credentials:,} credentials, {args.values:,} values: {answer.status_code}, ", end=""
    )
    print(f"count {count}, {took:.0f} ms")
    runtime.close()


if __name__ == "__main__":
    main()
