"""The whole side-by-side benchmark, one command, one table:

- cold start to first 200 and idle RSS of `mockserver serve`;
- every row for both HTTP layers: `--http waitress` (the default) and `--http granian`;
- requests/s and p50/p99 over loopback for one read and one write endpoint per provider, by
  wrk (Debian's `wrk`: a load generator that is not our code);
- the same read endpoint (Accredible's issuer details) served by Stoplight Prism from our own
  contract, in the same run, and the ratio;
- a presigned 20 MB PUT through mockserver's verifying S3 route against a raw PUT to moto.

    apt-get install wrk; (cd bench && npm install --prefix .prism @stoplight/prism-cli@5)
    .venv/bin/python bench/suite.py [--seconds 10] [--connections 16]
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import lift_quotas  # noqa: E402
from bench.run import BATCH, Counter, cold_start, rss_mb, upload_throughput  # noqa: E402
from tests.e2e.live import LiveServer  # noqa: E402
from tests.seekpass.helpers import SAMPLE_BATCH, http_token  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
PRISM = REPO / "bench" / ".prism" / "node_modules" / ".bin" / "prism"
BOUNDARY = "mockserverbench"
ACCREDIBLE = {"Authorization": "Token token=accredible-demo-key"}
VEC = {"Authorization": "Bearer vec-demo-full-token"}
READ = "Accredible read: GET issuer details"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def multipart(fields: dict[str, str], filename: str, content: bytes) -> bytes:
    parts = [
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'
        for k, v in fields.items()
    ]
    head = "".join(parts).encode()
    file_part = (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; '
        f'filename="{filename}"\r\nContent-Type: application/pdf\r\n\r\n'
    ).encode()
    return head + file_part + content + f"\r\n--{BOUNDARY}--\r\n".encode()


def lua_script(
    method: str,
    headers: dict[str, str],
    body: bytes | None,
    unique: str = "",
    directory: Path | None = None,
) -> Path:
    """A wrk script sending `body` (with `__N__` replaced by a counter when `unique`)."""
    lines = [f'wrk.method = "{method}"']
    for name, value in headers.items():
        lines.append(f'wrk.headers["{name}"] = "{value}"')
    if body is not None:
        text = body.decode("latin-1").replace("\\", "\\\\").replace('"', '\\"')
        text = text.replace("\r", "\\r").replace("\n", "\\n")
        if unique:
            lines += [
                "local n = 0",
                f'local template = "{text}"',
                "request = function()",
                "  n = n + 1",
                '  local body = template:gsub("__N__", tostring(n) .. '
                "tostring(math.random(1, 1000000000)))",
                "  return wrk.format(nil, nil, nil, body)",
                "end",
            ]
        else:
            lines.append(f'wrk.body = "{text}"')
    path = (
        directory or Path(tempfile.mkdtemp())
    ) / f"script-{len(os.listdir(directory or '.'))}.lua"
    path.write_text("\n".join(lines) + "\n")
    return path


def wrk(url: str, script: Path, seconds: float, connections: int) -> dict[str, float]:
    done = subprocess.run(
        [
            "wrk",
            "-t2",
            f"-c{connections}",
            f"-d{int(seconds)}s",
            "--latency",
            "-s",
            str(script),
            url,
        ],
        capture_output=True,
        text=True,
        timeout=seconds + 60,
        check=True,
    )
    out = done.stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    lat = {m.group(1): _ms(m.group(2)) for m in re.finditer(r"\s+(50|99)%\s+([\d.]+\w+)", out)}
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    total = re.search(r"(\d+) requests in", out)
    return {
        "rps": rps,
        "p50": lat.get("50", float("nan")),
        "p99": lat.get("99", float("nan")),
        "errors": int(non2xx.group(1)) if non2xx else 0,
        "requests": int(total.group(1)) if total else 0,
    }


def _ms(text: str) -> float:
    value, unit = re.match(r"([\d.]+)(\w+)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def prism(contract: Path, port: int) -> subprocess.Popen:
    process = subprocess.Popen(
        [str(PRISM), "mock", str(contract), "-h", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    wait_for_port(port, process, 60)
    return process


def wait_for_port(port: int, process: subprocess.Popen, seconds: float) -> None:
    """Until something accepts on the port; kills the process if nothing does in time."""
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError(f"nothing listened on port {port} within {seconds} s")


def framework_floor(http: str, work: Path, seconds: float, connections: int) -> dict[str, float]:
    """wrk against bench/floor_app.py: Flask on the HTTP layer with nothing of ours."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, str(REPO / "bench" / "floor_app.py"), str(port), http],
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for_port(port, process, 30)
        script = lua_script("GET", ACCREDIBLE, None, directory=work)
        return wrk(f"http://127.0.0.1:{port}/v1/issuer/details", script, seconds, connections)
    finally:
        process.terminate()  # Granian stops its worker on SIGTERM; SIGKILL would orphan it
        process.wait(timeout=10)


def raw_moto_put(size: int, runs: int) -> float:
    """MB/s of plain PUTs straight to a moto server on loopback (no signature checks)."""
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # one access line per PUT otherwise
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        base = f"http://127.0.0.1:{port}/bench-bucket"
        requests.put(base, timeout=10)
        data = os.urandom(size)
        started = time.perf_counter()
        for i in range(runs):
            assert requests.put(f"{base}/object-{i}", data=data, timeout=120).status_code == 200
        return size * runs / (time.perf_counter() - started) / 1e6
    finally:
        server.stop()


def sandbox_rows(http: str, args: argparse.Namespace, work: Path) -> dict[str, dict]:
    """Everything measured on one `mockserver serve --http <http>`, by row label."""
    # --quiet: the load runs measure the server, not its console (README "Logs").
    flags = ["--http", http, "--quiet"]
    found: dict[str, dict] = {"cold start to first 200": {"s": cold_start(args.starts, flags)}}
    with LiveServer(args=flags) as server:
        base = server.base_url
        time.sleep(1)
        found["idle RSS"] = {"mb": rss_mb(server.process.pid)}
        lift_quotas(base)
        seekpass = {"Authorization": f"Bearer {http_token(base + '/seekpass')}"}
        for label, path, script in cases(seekpass, work):
            found[label] = wrk(base + path, script, args.seconds, args.connections)
        found["RSS after the load"] = {"mb": rss_mb(server.process.pid)}
        presigned = upload_throughput(base, seekpass, Counter(), 20 * 1024 * 1024, 5)
        found["presigned PUT 20 MB ×5 via /_s3"] = {"mb_s": presigned}
    return found


def cases(seekpass: dict[str, str], work: Path) -> list[tuple[str, str, Path]]:
    """One read and one write per provider: label, path, wrk script."""
    json_type = {"Content-Type": "application/json"}
    form_type = {"Content-Type": f"multipart/form-data; boundary={BOUNDARY}"}
    pdf = b"%PDF-1.4\n%%EOF\n"
    batch = json.dumps({**SAMPLE_BATCH, "credential_id": "bench-__N__"})
    credential = (
        b'{"credential": {"recipient": {"name": "Bench", "email": '
        b'"bench@example.com"}, "group_id": 9002}}'
    )
    springest_form = multipart(
        {"certification_id": "104", "email": "b@corp.example", "valid_from": "2024-01-01"},
        "c.pdf",
        pdf,
    )
    return [
        (
            "SEEK Pass read: GET webhooks",
            "/seekpass/api/partner/v2/webhooks",
            lua_script("GET", seekpass, None, directory=work),
        ),
        (
            "SEEK Pass write: POST v2 batch (7 groups)",
            BATCH,
            lua_script("POST", {**seekpass, **json_type}, batch.encode(), "n", work),
        ),
        (
            "VEC read: GET certificate-vault",
            "/vec/business/certificate-vault",
            lua_script("GET", VEC, None, directory=work),
        ),
        (
            "VEC write: POST upload-file",
            "/vec/business/certificate-vault/upload-file",
            lua_script("POST", {**VEC, **form_type}, multipart({}, "c.pdf", pdf), directory=work),
        ),
        (
            READ,
            "/accredible/v1/issuer/details",
            lua_script("GET", ACCREDIBLE, None, directory=work),
        ),
        (
            "Accredible write: POST credential",
            "/accredible/v1/credentials",
            lua_script("POST", {**ACCREDIBLE, **json_type}, credential, directory=work),
        ),
        (
            "Springest read: GET certifications",
            "/springest/certifications.json?api_key=springest-certifications-key",
            lua_script("GET", {}, None, directory=work),
        ),
        (
            "Springest write: POST certificate",
            "/springest/users/certificates.json?api_key=springest-certificates-key",
            lua_script("POST", form_type, springest_form, directory=work),
        ),
    ]


def shown(result: dict) -> str:
    if "rps" in result:
        return (
            f"{result['rps']:.0f} req/s, p50 {result['p50']:.1f} / p99 {result['p99']:.1f} ms"
            + (f" ({result['errors']} non-2xx)" if result["errors"] else "")
        )
    if "s" in result:
        return f"{result['s']:.2f} s"
    if "mb" in result:
        return f"{result['mb']:.0f} MB"
    return f"{result['mb_s']:.0f} MB/s"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--starts", type=int, default=5)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="mockserver-bench-"))
    layers = {http: sandbox_rows(http, args, work) for http in ("waitress", "granian")}

    port = free_port()
    process = prism(REPO / "contracts" / "accredible.openapi.yaml", port)
    try:
        script = lua_script("GET", ACCREDIBLE, None, directory=work)
        url = f"http://127.0.0.1:{port}/v1/issuer/details"
        prism_result = wrk(url, script, args.seconds, args.connections)
    finally:
        process.kill()
        process.wait(timeout=10)
    floors = {http: framework_floor(http, work, args.seconds, args.connections) for http in layers}
    raw = raw_moto_put(20 * 1024 * 1024, 5)

    rows = [(label, *(shown(layers[h][label]) for h in layers)) for label in layers["waitress"]]
    rows.append(("Prism, same read from our contract", shown(prism_result), ""))
    rows.append(
        (
            "mockserver ÷ Prism (read; goal ≥ 2×)",
            *(f"{layers[h][READ]['rps'] / prism_result['rps']:.1f}×" for h in layers),
        )
    )
    rows.append(("floor: bare Flask, one JSON route", *(shown(floors[h]) for h in layers)))
    rows.append(
        ("floor ÷ Prism", *(f"{floors[h]['rps'] / prism_result['rps']:.1f}×" for h in layers))
    )
    rows.append(("raw PUT 20 MB ×5 to moto", f"{raw:.0f} MB/s", ""))
    rows.append(
        (
            "presigned ÷ raw",
            *(f"{layers[h]['presigned PUT 20 MB ×5 via /_s3']['mb_s'] / raw:.2f}" for h in layers),
        )
    )
    width = max(len(r[0]) for r in rows)
    print(f"{'measure':<{width}}  {'--http waitress (default)':<46} --http granian")
    for name, *values in rows:
        print(f"{name:<{width}}  {values[0]:<46} {values[1] if len(values) > 1 else ''}")
    print(
        f"(targets: cold start ≤ 1 s, idle RSS ≤ 120 MB; wrk -t2 -c{args.connections} "
        f"-d{int(args.seconds)}s; client and server share the machine's {os.cpu_count()} cores)"
    )


if __name__ == "__main__":
    main()
