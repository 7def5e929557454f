"""Keys and request helpers for the Accredible tests (fixtures/accredible.yaml)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from flask.testing import FlaskClient

KEY = "accredible-demo-key"
ONLINE_KEY = "accredible-online-key"  # department 202 only
SANDBOX_KEY = "accredible-sandbox-key"
AUTH = {"Authorization": f"Token token={KEY}"}
ONLINE = {"Authorization": f"Token token={ONLINE_KEY}"}
SANDBOX = {"Authorization": f"Token token={SANDBOX_KEY}"}
TENANT = "accredible:demo-academy"
INTRO = 9001  # no duplicates, department 201, blockchain
WORKSHOP = 9002  # duplicates allowed
BOOTCAMP = 9003  # department 202 (private by department default)
UNTITLED = 9004  # no course name or description
BASE = "/accredible"


def credential(email: str = "ada@example.com", group: Any = INTRO, **extra: Any) -> dict:
    return {"recipient": {"name": "Ada Lovelace", "email": email}, "group_id": group, **extra}


def create(client: FlaskClient, body: dict | None = None, headers: dict | None = None):
    return client.post(
        f"{BASE}/v1/credentials",
        json={"credential": body or credential()},
        headers=headers or AUTH,
    )


def set_credits(client: FlaskClient, balance: int, tenant: str = TENANT) -> None:
    response = client.post("/_mock/accredible/credits", json={"tenant": tenant, "balance": balance})
    assert response.status_code == 200


# The documents' own examples, as data files (tests/data/SOURCES.md says where each is from).
EXAMPLES = Path(__file__).resolve().parents[1] / "data" / "accredible"


def example(name: str) -> Any:
    """One of the documents' example bodies, e.g. `create_credential.request.json`."""
    return json.loads((EXAMPLES / name).read_text(encoding="utf-8"))
