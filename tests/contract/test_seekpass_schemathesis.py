"""Schemathesis, in-process over WSGI, against the SEEK Pass contract."""

from __future__ import annotations

import pytest

from tests.contract.harness import CI_SETTINGS, call_and_check, provider_schema
from tests.seekpass.helpers import token

schema = provider_schema("seekpass")


@pytest.fixture
def bearer(app) -> dict[str, str]:
    return {"Authorization": f"Bearer {token(app.test_client())}"}


# Credential ids a v2 batch was accepted with during the run. A batch posted again with one
# of them within 48 hours answers the original request, 201, whatever the new body holds
# (FIDELITY.md, "Batch response and idempotency"): the generator reuses simple ids, so a
# schema-violating body can arrive under an id already accepted, and must not be expected to be
# refused. Every example shares the app's state within the test.
BATCH_V2 = "/api/partner/v2/add/requests/batch.json"
accepted_batch_ids: set[str] = set()


def _batch_id(case) -> str | None:
    if case.path != BATCH_V2 or not isinstance(case.body, dict):
        return None
    found = case.body.get("credential_id")
    return found if isinstance(found, str) else None


@schema.parametrize()
@CI_SETTINGS
def test_seekpass_conforms(case, bearer) -> None:
    batch_id = _batch_id(case)
    response = call_and_check(
        case,
        bearer if case.operation.security else None,
        refusable=batch_id not in accepted_batch_ids,
    )
    if batch_id is not None and response.status_code == 201:
        accepted_batch_ids.add(batch_id)
