"""The shape of `fixtures/vec.yaml`: institutions, their API tokens and what they hold."""

from __future__ import annotations

from marshmallow import fields, validate

from mockserver.core.fixture_files import FixtureSchema

PERMISSIONS = [
    "batches:create",
    "batches:view",
    "certificate-vault:create",
    "certificate-vault:download",
    "certificate-vault:list",
    "certificate-vault:update",
    "certificate-vault:view",
    "certificates:view",
    "templates:view",
]
A_YEAR = 365 * 24 * 3600  # the control plane's bound on processing time too


class TokenFixture(FixtureSchema):
    token = fields.String(required=True, validate=validate.Length(min=1))
    permissions = fields.List(fields.String(validate=validate.OneOf(PERMISSIONS)))


class CoordinatesFixture(FixtureSchema):
    latitude = fields.Float()
    longitude = fields.Float()


class ProfileFixture(FixtureSchema):
    email = fields.String()
    phone_number = fields.String()
    address = fields.String()
    contact_person = fields.String()
    social_links = fields.Dict(keys=fields.String(), values=fields.String())
    coordinates = fields.Nested(CoordinatesFixture)


class CustomerFixture(FixtureSchema):
    id = fields.Integer(strict=True, required=True)
    email = fields.Email(required=True)
    name = fields.String()


class UserFixture(FixtureSchema):
    uuid = fields.String(required=True)
    name = fields.String()


class TemplateFixture(FixtureSchema):
    id = fields.String(required=True)
    name = fields.String(required=True)
    signatory_fields = fields.Integer(strict=True, validate=validate.Range(min=0))
    default_signatories = fields.List(fields.Raw())
    screenshot = fields.String(allow_none=True)
    created_at = fields.String()
    updated_at = fields.String()


class WebhookFixture(FixtureSchema):
    id = fields.String()
    url = fields.Url(required=True, schemes={"http", "https"}, require_tld=False)
    secret = fields.String()


class InstitutionFixture(FixtureSchema):
    id = fields.String(required=True, validate=validate.Length(min=1))
    name = fields.String()
    profile = fields.Nested(ProfileFixture)
    processing_seconds = fields.Float(validate=validate.Range(min=0, max=A_YEAR))
    fail_emails = fields.List(fields.String())
    customers = fields.List(fields.Nested(CustomerFixture))
    users = fields.List(fields.Nested(UserFixture))
    templates = fields.List(fields.Nested(TemplateFixture))
    webhook = fields.Nested(WebhookFixture, allow_none=True)
    tokens = fields.List(fields.Nested(TokenFixture), required=True)


class VecFixtures(FixtureSchema):
    institutions = fields.List(fields.Nested(InstitutionFixture), required=True)
