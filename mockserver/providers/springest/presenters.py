"""Springest's certificate and certification records as the API returns them."""

from __future__ import annotations

from typing import Any


def certificate(doc: dict[str, Any], status: str) -> dict[str, Any]:
    return {
        "id": doc["id"],
        "name": doc.get("name"),
        "description": doc.get("description"),
        "certification_id": doc["certification_id"],
        "valid_from": doc.get("valid_from"),
        "valid_until": doc.get("valid_until"),
        "status": status,
        "created_at": doc["created_at"],
        "user": {"email": doc["email"], "external_id": doc.get("external_id")},
        "external_id": doc.get("external_id"),
    }


def certification(doc: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": doc["id"],
        "name": doc.get("name"),
        "description": doc.get("description"),
        "requires_valid_until": bool(doc.get("requires_valid_until")),
    }
