"""Schemathesis over all four contracts against a live `mockserver serve`, with the examples,
coverage and fuzzing phases and a large budget: the benchmark-sized run that CI's in-process
contract tests (50 cases per operation) stand in for. Not pass/fail: it prints, per provider,
cases sent, 5xx answers and contract violations, from schemathesis's own NDJSON report.

    .venv/bin/python bench/fuzz.py [--examples 1000] [--providers accredible,springest]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import lift_quotas  # noqa: E402
from tests.e2e.live import LiveServer  # noqa: E402
from tests.seekpass.helpers import http_token  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")


def runs(base: str) -> list[tuple[str, str, list[str], dict[str, str], str]]:
    """(label, provider, extra CLI args, query parameters, path filter) per run."""
    seekpass = http_token(f"{base}/seekpass")
    return [
        ("seekpass", "seekpass", ["-H", f"Authorization: Bearer {seekpass}"], {}, ""),
        ("vec", "vec", ["-H", "Authorization: Bearer vec-demo-full-token"], {}, ""),
        (
            "accredible",
            "accredible",
            ["-H", "Authorization: Token token=accredible-demo-key"],
            {},
            "",
        ),
        (
            "springest certificates",
            "springest",
            [],
            {"api_key": "springest-certificates-key"},
            "certificates",
        ),
        (
            "springest certifications",
            "springest",
            [],
            {"api_key": "springest-certifications-key"},
            "certifications",
        ),
    ]


def run(
    base: str,
    label: str,
    provider: str,
    args: list[str],
    query: dict[str, str],
    path_filter: str,
    examples: int,
    workdir: Path,
) -> dict[str, int]:
    config = workdir / f"{provider}-{path_filter or 'all'}.toml"
    lines = ["[parameters]"] + [f'"query.{k}" = "{v}"' for k, v in query.items()]
    config.write_text("\n".join(lines) + "\n" if query else "")
    report = workdir / f"{provider}-{path_filter or 'all'}.ndjson"
    command = [
        str(SCHEMATHESIS),
        "--config-file",
        str(config),
        "run",
        str(REPO / "contracts" / f"{provider}.openapi.yaml"),
        "--url",
        f"{base}/{provider}",
        "--phases",
        "examples,coverage,fuzzing",
        "-n",
        str(examples),
        "--checks",
        "all",
        "--exclude-checks",
        "positive_data_acceptance,missing_required_header,ignored_auth,use_after_free,"
        "ensure_resource_availability",
        "--continue-on-failure",
        "--report",
        "ndjson",
        "--report-ndjson-path",
        str(report),
        "--seed",
        "1",
        "--workers",
        "2",
        *args,
    ]
    if path_filter:
        command += ["--include-path-regex", path_filter]
    requests.post(f"{base}/_mock/reset", timeout=30)
    lift_quotas(base)  # a large run is about inputs, not limits
    subprocess.run(
        command,
        cwd=workdir,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        timeout=6 * 3600,
        check=False,
    )
    return summarize(report)


def summarize(report: Path) -> dict[str, int]:
    counts: Counter[str] = Counter()
    failures: Counter[str] = Counter()
    for line in report.read_text().splitlines() if report.exists() else []:
        event = json.loads(line)
        body = next(iter(event.values())) if len(event) == 1 else event
        if not isinstance(body, dict):
            continue
        for interaction in _interactions(body):
            counts["cases"] += 1
            status = interaction.get("status_code") or 0
            if status >= 500:
                counts["5xx"] += 1
        for failure in _failures(body):
            failures[failure] += 1
    counts["violations"] = sum(n for name, n in failures.items() if name != "not_a_server_error")
    counts.update({f"failure: {name}": n for name, n in failures.items()})
    return dict(counts)


def _interactions(node: object) -> list[dict]:
    found = []
    if isinstance(node, dict):
        response = node.get("response")
        if isinstance(response, dict) and "status_code" in response and "request" in node:
            found.append(response)
        for value in node.values():
            found += _interactions(value)
    elif isinstance(node, list):
        for value in node:
            found += _interactions(value)
    return found


def _failures(node: object) -> list[str]:
    found = []
    if isinstance(node, dict):
        if node.get("status") == "failure" and isinstance(node.get("name"), str):
            found.append(node["name"])
        for value in node.values():
            found += _failures(value)
    elif isinstance(node, list):
        for value in node:
            found += _failures(value)
    return found


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--examples", type=int, default=1000)
    parser.add_argument("--providers", default="seekpass,vec,accredible,springest")
    args = parser.parse_args()
    wanted = set(args.providers.split(","))
    rows = []
    with tempfile.TemporaryDirectory() as tmp, LiveServer() as server:
        for label, provider, extra, query, path_filter in runs(server.base_url):
            if provider not in wanted:
                continue
            summary = run(
                server.base_url,
                label,
                provider,
                extra,
                query,
                path_filter,
                args.examples,
                Path(tmp),
            )
            rows.append((label, summary))
            print(label, json.dumps(summary), flush=True)
    print(f"\n{'contract':<26} {'cases':>8} {'5xx':>6} {'violations':>11}")
    for label, summary in rows:
        print(
            f"{label:<26} {summary.get('cases', 0):>8} {summary.get('5xx', 0):>6} "
            f"{summary.get('violations', 0):>11}"
        )


if __name__ == "__main__":
    main()
