"""How list and search times grow with one tenant's size (issue 18; not pass/fail).

    python bench/growth.py [--sizes 1000 10000 100000] [--repeat 5] [--data-dir]
                           [--provider accredible|accredible-v2|vec|vec-certificates]
                           [--store-url postgresql+psycopg://…]
                           [--store-memory-mb 256] [--store-max-mb 1048576]

For each size: a fresh sandbox in this process (create_app, the default store: SQLite pages in
memory up to --store-memory-mb, the rest in a temporary file; the Flask test
client: the server's own time, no HTTP), one Accredible tenant filled with that many
credentials in one group, then the median of `--repeat` calls of each row below, the
process's resident memory (VmRSS) with the records in, a reset, and VmRSS again 2 s later.

The credentials are made through the store's bulk path, not the API: one credential is
created through `POST /v1/credentials`, and copies of its document (new id, email, uuid) are
written with `Transaction.put` in transactions of 5,000, which keeps the index beside each as
the API would. The API at 100 per bulk request would take minutes per 100,000 on this machine.
"""

from __future__ import annotations

import argparse
import atexit
import base64
import copy
import datetime
import gc
import json
import shutil
import statistics
import sys
import tempfile
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
    """See the module docstring; the id of the first credential (the calls name others)."""
    client.post("/_mock/accredible/rate_limit", json={"limit": 1_000_000_000})
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
                doc["issued_on"] = issued_on(number)
                tx.put(TENANT, "credential", str(number), doc)
    return made["id"]


def issued_on(number: int) -> str:
    """Issue dates spread over 2,000 days, so that a v2 sort by them is not all ties."""
    return (EPOCH + datetime.timedelta(days=number % 2000)).isoformat()


EPOCH = datetime.date(2020, 1, 1)


def v2_requests(size: int, first_id: int) -> list[tuple[str, str, dict | None]]:
    """Timed v2 searches: sorted by id and by issue date, the deepest offset page, a one-day
    range, two groups by update time, and a cursor from the middle of the tenant."""
    path = "/accredible/v2/credentials/search"
    target = first_id + size // 2
    day = issued_on(target)
    mark = [f"{day}", target]
    cursor = base64.b64encode(json.dumps(mark).encode()).decode()
    deepest = max(0, min(size, 10_000) - 50)
    return [
        ("POST", path, {"query": {}, "page": {"size": 50}}),
        ("POST", path, {"query": {}, "sort": {"issued_on": "desc"}, "page": {"from": deepest}}),
        (
            "POST",
            path,
            {"query": {"issued_on[gte]": day, "issued_on[lte]": day}, "sort": {"issued_on": "asc"}},
        ),
        (
            "POST",
            path,
            {"query": {"group.id[in]": [GROUP, 9001]}, "sort": {"updated_at": "desc"}},
        ),
        ("POST", path, {"query": {}, "sort": {"issued_on": "asc"}, "page": {"cursor": cursor}}),
    ]


def requests_for(size: int, first_id: int) -> list[tuple[str, str, dict | None]]:
    """The timed calls: (method, path, JSON body)."""
    last_page = -(-size // 50)
    target = first_id + size // 2
    group = f"/accredible/v1/all_credentials?group_id={GROUP}&page_size=50"
    return [
        ("GET", f"/accredible/v1/credentials/{target}", None),
        ("GET", f"{group}&page=1", None),
        ("GET", f"{group}&page={last_page}", None),
        ("GET", f"{group}&page={max(1, last_page // 2)}", None),
        ("GET", f"/accredible/v1/all_credentials?email=learner{target}@example.com", None),
        (
            "POST",
            "/accredible/v2/credentials/search",
            {"query": {"recipient_email": f"learner{target}@example.com"}},
        ),
    ]


def timed(client, request: tuple[str, str, dict | None], repeat: int, headers=AUTH) -> float:
    method, path, body = request
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        answer = client.open(path, method=method, json=body, headers=headers)
        samples.append((time.perf_counter() - started) * 1000)
        assert answer.status_code == 200, answer.get_data(as_text=True)[:200]
    return statistics.median(samples)


VEC = {"Authorization": "Bearer vec-demo-full-token"}
VEC_TENANT = "vec:demo-institute"
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def fill_vault(runtime: Runtime, client, size: int) -> None:
    """One vault certificate through the API, then copies of its document (new uuid, id,
    email) through the store's bulk path, as `fill` does for Accredible."""
    import io

    uploaded = client.post(
        "/vec/business/certificate-vault/upload-file",
        data={"file": (io.BytesIO(PDF), "c.pdf")},
        headers=VEC,
    ).get_json()["data"]["file_id"]
    entry = {
        "certificate_title": "Completion",
        "full_name": "Seed",
        "applicant_email": "seed@example.com",
        "file_id": uploaded,
    }
    made = client.post(
        "/vec/business/certificate-vault/bulk", json={"entries": [entry]}, headers=VEC
    )
    assert made.status_code == 202, made.get_data(as_text=True)
    store = runtime.store
    (template,) = store.list(VEC_TENANT, "vec_vault")
    for start in range(0, size - 1, BATCH):
        with store.transaction() as tx:
            for number in range(2 + start, 2 + min(start + BATCH, size - 1)):
                doc = copy.deepcopy(template)
                doc["id"] = number
                doc["uuid"] = f"00000000-0000-4000-8000-{number:012d}"
                doc["applicant_email"] = f"learner{number}@example.com"
                doc["status"] = "generated" if number % 2 else "processing"
                doc["process_at"] = 4e9  # not due: the list's processing pass leaves it
                tx.put(VEC_TENANT, "vec_vault", doc["uuid"], doc)


PLAIN_TEMPLATE = "7b1f4c1e-8d2a-4f57-9c3e-2a6d5e0b9f10"
PARTS = ("pdf", "image", "qrcode", "barcode")


def fill_certificates(runtime: Runtime, client, size: int) -> None:
    """One CSV batch of one row through the API, marked completed, then copies of its
    certificate (new uuid, CSV row, name, email; generated or failed by turns) through the
    store's bulk path, all in that batch."""
    import io

    made = client.post(
        "/vec/business/batches",
        data={
            "name": "Cohort",
            "template_id": PLAIN_TEMPLATE,
            "csv_file": (
                io.BytesIO(b"RecipientsEmail,RecipientsName\ns@example.com,Seed\n"),
                "r.csv",
            ),
        },
        headers=VEC,
    )
    assert made.status_code == 201, made.get_data(as_text=True)
    store = runtime.store
    (batch,) = store.list(VEC_TENANT, "vec_batch")
    (template,) = store.list(VEC_TENANT, "vec_certificate")
    with store.transaction() as tx:  # finished: the lifecycle pass leaves it alone
        tx.put(VEC_TENANT, "vec_batch", batch["id"], {**batch, "status": "completed"})
    runtime.providers["vec"].model.batches.reload()
    for start in range(0, size - 1, BATCH):
        with store.transaction() as tx:
            for number in range(2 + start, 2 + min(start + BATCH, size - 1)):
                doc = copy.deepcopy(template)
                generated = number % 2 == 1
                doc.update(
                    uuid=f"00000000-0000-4000-8000-{number:012d}",
                    row=number,
                    name=f"Learner {number % 997}",
                    email=f"learner{number}@example.com",
                    status="generated" if generated else "failed",
                    generated_at=doc["created_at"] if generated else None,
                )
                if generated:  # as a generated certificate has them (links in the answer)
                    doc.update({f"{part}_key": f"bench/{number}/{part}" for part in PARTS})
                tx.put(VEC_TENANT, "vec_certificate", doc["uuid"], doc)


def certificate_requests(size: int, _filled: None) -> list[tuple[str, str, dict | None]]:
    base = "/vec/business/certificates?per_page=15"
    return [
        ("GET", base, None),
        ("GET", f"{base}&page={-(-size // 15)}", None),
        ("GET", f"{base}&sort_field=name&sort_order=asc", None),
        ("GET", f"{base}&status=failed&sort_field=generated_at&sort_order=desc&page=3", None),
    ]


def vault_requests(size: int, _filled: None) -> list[tuple[str, str, dict | None]]:
    last_page = -(-size // 15)
    target = size // 2
    return [
        ("GET", "/vec/business/certificate-vault", None),
        ("GET", f"/vec/business/certificate-vault?page={last_page}", None),
        ("GET", "/vec/business/certificate-vault?status=generated&page=2", None),
        (
            "GET",
            f"/vec/business/certificate-vault?applicant_email=learner{target}@example.com",
            None,
        ),
    ]


def fresh_dir(args: argparse.Namespace) -> str:
    """With --data-dir, an empty folder for one size's store (removed when the bench ends)."""
    if not args.data_dir:
        return ""
    folder = tempfile.mkdtemp(prefix="mockserver-growth-")
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return folder


def rss_mb() -> float:
    """This process's resident memory now (VmRSS): the sandbox with its records, after the
    calls (the fill's own garbage is collected first)."""
    gc.collect()
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


# --provider: (the table's first columns, how to fill the list, the calls to time, the key).
CURVES = {
    "accredible": (
        "credentials | fill s | view ms | first page ms | last page ms | middle page ms "
        "| v1 email ms | v2 one hit ms",
        fill,
        requests_for,
        AUTH,
    ),
    "accredible-v2": (
        "credentials | fill s | by id ms | by issue date, from 9,950 ms | one day ms "
        "| two groups by update ms | cursor mid-tenant ms",
        fill,
        v2_requests,
        AUTH,
    ),
    "vec": (
        "vault certificates | fill s | first page ms | last page ms | status page 2 ms "
        "| one email ms",
        fill_vault,
        vault_requests,
        VEC,
    ),
    "vec-certificates": (
        "certificates | fill s | first page ms | last page ms | by name ms "
        "| failed, by generated_at, page 3 ms",
        fill_certificates,
        certificate_requests,
        VEC,
    ),
}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--provider", choices=tuple(CURVES), default="accredible")
    parser.add_argument(
        "--data-dir",
        action="store_true",
        help="a SQLite file in a fresh temporary folder per size, as `serve --data-dir`",
    )
    parser.add_argument(
        "--store-url",
        default="",
        help="a PostgreSQL database the bench may empty (postgresql+psycopg://…), as "
        "`serve --store-url`; RSS is then the server's alone, the database's apart",
    )
    parser.add_argument(
        "--store-memory-mb",
        type=int,
        default=Settings.store_memory_mb,
        help="as `serve --store-memory-mb`: the default store's pages kept in memory",
    )
    parser.add_argument(
        "--store-max-mb",
        type=int,
        default=1 << 20,
        help="as `serve --store-max-mb` (the bench measures growth, so by default no cap it "
        "would reach: 1 TiB)",
    )
    args = parser.parse_args()
    curve(args, *CURVES[args.provider])


def curve(args: argparse.Namespace, header: str, fill_kind, requests_of, headers) -> None:
    """One list's curve: per size, `fill_kind(runtime, client, size)`, the calls
    `requests_of(size, what the fill returned)` timed, VmRSS, a reset, and VmRSS 2 s later."""
    print(f"| {header} | reset ms | RSS MB | RSS 2 s after reset MB |")
    print("|---" * (header.count("|") + 4) + "|")
    for size in args.sizes:
        settings = Settings(
            host="127.0.0.1",
            port=0,
            quiet=True,
            data_dir=fresh_dir(args),
            store_memory_mb=args.store_memory_mb,
            store_max_mb=args.store_max_mb,
            **({"store_url": args.store_url} if args.store_url else {}),
        )
        runtime = Runtime(settings)
        if args.store_url:
            runtime.reset()  # a shared database starts each size empty
        client = create_app(settings, runtime).test_client()
        started = time.perf_counter()
        filled = fill_kind(runtime, client, size)
        fill_s = time.perf_counter() - started
        rows = [timed(client, call, args.repeat, headers) for call in requests_of(size, filled)]
        rss = rss_mb()
        started = time.perf_counter()
        client.post("/_mock/reset")
        reset_ms = (time.perf_counter() - started) * 1000
        time.sleep(2)  # the replaced database is freed on a thread of its own
        print(
            f"| {size:,} | {fill_s:.1f} | "
            + " | ".join(f"{v:.1f}" for v in rows)
            + f" | {reset_ms:.0f} | {rss:.0f} | {rss_mb():.0f} |",
            flush=True,
        )
        runtime.close()


if __name__ == "__main__":
    main()
