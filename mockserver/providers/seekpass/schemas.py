"""SEEK Pass validation rules as marshmallow schemas.

Field names, required flags, enums and formats come from SEEK Pass's field-description pages
and the batch page (see FIDELITY.md for each source). Unknown properties are ignored, as the
Rails strong-parameters style API does; every error names its field path and rule.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate, validates_schema

# Which OAuth scope each batch group needs, and which groups may carry assets.
GROUP_SCOPES: dict[str, str] = {
    "digital_identity": "write.digital_identity",
    "education_items": "write.education",
    "microcredential_items": "write.microcredential",
    "english_proficiency_items": "write.english_proficiency",
    "right_to_work_items": "write.right_to_work",
    "career_history": "write.career_history",
    "universal_credential_items": "write.universal",
}
SINGLE_GROUPS = ("digital_identity", "career_history")
# Order of the groups in `asset_uploads`, as the batch page's sample response lists them.
ASSET_GROUPS: dict[str, tuple[str, ...]] = {
    "education_items": ("pdf", "open_cert"),
    "microcredential_items": ("pdf", "jpg", "png", "open_cert"),
    "english_proficiency_items": ("pdf",),
    "universal_credential_items": ("pdf", "jpg", "png"),
}
ASSET_CONTENT_TYPES = {
    "pdf": "application/pdf",
    "jpg": "image/jpeg",
    "png": "image/png",
    # OpenCerts certificates are JSON documents (.opencert); see FIDELITY.md.
    "open_cert": "application/json",
}
ALL_SCOPES = tuple(sorted(set(GROUP_SCOPES.values()) | {"read.digital_identity"}))


class Text(fields.String):
    """A string that is present and not blank (holds a character `\\S` matches)."""

    default_error_messages = {"blank": "can't be blank"}

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        text = super()._deserialize(value, attr, data, **kwargs)
        if not re.search(r"\S", text):
            raise self.make_error("blank")
        return text


class StrictBoolean(fields.Boolean):
    """JSON true or false only; "true", 1 and "yes" are refused."""

    default_error_messages = {"invalid": "must be true or false"}

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> bool:
        if not isinstance(value, bool):
            raise self.make_error("invalid")
        return value


class FormattedDate(fields.String):
    """A date string in one of the given formats; kept as the client sent it."""

    default_error_messages = {"format": "must be a date in {label} format"}

    def __init__(self, *formats: str, label: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.formats = formats or ("%Y-%m-%d",)
        self.label = label

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        text = super()._deserialize(value, attr, data, **kwargs)
        for fmt in self.formats:
            pattern = (
                fmt.replace("%Y", r"[1-9]\d{3}").replace("%m", r"\d{2}").replace("%d", r"\d{2}")
            )
            if re.fullmatch(pattern, text):
                try:
                    datetime.strptime(text, fmt)
                except ValueError:
                    continue
                return text
        raise self.make_error("format", label=self.label)


def Date(**kwargs: Any) -> FormattedDate:  # noqa: N802 - reads like a field class
    return FormattedDate("%Y-%m-%d", label="YYYY-MM-DD", **kwargs)


def YearMonth(**kwargs: Any) -> FormattedDate:  # noqa: N802
    return FormattedDate("%Y-%m", label="YYYY-MM", **kwargs)


class Lenient(Schema):
    class Meta:
        unknown = EXCLUDE


class PartnerSchema(Lenient):
    name = Text(required=True)


def partner_chain() -> fields.List:
    return fields.List(fields.Nested(PartnerSchema), allow_none=True)


# --- per-kind fields ---------------------------------------------------------------------


class TranscriptOverallSchema(Lenient):
    issuance_date = Date(required=True)
    score = fields.Raw(allow_none=True)


class TranscriptSubjectSchema(Lenient):
    name = Text(required=True)
    code = Text(required=True)
    credit = fields.Raw(allow_none=True)
    score = fields.Raw(allow_none=True)
    grade = Text(required=True)
    completion_date = FormattedDate("%Y", "%Y-%m-%d", label="YYYY or YYYY-MM-DD", required=True)


class TranscriptSchema(Lenient):
    overall = fields.Nested(TranscriptOverallSchema)
    subjects = fields.List(fields.Nested(TranscriptSubjectSchema), required=True)


class EducationFieldsSchema(Lenient):
    full_name = Text(required=True)
    education_provider = Text(required=True)
    course_name = Text(required=True)
    conferral_year = FormattedDate("%Y", label="YYYY", allow_none=True)
    awaiting_graduation = StrictBoolean()
    has_majors = StrictBoolean()
    majors = fields.List(Text())
    with_honours = StrictBoolean()
    transcript = fields.Nested(TranscriptSchema, allow_none=True)
    partner_chain = partner_chain()

    @validates_schema(skip_on_field_errors=False, pass_original=True)
    def conferral_year_unless_awaiting(self, data: dict, original: Any, **kwargs: Any) -> None:
        if not isinstance(original, dict):
            return
        if original.get("awaiting_graduation") is True:
            return
        if original.get("conferral_year") in (None, ""):
            raise ValidationError(
                "is required unless awaiting_graduation is true", field_name="conferral_year"
            )


class MicrocredentialFieldsSchema(Lenient):
    full_name = Text(required=True)
    issuer_name = Text(required=True)
    microcredential_name = Text(required=True)
    issue_date = Date(required=True)
    expiry_date = Date(allow_none=True)
    assessment_result = fields.String(allow_none=True)
    partner_chain = partner_chain()


class CefrScoresSchema(Lenient):
    combined = fields.String(allow_none=True)
    reading = fields.String(allow_none=True)
    listening = fields.String(allow_none=True)
    speaking = fields.String(allow_none=True)
    writing = fields.String(allow_none=True)


class OverallScoreSchema(Lenient):
    score = Text(required=True)
    scale = Text(required=True)


class SubskillSchema(Lenient):
    skill = Text(required=True)
    score = Text(required=True)


class TestScoresSchema(Lenient):
    cefr_scores = fields.Nested(CefrScoresSchema, required=True)
    overall = fields.Nested(OverallScoreSchema, required=True)
    subskills = fields.List(fields.Nested(SubskillSchema))


class EnglishProficiencyFieldsSchema(Lenient):
    full_name = Text(required=True)
    test_provider = Text(required=True)
    test_name = Text(required=True)
    completion_date = Date(required=True)
    expiry_date = Date(allow_none=True)
    test_scores = fields.Nested(TestScoresSchema, required=True)
    partner_chain = partner_chain()


class DigitalIdentityFieldsSchema(Lenient):
    """Both documented field sets are accepted; each is validated when present."""

    full_name = Text(required=True)
    date_of_birth = Date(allow_none=True)
    identity_document_validity = fields.String(
        validate=validate.OneOf(["manual", "government_database", "verifiable_credential"])
    )
    identity_document_liveness = fields.String(validate=validate.OneOf(["automated", "in_person"]))
    identity_document_person_match = fields.String(
        validate=validate.OneOf(["manual", "automated", "government_database"])
    )
    identity_verification_level = fields.String(validate=validate.OneOf(["basic", "standard"]))
    partner_chain = partner_chain()


class RightToWorkFieldsSchema(Lenient):
    full_name = Text(required=True)
    country = fields.String(
        required=True,
        validate=validate.Regexp(r"^[A-Z]{2}$", error="must be an ISO 3166-1 alpha-2 code"),
    )
    singapore_work_rights = Text(allow_none=True)
    partner_chain = partner_chain()

    @validates_schema(skip_on_field_errors=False, pass_original=True)
    def singapore_needs_work_rights(self, data: dict, original: Any, **kwargs: Any) -> None:
        if isinstance(original, dict) and original.get("country") == "SG":
            if original.get("singapore_work_rights") in (None, ""):
                raise ValidationError(
                    "is required when country is SG", field_name="singapore_work_rights"
                )


class EmploymentSchema(Lenient):
    organisation = Text(required=True)
    role_title = Text(allow_none=True)
    role_classification = Text(allow_none=True)
    start_date = YearMonth(required=True)
    end_date = YearMonth(allow_none=True)
    last_processed_month = YearMonth(required=True)

    @validates_schema(skip_on_field_errors=False, pass_original=True)
    def title_or_classification(self, data: dict, original: Any, **kwargs: Any) -> None:
        if not isinstance(original, dict):
            return
        if not original.get("role_title") and not original.get("role_classification"):
            raise ValidationError(
                "role_title or role_classification is required", field_name="role_title"
            )


class CareerHistoryFieldsSchema(Lenient):
    full_name = Text(required=True)
    employment = fields.List(
        fields.Nested(EmploymentSchema),
        required=True,
        validate=validate.Length(min=1, error="must list at least one employment"),
    )
    partner_chain = partner_chain()


class UniversalFieldsSchema(Lenient):
    """The current page's fields, with the seed's older `credential_sub_type`/`issue_date`."""

    full_name = Text(required=True)
    credential_name = Text(required=True)
    credential_category = Text()
    credential_sub_type = Text()
    issuer_name = Text(required=True)
    issue_date = Date(allow_none=True)
    expiry_date = Date(allow_none=True)
    credential_details = fields.Dict(allow_none=True)
    partner_chain = partner_chain()

    @validates_schema(skip_on_field_errors=False, pass_original=True)
    def category_named(self, data: dict, original: Any, **kwargs: Any) -> None:
        if not isinstance(original, dict):
            return
        if not original.get("credential_category") and not original.get("credential_sub_type"):
            raise ValidationError(
                "is required (the older credential_sub_type is accepted in its place)",
                field_name="credential_category",
            )


# --- items and assets ----------------------------------------------------------------------


def _asset_schema(types: tuple[str, ...], with_data: bool = False) -> type[Schema]:
    attributes: dict[str, Any] = {
        "asset_id": Text(required=True),
        "asset_type": fields.String(required=True, validate=validate.OneOf(list(types))),
    }
    if with_data:
        attributes["asset_data"] = fields.String(
            allow_none=True,
            validate=validate.Regexp(
                r"^(https?://|data:)", error="must be an http(s) URL or a data URL"
            ),
        )
    return Lenient.from_dict(attributes)


def _item_schema(fields_schema: type[Schema], group: str) -> type[Schema]:
    attributes: dict[str, Any] = {
        "credential_id": Text(required=True),
        "fields": fields.Nested(fields_schema, required=True),
    }
    if group in ASSET_GROUPS:
        universal = group == "universal_credential_items"
        attributes["assets"] = fields.List(
            fields.Nested(_asset_schema(ASSET_GROUPS[group], with_data=universal)),
            validate=validate.Length(max=1, error="at most one asset is allowed")
            if universal
            else None,
        )
    return Lenient.from_dict(attributes, name=f"{group}Item")


ITEM_SCHEMAS: dict[str, type[Schema]] = {
    "digital_identity": _item_schema(DigitalIdentityFieldsSchema, "digital_identity"),
    "education_items": _item_schema(EducationFieldsSchema, "education_items"),
    "microcredential_items": _item_schema(MicrocredentialFieldsSchema, "microcredential_items"),
    "english_proficiency_items": _item_schema(
        EnglishProficiencyFieldsSchema, "english_proficiency_items"
    ),
    "right_to_work_items": _item_schema(RightToWorkFieldsSchema, "right_to_work_items"),
    "career_history": _item_schema(CareerHistoryFieldsSchema, "career_history"),
    "universal_credential_items": _item_schema(UniversalFieldsSchema, "universal_credential_items"),
}


def _group_field(group: str) -> fields.Field:
    nested = fields.Nested(ITEM_SCHEMAS[group])
    return nested if group in SINGLE_GROUPS else fields.List(nested)


class BatchSchema(Lenient.from_dict({g: _group_field(g) for g in GROUP_SCOPES})):  # type: ignore[misc]
    credential_id = Text(required=True)

    @validates_schema(skip_on_field_errors=False, pass_original=True)
    def batch_rules(self, data: dict, original: Any, **kwargs: Any) -> None:
        if not isinstance(original, dict):
            return
        errors: dict[str, list[str]] = {}
        items = list(iter_items(original))
        if not items:
            errors["credential_id"] = [
                "the batch holds no credentials: give at least one of " + ", ".join(GROUP_SCOPES)
            ]
        seen_credentials: dict[str, str] = {}
        seen_assets: dict[str, str] = {}
        for path, group, item in items:
            credential_id = item.get("credential_id")
            if isinstance(credential_id, str) and credential_id:
                if credential_id in seen_credentials:
                    errors.setdefault(f"{path}.credential_id", []).append(
                        f"must be unique within the request; "
                        f"{seen_credentials[credential_id]}.credential_id has the same value"
                    )
                else:
                    seen_credentials[credential_id] = path
            assets = item.get("assets")
            if assets is not None and group not in ASSET_GROUPS:
                errors.setdefault(f"{path}.assets", []).append(
                    f"is not accepted for {group}; only " + ", ".join(ASSET_GROUPS) + " take assets"
                )
                continue
            for index, asset in enumerate(assets if isinstance(assets, list) else []):
                asset_id = asset.get("asset_id") if isinstance(asset, dict) else None
                if not isinstance(asset_id, str) or not asset_id:
                    continue
                asset_path = f"{path}.assets[{index}]"
                if asset_id in seen_assets:
                    errors.setdefault(f"{asset_path}.asset_id", []).append(
                        f"must be unique within the request; "
                        f"{seen_assets[asset_id]}.asset_id has the same value"
                    )
                else:
                    seen_assets[asset_id] = asset_path
        if errors:
            raise ValidationError(errors)


def iter_items(payload: dict) -> Any:
    """(path, group, item) for every credential object in a batch payload, in group order."""
    for group in GROUP_SCOPES:
        value = payload.get(group)
        if group in SINGLE_GROUPS:
            if isinstance(value, dict):
                yield group, group, value
        elif isinstance(value, list):
            for index, item in enumerate(value):
                if isinstance(item, dict):
                    yield f"{group}[{index}]", group, item


class StatusQuerySchema(Lenient):
    ids = fields.List(
        Text(),
        required=True,
        validate=validate.Length(min=1, max=30, error="must list between 1 and 30 ids"),
    )
