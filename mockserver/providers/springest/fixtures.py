"""The shape of `fixtures/springest.yaml`: partners, their API keys, certifications and users."""

from __future__ import annotations

from marshmallow import fields, validate

from mockserver.core.fixture_files import FixtureSchema, QuotaFixture
from mockserver.providers.springest.accounts import CERTIFICATES, CERTIFICATIONS


class ApiKeyFixture(FixtureSchema):
    key = fields.String(required=True, validate=validate.Length(min=1))
    kind = fields.String(validate=validate.OneOf([CERTIFICATES, CERTIFICATIONS]))
    certifications = fields.List(fields.Integer(strict=True))


class CertificationFixture(FixtureSchema):
    id = fields.Integer(strict=True, required=True)
    name = fields.String(required=True)
    description = fields.String(allow_none=True)
    requires_valid_until = fields.Boolean()
    verified = fields.Boolean()


class UserFixture(FixtureSchema):
    email = fields.Email(required=True)
    external_id = fields.String(allow_none=True)
    name = fields.String(allow_none=True)


class PartnerFixture(FixtureSchema):
    id = fields.String(required=True, validate=validate.Length(min=1))
    name = fields.String()
    domain = fields.String()
    api_keys = fields.List(fields.Nested(ApiKeyFixture), required=True)
    certifications = fields.List(fields.Nested(CertificationFixture))
    users = fields.List(fields.Nested(UserFixture))


class LimitsFixture(FixtureSchema):
    certificate_posts = fields.Nested(QuotaFixture)
    requests = fields.Nested(QuotaFixture)


class SpringestFixtures(FixtureSchema):
    limits = fields.Nested(LimitsFixture)
    partners = fields.List(fields.Nested(PartnerFixture), required=True)
