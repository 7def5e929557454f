"""Schemathesis, in-process over WSGI, against the VEC contract (multipart included)."""

from __future__ import annotations

import pytest

from tests.contract.harness import CI_SETTINGS, call_and_check, provider_schema

schema = provider_schema("vec")
BEARER = {"Authorization": "Bearer vec-demo-full-token"}


@pytest.fixture
def fresh(app) -> None:
    """Reset before each operation (the `app` fixture does it)."""


@schema.parametrize()
@CI_SETTINGS
def test_vec_conforms(case, fresh) -> None:
    call_and_check(case, BEARER)
