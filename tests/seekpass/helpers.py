"""Helpers for the SEEK Pass tests: the seed's sample batch and tokens for the fixture clients."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

# The documents' own examples, as data files (tests/data/SOURCES.md says where each is from).
EXAMPLES = Path(__file__).resolve().parents[1] / "data" / "seekpass"
TOKEN_PATH = "/seekpass/api/partner/v1/oauth/token.json"
BATCH_PATH = "/seekpass/api/partner/v2/add/requests/batch.json"
FULL_CLIENT = ("seekpass-demo-client", "seekpass-demo-secret")
TRAINING_CLIENT = ("seekpass-training-client", "seekpass-training-secret")

SAMPLE_BATCH: dict[str, Any] = json.loads(
    (Path(__file__).with_name("sample_batch.json")).read_text(encoding="utf-8")
)


def sample_batch(**changes: Any) -> dict[str, Any]:
    """A deep copy of the seed's sample payload with top-level keys replaced."""
    payload = copy.deepcopy(SAMPLE_BATCH)
    payload.update(changes)
    return payload


def token(client: Any, credentials: tuple[str, str] = FULL_CLIENT, scope: str | None = None) -> str:
    form = {
        "grant_type": "client_credentials",
        "client_id": credentials[0],
        "client_secret": credentials[1],
    }
    if scope is not None:
        form["scope"] = scope
    response = client.post(TOKEN_PATH, data=form)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()["access_token"]


def auth(access_token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {access_token}"}


def seed_sample() -> str:
    """The batch document's "Sample payload", as text exactly as the document shows it."""
    return (EXAMPLES / "batch_v2_sample_request.json").read_text(encoding="utf-8")


def seed_sample_response() -> str:
    """The batch document's "Sample response"."""
    return (EXAMPLES / "batch_v2_sample_response.json").read_text(encoding="utf-8")


def http_token(seekpass_base: str, credentials: tuple[str, str] = FULL_CLIENT) -> str:
    """A token over real HTTP from a live server; `seekpass_base` ends in /seekpass or a port."""
    import requests

    response = requests.post(
        f"{seekpass_base}/api/partner/v1/oauth/token.json",
        data={
            "grant_type": "client_credentials",
            "client_id": credentials[0],
            "client_secret": credentials[1],
        },
        timeout=10,
    )
    assert response.status_code == 200, response.text
    return response.json()["access_token"]
