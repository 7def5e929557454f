"""Accredible accounts from the fixtures, and who a request's API key is.

An account (issuer) is a tenant. Its keys are account-wide, or scoped to one department, in
which case the key sees only that department's groups, credentials, designs and the rest.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from flask import request

from mockserver.core.errors import ApiError
from mockserver.providers.accredible import errors

# Rails' token authentication reads `Token token="KEY"`, `Token token=KEY`, `Token KEY` and
# `Bearer KEY`; clients in the wild send each of the first three.
_SCHEME = re.compile(r"^(Token|Bearer)\s+", re.IGNORECASE)
_TOKEN_PARAM = re.compile(r"""token=(?:"([^"]*)"|([^,;\s]+))""", re.IGNORECASE)


@dataclass
class Account:
    tenant: str
    account_id: str
    issuer: dict[str, Any]
    sandbox_mode: bool
    initial_credits: int
    v1_bulk_response: str  # "credentials" (what clients read) or "array" (the docs' example)
    v2_error_key: str  # "errors" (the examples) or "error" (the Errors section)
    fixtures: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Caller:
    account: Account
    department_id: int | None  # None: an account-wide key

    @property
    def tenant(self) -> str:
        return self.account.tenant

    def sees(self, doc: dict[str, Any]) -> bool:
        """Whether a department-scoped key may see a record (account-wide keys see all)."""
        return self.department_id is None or doc.get("department_id") == self.department_id


def api_key_from_header(header: str) -> str | None:
    match = _SCHEME.match(header)
    if not match:
        return None
    rest = header[match.end() :].strip()
    param = _TOKEN_PARAM.search(rest)
    if param:
        return param.group(1) if param.group(1) is not None else param.group(2)
    return rest.strip('"') or None


class Accounts:
    def __init__(self) -> None:
        self.by_tenant: dict[str, Account] = {}
        self.keys: dict[str, tuple[str, int | None]] = {}

    def load(self, data: dict[str, Any], tenant_id: Any) -> None:
        by_tenant: dict[str, Account] = {}
        keys: dict[str, tuple[str, int | None]] = {}
        for entry in data.get("accounts", []):
            tenant = tenant_id(entry["id"])
            by_tenant[tenant] = Account(
                tenant=tenant,
                account_id=entry["id"],
                issuer=dict(entry.get("issuer", {})),
                sandbox_mode=bool(entry.get("sandbox_mode", False)),
                initial_credits=int(entry.get("credits", 0)),
                v1_bulk_response=entry.get("v1_bulk_response", "credentials"),
                v2_error_key=entry.get("v2_error_key", "errors"),
                fixtures=entry,
            )
            for key in entry.get("api_keys", []):
                keys[key["key"]] = (tenant, key.get("department_id"))
        self.by_tenant = by_tenant
        self.keys = keys

    def authenticate(self) -> Caller:
        key = api_key_from_header(request.headers.get("Authorization", ""))
        found = self.keys.get(key or "")
        if found is None:
            raise ApiError(401, "unauthorized", errors.ACCESS_DENIED)
        tenant, department_id = found
        return Caller(self.by_tenant[tenant], department_id)

    def account(self, tenant: str) -> Account:
        if tenant not in self.by_tenant:
            raise ApiError(404, "not_found", f"no Accredible account {tenant}")
        return self.by_tenant[tenant]
