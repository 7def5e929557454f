"""One server free to run on every CPU against the same server held to one (`--cpus`).

    python bench/cpus.py [--seconds 6] [--connections 16] [--runs 2] [--pg-url URL]

For each store (SQLite in memory; PostgreSQL, at `--pg-url`, a database the bench may empty)
and HTTP layer (waitress; Granian on SQLite), `mockserver serve --cpus all` and `--cpus auto`
are started in turn, `--runs` times each, and `wrk -t2` reads Accredible's issuer details from
each. Per request it reports the CPU the server's processes used (Granian's worker included)
and their threads' context switches, voluntary and not (/proc), which is where a server free
to move loses its time: its threads pass the interpreter lock between cores. Every server is
a real process on an ephemeral port, stopped at the end.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import lift_quotas  # noqa: E402
from bench.pg_scale import PATH, cpu_seconds, load_options, prepare  # noqa: E402
from bench.suite import wrk  # noqa: E402
from tests.e2e.live import LiveServer  # noqa: E402


def tree(pid: int) -> list[int]:
    """The process and its children (Granian's worker), as /proc lists them."""
    found = [pid]
    for task in Path(f"/proc/{pid}/task").iterdir():
        for child in (task / "children").read_text().split():
            found += tree(int(child))
    return found


def switches(pids: list[int]) -> int:
    """Context switches of every thread of these processes so far."""
    total = 0
    for pid in pids:
        for task in Path(f"/proc/{pid}/task").iterdir():
            for line in (task / "status").read_text().splitlines():
                if line.startswith(("voluntary_ctxt_switches", "nonvoluntary_ctxt_switches")):
                    total += int(line.split()[1])
    return total


def measure(flags: list[str], args: argparse.Namespace, script: Path) -> dict:
    server = LiveServer(args=["--quiet", *flags]).start()
    try:
        assert server.process is not None
        lift_quotas(server.base_url)
        wrk(server.base_url + PATH, script, 1, 4)  # warm: caches, connections, threads
        pids = tree(server.process.pid)
        cpu_before = sum(cpu_seconds(pid) for pid in pids)
        switched_before = switches(pids)
        result = wrk(server.base_url + PATH, script, args.seconds, args.connections)
        requests = max(1, result["requests"])
        result["cpu_ms"] = 1000 * (sum(cpu_seconds(pid) for pid in pids) - cpu_before) / requests
        result["switches"] = (switches(pids) - switched_before) / requests
        return result
    finally:
        server.stop()


def main() -> None:
    args = load_options().parse_args()
    script = prepare(args)
    setups = {
        "SQLite in memory, waitress": [],
        "PostgreSQL, waitress": ["--store-url", args.pg_url],
        "SQLite in memory, Granian": ["--http", "granian"],
    }
    rows: dict[tuple[str, str], list[dict]] = {}
    for _ in range(args.runs):
        for label, flags in setups.items():
            for cpus in ("all", "auto"):  # in turn, so that a slow spell hits both
                found = measure([*flags, "--cpus", cpus], args, script)
                rows.setdefault((label, cpus), []).append(found)
    print(f"wrk -t2 -c{args.connections} -d{args.seconds:.0f}s, {args.runs} runs each, {PATH}")
    print(f"machine: {os.cpu_count()} CPUs")
    print(
        "| server | --cpus | reads/s (each run) | CPU per request | context switches per request |"
    )
    print("|---|---|---|---|---|")
    for (label, cpus), found in rows.items():
        rates = " / ".join(f"{r['rps']:.0f}" for r in found)
        cpu = " / ".join(f"{r['cpu_ms']:.2f} ms" for r in found)
        switched = " / ".join(f"{r['switches']:.0f}" for r in found)
        print(f"| {label} | {cpus} | {rates} | {cpu} | {switched} |")
    for label in setups:
        free = statistics.median(r["rps"] for r in rows[(label, "all")])
        held = statistics.median(r["rps"] for r in rows[(label, "auto")])
        print(f"{label}: one CPU ÷ every CPU = {held / free:.2f}")


if __name__ == "__main__":
    main()
