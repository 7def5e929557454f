"""SEEK Pass requests of every kind: single adds (v1, v2), batches (v1, v2) and verify requests.

They share one life: created with a partner id, answered with a redirect URI (and upload links
for assets), idempotent on that id for 48 hours, `incomplete` until the user acts, `canceled`
once 48 hours pass unanswered. Time is the server clock.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import quote, unquote_to_bytes

from mockserver.core.clock import Clock, utc_iso
from mockserver.core.errors import ApiError
from mockserver.core.ids import ids
from mockserver.core.store import Conflict, Store
from mockserver.core.uploads import Uploads
from mockserver.providers.seekpass.schemas import ASSET_CONTENT_TYPES
from mockserver.providers.seekpass.tokens import Caller

REQUEST_WINDOW = timedelta(hours=48)
REQUEST_KIND = "request"


@dataclass(frozen=True)
class AssetSpec:
    asset_id: str
    asset_type: str
    credential_id: str
    group: str
    data: str | None = None  # universal credentials: a URL or a data URL instead of an upload


@dataclass(frozen=True)
class Links:
    """Where the links a request hands out point, as the client sees this server."""

    provider_base: str  # redirect URIs: <provider_base>/partner/...
    public_base: str  # presigned upload links: <public_base>/_s3/...
    upload_expiry: int  # seconds an upload link stays valid


@dataclass
class NewSubmission:
    """What a route asks the service to create."""

    kind: str  # e.g. "v2/batch", "v1/education", "v2/universal_credential", "verify"
    partner_id: str
    redirect_path: str  # below /partner/, e.g. "add/batch", "add/englishProficiency"
    payload: dict[str, Any]
    assets: list[AssetSpec] = field(default_factory=list)
    document_type: str | None = None
    uploads_in_response: bool = False
    response_extra: dict[str, Any] = field(default_factory=dict)


class SubmissionService:
    def __init__(self, store: Store, clock: Clock, uploads: Uploads) -> None:
        self.store = store
        self.clock = clock
        self.uploads = uploads
        # The status calls look requests up by the partner's id: from the index, not a scan
        # of every request of the tenant.
        store.index_kind(REQUEST_KIND, _request_fields, fields=("credential_id", "type"))
        self.on_finalized: Callable[[str, dict[str, Any]], None] = lambda tenant, request: None

    # --- creating -------------------------------------------------------------------------

    def submit(
        self,
        caller: Caller,
        new: NewSubmission,
        links: Links,
    ) -> dict[str, Any]:
        """Create a request, or answer again with the live one that has the same partner id."""
        for _attempt in range(3):
            existing = self._live_request_for(caller.tenant, new.kind, new.partner_id)
            if existing is not None:
                return self._again(caller, existing, links)
            try:
                return self._create(caller, new, links)
            except Conflict:
                continue  # a concurrent request with the same id won; answer with its request
        raise ApiError(409, "conflict", f"id {new.partner_id!r} is being submitted concurrently")

    def answer_again(
        self, caller: Caller, kind: str, partner_id: Any, links: Links
    ) -> dict[str, Any] | None:
        """The original answer when `partner_id` already holds a live request (within its 48
        hours), whatever the new body holds; None when the id is free."""
        if not isinstance(partner_id, str) or not partner_id:
            return None
        existing = self._live_request_for(caller.tenant, kind, partner_id)
        return None if existing is None else self._again(caller, existing, links)

    def _live_request_for(self, tenant: str, kind: str, partner_id: str) -> dict[str, Any] | None:
        """The request holding a partner id, releasing the id if its 48 hours have passed."""
        scope = _id_scope(kind)
        with self.store.transaction() as tx:
            holder = tx.holder(tenant, scope, partner_id)
            if holder is None:
                return None
            request = tx.get(tenant, REQUEST_KIND, holder[1])
            if request is None:
                tx.release(tenant, scope, partner_id)
                return None
            if self.clock.now() < _parse(request["created_at"]) + REQUEST_WINDOW:
                return request
            status, finalized_at = self.effective_status(request)
            request.update(status=status, finalized_at=finalized_at, expired=True)
            tx.put(tenant, REQUEST_KIND, request["id"], request)
            tx.release(tenant, scope, partner_id)
            return None

    def _create(
        self,
        caller: Caller,
        new: NewSubmission,
        links: Links,
    ) -> dict[str, Any]:
        tenant = caller.tenant
        request_id = ids.uuid()
        fragment = f"clientId={caller.client.client_id}"
        if new.document_type is not None:
            fragment += f"&documentType={new.document_type}"
        fragment += f"&content={request_id}"
        assets = [
            {
                "asset_id": spec.asset_id,
                "asset_type": spec.asset_type,
                "content_type": ASSET_CONTENT_TYPES[spec.asset_type],
                "credential_id": spec.credential_id,
                "group": spec.group,
                "key": f"{tenant}/{request_id}/{quote(spec.asset_id, safe='')}",
                "source": _source(spec.data),
            }
            for spec in new.assets
        ]
        request = {
            "id": request_id,
            "type": new.kind,
            "credential_id": new.partner_id,
            "client_id": caller.client.client_id,
            "created_at": utc_iso(self.clock.now()),
            "status": "incomplete",
            "finalized_at": None,
            "redirect_uri": f"{links.provider_base}/partner/{new.redirect_path}#{fragment}",
            "assets": assets,
            "payload": new.payload,
            "response_extra": new.response_extra,
            "uploads_in_response": new.uploads_in_response,
        }
        issued = []
        inline: list[tuple[dict[str, Any], bytes]] = []
        with self.store.transaction() as tx:
            tx.claim(tenant, _id_scope(new.kind), new.partner_id, REQUEST_KIND, request_id)
            for asset, spec in zip(assets, new.assets, strict=True):
                tx.claim(
                    tenant, f"asset_id:{request_id}", asset["asset_id"], REQUEST_KIND, request_id
                )
                ref = {
                    "provider": "seekpass",
                    "request_id": request_id,
                    "asset_id": asset["asset_id"],
                }
                if asset["source"] == "data_url":
                    inline.append((asset, decode_data_url(spec.data or "")))
                    continue
                if asset["source"] == "url":
                    continue  # SEEK Pass fetches the document itself; nothing to upload
                url, slot = self.uploads.issue(
                    tenant,
                    asset["key"],
                    asset["content_type"],
                    links.public_base,
                    links.upload_expiry,
                    ref,
                )
                self.uploads.save(tx, slot, new=True)
                issued.append({"asset_id": asset["asset_id"], "url": url})
            tx.insert(tenant, REQUEST_KIND, request_id, request)
        for asset, data in inline:
            stored = self.uploads.storage.put(asset["key"], data, asset["content_type"])
            self.uploads.received(asset["key"], stored.size, asset["content_type"], stored.etag)
        return self._response(request, issued)

    def _again(self, caller: Caller, request: dict[str, Any], links: Links) -> dict[str, Any]:
        """The original answer, with fresh links for assets not yet uploaded."""
        issued = []
        with self.store.transaction() as tx:
            for asset in request["assets"]:
                if asset.get("source", "upload") != "upload":
                    continue
                slot = tx.get(caller.tenant, "upload", asset["key"])
                if slot and slot["status"] == "uploaded":
                    continue
                url, fresh = self.uploads.issue(
                    caller.tenant,
                    asset["key"],
                    asset["content_type"],
                    links.public_base,
                    links.upload_expiry,
                    (slot or {}).get("ref", {}),
                )
                self.uploads.save(tx, fresh)
                issued.append({"asset_id": asset["asset_id"], "url": url})
        return self._response(request, issued)

    @staticmethod
    def _response(request: dict[str, Any], links: list[dict[str, str]]) -> dict[str, Any]:
        body: dict[str, Any] = {**request.get("response_extra", {})}
        body["redirect_uri"] = request["redirect_uri"]
        if request.get("uploads_in_response"):
            body["asset_uploads"] = links
        return body

    # --- status ---------------------------------------------------------------------------

    def effective_status(self, request: dict[str, Any]) -> tuple[str, str | None]:
        """Pending requests are deleted after 48 hours, which the status API reports as canceled."""
        if request["status"] != "incomplete":
            return request["status"], request["finalized_at"]
        deadline = _parse(request["created_at"]) + REQUEST_WINDOW
        if self.clock.now() >= deadline:
            return "canceled", utc_iso(deadline)
        return "incomplete", None

    def find(self, tenant: str, partner_id: str, kind: str | None = None) -> dict[str, Any] | None:
        """The newest request a partner id names (optionally of one kind)."""
        wanted = {"credential_id": str(partner_id), **({"type": kind} if kind else {})}
        _, matches = self.store.query(tenant, REQUEST_KIND, wanted)
        matches = [r for r in matches if r["credential_id"] == partner_id]  # the exact id
        return max(matches, key=lambda r: r["created_at"]) if matches else None

    def status_of(self, tenant: str, partner_id: str) -> dict[str, Any] | None:
        request = self.find(tenant, partner_id)
        if request is None:
            return None
        status, finalized_at = self.effective_status(request)
        return {"id": partner_id, "status": status, "finalized_at": finalized_at}

    def statuses(self, tenant: str, ids: list[str]) -> list[dict[str, Any]]:
        found = (self.status_of(tenant, partner_id) for partner_id in dict.fromkeys(ids))
        return [status for status in found if status is not None]

    # --- the user's side (control plane) --------------------------------------------------

    def all_requests(self, tenants: list[str]) -> list[dict[str, Any]]:
        return [
            self.as_seen(tenant, request)
            for tenant in tenants
            for request in self.store.list(tenant, REQUEST_KIND)
        ]

    def by_own_id(self, tenants: list[str], request_id: str) -> dict[str, Any] | None:
        """A request by SEEK Pass's own id (the redirect's `content=`), as `as_seen` shows it."""
        for tenant in tenants:
            request = self.store.get(tenant, REQUEST_KIND, request_id)
            if request is not None:
                return self.as_seen(tenant, request)
        return None

    def as_seen(self, tenant: str, request: dict[str, Any]) -> dict[str, Any]:
        """A request with its tenant, its status now and each asset's upload state."""
        status, finalized_at = self.effective_status(request)
        return {
            **request,
            "tenant": tenant,
            "status": status,
            "finalized_at": finalized_at,
            "uploads": self.upload_states(tenant, request),
        }

    def upload_states(self, tenant: str, request: dict[str, Any]) -> list[dict[str, Any]]:
        states = []
        for asset in request["assets"]:
            record = self.uploads.get(tenant, asset["key"]) or {}
            status = record.get("status") or asset.get("source")
            states.append(
                {
                    "asset_id": asset["asset_id"],
                    "status": status,
                    "size": record.get("size"),
                    "content_type": record.get("content_type"),
                }
            )
        return states

    def complete(
        self, tenants: list[str], request_id: str, outcome: str, result: dict[str, Any] | None
    ) -> dict[str, Any]:
        """What the SEEK Pass user does in the app: accept (verified) or decline (canceled)."""
        if outcome not in ("verified", "canceled"):
            raise ApiError(400, "bad_request", "outcome must be verified or canceled")
        for tenant in tenants:
            # By SEEK Pass's own id (the redirect's `content=`), or by the partner's id that
            # the status calls use: the newest request it names.
            own_id = request_id
            if self.store.get(tenant, REQUEST_KIND, request_id) is None:
                named = self.find(tenant, request_id)
                own_id = named["id"] if named is not None else request_id
            with self.store.transaction() as tx:
                request = tx.get(tenant, REQUEST_KIND, own_id, for_update=True)
                if request is None:
                    continue
                status, _ = self.effective_status(request)
                if status != "incomplete":
                    raise ApiError(409, "conflict", f"request {request_id} is already {status}")
                request.update(status=outcome, finalized_at=utc_iso(self.clock.now()))
                if result is not None:
                    request["result"] = result
                tx.put(tenant, REQUEST_KIND, own_id, request)
                if outcome == "canceled":
                    # A declined request's documents are deleted; its upload links stop
                    # working (FIDELITY.md, "Uploads").
                    for asset in request.get("assets", []):
                        if asset.get("source", "upload") == "upload":
                            self.uploads.close(tx, tenant, asset["key"])
            self.on_finalized(tenant, request)
            return {**request, "tenant": tenant}
        raise ApiError(404, "not_found", f"no SEEK Pass request {request_id}")


def _request_fields(request: dict[str, Any]) -> dict[str, str | None]:
    return {"credential_id": str(request["credential_id"]), "type": str(request["type"])}


def decode_data_url(text: str) -> bytes:
    """The bytes of a `data:[<type>][;base64],<data>` URL (ValueError if malformed)."""
    header, sep, data = text.partition(",")
    if not text.startswith("data:") or not sep:
        raise ValueError("a data URL looks like data:<media type>;base64,<data>")
    if header.endswith(";base64"):
        try:
            return base64.b64decode(data, validate=True)
        except binascii.Error as exc:
            raise ValueError("the data URL's base64 is malformed") from exc
    return unquote_to_bytes(data)


def data_url_media_type(text: str) -> str:
    header = text.partition(",")[0][len("data:") :]
    return header.split(";", 1)[0].strip().lower() or "text/plain"


def _source(data: str | None) -> str:
    if data is None:
        return "upload"
    return "data_url" if data.startswith("data:") else "url"


def _id_scope(kind: str) -> str:
    return f"partner_id:{kind}"


def _parse(moment: str) -> datetime:
    return datetime.fromisoformat(moment.replace("Z", "+00:00"))
