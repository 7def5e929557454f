"""What every provider's schemathesis run shares: the schema bound to the session app, and
the checks (no 5xx; status, content type, body and headers as the contract says; bad input
refused)."""

from __future__ import annotations

from typing import Any

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.parameters import ParameterLocation
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from mockserver.core.contracts import contract_path
from tests.shared_app import shared_app

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
    negative_data_rejection,
]


# Every provider's run: the same cases on every CI run; wide fuzzing belongs in bench/.
CI_SETTINGS = settings(
    max_examples=50,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)


def call_and_check(case: Any, headers: dict[str, str] | None, refusable: bool = True) -> Any:
    """Send a case and run the checks; the negative-data check only where it can hold (and
    not where the caller knows the provider answers without validating: `refusable=False`).
    The response, for callers that keep track of what was accepted."""
    checks = CHECKS
    if (
        not refusable
        or undeclared_query_or_headers(case)
        or multipart(case)
        or negative_auth_header(case)
    ):
        checks = [check for check in CHECKS if check is not negative_data_rejection]
    return case.call_and_validate(headers=headers, checks=checks)


def provider_schema(provider: str) -> schemathesis.BaseSchema:
    schema = schemathesis.openapi.from_path(contract_path(provider))
    schema.app = shared_app()
    return schema


def undeclared_query_or_headers(case: object) -> bool:
    """Whether a case sends query parameters or headers its operation does not declare.

    The providers ignore such parameters, as most HTTP APIs do, but schemathesis's negative
    mode counts them as schema violations that must be refused; for these cases the
    negative-data check is left out.
    """
    operation = case.operation  # type: ignore[attr-defined]
    declared = {p.name.lower() for p in operation.iter_parameters()}
    query = {str(k).lower() for k in (case.query or {})}  # type: ignore[attr-defined]
    headers = {
        str(k).lower()
        for k in (case.headers or {})  # type: ignore[attr-defined]
        if str(k).lower() not in ("authorization", "content-type")
    }
    return bool((query | headers) - declared)


def multipart(case: object) -> bool:
    """Multipart fields are all strings, so a negative case that changes a field's JSON type
    (object for string) reaches the server as a valid string; schemathesis would then expect a
    refusal it cannot get. Multipart rules have explicit tests instead."""
    return str(getattr(case, "media_type", "") or "").startswith("multipart/")


def negative_auth_header(case: object) -> bool:
    """Whether the negative part of a case is its Authorization header: the test sends a valid
    key in its place (the credential is the test's, not the generator's), so the refusal the
    negative-data check looks for cannot happen."""
    return negative_in(case, ParameterLocation.HEADER)


def negative_in(case: object, location: ParameterLocation) -> bool:
    meta = getattr(case, "_meta", None)
    components = getattr(meta, "components", None) or {}
    info = components.get(location)
    return info is not None and info.mode == GenerationMode.NEGATIVE
