"""Keys, files and a poster for the Springest tests (fixtures/springest.yaml)."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
from typing import Any

from flask.testing import FlaskClient

KEY = "springest-certificates-key"  # certifications 101 (verified), 102 (not), 104
NARROW_KEY = "springest-narrow-key"  # certification 103 only
CERTIFICATIONS_KEY = "springest-certifications-key"
OTHER_KEY = "springest-other-key"  # another partner
BASE = "/springest"
PDF = b"%PDF-1.4\n1 0 obj<< /Type /Catalog >>endobj\ntrailer<< /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def form(**fields: Any) -> dict[str, Any]:
    data = {
        "certification_id": "104",
        "email": "jan@corp.example",
        "valid_from": "2024-01-01",
    }
    data.update({k: v for k, v in fields.items() if v is not None})
    for key in [k for k, v in fields.items() if v is None]:
        data.pop(key, None)
    return data


def post(
    client: FlaskClient,
    fmt: str = ".json",
    key: str = KEY,
    path: str = "/users/certificates",
    file: bytes | None = PDF,
    filename: str = "certificate.pdf",
    **fields: Any,
):
    data = form(**fields)
    if file is not None:
        data["file"] = (io.BytesIO(file), filename)
    return client.post(
        f"{BASE}{path}{fmt}?api_key={key}", data=data, content_type="multipart/form-data"
    )


def listed(client: FlaskClient, key: str = KEY, **params: str) -> list[dict]:
    query = "&".join(f"{k}={v}" for k, v in params.items())
    response = client.get(f"{BASE}/users/certificates.json?api_key={key}&{query}")
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()["certificates"]


def parse_xml(body: bytes) -> ET.Element:
    """Our own answers, parsed to prove they are well-formed (nothing from a client)."""
    return ET.fromstring(body)  # noqa: S314 - the mock's own output
