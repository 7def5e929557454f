"""SEEK Pass OAuth: client-credentials tokens (HS512 JWTs) and what a token may do."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from mockserver.core.clock import Clock
from mockserver.core.errors import ApiError
from mockserver.core.ids import ids
from mockserver.providers.seekpass import errors
from mockserver.providers.seekpass.schemas import ALL_SCOPES

TOKEN_LIFETIME = timedelta(hours=2)
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


class TokenService:
    def __init__(self, clock: Clock, signing_key: str) -> None:
        self.clock = clock
        self.signing_key = signing_key
        self.clients: dict[str, OAuthClient] = {}
        # The latest tokens handed out (claims only), for /_mock/issued; in memory, bounded.
        self.recent: deque[dict[str, Any]] = deque(maxlen=200)

    def load_accounts(self, accounts: list[dict[str, Any]], tenant_id: Any) -> None:
        clients: dict[str, OAuthClient] = {}
        for account in accounts:
            for client in account.get("clients", []):
                clients[client["client_id"]] = OAuthClient(
                    client_id=client["client_id"],
                    client_secret=client["client_secret"],
                    tenant=tenant_id(account["id"]),
                    account_name=account.get("name", account["id"]),
                    scopes=tuple(client.get("scopes") or ALL_SCOPES),
                )
        self.clients = clients

    @property
    def tenants(self) -> list[str]:
        return sorted({client.tenant for client in self.clients.values()})

    def issue(
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
            "jti": ids.hex(),
        }
        import jwt  # imported on first use: PyJWT pulls in cryptography, slow to load

        self.recent.appendleft({**claims, "tenant": client.tenant})

        return {
            "access_token": jwt.encode(claims, self.signing_key, algorithm=JWT_ALGORITHM),
            "token_type": "Bearer",
            "expires_in": int(TOKEN_LIFETIME.total_seconds()),
            "scope": granted,
            "created_at": claims["iat"],
        }

    def authenticate(self, token: str | None) -> Caller:
        if not token:
            raise errors.invalid_token("No access token was given")
        import jwt

        try:
            claims = jwt.decode(
                token,
                self.signing_key,
                algorithms=[JWT_ALGORITHM],
                options={"verify_exp": False, "verify_iat": False},
            )
        except jwt.PyJWTError as exc:
            raise errors.invalid_token("The access token is invalid") from exc
        # Whoever signed it, a token holds only what this server issues: typed claims, a known
        # client, and no scope that client was never granted.
        sub, scope, exp = claims.get("sub"), claims.get("scope"), claims.get("exp")
        if (
            not isinstance(sub, str)
            or not isinstance(scope, str)
            or isinstance(exp, bool)
            or not isinstance(exp, int | float)
            or exp != exp  # NaN
        ):
            raise errors.invalid_token("The access token is invalid")
        client = self.clients.get(sub)
        scopes = frozenset(scope.split())
        if client is None or not scopes <= set(client.scopes):
            raise errors.invalid_token("The access token is invalid")
        if self.clock.timestamp() >= exp:
            raise errors.invalid_token("The access token expired")
        return Caller(client=client, scopes=scopes)

    @staticmethod
    def require_scopes(caller: Caller, needed: list[str]) -> None:
        missing = [scope for scope in dict.fromkeys(needed) if scope not in caller.scopes]
        if missing:
            raise errors.insufficient_scope(missing)
