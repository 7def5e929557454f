"""Benchmarks for the foundation (not pass/fail): start-up, memory, batch latency, uploads.

    python bench/run.py [--seconds 10] [--threads 8]

Runs `mockserver serve` as a real process on ephemeral loopback ports and prints a table.
Latency is measured with one client in a loop (the server's own time per request); throughput
with several client threads. Every loop is bounded in count and time, and the server is
stopped at the end.
"""

from __future__ import annotations

import argparse
import copy
import os
import re
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import requests

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.e2e.live import LiveServer  # noqa: E402
from tests.seekpass.helpers import SAMPLE_BATCH, http_token  # noqa: E402

BATCH = "/seekpass/api/partner/v2/add/requests/batch.json"
TARGETS = {
    "cold start": "<= 1 s",
    "idle RSS": "<= 120 MB",
    "batch p50": "<= 10 ms",
    "accredible bulk p50": "<= 50 ms",
}


def rss_mb(pid: int) -> float:
    """Resident memory of the process and its children (Granian's worker is a child)."""
    total = 0.0
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            total += int(line.split()[1]) / 1024
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            children = (task / "children").read_text().split()
        except FileNotFoundError:  # a thread that ended while we looked
            continue
        total += sum(rss_mb(int(child)) for child in children)
    return total


def cold_start(runs: int, args: list[str] | None = None) -> float:
    """Seconds from process launch to the first 200 from /_mock/health (median of runs),
    polled from the moment the port is printed: the server answers before the embedded S3
    has booted ("mockserver ready" comes later, once uploads can be taken).

    Timed with compiled bytecode, as an installed wheel has it (pip compiles at install): a
    first start, not timed, writes the checkout's `__pycache__` even where the environment
    says not to (PYTHONDONTWRITEBYTECODE, set on some machines here), where compiling the
    sources at every start added about 0.15 s."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    times = []
    for run in range(runs + 1):
        started = time.perf_counter()
        process = subprocess.Popen(
            [sys.executable, "-m", "mockserver", "serve", "--port", "0", "--quiet", *(args or [])],
            cwd=REPO,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        try:
            base = ""
            assert process.stdout is not None
            for line in process.stdout:
                found = re.match(r"mockserver listening on (\S+)", line)
                if found:
                    base = found.group(1)
                    break
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                try:
                    if requests.get(f"{base}/_mock/health", timeout=2).status_code == 200:
                        break
                except requests.ConnectionError:
                    time.sleep(0.005)
            if run:  # the first start compiled the sources
                times.append(time.perf_counter() - started)
        finally:
            process.terminate()
            process.wait(timeout=20)
    return statistics.median(times)


class Counter:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._value = 0

    def next(self) -> int:
        with self._lock:
            self._value += 1
            return self._value


def batch_body(counter: Counter) -> dict:
    body = copy.deepcopy(SAMPLE_BATCH)
    body["credential_id"] = f"bench-{counter.next()}"
    return body


def latency(base: str, headers: dict, counter: Counter, count: int, limit_s: float) -> list[float]:
    session = requests.Session()
    samples = []
    deadline = time.monotonic() + limit_s
    for _ in range(count):
        if time.monotonic() > deadline:
            break
        body = batch_body(counter)
        started = time.perf_counter()
        response = session.post(base + BATCH, json=body, headers=headers, timeout=10)
        samples.append(time.perf_counter() - started)
        assert response.status_code == 201, response.text
    return samples


def throughput(
    base: str, headers: dict, counter: Counter, threads: int, seconds: float
) -> tuple[float, list[float]]:
    samples: list[float] = []
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds

    def worker() -> None:
        session = requests.Session()
        mine = []
        while time.monotonic() < stop_at:
            body = batch_body(counter)
            started = time.perf_counter()
            response = session.post(base + BATCH, json=body, headers=headers, timeout=10)
            mine.append(time.perf_counter() - started)
            assert response.status_code == 201
        with lock:
            samples.extend(mine)

    workers = [threading.Thread(target=worker) for _ in range(threads)]
    started = time.perf_counter()
    for w in workers:
        w.start()
    for w in workers:
        w.join(timeout=seconds + 30)
    return len(samples) / (time.perf_counter() - started), samples


def upload_throughput(base: str, headers: dict, counter: Counter, size: int, runs: int) -> float:
    """MB/s for presigned PUTs of `size` bytes through the verifying S3 route."""
    data = os.urandom(size)
    elapsed = 0.0
    for _ in range(runs):
        body = {
            "credential_id": f"upload-{counter.next()}",
            "education_items": [copy.deepcopy(SAMPLE_BATCH["education_items"][0])],
        }
        url = requests.post(base + BATCH, json=body, headers=headers, timeout=10).json()[
            "asset_uploads"
        ][0]["url"]
        started = time.perf_counter()
        response = requests.put(
            url, data=data, headers={"Content-Type": "application/pdf"}, timeout=120
        )
        elapsed += time.perf_counter() - started
        assert response.status_code == 200, response.text
    return size * runs / elapsed / 1e6


def vec_bulk_100(base: str, runs: int) -> list[float]:
    """Latency of a VEC bulk request of 100 entries (the 100 file uploads are not timed)."""
    headers = {"Authorization": "Bearer vec-demo-full-token"}
    vault = f"{base}/vec/business/certificate-vault"
    pdf = b"%PDF-1.4\n%%EOF\n"
    session = requests.Session()
    samples = []
    for run in range(runs):
        files = [
            session.post(
                f"{vault}/upload-file", files={"file": ("c.pdf", pdf)}, headers=headers, timeout=10
            ).json()["data"]["file_id"]
            for _ in range(100)
        ]
        entries = [
            {
                "certificate_title": "Certificate",
                "full_name": f"Person {i}",
                "applicant_email": f"p{run}-{i}@example.com",
                "file_id": file,
            }
            for i, file in enumerate(files)
        ]
        started = time.perf_counter()
        response = session.post(
            f"{vault}/bulk", json={"entries": entries}, headers=headers, timeout=30
        )
        samples.append(time.perf_counter() - started)
        assert response.status_code == 202, response.text
    return samples


def accredible_bulk_100(base: str, runs: int) -> list[float]:
    """Latency of an Accredible v1 bulk create of 100 credentials (all published)."""
    headers = {"Authorization": "Token token=accredible-demo-key"}
    session = requests.Session()
    requests.post(f"{base}/_mock/accredible/credits", json={"balance": 10**6}, timeout=10)
    samples = []
    for run in range(runs):
        credentials = [
            {
                "recipient": {"name": f"Learner {i}", "email": f"b{run}-{i}@example.com"},
                "group_id": 9001,
            }
            for i in range(100)
        ]
        started = time.perf_counter()
        response = session.post(
            f"{base}/accredible/v1/credentials/bulk_create",
            json={"credentials": credentials},
            headers=headers,
            timeout=30,
        )
        samples.append(time.perf_counter() - started)
        assert response.status_code == 200, response.text
    return samples


def pct(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--starts", type=int, default=5)
    args = parser.parse_args()

    start_s = cold_start(args.starts)
    with LiveServer(args=["--quiet"]) as server:
        base = server.base_url
        time.sleep(1)
        idle = rss_mb(server.process.pid)
        headers = {"Authorization": f"Bearer {http_token(base + '/seekpass')}"}
        counter = Counter()
        latency(base, headers, counter, 50, 30)  # warm-up
        single = latency(base, headers, counter, 500, args.seconds * 2)
        rps, loaded = throughput(base, headers, counter, args.threads, args.seconds)
        after_batches = rss_mb(server.process.pid)
        requests.post(f"{base}/_mock/reset", timeout=10)
        headers = {"Authorization": f"Bearer {http_token(base + '/seekpass')}"}
        mbps = upload_throughput(base, headers, counter, 20 * 1024 * 1024, 5)
        vec_bulk = vec_bulk_100(base, 15)
        accredible_bulk = accredible_bulk_100(base, 30)
        after = rss_mb(server.process.pid)

    rows = [
        ("cold start to first 200", f"{start_s:.2f} s", TARGETS["cold start"]),
        ("idle RSS", f"{idle:.0f} MB", TARGETS["idle RSS"]),
        (
            "batch p50 / p99, 1 client",
            f"{pct(single, 0.5):.1f} / {pct(single, 0.99):.1f} ms",
            TARGETS["batch p50"],
        ),
        (f"batch requests/s, {args.threads} clients", f"{rps:.0f}", ""),
        (
            f"batch p50 / p99, {args.threads} clients",
            f"{pct(loaded, 0.5):.1f} / {pct(loaded, 0.99):.1f} ms",
            "",
        ),
        ("presigned PUT, 20 MB x5", f"{mbps:.0f} MB/s", ""),
        (
            "VEC bulk of 100 p50 / p99, 1 client",
            f"{pct(vec_bulk, 0.5):.1f} / {pct(vec_bulk, 0.99):.1f} ms",
            "",
        ),
        (
            "Accredible v1 bulk of 100 p50 / p99",
            f"{pct(accredible_bulk, 0.5):.1f} / {pct(accredible_bulk, 0.99):.1f} ms",
            TARGETS["accredible bulk p50"],
        ),
        ("RSS after the batch load", f"{after_batches:.0f} MB", ""),
        ("RSS after the uploads", f"{after:.0f} MB", ""),
    ]
    print(f"{'measure':<34} {'result':<22} target")
    for name, value, target in rows:
        print(f"{name:<34} {value:<22} {target}")
    print(
        f"(batch = the 7-group sample batch with 4 assets; {len(single)} + {len(loaded)} requests)"
    )


if __name__ == "__main__":
    main()
