"""Keys and request helpers for the Accredible tests (fixtures/accredible.yaml)."""

from __future__ import annotations

import json
import re
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


SHARED = Path(__file__).resolve().parents[3] / "shared"
SEED = SHARED / "seeds" / "accredible-apiary-excerpt.apib"
OPENAPI = SHARED / "reference" / "accredible-openapi.json"


def seed_bodies(heading: str) -> list[tuple[str, Any]]:
    """The JSON blocks under a heading of the seed document, read at test time (never copied
    here): ("request", body) for `+ Body` and ("200"/"207"/"422", body) for responses; blocks
    the seed's authors left unparseable come back as ("<kind>", None)."""
    text = SEED.read_text(encoding="utf-8")
    start = text.index(heading)
    following = text.find("\n## ", start + len(heading))
    section = text[start : following if following != -1 else len(text)]
    found: list[tuple[str, Any]] = []
    pieces = re.split(r"^\+ (Body|Response (\d{3}).*)$", section, flags=re.MULTILINE)
    # pieces: [before, label, status|None, block, label, status, block, ...]
    for index in range(1, len(pieces) - 2, 3):
        kind = pieces[index + 1] or "request"
        block = pieces[index + 2]
        block = re.split(r"^(?:\+ |#)", block, maxsplit=1, flags=re.MULTILINE)[0].strip()
        try:
            found.append((kind, json.loads(block)))
        except json.JSONDecodeError:
            found.append((kind, None))
    return found


def openapi_example(path: str, method: str = "post") -> Any:
    """A request example from Accredible's OpenAPI document (read at test time)."""
    document = json.loads(OPENAPI.read_text(encoding="utf-8"))
    content = document["paths"][path][method]["requestBody"]["content"]["application/json"]
    return content["example"]
