"""Springest partners from the fixtures and what their API keys may do.

A partner (the external party Springest configures) is a tenant. Its keys are of two kinds, as
the documents say a certifications key is a different key: `certificates` keys may read and post
certificates for the certifications Springest configured for them, `certifications` keys may list
the domain's verified certifications.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from mockserver.core.frameworks import rails
from mockserver.providers.springest import errors

CERTIFICATES = "certificates"
CERTIFICATIONS = "certifications"


@dataclass
class Partner:
    tenant: str
    partner_id: str
    name: str
    domain: str
    users: dict[str, dict[str, Any]]  # by lower-case email
    fixtures: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Caller:
    partner: Partner
    key: str
    kind: str
    certifications: frozenset[int]

    @property
    def tenant(self) -> str:
        return self.partner.tenant

    def require(self, kind: str) -> None:
        """403 for a key of the other kind (a certifications key posting certificates, say)."""
        if self.kind != kind:
            raise errors.forbidden()

    def may_use(self, certification_id: int) -> bool:
        return certification_id in self.certifications


class Accounts:
    def __init__(self) -> None:
        self.partners: dict[str, Partner] = {}
        self.keys: dict[str, tuple[str, str, frozenset[int]]] = {}

    def load(self, data: dict[str, Any], tenant_id: Any) -> None:
        partners: dict[str, Partner] = {}
        keys: dict[str, tuple[str, str, frozenset[int]]] = {}
        for entry in data.get("partners", []):
            tenant = tenant_id(entry["id"])
            partners[tenant] = Partner(
                tenant=tenant,
                partner_id=entry["id"],
                name=entry.get("name", entry["id"]),
                domain=entry.get("domain", "api.springest.nl"),
                users={u["email"].lower(): u for u in entry.get("users", [])},
                fixtures=entry,
            )
            for key in entry.get("api_keys", []):
                kind = key.get("kind", CERTIFICATES)
                allowed = frozenset(int(c) for c in key.get("certifications", []))
                keys[key["key"]] = (tenant, kind, allowed)
        self.partners = partners
        self.keys = keys

    def authenticate(self) -> Caller:
        """The `api_key` parameter on every request, wherever Rails' params would find it (the
        query string, else the body); 401 when missing or unknown."""
        key = api_key()
        found = self.keys.get(key)
        if found is None:
            raise errors.unauthorized()
        tenant, kind, allowed = found
        return Caller(self.partners[tenant], key, kind, allowed)


def api_key() -> str:
    """The request's `api_key` as Rails' params give it: the query string's, else the body's."""
    found = rails.param("api_key")
    return found if isinstance(found, str) else ""
