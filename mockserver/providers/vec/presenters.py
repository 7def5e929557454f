"""The JSON shapes VEC answers with, built from stored records."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from mockserver.providers.vec.accounts import Institution

STATUS_DISPLAY = {
    "pending": ("Pending", "warning", "heroicon-o-clock", "Certificate is awaiting processing"),
    "processing": ("Processing", "info", "heroicon-o-arrow-path", "Certificate is being processed"),
    "generated": (
        "Generated",
        "success",
        "heroicon-o-check-circle",
        "Certificate has been successfully generated",
    ),
    "failed": ("Failed", "danger", "heroicon-o-x-circle", "Certificate generation failed"),
    "revoked": ("Revoked", "gray", "heroicon-o-no-symbol", "Certificate has been revoked"),
}
SOURCE_LABELS = {"vault": "Vault", "customer": "Customer"}

Link = Callable[[str], str]
"""Turns a stored object key into a download URL."""


def status_object(status: str) -> dict[str, str]:
    label, color, icon, description = STATUS_DISPLAY[status]
    return {
        "value": status,
        "label": label,
        "color": color,
        "icon": icon,
        "description": description,
    }


def vault_item(record: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": record["id"],
        "uuid": record["uuid"],
        "reference_id": record["reference_id"],
        "certificate_title": record["certificate_title"],
        "full_name": record["full_name"],
        "applicant_email": record["applicant_email"],
        "source": {"value": record["source"], "label": SOURCE_LABELS[record["source"]]},
        "status": status_object(record["status"]),
        "issue_date": record["issue_date"],
        "created_at": record["created_at"],
        "updated_at": record["updated_at"],
    }


def vault_detail(record: dict[str, Any], institution: Institution, link: Link) -> dict[str, Any]:
    profile = institution.profile
    generated = record["status"] == "generated"
    return {
        **vault_item(record),
        "details": record["details"],
        "qrcode_path": link(record["qrcode_key"]) if generated else None,
        "barcode_path": link(record["barcode_key"]) if generated else None,
        "applicant_phone_number": None,
        "institution_name": institution.name,
        "institution_email": profile.get("email"),
        "institution_phone_number": profile.get("phone_number"),
        "institution_address": profile.get("address"),
        "institution_contact_person": profile.get("contact_person"),
        "institution_social_links": profile.get("social_links", {}),
        "institution_coordinates": profile.get("coordinates", {}),
        "verification_notes": None,
        "rejection_reason": record.get("failure_reason"),
        "verified_at": record.get("verified_at"),
        "assigned_at": record.get("assigned_at"),
        "documents": [
            {"id": document["id"], "type": document["type"], "path": link(document["key"])}
            for document in record.get("documents", [])
        ],
    }


def certificate(record: dict[str, Any], link: Link) -> dict[str, Any]:
    generated = record["status"] == "generated"
    return {
        "id": record["uuid"],
        "reference_id": record["reference_id"],
        "batch_id": record["batch_id"],
        "customer_id": record.get("customer_id"),
        "name": record["name"],
        "email": record["email"],
        "pdf_path": link(record["pdf_key"]) if generated else None,
        "image_path": link(record["image_key"]) if generated else None,
        "qrcode_path": link(record["qrcode_key"]) if generated else None,
        "barcode_path": link(record["barcode_key"]) if generated else None,
        "status": record["status"],
        "issue_date": record["issue_date"],
        "generated_at": record.get("generated_at"),
        "created_at": record["created_at"],
        "updated_at": record["updated_at"],
        "custom_data": record.get("custom_data", {}),
        "failure_reason": record.get("failure_reason"),
    }


def template(entry: dict[str, Any], institution: Institution) -> dict[str, Any]:
    signatory_fields = int(entry.get("signatory_fields", 0))
    defaults = list(entry.get("default_signatories", []))
    return {
        "id": entry["id"],
        "institution_id": institution.account_id,
        "name": entry["name"],
        "screenshot": entry.get("screenshot"),
        "has_signatures": signatory_fields > 0,
        "has_default_signatories": bool(defaults),
        "requires_signature_setup": signatory_fields > 0 and not defaults,
        "signatory_fields": signatory_fields,
        "default_signatories": defaults,
        "created_at": entry.get("created_at", "2025-01-01T00:00:00.000000Z"),
        "updated_at": entry.get("updated_at", "2025-01-01T00:00:00.000000Z"),
    }


def batch(record: dict[str, Any], counts: dict[str, int]) -> dict[str, Any]:
    total = record["total_certificates"]
    done = counts["processed"] + counts["failed"]
    return {
        "id": record["id"],
        "name": record["name"],
        "status": record["status"],
        "template_id": record["template_id"],
        "total_certificates": total,
        "processed_certificates": counts["processed"],
        "failed_certificates": counts["failed"],
        "progress": round(100 * done / total) if total else 100,
        "completion_date": record.get("completion_date"),
        "created_at": record["created_at"],
        "updated_at": record["updated_at"],
        "template": {"id": record["template_id"], "name": record["template_name"]},
        "requires_signatures": record["requires_signatures"],
        "requires_my_signature": False,
    }
