"""Stand-ins for the public pages and images a credential links to (credential.net and
api.accredible.com's `/v1/frontend/...` images), so that following a link stays in the
sandbox. No API key: these are what a recipient's browser opens."""

from __future__ import annotations

from html import escape

from flask import Blueprint, Response, request

from mockserver.providers.accredible import documents, errors
from mockserver.providers.accredible.web import find_credential, model


def _image(raw_id: str, kind: str) -> Response:
    doc, _ = find_credential(raw_id)
    title = doc.get("name") or ""
    recipient = (doc.get("recipient") or {}).get("name") or ""
    if doc.get("private") and request.args.get("key") != doc.get("private_key"):
        # The page of a private credential answers 403 without its key; its images still
        # draw (clients embed them), but show no one's name or course (FIDELITY.md).
        title, recipient = "Private credential", ""
    return Response(documents.image_svg(title, recipient, kind), mimetype="image/svg+xml")


def register(bp: Blueprint) -> None:
    @bp.get("/credential.net/<encoded_id>")
    def credential_page(encoded_id: str) -> Response:
        doc, account = find_credential(encoded_id)
        if doc.get("private") and request.args.get("key") != doc.get("private_key"):
            raise errors.forbidden("Private Certificate, use key")
        model().credentials.record_event(account.tenant, doc, "recipient_view_certificate")
        recipient = escape((doc.get("recipient") or {}).get("name") or "")
        html = (
            "<!doctype html><html><head><meta charset='utf-8'>"
            f"<title>{escape(doc.get('name') or '')}</title></head><body>"
            f"<h1>{escape(doc.get('name') or '')}</h1><p>Awarded to {recipient}</p>"
            f"<p>Issued by {escape(account.issuer.get('name') or '')} on "
            f"{escape(doc.get('issued_on') or '')}</p>"
            "<p><small>mockserver sandbox page standing in for credential.net</small></p>"
            "</body></html>"
        )
        return Response(html, mimetype="text/html")

    @bp.get("/v1/frontend/credential_seo_image/<credential_id>")
    def seo_image(credential_id: str) -> Response:
        return _image(credential_id, "certificate")

    @bp.get("/v1/frontend/credential_website_embed_image/certificate/<credential_id>")
    def certificate_image(credential_id: str) -> Response:
        return _image(credential_id, "certificate")

    @bp.get("/v1/frontend/credential_badge_image/<credential_id>")
    def badge_image(credential_id: str) -> Response:
        return _image(credential_id, "badge")

    @bp.get("/v1/frontend/design_preview/<design_id>")
    def design_preview(design_id: str) -> Response:
        for account in model().accounts.by_tenant.values():
            design = model().store.get(account.tenant, "design", design_id)
            if design is not None:
                return Response(
                    documents.image_svg(
                        design.get("name") or "",
                        "design preview",
                        design.get("kind") or "certificate",
                    ),
                    mimetype="image/svg+xml",
                )
        raise errors.not_found()
