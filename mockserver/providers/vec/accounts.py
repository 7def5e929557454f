"""VEC institutions from the fixtures: API tokens and their permissions, customers (for
auto-matching), users (signatories), templates, webhook endpoint and processing settings."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from mockserver.core.errors import ApiError
from mockserver.providers.vec import errors

DEFAULT_PROCESSING_SECONDS = 5.0


@dataclass
class Institution:
    tenant: str
    account_id: str
    name: str
    profile: dict[str, Any]
    customers: dict[str, dict[str, Any]]  # by lower-case email
    users: dict[str, dict[str, Any]]  # by uuid
    templates: list[dict[str, Any]]
    webhook: dict[str, Any] | None
    processing_seconds: float
    fail_emails: set[str] = field(default_factory=set)
    fail_next: int = 0  # control plane: the next N certificates fail

    def should_fail(self, email: str) -> bool:
        """Whether a certificate being made now fails: by email (fixtures) or fail_next."""
        if email.lower() in self.fail_emails:
            return True
        if self.fail_next > 0:
            self.fail_next -= 1
            return True
        return False


@dataclass(frozen=True)
class Caller:
    institution: Institution
    permissions: frozenset[str]

    @property
    def tenant(self) -> str:
        return self.institution.tenant

    def require(self, permission: str) -> None:
        if permission not in self.permissions:
            raise errors.forbidden(permission)


class Accounts:
    def __init__(self) -> None:
        self.institutions: dict[str, Institution] = {}
        self.tokens: dict[str, tuple[str, frozenset[str]]] = {}

    def load(self, data: dict[str, Any], tenant_id: Any) -> None:
        institutions: dict[str, Institution] = {}
        tokens: dict[str, tuple[str, frozenset[str]]] = {}
        for entry in data.get("institutions", []):
            tenant = tenant_id(entry["id"])
            institutions[tenant] = Institution(
                tenant=tenant,
                account_id=entry["id"],
                name=entry.get("name", entry["id"]),
                profile=entry.get("profile", {}),
                customers={c["email"].lower(): c for c in entry.get("customers", [])},
                users={u["uuid"]: u for u in entry.get("users", [])},
                templates=list(entry.get("templates", [])),
                webhook=entry.get("webhook"),
                processing_seconds=float(
                    entry.get("processing_seconds", DEFAULT_PROCESSING_SECONDS)
                ),
                fail_emails={email.lower() for email in entry.get("fail_emails", [])},
            )
            for token in entry.get("tokens", []):
                tokens[token["token"]] = (tenant, frozenset(token.get("permissions", [])))
        self.institutions = institutions
        self.tokens = tokens

    def authenticate(self, token: str | None) -> Caller:
        found = self.tokens.get(token or "")
        if found is None:
            raise ApiError(401, "unauthorized", errors.UNAUTHORIZED)
        tenant, permissions = found
        return Caller(self.institutions[tenant], permissions)

    def institution(self, tenant: str) -> Institution:
        if tenant not in self.institutions:
            raise ApiError(404, "not_found", f"No VEC institution {tenant}")
        return self.institutions[tenant]
