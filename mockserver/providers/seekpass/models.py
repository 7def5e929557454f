"""SEEK Pass state and behaviour: OAuth clients and tokens, batch requests, their status.

No Flask here: the routes pass plain values in and render what comes back. Time always comes
from the server clock, so the 48-hour window and token expiry follow `/_mock/clock`.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import quote

import jwt

from mockserver.core.clock import Clock, utc_iso
from mockserver.core.errors import ApiError
from mockserver.core.store import Conflict, Store
from mockserver.core.uploads import Uploads
from mockserver.providers.seekpass import errors
from mockserver.providers.seekpass.schemas import (
    ALL_SCOPES,
    ASSET_CONTENT_TYPES,
    ASSET_GROUPS,
    GROUP_SCOPES,
    iter_items,
)

TOKEN_LIFETIME = timedelta(hours=2)
REQUEST_WINDOW = timedelta(hours=48)
REQUEST_KIND = "request"
BATCH_KEY_SCOPE = "batch_credential_id"
JWT_ALGORITHM = "HS512"


@dataclass(frozen=True)
class OAuthClient:
    client_id: str
    client_secret: str
    tenant: str
    account_name: str
    scopes: tuple[str, ...]


@dataclass(frozen=True)
class Caller:
    """Who an access token speaks for."""

    client: OAuthClient
    scopes: frozenset[str]

    @property
    def tenant(self) -> str:
        return self.client.tenant


class SeekPassModel:
    def __init__(self, store: Store, clock: Clock, uploads: Uploads, signing_key: str) -> None:
        self.store = store
        self.clock = clock
        self.uploads = uploads
        self.signing_key = signing_key
        self.clients: dict[str, OAuthClient] = {}

    # --- fixtures -------------------------------------------------------------------------

    def load_accounts(self, accounts: list[dict[str, Any]], tenant_id: Any) -> None:
        clients: dict[str, OAuthClient] = {}
        for account in accounts:
            for client in account.get("clients", []):
                scopes = tuple(client.get("scopes") or ALL_SCOPES)
                clients[client["client_id"]] = OAuthClient(
                    client_id=client["client_id"],
                    client_secret=client["client_secret"],
                    tenant=tenant_id(account["id"]),
                    account_name=account.get("name", account["id"]),
                    scopes=scopes,
                )
        self.clients = clients

    # --- OAuth ----------------------------------------------------------------------------

    def issue_token(
        self,
        grant_type: str | None,
        client_id: str | None,
        client_secret: str | None,
        scope: str | None,
    ) -> dict[str, Any]:
        """A client-credentials grant, answered as RFC 6749 section 5 says."""
        if not grant_type:
            raise ApiError(400, "invalid_request", "Missing required parameter: grant_type.")
        if grant_type != "client_credentials":
            raise ApiError(
                400,
                "unsupported_grant_type",
                "The authorization grant type is not supported by the authorization server.",
            )
        client = self.clients.get(client_id or "")
        if client is None or client.client_secret != client_secret:
            raise ApiError(401, "invalid_client", errors.INVALID_CLIENT)
        requested = scope.split() if scope and scope.strip() else list(client.scopes)
        ungranted = sorted(set(requested) - set(client.scopes))
        if ungranted:
            raise ApiError(
                400,
                "invalid_scope",
                "The requested scope is invalid, unknown, or malformed. "
                f"Not granted to this client: {' '.join(ungranted)}",
            )
        now = self.clock.now()
        granted = " ".join(dict.fromkeys(requested))
        claims = {
            "iss": "mockserver/seekpass",
            "sub": client.client_id,
            "scope": granted,
            "iat": int(now.timestamp()),
            "exp": int((now + TOKEN_LIFETIME).timestamp()),
            "jti": uuid.uuid4().hex,
        }
        token = jwt.encode(claims, self.signing_key, algorithm=JWT_ALGORITHM)
        return {
            "access_token": token,
            "token_type": "Bearer",
            "expires_in": int(TOKEN_LIFETIME.total_seconds()),
            "scope": granted,
            "created_at": claims["iat"],
        }

    def authenticate(self, token: str | None) -> Caller:
        if not token:
            raise errors.invalid_token("No access token was given")
        try:
            claims = jwt.decode(
                token,
                self.signing_key,
                algorithms=[JWT_ALGORITHM],
                options={"verify_exp": False, "verify_iat": False},
            )
        except jwt.PyJWTError as exc:
            raise errors.invalid_token("The access token is invalid") from exc
        client = self.clients.get(str(claims.get("sub")))
        if client is None:
            raise errors.invalid_token("The access token is invalid")
        if self.clock.timestamp() >= float(claims.get("exp", 0)):
            raise errors.invalid_token("The access token expired")
        return Caller(client=client, scopes=frozenset(str(claims.get("scope", "")).split()))

    @staticmethod
    def require_scopes(caller: Caller, needed: list[str]) -> None:
        missing = [scope for scope in dict.fromkeys(needed) if scope not in caller.scopes]
        if missing:
            raise errors.insufficient_scope(missing)

    @staticmethod
    def scopes_for_batch(payload: dict[str, Any]) -> list[str]:
        return [scope for group, scope in GROUP_SCOPES.items() if payload.get(group) is not None]

    # --- batch requests -------------------------------------------------------------------

    def submit_batch(
        self,
        caller: Caller,
        payload: dict[str, Any],
        provider_base: str,
        public_base: str,
        upload_expiry: int,
    ) -> dict[str, Any]:
        """Create a batch request, or return the pending one with the same credential_id."""
        batch_id = payload["credential_id"]
        for _attempt in range(3):
            existing = self._live_request_for(caller.tenant, batch_id)
            if existing is not None:
                return self._response(caller, existing, public_base, upload_expiry)
            try:
                created = self._create_request(
                    caller, payload, provider_base, public_base, upload_expiry
                )
            except Conflict:
                continue  # a concurrent request with the same id won; answer with its request
            return created
        raise ApiError(
            409, "conflict", f"credential_id {batch_id!r} is being submitted concurrently"
        )

    def _live_request_for(self, tenant: str, batch_id: str) -> dict[str, Any] | None:
        """The request holding `batch_id`, releasing it first if its 48 hours have passed."""
        with self.store.transaction() as tx:
            holder = tx.holder(tenant, BATCH_KEY_SCOPE, batch_id)
            if holder is None:
                return None
            request = tx.get(tenant, REQUEST_KIND, holder[1])
            if request is None:
                tx.release(tenant, BATCH_KEY_SCOPE, batch_id)
                return None
            if self.clock.now() < _parse(request["created_at"]) + REQUEST_WINDOW:
                return request
            status, finalized_at = self.effective_status(request)
            request.update(status=status, finalized_at=finalized_at, expired=True)
            tx.put(tenant, REQUEST_KIND, request["id"], request)
            tx.release(tenant, BATCH_KEY_SCOPE, batch_id)
            return None

    def _create_request(
        self,
        caller: Caller,
        payload: dict[str, Any],
        provider_base: str,
        public_base: str,
        upload_expiry: int,
    ) -> dict[str, Any]:
        tenant = caller.tenant
        request_id = str(uuid.uuid4())
        now = self.clock.now()
        assets = [
            {
                "asset_id": asset["asset_id"],
                "asset_type": asset["asset_type"],
                "content_type": ASSET_CONTENT_TYPES[asset["asset_type"]],
                "credential_id": item["credential_id"],
                "group": group,
                "key": f"{tenant}/{request_id}/{quote(asset['asset_id'], safe='')}",
            }
            for group in ASSET_GROUPS
            for _path, item_group, item in iter_items(payload)
            if item_group == group
            for asset in item.get("assets") or []
        ]
        fragment = f"clientId={caller.client.client_id}&content={request_id}"
        request = {
            "id": request_id,
            "type": "batch",
            "credential_id": payload["credential_id"],
            "client_id": caller.client.client_id,
            "created_at": utc_iso(now),
            "status": "incomplete",
            "finalized_at": None,
            "redirect_uri": f"{provider_base}/partner/add/batch#{fragment}",
            "credential_ids": [item["credential_id"] for _p, _g, item in iter_items(payload)],
            "assets": assets,
            "payload": payload,
        }
        uploads = []
        with self.store.transaction() as tx:
            tx.claim(tenant, BATCH_KEY_SCOPE, payload["credential_id"], REQUEST_KIND, request_id)
            for asset in assets:
                tx.claim(
                    tenant, f"asset_id:{request_id}", asset["asset_id"], REQUEST_KIND, request_id
                )
                url, slot = self.uploads.issue(
                    tenant,
                    asset["key"],
                    asset["content_type"],
                    public_base,
                    upload_expiry,
                    {
                        "provider": "seekpass",
                        "request_id": request_id,
                        "asset_id": asset["asset_id"],
                    },
                )
                self.uploads.save(tx, slot, new=True)
                uploads.append({"asset_id": asset["asset_id"], "url": url})
            tx.insert(tenant, REQUEST_KIND, request_id, request)
        return {"redirect_uri": request["redirect_uri"], "asset_uploads": uploads}

    def _response(
        self, caller: Caller, request: dict[str, Any], public_base: str, upload_expiry: int
    ) -> dict[str, Any]:
        """The original redirect_uri again, with fresh links for assets not yet uploaded."""
        uploads = []
        with self.store.transaction() as tx:
            for asset in request["assets"]:
                slot = tx.get(caller.tenant, "upload", asset["key"])
                if slot and slot["status"] == "uploaded":
                    continue
                url, fresh = self.uploads.issue(
                    caller.tenant,
                    asset["key"],
                    asset["content_type"],
                    public_base,
                    upload_expiry,
                    (slot or {}).get("ref", {}),
                )
                self.uploads.save(tx, fresh)
                uploads.append({"asset_id": asset["asset_id"], "url": url})
        return {"redirect_uri": request["redirect_uri"], "asset_uploads": uploads}

    # --- status ---------------------------------------------------------------------------

    def effective_status(self, request: dict[str, Any]) -> tuple[str, str | None]:
        """Pending requests are deleted after 48 hours, which the status API reports as canceled."""
        if request["status"] != "incomplete":
            return request["status"], request["finalized_at"]
        deadline = _parse(request["created_at"]) + REQUEST_WINDOW
        if self.clock.now() >= deadline:
            return "canceled", utc_iso(deadline)
        return "incomplete", None

    def find_request(self, tenant: str, partner_id: str) -> dict[str, Any] | None:
        """The newest request a partner id (a batch credential_id) names."""
        matches = [
            request
            for request in self.store.list(tenant, REQUEST_KIND)
            if request["credential_id"] == partner_id
        ]
        return max(matches, key=lambda r: r["created_at"]) if matches else None

    def status_of(self, tenant: str, partner_id: str) -> dict[str, Any] | None:
        request = self.find_request(tenant, partner_id)
        if request is None:
            return None
        status, finalized_at = self.effective_status(request)
        return {"id": partner_id, "status": status, "finalized_at": finalized_at}

    def statuses(self, tenant: str, ids: list[str]) -> list[dict[str, Any]]:
        found = (self.status_of(tenant, partner_id) for partner_id in dict.fromkeys(ids))
        return [status for status in found if status is not None]

    # --- the user's side (control plane) --------------------------------------------------

    def all_requests(self, tenant: str | None = None) -> list[dict[str, Any]]:
        tenants = [tenant] if tenant else sorted({c.tenant for c in self.clients.values()})
        listed = []
        for name in tenants:
            for request in self.store.list(name, REQUEST_KIND):
                status, finalized_at = self.effective_status(request)
                listed.append(
                    {
                        **request,
                        "tenant": name,
                        "status": status,
                        "finalized_at": finalized_at,
                        "uploads": self._upload_states(name, request),
                    }
                )
        return listed

    def _upload_states(self, tenant: str, request: dict[str, Any]) -> list[dict[str, Any]]:
        states = []
        for asset in request["assets"]:
            record = self.uploads.get(tenant, asset["key"]) or {}
            states.append(
                {
                    "asset_id": asset["asset_id"],
                    "status": record.get("status"),
                    "size": record.get("size"),
                    "content_type": record.get("content_type"),
                }
            )
        return states

    def complete(self, request_id: str, outcome: str) -> dict[str, Any]:
        """What the SEEK Pass user does in the app: accept (verified) or decline (canceled)."""
        if outcome not in ("verified", "canceled"):
            raise ApiError(400, "bad_request", "outcome must be verified or canceled")
        for tenant in sorted({c.tenant for c in self.clients.values()}):
            with self.store.transaction() as tx:
                request = tx.get(tenant, REQUEST_KIND, request_id)
                if request is None:
                    continue
                status, _ = self.effective_status(request)
                if status != "incomplete":
                    raise ApiError(409, "conflict", f"request {request_id} is already {status}")
                request.update(status=outcome, finalized_at=utc_iso(self.clock.now()))
                tx.put(tenant, REQUEST_KIND, request_id, request)
                return {**request, "tenant": tenant}
        raise ApiError(404, "not_found", f"no SEEK Pass request {request_id}")


def _parse(moment: str) -> datetime:
    return datetime.fromisoformat(moment.replace("Z", "+00:00"))
