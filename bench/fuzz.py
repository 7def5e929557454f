"""Schemathesis over all four contracts against a live `mockserver serve`, with the examples,
coverage and fuzzing phases and a large budget: the benchmark-sized run that CI's in-process
contract tests (50 cases per operation) stand in for. Not pass/fail: it prints, per provider,
cases sent, 5xx answers and contract violations, from schemathesis's own NDJSON report.

    .venv/bin/python bench/fuzz.py [--examples 1000] [--providers accredible,springest]
                                   [--http waitress|granian]
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
    return summarize(report, multipart_operations(provider))


def multipart_operations(provider: str) -> set[str]:
    """Labels ("POST /path") of operations whose body is multipart: every field is text on the
    wire, so a "negative" case that only changes a field's JSON type reaches the server as valid
    text, and the negative-data check cannot hold there (the CI harness skips it for them)."""
    import yaml

    document = yaml.safe_load((REPO / "contracts" / f"{provider}.openapi.yaml").read_text())
    return {
        f"{method.upper()} {path}"
        for path, item in document["paths"].items()
        for method, operation in item.items()
        if isinstance(operation, dict)
        and "multipart/form-data" in (operation.get("requestBody") or {}).get("content", {})
    }


def summarize(report: Path, multipart: set[str] | None = None) -> dict[str, int]:
    counts: Counter[str] = Counter()
    failures: Counter[str] = Counter()
    per_operation: Counter[str] = Counter()
    where: Counter[str] = Counter()  # failing check on operation, so a rare one is not lost
    for line in report.read_text().splitlines() if report.exists() else []:
        if not line.startswith('{"ScenarioFinished"'):
            continue
        recorder = json.loads(line)["ScenarioFinished"]["recorder"]
        label = recorder.get("label", "")
        for interaction in (recorder.get("interactions") or {}).values():
            counts["cases"] += 1
            per_operation[label] += 1
            status = (interaction.get("response") or {}).get("status_code") or 0
            if status >= 500:
                counts["5xx"] += 1
        for checks in (recorder.get("checks") or {}).values():
            for check in checks:
                if check.get("status") != "failure":
                    continue
                name = check["name"]
                if name == "negative_data_rejection" and label in (multipart or set()):
                    name = "n/a: negative data on multipart text fields"
                failures[name] += 1
                if not name.startswith("n/a"):
                    where[f"{name} on {label}"] += 1
    counts["violations"] = sum(
        n
        for name, n in failures.items()
        if name != "not_a_server_error" and not name.startswith("n/a")
    )
    counts["operations"] = len(per_operation)
    counts["fewest cases in one operation"] = min(per_operation.values(), default=0)
    counts.update({f"failure: {name}": n for name, n in failures.items()})
    counts.update({f"at: {place}": n for place, n in where.items()})
    return dict(counts)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--examples", type=int, default=1000)
    parser.add_argument("--providers", default="seekpass,vec,accredible,springest")
    parser.add_argument("--http", choices=("waitress", "granian"), default="waitress")
    args = parser.parse_args()
    wanted = set(args.providers.split(","))
    rows = []
    live = LiveServer(args=["--http", args.http, "--quiet"])
    with tempfile.TemporaryDirectory() as tmp, live as server:
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
        crashes = [
            line
            for line in server.output
            if "Traceback" in line or "Error" in line or "unhandled error" in line
        ]
    print(
        f"\n{'contract':<26} {'operations':>10} {'cases':>8} {'min/op':>7} {'5xx':>5} "
        f"{'violations':>10} {'n/a':>5}"
    )
    for label, summary in rows:
        not_applicable = sum(v for k, v in summary.items() if k.startswith("failure: n/a"))
        print(
            f"{label:<26} {summary.get('operations', 0):>10} {summary.get('cases', 0):>8} "
            f"{summary.get('fewest cases in one operation', 0):>7} {summary.get('5xx', 0):>5} "
            f"{summary.get('violations', 0):>10} {not_applicable:>5}"
        )
    if crashes:  # the server's own log of every 500, to go with the table
        print("\nserver log lines naming an error:", *crashes[:200], sep="\n")


if __name__ == "__main__":
    main()
