"""The shape of `fixtures/seekpass.yaml`: partner accounts and their OAuth clients."""

from __future__ import annotations

from marshmallow import fields, validate

from mockserver.core.fixture_files import FixtureSchema
from mockserver.providers.seekpass.schemas import ALL_SCOPES


class ClientFixture(FixtureSchema):
    client_id = fields.String(required=True, validate=validate.Length(min=1))
    client_secret = fields.String(required=True, validate=validate.Length(min=1))
    # Left out: every scope.
    scopes = fields.List(fields.String(validate=validate.OneOf(sorted(ALL_SCOPES))))


class AccountFixture(FixtureSchema):
    id = fields.String(required=True, validate=validate.Length(min=1))
    name = fields.String()
    clients = fields.List(fields.Nested(ClientFixture), required=True)


class SeekPassFixtures(FixtureSchema):
    accounts = fields.List(fields.Nested(AccountFixture), required=True)
    # What a "Verify with SEEK Pass" user proves by default (`full_name`, `date_of_birth`, …).
    verified_identity = fields.Dict(keys=fields.String(), values=fields.Raw(allow_none=True))
