"""Response bodies in Accredible's documented shapes, built from stored records."""

from __future__ import annotations

from typing import Any

from mockserver.providers.accredible.accounts import Account
from mockserver.providers.accredible.links import Links


def issuer(account: Account) -> dict[str, Any]:
    source = account.issuer
    return {
        "name": source.get("name"),
        "description": source.get("description"),
        "url": source.get("url"),
        "id": source.get("id"),
    }


def evidence_item(item: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": item["id"],
        "description": item.get("description"),
        "preview_image_url": item.get("preview"),
        "link_url": item.get("url") or item.get("file"),
        "type": item.get("category"),
        "string_object": item.get("string_object"),
        "supplemental": False,
        "position": item.get("position"),
    }


def reference(item: dict[str, Any]) -> dict[str, Any]:
    referee = item.get("referee") or {}
    return {
        "id": item["id"],
        "description": item.get("description"),
        "relationship": item.get("relationship"),
        "supplemental": False,
        "approve": True,
        "referee": {
            "name": referee.get("name"),
            "email": referee.get("email"),
            "avatar": referee.get("avatar"),
        },
    }


def credential(doc: dict[str, Any], account: Account, links: Links) -> dict[str, Any]:
    """The full credential, as create, view, update, delete and the lists return it."""
    cid = doc["id"]
    return {
        "id": cid,
        "name": doc.get("name"),
        "description": doc.get("description"),
        "approve": doc.get("approve"),
        "grade": doc.get("grade"),
        "complete": doc.get("complete"),
        "issued_on": doc.get("issued_on"),
        "expired_on": doc.get("expired_on"),
        "course_link": doc.get("course_link"),
        "custom_attributes": doc.get("custom_attributes"),
        # The documents' examples also spell it this way (quick start, bulk); clients may read it.
        "custom_attibutes": doc.get("custom_attributes"),
        "group_name": doc.get("group_name"),
        "group_id": doc.get("group_id"),
        "url": links.credential_page(doc["encoded_id"], doc.get("private_key")),
        "encoded_id": doc["encoded_id"],
        "private": doc.get("private"),
        "allow_supplemental_evidence": doc.get("allow_supplemental_evidence"),
        "allow_supplemental_references": doc.get("allow_supplemental_references"),
        "seo_image": links.seo_image(doc["uuid"]),
        "certificate": {"image": {"preview": links.certificate_image(doc["uuid"])}},
        "badge": {"image": {"preview": links.badge_image(doc["uuid"])}},
        "evidence_items": [evidence_item(item) for item in doc.get("evidence_items", [])],
        "references": [reference(item) for item in doc.get("references", [])],
        "recipient": dict(doc.get("recipient") or {}),
        "issuer": issuer(account),
        "meta_data": doc.get("meta_data"),
    }


def search_credential(doc: dict[str, Any], account: Account, links: Links) -> dict[str, Any]:
    """The flat shape of the v2 search results."""
    recipient = doc.get("recipient") or {}
    group = doc.get("group_snapshot") or {}
    return {
        "id": doc["id"],
        "uuid": doc["uuid"],
        "encoded_id": doc["encoded_id"],
        "name": doc.get("name"),
        "private": doc.get("private"),
        "approve": doc.get("approve"),
        "grade": doc.get("grade"),
        "issued_on": doc.get("issued_on"),
        "expired_on": doc.get("expired_on"),
        "published_on": doc.get("published_on"),
        "created_at": doc.get("created_at"),
        "updated_at": doc.get("updated_at"),
        "license_id": doc.get("license_id"),
        "issuer_id": account.issuer.get("id"),
        "seo_image": links.seo_image(doc["uuid"]),
        "recipient_name": recipient.get("name"),
        "recipient_email": recipient.get("email"),
        "recipient_id": recipient.get("id"),
        "recipient_meta_data": recipient.get("meta_data") or {},
        "recipient_opened": bool(doc.get("recipient_opened")),
        "recipient_engaged": False,
        "meta_data": doc.get("meta_data") or {},
        "custom_attributes": doc.get("custom_attributes") or {},
        "group": {
            "id": doc.get("group_id"),
            "name": group.get("name"),
            "course_name": group.get("course_name"),
            "certificate_design_id": group.get("certificate_design_id"),
            "badge_design_id": group.get("badge_design_id"),
        },
    }


def page_meta(page: int, page_size: int, total: int) -> dict[str, Any]:
    """Kaminari-style paging block of the v1 lists."""
    total_pages = max(1, -(-total // page_size)) if total else 0
    return {
        "current_page": page,
        "next_page": page + 1 if page < total_pages else None,
        "prev_page": page - 1 if page > 1 else None,
        "total_pages": total_pages,
        "total_count": total,
    }
