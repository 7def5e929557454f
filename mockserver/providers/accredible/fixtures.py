"""The shape of `fixtures/accredible.yaml`: issuer accounts, their keys and the records
(departments, designs, groups, attribute keys) written into the store at start.

Records take the fields the API takes for that kind (the API's own schemas, with the `id` the
fixture fixes), so a fixture can hold nothing the API could not have made."""

from __future__ import annotations

from marshmallow import RAISE, fields, validate

from mockserver.core.fixture_files import FixtureSchema, QuotaFixture
from mockserver.providers.accredible import schemas

_ID = {"strict": True, "required": True}


class _Record:
    class Meta:
        unknown = RAISE


class IssuerFixture(FixtureSchema):
    id = fields.Integer(strict=True)
    name = fields.String()
    description = fields.String(allow_none=True)
    url = fields.String(allow_none=True)
    email = fields.String(allow_none=True)
    language = fields.String(allow_none=True)
    spiderable = fields.Boolean(allow_none=True)
    whitelisted_domain = fields.String(allow_none=True)
    linkedin_company_id = fields.Raw(allow_none=True)
    linkedin_school_id = fields.Raw(allow_none=True)


class ApiKeyFixture(FixtureSchema):
    key = fields.String(required=True, validate=validate.Length(min=1))
    department_id = fields.Integer(strict=True, allow_none=True)


class DepartmentFixture(_Record, schemas.DepartmentSchema):
    id = fields.Integer(**_ID)
    url = fields.String(allow_none=True)
    logo = fields.String(allow_none=True)


class DesignFixture(_Record, schemas.DesignSchema):
    id = fields.Integer(**_ID)
    encoded_content = fields.String(allow_none=True)


class GroupFixture(_Record, schemas.GroupSchema):
    id = fields.Integer(**_ID)
    # Sandbox-only: the chain v2 blockchain data answers for (the API never shows it).
    blockchain_chain = fields.String(validate=validate.OneOf(["bitcoin", "ethereum"]))
    course_name = fields.String(allow_none=True)
    course_description = fields.String(allow_none=True)


class AttributeKeyFixture(_Record, schemas.AttributeKeySchema):
    id = fields.Integer(**_ID)


class SkillCategoryFixture(FixtureSchema):
    id = fields.Integer(**_ID)
    name = fields.String(required=True)


class AccountFixture(FixtureSchema):
    id = fields.String(required=True, validate=validate.Length(min=1))
    issuer = fields.Nested(IssuerFixture)
    credits = fields.Integer(strict=True, validate=validate.Range(min=0))
    sandbox_mode = fields.Boolean()
    export_seconds = fields.Float(validate=validate.Range(min=0))
    v1_bulk_response = fields.String(validate=validate.OneOf(["credentials", "array"]))
    v2_error_key = fields.String(validate=validate.OneOf(["errors", "error"]))
    api_keys = fields.List(fields.Nested(ApiKeyFixture), required=True)
    departments = fields.List(fields.Nested(DepartmentFixture))
    designs = fields.List(fields.Nested(DesignFixture))
    skill_categories = fields.List(fields.Nested(SkillCategoryFixture))
    groups = fields.List(fields.Nested(GroupFixture))
    attribute_keys = fields.List(fields.Nested(AttributeKeyFixture))


class AccredibleFixtures(FixtureSchema):
    rate_limit = fields.Nested(QuotaFixture)
    search_v1_rate_limit = fields.Nested(QuotaFixture)
    accounts = fields.List(fields.Nested(AccountFixture), required=True)
