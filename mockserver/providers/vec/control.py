"""VEC's part of the control plane: processing speed and failures, the webhook endpoint,
and approving batches that wait for their signatories."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, current_app, jsonify

from mockserver.core.durations import parse_duration
from mockserver.core.errors import ApiError
from mockserver.core.http import choose_tenant, known_keys, optional_json_object
from mockserver.core.ids import ids
from mockserver.core.webhooks import check_webhook_url
from mockserver.providers.vec.accounts import Institution
from mockserver.providers.vec.models import VecModel

# Processing is scheduled at "now + processing_seconds": a year is far more than any test
# needs, and infinity or 1e20 would overflow the date arithmetic on the next upload.
MAX_PROCESSING_SECONDS = 365 * 24 * 3600


def _model() -> VecModel:
    return current_app.extensions["mockserver"].providers["vec"].model


def _institution(tenant: str | None) -> Institution:
    return choose_tenant(_model().accounts.institutions, tenant, "VEC institution")


def _settings(institution: Institution) -> dict:
    return {
        "tenant": institution.tenant,
        "processing_seconds": institution.processing_seconds,
        "fail_next": institution.fail_next,
        "fail_emails": sorted(institution.fail_emails),
        "webhook": institution.webhook,
    }


MAX_FAIL_NEXT = 1000  # certificates that fail next, at most


def build_control_blueprint() -> Blueprint:
    blueprint = Blueprint("vec_control", __name__)

    @blueprint.get("/processing")
    def processing() -> Response:
        return jsonify([_settings(i) for i in _model().accounts.institutions.values()])

    @blueprint.post("/processing")
    def set_processing() -> Response:
        """{"tenant"?, "processing_seconds"?, "fail_next"?, "fail_emails"?}"""
        data = optional_json_object()
        known_keys(data, ("tenant", "processing_seconds", "fail_next", "fail_emails"))
        institution = _institution(data.get("tenant"))
        try:
            if "processing_seconds" in data:
                institution.processing_seconds = _processing_seconds(data["processing_seconds"])
            if "fail_next" in data:
                fail_next = data["fail_next"]
                if isinstance(fail_next, bool) or not isinstance(fail_next, int):
                    raise ValueError("fail_next must be a whole number")
                if not 0 <= fail_next <= MAX_FAIL_NEXT:
                    raise ValueError(f"fail_next must be from 0 to {MAX_FAIL_NEXT}")
                institution.fail_next = fail_next
            if "fail_emails" in data:
                emails = data["fail_emails"]
                if not isinstance(emails, list) or not all(
                    isinstance(e, str) and "@" in e for e in emails
                ):
                    raise ValueError("fail_emails must be a list of email addresses")
                institution.fail_emails = {e.lower() for e in emails}
        except (TypeError, ValueError) as exc:
            raise ApiError(400, "bad_request", f"bad processing setting: {exc}") from exc
        return jsonify(_settings(institution))

    @blueprint.put("/webhook")
    def set_webhook() -> Response:
        """{"tenant"?, "url", "secret"?}: the endpoint VEC delivers events to (dashboard)."""
        data = optional_json_object()
        institution = _institution(data.get("tenant"))
        if data.get("url") is None:
            institution.webhook = None
        else:
            check_webhook_url(data["url"])
            institution.webhook = {
                "id": (institution.webhook or {}).get("id") or ids.uuid(),
                "url": str(data["url"]),
                "secret": str(data.get("secret") or "whsec_" + ids.hex(24)),
            }
        return jsonify(_settings(institution))

    @blueprint.post("/batches/<batch_id>/approve")
    def approve(batch_id: str) -> Response:
        institution = _institution(optional_json_object().get("tenant"))
        return jsonify(_model().batches.approve(institution.tenant, batch_id))

    @blueprint.post("/process")
    def process() -> Response:
        """Finish whatever processing is due on the server clock, now."""
        model = _model()
        finished = model.vault.process_due()
        model.batches.advance()
        return jsonify({"vault_certificates_finished": finished})

    return blueprint


def _processing_seconds(raw: Any) -> float:
    """A duration from 0 to a year (`30`, `90s`, `15m`, `2d`); a negative one is refused, not
    quietly made 0."""
    seconds = parse_duration(raw, allow_negative=False)
    if seconds > MAX_PROCESSING_SECONDS:
        raise ValueError(f"processing_seconds must be at most {MAX_PROCESSING_SECONDS} (a year)")
    return seconds
