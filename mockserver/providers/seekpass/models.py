"""SEEK Pass state and behaviour, composed of its tokens, requests and webhooks.

No Flask here: routes hand in validated payloads and render what comes back. This module turns
each kind of payload into a `NewSubmission` (partner id, redirect path, assets) so that every
kind shares one request life in `submissions.py`.
"""

from __future__ import annotations

from typing import Any

from mockserver.core.clock import Clock
from mockserver.core.errors import ApiError
from mockserver.core.ids import ids
from mockserver.core.store import Store
from mockserver.core.uploads import Uploads
from mockserver.core.webhooks import WebhookDispatcher
from mockserver.providers.seekpass.schemas import (
    ASSET_GROUPS,
    GROUP_SCOPES,
    REDIRECT_PATHS,
    SINGLE_TYPES,
    iter_items,
)
from mockserver.providers.seekpass.submissions import AssetSpec, NewSubmission, SubmissionService
from mockserver.providers.seekpass.tokens import TokenService
from mockserver.providers.seekpass.webhooks import WebhookSubscriptions

# What a verified identity holds when QA completes a verify request without giving one.
DEFAULT_VERIFIED_IDENTITY = {
    "full_name": "Alex Sample",
    "date_of_birth": "1990-01-01",
    "identity_document_validity": "government_database",
    "identity_document_liveness": "automated",
    "identity_document_person_match": "automated",
}


class SeekPassModel:
    def __init__(
        self,
        store: Store,
        clock: Clock,
        uploads: Uploads,
        dispatcher: WebhookDispatcher,
        signing_key: str,
    ) -> None:
        self.tokens = TokenService(clock, signing_key)
        self.submissions = SubmissionService(store, clock, uploads)
        self.webhooks = WebhookSubscriptions(store, clock, dispatcher)
        self.submissions.on_finalized = self.webhooks.emit_verify_result
        self.verified_identity = dict(DEFAULT_VERIFIED_IDENTITY)

    def load_fixtures(self, fixtures: dict[str, Any], tenant_id: Any) -> None:
        self.tokens.load_accounts(fixtures.get("accounts", []), tenant_id)
        self.verified_identity = {
            **DEFAULT_VERIFIED_IDENTITY,
            **(fixtures.get("verified_identity") or {}),
        }

    # --- turning payloads into requests ---------------------------------------------------

    @staticmethod
    def scopes_for_batch(payload: dict[str, Any]) -> list[str]:
        # An empty group (`"english_proficiency_items": []`) adds nothing, so it needs no scope.
        return [
            scope for group, scope in GROUP_SCOPES.items() if payload.get(group) not in (None, [])
        ]

    @staticmethod
    def batch_v2(payload: dict[str, Any]) -> NewSubmission:
        assets = [
            AssetSpec(
                asset["asset_id"],
                asset["asset_type"],
                item["credential_id"],
                group,
                asset.get("asset_data"),
            )
            for group in ASSET_GROUPS  # the order of the batch page's sample response
            for _path, item_group, item in iter_items(payload)
            if item_group == group
            for asset in item.get("assets") or []
        ]
        return NewSubmission(
            kind="v2/batch",
            partner_id=payload["credential_id"],
            redirect_path="add/batch",
            payload=payload,
            assets=assets,
            uploads_in_response=True,
        )

    @staticmethod
    def single_v2(kind: str, payload: dict[str, Any]) -> NewSubmission:
        group = SINGLE_TYPES[kind]
        assets = [
            AssetSpec(
                asset["asset_id"],
                asset["asset_type"],
                payload["credential_id"],
                group,
                asset.get("asset_data"),
            )
            for asset in payload.get("assets") or []
        ]
        return NewSubmission(
            kind=f"v2/{kind}",
            partner_id=payload["credential_id"],
            redirect_path=f"add/{REDIRECT_PATHS[kind]}",
            payload=payload,
            assets=assets,
            uploads_in_response="assets" in payload,
        )

    @staticmethod
    def single_v1(kind: str, payload: dict[str, Any]) -> NewSubmission:
        return NewSubmission(
            kind=f"v1/{kind}",
            partner_id=payload["id"],
            redirect_path=f"add/{REDIRECT_PATHS[kind]}",
            payload=payload,
            document_type=payload["document_type"],
        )

    @staticmethod
    def batch_v1(payload: dict[str, Any]) -> NewSubmission:
        return NewSubmission(
            kind="v1/batch", partner_id=payload["id"], redirect_path="add/batch", payload=payload
        )

    @staticmethod
    def verify(payload: dict[str, Any]) -> NewSubmission:
        request_id = payload.get("request_id") or ids.uuid()
        return NewSubmission(
            kind="verify",
            partner_id=request_id,
            redirect_path="verify/digitalIdentity",
            payload={**payload, "request_id": request_id},
            response_extra={"request_id": request_id},
        )

    def verify_result(self, tenant: str, request_id: str) -> dict[str, Any]:
        request = self.submissions.find(tenant, request_id, kind="verify")
        if request is None:
            raise ApiError(404, "not_found", f"No verification request with id {request_id!r}")
        status, finalized_at = self.submissions.effective_status(request)
        return {
            "request_id": request_id,
            "status": status,
            "finalized_at": finalized_at,
            "callback_url": request["payload"].get("callback_url"),
            "credential": request.get("result") if status == "verified" else None,
        }

    # --- the user's side (control plane) --------------------------------------------------

    def complete(
        self, request_id: str, outcome: str, credential: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        tenants = self.tokens.tenants
        request = None
        for tenant in tenants:
            # SEEK Pass's own id, or the partner's (as submissions.complete takes either): a
            # verify request finished by the partner's id must get its identity too.
            request = self.submissions.store.get(
                tenant, "request", request_id
            ) or self.submissions.find(tenant, request_id)
            if request is not None:
                break
        result = None
        if request is not None and request["type"] == "verify" and outcome == "verified":
            result = {**self.verified_identity, **(credential or {})}
        return self.submissions.complete(tenants, request_id, outcome, result)
