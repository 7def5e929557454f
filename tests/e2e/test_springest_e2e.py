"""Springest over real HTTP with `curl -F`, as a partner would: 31 certificates in a minute
(the last refused), the certification verified, exactly 30 in GET by created_from, email and
certification_id."""

from __future__ import annotations

import subprocess
import xml.etree.ElementTree as ET

import requests

from tests.springest.helpers import KEY, PDF
from tests.system import need_curl


def curl_post(base: str, path: str, fields: dict[str, str], file: str) -> tuple[int, str]:
    command = [
        need_curl(),
        "-sS",
        "-w",
        "\n%{http_code}",
        "-X",
        "POST",
        f"{base}{path}?api_key={KEY}",
    ]
    for name, value in fields.items():
        command += ["-F", f"{name}={value}"]
    command += ["-F", f"file=@{file};type=application/pdf"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=30, check=True)
    body, _, status = done.stdout.rpartition("\n")
    return int(status), body


def test_31_posts_in_a_minute_verify_then_filter(server, tmp_path) -> None:
    base = f"{server.base_url}/springest"
    control = f"{server.base_url}/_mock"
    pdf = tmp_path / "certificate.pdf"
    pdf.write_bytes(PDF)
    requests.post(
        f"{control}/clock", json={"set": "2026-05-01T09:00:00Z", "freeze": True}, timeout=10
    )
    # Yesterday's certificate and another employee's: the filters must leave them out.
    noise = {"certification_id": "102", "email": "fatima@corp.example", "valid_from": "2026-01-01"}
    assert curl_post(base, "/users/certificates.xml", noise, str(pdf))[0] == 200
    assert (
        curl_post(base, "/users/certificates.xml", {**noise, "certification_id": "104"}, str(pdf))[
            0
        ]
        == 200
    )
    requests.post(f"{control}/clock", json={"advance": "1d"}, timeout=10)
    fields = {"certification_id": "102", "email": "jan@corp.example", "valid_from": "2026-04-01"}
    results = [
        curl_post(base, "/users/certificates.xml", {**fields, "conversion_id": str(i)}, str(pdf))
        for i in range(31)
    ]
    assert [status for status, _ in results] == [200] * 30 + [400]
    refused = ET.fromstring(results[-1][1])  # noqa: S314 - the mock's own answer
    assert refused.tag == "hash" and "30 certificates" in refused.find("error").text
    stored = ET.fromstring(results[0][1])  # noqa: S314
    assert stored.find("certification-id").text == "102"

    params = {
        "api_key": KEY,
        "created_from": "2026-05-02",
        "email": "jan@corp.example",
        "certification_id": "102",
    }
    before = requests.get(f"{base}/users/certificates.json", params=params, timeout=10).json()
    assert before == {"certificates": []}  # posted, but the certification is not verified
    assert (
        requests.post(
            f"{control}/springest/certifications/102/verify", json={}, timeout=10
        ).status_code
        == 200
    )
    after = requests.get(f"{base}/users/certificates.json", params=params, timeout=10).json()
    assert len(after["certificates"]) == 30
    assert {c["user"]["email"] for c in after["certificates"]} == {"jan@corp.example"}
    xml = requests.get(f"{base}/users/certificates.xml", params=params, timeout=10)
    root = ET.fromstring(xml.content)  # noqa: S314
    assert root.tag == "certificates" and len(root.findall("certificate")) == 30
    everything = requests.get(
        f"{base}/users/certificates.json", params={"api_key": KEY}, timeout=10
    ).json()
    assert len(everything["certificates"]) == 32  # 30 + the two earlier ones, none lost
