"""A shared sandbox on PostgreSQL against the same server on SQLite (issue 18, part 3).

    python bench/pg_scale.py [--seconds 6] [--connections 16] [--runs 2] [--pg-url URL]
                             [--cpus auto|all|LIST] [--replica-cpu SHARE] [--apart-pg-url URL]
                             [--paired ROUNDS]

Side by side in one run, `wrk -t2` against Accredible's issuer details (an ordinary
authenticated read):
- one `mockserver serve` on SQLite in memory;
- one on PostgreSQL;
- two on the same PostgreSQL store, each given half the connections, their rates summed.

Rates are measured with the servers connected to PostgreSQL directly, as a deployment is.
Round trips are counted in a second load of the same servers' setup through
tests/pg_round_trips.py, a relay that counts protocol messages a client waits on: round trips
per request are the count during that load, less what the servers' own background work made
in an idle stretch of the same length, over the requests wrk completed; the journal writer's
(off the request path, in batches) apart. That relay is Python in this process, on the same
cores: rates through it are printed too, but are not the servers' (with two servers it relays
twice the traffic). `--pg-url` is a database the bench may empty (default: the test database
`.ci/run` makes); `--cpus` is passed to every server (default: theirs, one CPU each, README
"One core per server"). `--replica-cpu 0.5` holds every server to half a CPU's time, as a
container run with `--cpus 0.5` is (bench/cpu_budget.py: a cgroup; needs root), so that two
replicas are measured against one without the second running out of cores.
`--apart-pg-url` names a second database the bench may empty: two servers then also run with
a database each, sharing nothing, which tells what sharing one store costs two servers from
what the machine does to them. `--paired N` then measures two ÷ one once more: two servers
on the store, started once, and N rounds of one of them loaded alone and both at once, back to
back. On a machine whose speed drifts by a quarter within a minute (the bench machine does,
bench/RESULTS.md), a ratio of two loads seconds apart is steadier than one of medians taken
minutes apart. Every server is a real process on an ephemeral port, stopped at the end.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import lift_quotas  # noqa: E402
from bench.cpu_budget import CpuBudget  # noqa: E402
from bench.suite import ACCREDIBLE, lua_script, wrk  # noqa: E402
from mockserver.core.store import Store  # noqa: E402
from tests.e2e.live import LiveServer  # noqa: E402
from tests.pg_round_trips import CountingProxy, through  # noqa: E402

PATH = "/accredible/v1/issuer/details"
DEFAULT_PG = "postgresql+psycopg://mockserver:mockserver@127.0.0.1:5432/mockserver_test"


def load(servers: list[LiveServer], script: Path, seconds: float, connections: int) -> dict:
    """wrk against every server at once, connections split between them; rates summed."""
    results: list[dict] = [{} for _ in servers]

    def one(index: int) -> None:
        url = servers[index].base_url + PATH
        results[index] = wrk(url, script, seconds, max(2, connections // len(servers)))

    threads = [threading.Thread(target=one, args=(i,)) for i in range(len(servers))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(seconds + 120)
    return {
        "rps": sum(r["rps"] for r in results),
        "requests": sum(r["requests"] for r in results),
        "errors": sum(r["errors"] for r in results),
        "p50": max(r["p50"] for r in results),
    }


def cpu_seconds(pid: int) -> float:
    """User and system CPU time of a process so far (/proc/PID/stat)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def machine_busy(since: tuple[int, int] | None = None) -> Any:
    """(busy, total) jiffies of all cores so far; with `since`, the busy share since then."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
    idle = values[3] + values[4]
    now = (sum(values) - idle, sum(values))
    if since is None:
        return now
    return (now[0] - since[0]) / max(1, now[1] - since[1])


@contextmanager
def running(urls: list[str | None], args) -> Iterator[list[LiveServer]]:
    """A server on each store URL (None: SQLite in memory), held to its CPU budget if the
    bench gives one, quotas lifted and warmed; all stopped at the end."""
    cpus = ["--cpus", args.cpus] if args.cpus else []
    servers = [
        LiveServer(args=["--quiet", *(["--store-url", url] if url else []), *cpus]).start()
        for url in urls
    ]
    budgets: list[CpuBudget] = []
    try:
        for server in servers if args.replica_cpu else ():
            budgets.append(CpuBudget(args.replica_cpu))
            budgets[-1].hold(server.process.pid)
        for server in servers:
            lift_quotas(server.base_url)
        for server in servers:  # warm: first requests build caches and connections
            wrk(server.base_url + PATH, args.script, 1, 4)
        yield servers
    finally:
        for server in servers:
            server.stop()
        for budget in budgets:
            budget.remove()


def timed(servers: list[LiveServer], args) -> dict:
    """One load of `servers` at once, with their CPU and the machine's per request."""
    cpu_before = sum(cpu_seconds(server.process.pid) for server in servers)
    machine_before = machine_busy()
    result = load(servers, args.script, args.seconds, args.connections)
    result["cpu_ms"] = (
        1000
        * (sum(cpu_seconds(server.process.pid) for server in servers) - cpu_before)
        / max(1, result["requests"])
    )
    result["machine_busy"] = machine_busy(machine_before)
    busy_jiffies = machine_busy()[0] - machine_before[0]
    result["machine_cpu_ms"] = (
        1000 * busy_jiffies / os.sysconf("SC_CLK_TCK") / max(1, result["requests"])
    )
    return result


def measure(
    count: int, store_url: str | list[str] | None, proxy: CountingProxy | None, args
) -> dict:
    """`count` servers on `store_url`, or one on each store of a list."""
    urls = store_url if isinstance(store_url, list) else [store_url] * count
    with running(urls, args) as servers:
        idle = 0
        if proxy is not None:
            before = proxy.round_trips
            time.sleep(args.seconds)
            idle = proxy.round_trips - before
        before = proxy.round_trips if proxy is not None else 0
        journal_before = proxy.journal_round_trips if proxy is not None else 0
        result = timed(servers, args)
        if proxy is not None:
            made = proxy.round_trips - before - idle
            result["round_trips"] = made / max(1, result["requests"])
            journal = proxy.journal_round_trips - journal_before
            result["journal_round_trips"] = journal / max(1, result["requests"])
            result["idle_round_trips_per_s"] = idle / args.seconds
        return result


def paired(args) -> list[tuple[dict, dict]]:
    """Two servers on the PostgreSQL store, started once; `--paired` rounds of one of them
    loaded alone and both loaded at once, back to back (the order turned each round), so
    that a drift of the machine's speed over a minute falls on both sides of each ratio."""
    rounds: list[tuple[dict, dict]] = []
    with running([args.pg_url, args.pg_url], args) as servers:
        for number in range(args.paired):
            if number % 2 == 0:
                one = timed(servers[:1], args)
                two = timed(servers, args)
            else:
                two = timed(servers, args)
                one = timed(servers[:1], args)
            rounds.append((one, two))
    return rounds


def load_options() -> argparse.ArgumentParser:
    """The options of a wrk load on Accredible's issuer details (this bench's and cpus.py's)."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=6)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--pg-url", default=DEFAULT_PG)
    return parser


def prepare(args: argparse.Namespace) -> Path:
    """The wrk script of the read, with the PostgreSQL database emptied."""
    work = Path(tempfile.mkdtemp(prefix="mockserver-pg-bench-"))
    store = Store(args.pg_url)
    store.clear()
    store.close()
    return lua_script("GET", ACCREDIBLE, None, directory=work)


def main() -> None:
    parser = load_options()
    parser.add_argument("--cpus", default=None)
    parser.add_argument("--replica-cpu", type=float, default=None)
    parser.add_argument("--apart-pg-url", default=None)
    parser.add_argument("--paired", type=int, default=0)
    args = parser.parse_args()
    args.script = prepare(args)
    port = urlsplit(args.pg_url).port or 5432
    rows: dict[str, list[dict]] = {
        "SQLite in memory, 1": [],
        "PostgreSQL, 1": [],
        "PostgreSQL, 2": [],
    }
    if args.apart_pg_url:
        apart = Store(args.apart_pg_url)
        apart.clear()
        apart.close()
        rows["PostgreSQL, 2 apart (a database each)"] = []
    with CountingProxy(port) as proxy:
        url = through(args.pg_url, proxy.port)
        for _ in range(args.runs):
            rows["SQLite in memory, 1"].append(measure(1, None, None, args))
            for count in (1, 2):
                direct = measure(count, args.pg_url, None, args)
                counted = measure(count, url, proxy, args)
                direct.update(
                    {key: value for key, value in counted.items() if "round_trips" in key},
                    relayed_rps=counted["rps"],
                )
                rows[f"PostgreSQL, {count}"].append(direct)
            if args.apart_pg_url:  # what sharing one store costs two servers, if anything
                both = [args.pg_url, args.apart_pg_url]
                rows["PostgreSQL, 2 apart (a database each)"].append(measure(2, both, None, args))
    print(
        f"wrk -t2 -c{args.connections} -d{args.seconds:.0f}s, {args.runs} runs each, {PATH}, "
        f"--cpus {args.cpus or 'auto (the default)'}"
        + (f", each server held to {args.replica_cpu:g} CPU" if args.replica_cpu else "")
    )
    print(
        "| store, servers | reads/s (each run) | round trips per request | journal writer's "
        "| idle round trips/s | server CPU per request | machine CPU per request | machine busy "
        "| reads/s through the relay |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for label, found in rows.items():
        rates = " / ".join(f"{r['rps']:.0f}" for r in found)
        trips = " / ".join(f"{r['round_trips']:.2f}" for r in found if "round_trips" in r) or "–"
        idle = " / ".join(f"{r['idle_round_trips_per_s']:.1f}" for r in found if "round_trips" in r)
        writer = " / ".join(f"{r['journal_round_trips']:.2f}" for r in found if "round_trips" in r)
        errors = sum(r["errors"] for r in found)
        note = f" ({errors} non-2xx)" if errors else ""
        cpu = " / ".join(f"{r['cpu_ms']:.2f} ms" for r in found)
        machine = " / ".join(f"{r['machine_cpu_ms']:.2f} ms" for r in found)
        busy = " / ".join(f"{100 * r['machine_busy']:.0f} %" for r in found)
        relayed = " / ".join(f"{r['relayed_rps']:.0f}" for r in found if "relayed_rps" in r)
        print(
            f"| {label} | {rates}{note} | {trips} | {writer or '–'} | {idle or '–'} | {cpu} "
            f"| {machine} | {busy} | {relayed or '–'} |"
        )
    sqlite = statistics.median(r["rps"] for r in rows["SQLite in memory, 1"])
    one = statistics.median(r["rps"] for r in rows["PostgreSQL, 1"])
    two = statistics.median(r["rps"] for r in rows["PostgreSQL, 2"])
    print(f"PostgreSQL ÷ SQLite, one server: {one / sqlite:.2f} (goal ≥ 0.5)")
    print(f"two servers ÷ one, PostgreSQL: {two / one:.2f} (goal ≥ 1.7)")
    if args.apart_pg_url:
        apart_rate = statistics.median(
            r["rps"] for r in rows["PostgreSQL, 2 apart (a database each)"]
        )
        print(f"two servers sharing one store ÷ two with a database each: {two / apart_rate:.2f}")
    # One server is held to one core (or to its budget, `--replica-cpu`) by its interpreter
    # lock; two share the machine's cores with PostgreSQL and wrk. Two can answer at most
    # cores ÷ (machine CPU per request), and at most their budgets ÷ (their CPU per request),
    # against one's budget ÷ (its CPU per request). Without budgets on two cores this ceiling
    # falls as a server gets faster: 2·s ÷ (s + what PostgreSQL and wrk spend per request).
    cores = os.cpu_count() or 1
    share = args.replica_cpu or 1.0
    server_one = statistics.median(r["cpu_ms"] for r in rows["PostgreSQL, 1"])
    server_two = statistics.median(r["cpu_ms"] for r in rows["PostgreSQL, 2"])
    machine = statistics.median(r["machine_cpu_ms"] for r in rows["PostgreSQL, 2"])
    two_can = min(cores / machine, 2 * share / server_two)
    print(
        f"ceiling on {cores} cores: two servers min({cores} ÷ {machine:.2f} ms of the machine, "
        f"2 × {share:g} ÷ {server_two:.2f} ms of theirs) against one's {share:g} ÷ "
        f"{server_one:.2f} ms: {two_can * server_one / share:.2f}"
    )
    if args.paired:
        report_pairs(paired(args))


def report_pairs(rounds: list[tuple[dict, dict]]) -> None:
    print("| round | one server reads/s | both reads/s | two ÷ one | CPU per request, one / both |")
    print("|---|---|---|---|---|")
    ratios = []
    for number, (one, two) in enumerate(rounds, 1):
        ratios.append(two["rps"] / one["rps"])
        print(
            f"| {number} | {one['rps']:.0f} | {two['rps']:.0f} | {ratios[-1]:.2f} "
            f"| {one['cpu_ms']:.2f} / {two['cpu_ms']:.2f} ms |"
        )
    print(
        f"two servers ÷ one, paired rounds: median {statistics.median(ratios):.2f} "
        f"(from {min(ratios):.2f} to {max(ratios):.2f}; goal ≥ 1.7)"
    )


if __name__ == "__main__":
    main()
