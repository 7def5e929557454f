"""Helpers for the VEC tests: tokens from the fixtures, small real files, and uploads."""

from __future__ import annotations

import io
from typing import Any

FULL = {"Authorization": "Bearer vec-demo-full-token"}
READONLY = {"Authorization": "Bearer vec-demo-readonly-token"}
OTHER = {"Authorization": "Bearer vec-second-college-token"}
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPG = b"\xff\xd8\xff\xe0" + b"\x00" * 32
EXE = b"MZ\x90\x00" + b"\x00" * 32
VAULT = "/vec/business/certificate-vault"


def upload(client: Any, data: bytes = PDF, name: str = "certificate.pdf", headers=FULL) -> Any:
    return client.post(
        f"{VAULT}/upload-file", data={"file": (io.BytesIO(data), name)}, headers=headers
    )


def file_id(client: Any, **kwargs: Any) -> str:
    response = upload(client, **kwargs)
    assert response.status_code == 201, response.get_data(as_text=True)
    return response.get_json()["data"]["file_id"]


def entry(file: str, **changes: Any) -> dict[str, Any]:
    body = {
        "certificate_title": "Certificate of Completion",
        "full_name": "Rana Haddad",
        "applicant_email": "rana@example.com",
        "file_id": file,
        "issue_date": "2025-06-01",
        "details": "Completed with merit",
    }
    body.update(changes)
    return {key: value for key, value in body.items() if value is not KeyError}
