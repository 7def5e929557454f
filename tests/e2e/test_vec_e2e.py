"""VEC over real HTTP: three uploads, a bulk request, processing on the clock, list, view,
download; and a multipart single upload sent with curl as VEC's guide shows it."""

import io
import json
import subprocess

import pypdf
import requests

from tests.system import need_curl
from tests.vec.helpers import JPG, PDF, PNG

HEADERS = {"Authorization": "Bearer vec-demo-full-token", "Accept": "application/json"}


def test_bulk_vault_flow_over_http(server) -> None:
    base = f"{server.base_url}/vec/business/certificate-vault"
    files = []
    for data, name in ((PDF, "a.pdf"), (PNG, "b.png"), (JPG, "c.jpg")):
        response = requests.post(
            f"{base}/upload-file", files={"file": (name, data)}, headers=HEADERS, timeout=10
        )
        assert response.status_code == 201
        files.append(response.json()["data"]["file_id"])
    entries = [
        {
            "certificate_title": "Certificate of Achievement",
            "full_name": f"Person {i}",
            "applicant_email": f"person{i}@example.com",
            "file_id": file,
            "issue_date": "2025-06-01",
        }
        for i, file in enumerate(files)
    ]
    bulk = requests.post(f"{base}/bulk", json={"entries": entries}, headers=HEADERS, timeout=10)
    assert bulk.status_code == 202
    batch_id = bulk.json()["data"]["batch_id"]
    listed = requests.get(base, params={"batch_id": batch_id}, headers=HEADERS, timeout=10).json()
    assert {item["status"]["value"] for item in listed["data"]} == {"processing"}
    requests.post(f"{server.base_url}/_mock/clock", json={"advance": 5}, timeout=10)
    listed = requests.get(base, params={"batch_id": batch_id}, headers=HEADERS, timeout=10).json()
    assert {item["status"]["value"] for item in listed["data"]} == {"generated"}
    assert listed["meta"]["total"] == 3
    certificate = listed["data"][0]["uuid"]
    detail = requests.get(f"{base}/{certificate}", headers=HEADERS, timeout=10).json()["data"]
    assert detail["qrcode_path"].startswith(f"{server.base_url}/_s3/")
    assert requests.get(detail["qrcode_path"], timeout=10).status_code == 200
    pdf = requests.get(f"{base}/{certificate}/download", headers=HEADERS, timeout=10)
    assert pdf.status_code == 200
    assert pdf.headers["Content-Type"] == "application/pdf"
    assert (
        detail["reference_id"] in pypdf.PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text()
    )


def test_single_upload_with_curl_as_the_guide_shows(server, tmp_path) -> None:
    path = tmp_path / "certificate.pdf"
    path.write_bytes(PDF)
    done = subprocess.run(
        [
            need_curl(),
            "-sS",
            "-w",
            "\n%{http_code}",
            "-X",
            "POST",
            f"{server.base_url}/vec/business/certificate-vault",
            "-H",
            "Accept: application/json",
            "-H",
            "Authorization: Bearer vec-demo-full-token",
            "-F",
            "certificate_title=Certificate of Achievement",
            "-F",
            "full_name=John Smith",
            "-F",
            "applicant_email=john@example.com",
            "-F",
            "issue_date=2025-06-01",
            "-F",
            "details=Awarded for outstanding performance",
            "-F",
            f"certificate_file=@{path}",
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    body, _, status = done.stdout.rpartition("\n")
    assert status == "201", body
    created = json.loads(body)
    assert created["message"] == "Vault certificate uploaded successfully"
    assert created["data"]["status"]["value"] == "processing"
    assert created["data"]["full_name"] == "John Smith"


def test_vec_at_the_root_of_its_own_port(server) -> None:
    root = server.provider_urls["vec"]
    response = requests.get(f"{root}/business/certificate-vault", headers=HEADERS, timeout=10)
    assert response.status_code == 200
    assert response.json()["meta"]["path"] == f"{root}/business/certificate-vault"
    assert requests.get(f"{root}/business/nothing", headers=HEADERS, timeout=10).status_code == 404
