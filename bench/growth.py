"""How list and search times grow with one tenant's size (issue 18; not pass/fail).

    python bench/growth.py [--sizes 1000 10000 100000] [--repeat 5]

For each size: a fresh sandbox in this process (create_app, SQLite in memory, the Flask test
client: the server's own time, no HTTP), one Accredible tenant filled with that many
credentials in one group, then the median of `--repeat` calls of each row below, a reset, and
the process's RSS.

The credentials are made through the store's bulk path, not the API: one credential is
created through `POST /v1/credentials`, and copies of its document (new id, email, uuid) are
written with `Transaction.put` in transactions of 5,000, which keeps the index beside each as
the API would. The API at 100 per bulk request would take minutes per 100,000 on this machine.
"""

from __future__ import annotations

import argparse
import copy
import resource
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from mockserver.app import create_app  # noqa: E402
from mockserver.core.runtime import Runtime  # noqa: E402
from mockserver.settings import Settings  # noqa: E402

TENANT = "accredible:demo-academy"
AUTH = {"Authorization": "Token token=accredible-demo-key"}
GROUP = 9002  # duplicates allowed: no unique recipient keys to write
BATCH = 5000


def fill(runtime: Runtime, client, size: int) -> int:
    made = client.post(
        "/accredible/v1/credentials",
        json={
            "credential": {
                "recipient": {"name": "Seed", "email": "seed@example.com"},
                "group_id": GROUP,
            }
        },
        headers=AUTH,
    ).get_json()["credential"]
    store = runtime.store
    template = store.get(TENANT, "credential", str(made["id"]))
    assert template is not None
    first = made["id"] + 1
    for start in range(0, size - 1, BATCH):
        with store.transaction() as tx:
            for number in range(first + start, first + min(start + BATCH, size - 1)):
                doc = copy.deepcopy(template)
                doc["id"] = number
                doc["uuid"] = f"00000000-0000-4000-8000-{number:012d}"
                doc["recipient"]["email"] = f"learner{number}@example.com"
                tx.put(TENANT, "credential", str(number), doc)
    return made["id"]


def requests_for(size: int, first_id: int) -> list[tuple[str, str, dict | None]]:
    """The timed calls: (method, path, JSON body)."""
    last_page = -(-size // 50)
    target = first_id + size // 2
    group = f"/accredible/v1/all_credentials?group_id={GROUP}&page_size=50"
    return [
        ("GET", f"/accredible/v1/credentials/{target}", None),
        ("GET", f"{group}&page=1", None),
        ("GET", f"{group}&page={last_page}", None),
        ("GET", f"/accredible/v1/all_credentials?email=learner{target}@example.com", None),
        (
            "POST",
            "/accredible/v2/credentials/search",
            {"query": {"recipient_email": f"learner{target}@example.com"}},
        ),
    ]


def timed(client, request: tuple[str, str, dict | None], repeat: int) -> float:
    method, path, body = request
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        answer = client.open(path, method=method, json=body, headers=AUTH)
        samples.append((time.perf_counter() - started) * 1000)
        assert answer.status_code == 200, answer.get_data(as_text=True)[:200]
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    print(
        "| credentials | fill s | view ms | first page ms | last page ms | v1 email ms "
        "| v2 one hit ms | reset ms | RSS MB |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for size in args.sizes:
        settings = Settings(host="127.0.0.1", port=0, quiet=True)
        runtime = Runtime(settings)
        app = create_app(settings, runtime)
        client = app.test_client()
        client.post("/_mock/accredible/rate_limit", json={"limit": 1_000_000_000})
        started = time.perf_counter()
        first_id = fill(runtime, client, size)
        filled = time.perf_counter() - started
        rows = [timed(client, request, args.repeat) for request in requests_for(size, first_id)]
        started = time.perf_counter()
        client.post("/_mock/reset")
        reset_ms = (time.perf_counter() - started) * 1000
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(
            f"| {size:,} | {filled:.1f} | "
            + " | ".join(f"{v:.1f}" for v in rows)
            + f" | {reset_ms:.0f} | {rss:.0f} (peak) |",
            flush=True,
        )
        runtime.close()


if __name__ == "__main__":
    main()
