"""Accredible's request rules as marshmallow schemas, with Rails' messages ("can't be blank").

Field names, enums and required fields come from Accredible's OpenAPI document (see
FIDELITY.md); the document flattens nested fields (`recipient.name`), the schemas nest them as
the request bodies do. Unknown fields are dropped, as Rails' strong parameters drop them.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate

from mockserver.core.errors import ApiError, ValidationFailed, flatten_marshmallow
from mockserver.core.text import ascii_digits

BLANK = "can't be blank"
INVALID = "is invalid"
NOT_IN_LIST = "is not included in the list"
MESSAGES = {"required": BLANK, "null": BLANK, "invalid": INVALID}

EVIDENCE_CATEGORIES = ("file", "url", "video", "grade", "transcript")
RELATIONSHIPS = (
    "taught",
    "managed",
    "mentored",
    "worked",
    "studied",
    "friends",
    "stranger",
    "professor",
)
DESIGN_KINDS = ("certificate", "badge")
ORIENTATIONS = ("landscape", "portrait")
PAPER_SIZES = ("us-letter", "a4")
ATTRIBUTE_KINDS = ("text", "date", "email", "image")
EXPORT_ENTITIES = ("organizations", "credentials", "credential_analytics", "groups", "designs")
ROLES = ("editor", "viewer")
LANGUAGES = (
    "en",
    "es",
    "vi",
    "pt",
    "ja",
    "fr",
    "da",
    "nl",
    "fi",
    "no",
    "nb",
    "ro",
    "sv",
    "th",
    "tw",
    "zh",
    "tr",
    "ar",
    "he",
    "ms",
    "de",
)
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DMY_DATE = re.compile(r"^\d{2}/\d{2}/\d{4}$")


def parse_date(value: str) -> date:
    """YYYY-MM-DD, or the deprecated DD/MM/YYYY still accepted; ValueError otherwise."""
    text = value.strip()
    if _ISO_DATE.match(text):
        return date.fromisoformat(text)
    if _DMY_DATE.match(text):
        day, month, year = text.split("/")
        return date(int(year), int(month), int(day))
    raise ValueError(text)


def date_param(source: dict[str, Any], name: str) -> str | None:
    """A date filter of a list or search as YYYY-MM-DD; 400 when it is not a date."""
    raw = source.get(name)
    if raw in (None, ""):
        return None
    text = str(raw)
    if re.match(r"^\d{4}/\d{2}/\d{2}$", text):  # analytics' deprecated YYYY/MM/DD
        text = text.replace("/", "-")
    try:
        return parse_date(text).isoformat()
    except ValueError as exc:
        raise ApiError(400, "bad_request", f"{name} must be a date (YYYY-MM-DD)") from exc


class DateText(fields.Field):
    """A date in either accepted format, stored as YYYY-MM-DD."""

    default_error_messages = {"invalid": "is not a valid date"}

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> str:
        if not isinstance(value, str):
            raise self.make_error("invalid")
        try:
            return parse_date(value).isoformat()
        except ValueError as exc:
            raise self.make_error("invalid") from exc


class Identifier(fields.Field):
    """An id clients send as a string or a number; kept as a string."""

    default_error_messages = {"invalid": INVALID}

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> str:
        if isinstance(value, bool) or not isinstance(value, (str, int)):
            raise self.make_error("invalid")
        text = str(value).strip()
        if not text or len(text) > 255:
            raise self.make_error("invalid")
        return text


class IntegerId(fields.Field):
    """A numeric id that may arrive as "123"."""

    default_error_messages = {"invalid": INVALID}

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> int:
        if isinstance(value, bool):
            raise self.make_error("invalid")
        if isinstance(value, int) and 0 < value < 2**53:
            return value
        if isinstance(value, float) and value.is_integer() and 0 < value < 2**53:
            return int(value)
        if isinstance(value, str) and ascii_digits(value.strip()) and len(value.strip()) < 16:
            return int(value.strip())
        raise self.make_error("invalid")


class Scalar(fields.Field):
    """A string or number kept as given (grades, group names or ids)."""

    default_error_messages = {"invalid": INVALID}

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> Any:
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            raise self.make_error("invalid")
        return value


class StrictBoolean(fields.Field):
    """true or false only: a JSON API's boolean is not "yes" or 1."""

    default_error_messages = {"invalid": INVALID}

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> bool:
        if not isinstance(value, bool):
            raise self.make_error("invalid")
        return value


class StrictNumber(fields.Field):
    """A JSON number (not a numeric string)."""

    default_error_messages = {"invalid": INVALID}

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> float | int:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise self.make_error("invalid")
        if value != value or value in (float("inf"), float("-inf")):
            raise self.make_error("invalid")
        return value


def _str(required: bool = False, **kwargs: Any) -> fields.String:
    """A string; a required one must not be blank either (Rails' presence validation)."""
    if required:
        checks = kwargs.pop("validate", None)
        checks = list(checks) if isinstance(checks, list | tuple) else [checks] if checks else []
        kwargs["validate"] = [validate.Length(min=1, error=BLANK), *checks]
    return fields.String(
        required=required, allow_none=not required, error_messages=MESSAGES, **kwargs
    )


def _choice(options: tuple[str, ...], required: bool = False) -> fields.String:
    return _str(required, validate=validate.OneOf(options, error=NOT_IN_LIST))


def _bool(required: bool = False) -> StrictBoolean:
    return StrictBoolean(required=required, allow_none=not required, error_messages=MESSAGES)


def _dict() -> fields.Dict:
    return fields.Dict(keys=fields.String(), allow_none=True, error_messages=MESSAGES)


def _int_id(required: bool = False) -> IntegerId:
    return IntegerId(required=required, allow_none=not required, error_messages=MESSAGES)


def _number() -> StrictNumber:
    return StrictNumber(allow_none=True, error_messages=MESSAGES)


class Base(Schema):
    class Meta:
        unknown = EXCLUDE


class RecipientSchema(Base):
    name = _str()
    email = fields.Email(allow_none=True, error_messages=MESSAGES)
    phone_number = _str()
    id = Identifier(allow_none=True, error_messages=MESSAGES)
    meta_data = _dict()


class EvidenceItemSchema(Base):
    description = _str(required=True)
    category = _choice(EVIDENCE_CATEGORIES, required=True)
    url = _str()
    file = _str()
    string_object = fields.Raw(allow_none=True)
    preview = _str()
    position = _number()
    custom_insight = _str()
    hidden = _bool()


class RefereeSchema(Base):
    name = _str()
    email = _str()
    avatar = _str()
    url = _str()


class ReferenceSchema(Base):
    description = _str(required=True)
    relationship = _choice(RELATIONSHIPS, required=True)
    referee = fields.Nested(RefereeSchema, allow_none=True, error_messages=MESSAGES)
    position = _number()


class CredentialSchema(Base):
    id = Identifier(allow_none=True, error_messages=MESSAGES)
    recipient = fields.Nested(RecipientSchema, allow_none=True, error_messages=MESSAGES)
    group_id = Scalar(allow_none=True, error_messages=MESSAGES)
    group_name = _str()
    name = _str()
    description = _str()
    course_link = _str()
    grade = Scalar(allow_none=True, error_messages=MESSAGES)
    custom_attributes = _dict()
    issued_on = DateText(allow_none=True)
    expired_on = DateText(allow_none=True)
    complete = _bool()
    private = _bool()
    approve = _bool()
    allow_supplemental_evidence = _bool()
    allow_supplemental_references = _bool()
    evidence_items = fields.List(
        fields.Nested(EvidenceItemSchema), allow_none=True, error_messages=MESSAGES
    )
    references = fields.List(
        fields.Nested(ReferenceSchema), allow_none=True, error_messages=MESSAGES
    )
    meta_data = _dict()


class CollectionRefSchema(Base):
    id = Identifier(required=True, error_messages=MESSAGES)


class GroupSchema(Base):
    name = _str(required=True)
    course_name = _str(required=True)
    course_description = _str(required=True)
    course_link = _str()
    language = _choice(LANGUAGES)
    attach_pdf = _bool()
    blockchain = _bool()
    design_id = _int_id()
    certificate_design_id = _int_id()
    badge_design_id = _int_id()
    primary_design_id = _int_id()
    department_id = _int_id()
    meta_data = _dict()
    learning_outcomes = fields.List(fields.String(), allow_none=True, error_messages=MESSAGES)
    generate_private_credential = _bool()
    auto_expiry = _number()
    signup_url = _str()
    signup_url_show = _bool()
    course_link_show = _bool()
    organization_link_show = _bool()
    allow_duplicate_credentials = _bool()
    skill_category_id = _int_id()
    achievement_type = _str()
    collections = fields.List(
        fields.Nested(CollectionRefSchema), allow_none=True, error_messages=MESSAGES
    )


class DesignSchema(Base):
    name = _str(required=True)
    kind = _choice(DESIGN_KINDS, required=True)
    encoded_content = _str(required=True)
    background_bleeds = _bool()
    orientation = _choice(ORIENTATIONS)
    size = _choice(PAPER_SIZES)
    department_id = _int_id()
    meta_data = _dict()


class DepartmentSchema(Base):
    name = _str(required=True)
    description = _str()
    url = _str(required=True)
    logo = _str(required=True)
    page_banner = _str()
    whitelabel_logo = _str()
    linkedin_company_id = Scalar(allow_none=True, error_messages=MESSAGES)
    meta_data = _dict()
    generate_private_credential = _bool()


class CollectionSchema(Base):
    name = _str(required=True)
    description = _str()
    public = _bool()
    groups = fields.List(
        fields.Nested(CollectionRefSchema), allow_none=True, error_messages=MESSAGES
    )


class AttributeKeySchema(Base):
    name = _str(required=True)
    kind = _choice(ATTRIBUTE_KINDS, required=True)
    department_id = _int_id(required=True)


class DataExportSchema(Base):
    entity = _choice(EXPORT_ENTITIES, required=True)
    department_id = _int_id(required=True)


class PermissionsSchema(Base):
    designs = _bool(required=True)
    emails = _bool(required=True)
    credential_attributes = _bool(required=True)
    analytics = _bool(required=True)
    settings = _bool(required=True)
    role = _choice(ROLES, required=True)
    groups = fields.List(IntegerId(), allow_none=True, error_messages=MESSAGES)


class DepartmentPermissionSchema(Base):
    department_id = _int_id(required=True)
    permissions = fields.Nested(PermissionsSchema, required=True, error_messages=MESSAGES)


class TeamMemberSchema(Base):
    name = _str(required=True)
    email = fields.Email(required=True, error_messages=MESSAGES)
    department_permissions = fields.List(
        fields.Nested(DepartmentPermissionSchema),
        required=True,
        validate=validate.Length(min=1, error=BLANK),
        error_messages=MESSAGES,
    )


class DepartmentPermissionsSchema(Base):
    """A team member's permissions on their own, always loaded whole."""

    department_permissions = fields.List(
        fields.Nested(DepartmentPermissionSchema),
        required=True,
        validate=validate.Length(min=1, error=BLANK),
        error_messages=MESSAGES,
    )


class DesignerSchema(Base):
    design_id = _int_id()
    department_id = _int_id()


class SsoLinkSchema(Base):
    credential_id = Identifier(allow_none=True, error_messages=MESSAGES)
    recipient_id = Identifier(allow_none=True, error_messages=MESSAGES)
    recipient_email = _str()
    group_id = Identifier(allow_none=True, error_messages=MESSAGES)
    wallet_view = _bool()
    embed = _bool()
    redirect_to = _str()


class Paged(Base):
    """Page fields every v1 search takes (read with Rails' to_i by `paging.positive_int`)."""

    page_size = Scalar(allow_none=True)
    page = Scalar(allow_none=True)


class CredentialSearchSchema(Paged):
    """The v1 credential filters (POST /v1/credentials/search, GET /v1/all_credentials)."""

    group_id = Identifier(allow_none=True)
    email = _str()
    recipient_id = Identifier(allow_none=True)
    license_id = Identifier(allow_none=True)
    recipient_name = _str(data_key="recipient.name")
    recipient_email = _str(data_key="recipient.email")
    recipient_ref = Identifier(allow_none=True, data_key="recipient.id")
    recipient_meta_data = fields.Dict(
        keys=fields.String(),
        allow_none=True,
        error_messages=MESSAGES,
        data_key="recipient.meta_data",
    )
    meta_data = _dict()
    start_date = _str()
    end_date = _str()
    start_updated_date = _str()
    end_updated_date = _str()


class GroupSearchSchema(Paged):
    name = _str()
    course_name = _str()
    meta_data = _dict()
    start_updated_date = _str()
    end_updated_date = _str()


class DesignSearchSchema(Paged):
    kind = _str()
    meta_data = _dict()


class DepartmentSearchSchema(Paged):
    name = _str()
    meta_data = _dict()


class AttributeKeySearchSchema(Paged):
    name = _str()
    kind = _str()
    department_id = Identifier(allow_none=True)


class CollectionQuerySchema(Base):
    ids = fields.List(Identifier(), allow_none=True, error_messages=MESSAGES)
    name = _str()
    public = _bool()
    exclusion_list = fields.List(Identifier(), allow_none=True, error_messages=MESSAGES)


class CollectionSearchSchema(Base):
    query = fields.Nested(CollectionQuerySchema, required=True, error_messages=MESSAGES)
    sort = fields.Dict(
        keys=fields.String(), values=fields.String(), allow_none=True, error_messages=MESSAGES
    )
    meta = fields.Dict(keys=fields.String(), allow_none=True, error_messages=MESSAGES)


def search_filters(schema: type[Schema], data: Any) -> dict[str, Any]:
    """A search body checked for types (400 when a filter has the wrong type), returned as
    sent so the filters read their documented names."""
    try:
        load(schema, data)
    except ValidationFailed as failed:
        failed.status = 400
        raise
    return data  # page and page_size are read with Rails' to_i (paging.positive_int)


_SCHEMAS: dict[type[Schema], Schema] = {}


def load(schema: type[Schema], data: Any, partial: bool = False) -> dict[str, Any]:
    """Validate `data`; ValidationFailed with Rails-style `{"field": [messages]}` otherwise.

    `partial` is an update: required fields may be left out but not blanked.
    """
    instance = _SCHEMAS.get(schema)
    if instance is None:
        instance = _SCHEMAS[schema] = schema()
    if not isinstance(data, dict):
        raise ValidationFailed({"base": [INVALID]})
    try:
        return instance.load(data, partial=partial)
    except ValidationError as exc:
        raise ValidationFailed(flatten_marshmallow(exc.messages)) from exc


def wrapped(body: dict[str, Any], key: str) -> Any:
    """The object under a body's wrapper key (`{"group": {...}}`); 422 when it is missing."""
    inner = body.get(key)
    if inner is None:
        raise ValidationFailed({key: [BLANK]})
    if not isinstance(inner, dict):
        raise ValidationFailed({key: [INVALID]})
    return inner
