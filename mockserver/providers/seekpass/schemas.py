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
    overall = fields.Nested(TranscriptOverallSchema, required=True)
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
    if not with_data:
        return Lenient.from_dict(attributes)

    class UniversalAsset(Lenient.from_dict(attributes)):  # type: ignore[misc]
        asset_data = fields.String(
            allow_none=True,
            validate=validate.Regexp(
                r"^(https?://|data:)", error="must be an http(s) URL or a data URL"
            ),
        )

        @validates_schema(skip_on_field_errors=False, pass_original=True)
        def data_url_matches_type(self, data: dict, original: Any, **kwargs: Any) -> None:
            _data_url_matches_type(original)

    return UniversalAsset


def _data_url_matches_type(original: Any) -> None:
    """A data URL must decode, and carry the media type its asset_type names."""
    from mockserver.providers.seekpass.submissions import data_url_media_type, decode_data_url

    if not isinstance(original, dict):
        return
    text = original.get("asset_data")
    if not isinstance(text, str) or not text.startswith("data:"):
        return
    try:
        decode_data_url(text)
    except ValueError as exc:
        raise ValidationError(str(exc), field_name="asset_data") from exc
    expected = ASSET_CONTENT_TYPES.get(str(original.get("asset_type")))
    if expected and data_url_media_type(text) != expected:
        raise ValidationError(
            f"the data URL holds {data_url_media_type(text)}, but asset_type "
            f"{original.get('asset_type')} needs {expected}",
            field_name="asset_data",
        )


def _assets_field(group: str) -> fields.List:
    universal = group == "universal_credential_items"
    return fields.List(
        fields.Nested(_asset_schema(ASSET_GROUPS[group], with_data=universal)),
        validate=validate.Length(max=1, error="at most one asset is allowed")
        if universal
        else None,
    )


def _item_schema(fields_schema: type[Schema], group: str) -> type[Schema]:
    attributes: dict[str, Any] = {
        "credential_id": Text(required=True),
        "fields": fields.Nested(fields_schema, required=True),
    }
    if group in ASSET_GROUPS:
        attributes["assets"] = _assets_field(group)
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


# --- single adds ----------------------------------------------------------------------------


class DigitalIdentityCompleteFieldsSchema(DigitalIdentityFieldsSchema):
    """A single digital identity add needs one whole documented field set: the newer three
    identity_document_* fields, or the older identity_verification_level."""

    NEWER = (
        "identity_document_validity",
        "identity_document_liveness",
        "identity_document_person_match",
    )

    @validates_schema(skip_on_field_errors=False, pass_original=True)
    def one_whole_field_set(self, data: dict, original: Any, **kwargs: Any) -> None:
        if not isinstance(original, dict) or original.get("identity_verification_level"):
            return
        missing = [name for name in self.NEWER if not original.get(name)]
        if missing:
            raise ValidationError(
                {
                    name: ["is required (or give identity_verification_level, the older field set)"]
                    for name in missing
                }
            )


SINGLE_TYPES: dict[str, str] = {
    # path type -> batch group whose item and field rules it shares
    "education": "education_items",
    "microcredential": "microcredential_items",
    "english_proficiency": "english_proficiency_items",
    "digital_identity": "digital_identity",
    "right_to_work": "right_to_work_items",
    "career_history": "career_history",
    "universal_credential": "universal_credential_items",
}
V1_TYPES = (
    "education",
    "english_proficiency",
    "microcredential",
    "digital_identity",
    "right_to_work",
    "career_history",
)
FIELDS_SCHEMAS: dict[str, type[Schema]] = {
    "education": EducationFieldsSchema,
    "microcredential": MicrocredentialFieldsSchema,
    "english_proficiency": EnglishProficiencyFieldsSchema,
    "digital_identity": DigitalIdentityCompleteFieldsSchema,
    "right_to_work": RightToWorkFieldsSchema,
    "career_history": CareerHistoryFieldsSchema,
    "universal_credential": UniversalFieldsSchema,
}
SINGLE_SCOPES = {kind: GROUP_SCOPES[group] for kind, group in SINGLE_TYPES.items()}
# Path below /partner/add/ in redirect URIs (the pages give education, englishProficiency,
# microcredential and batch; the others follow the same camelCase pattern).
REDIRECT_PATHS = {
    "education": "education",
    "microcredential": "microcredential",
    "english_proficiency": "englishProficiency",
    "digital_identity": "digitalIdentity",
    "right_to_work": "rightToWork",
    "career_history": "careerHistory",
    "universal_credential": "universalCredential",
}
V1_DOCUMENT_TYPES = {
    "education": ["pdf", "open_cert", "none"],
    "english_proficiency": ["english_assessment"],
    "microcredential": ["pdf", "png", "jpg", "open_cert", "none"],
    "digital_identity": ["none"],
    "right_to_work": ["none"],
    "career_history": ["none"],
}


def _v2_single_schema(kind: str) -> type[Schema]:
    group = SINGLE_TYPES[kind]
    attributes: dict[str, Any] = {
        "credential_id": Text(required=True),
        "fields": fields.Nested(FIELDS_SCHEMAS[kind], required=True),
        "partner_chain": partner_chain(),
    }
    if group in ASSET_GROUPS:
        attributes["assets"] = _assets_field(group)
    schema = Lenient.from_dict(attributes, name=f"V2{kind}")

    class V2Single(schema):  # type: ignore[misc, valid-type]
        @validates_schema(skip_on_field_errors=False, pass_original=True)
        def assets_only_where_taken(self, data: dict, original: Any, **kwargs: Any) -> None:
            if isinstance(original, dict) and "assets" in original and group not in ASSET_GROUPS:
                raise ValidationError(
                    f"is not accepted for {kind}; only "
                    + ", ".join(k for k, g in SINGLE_TYPES.items() if g in ASSET_GROUPS)
                    + " take assets",
                    field_name="assets",
                )

        @validates_schema(skip_on_field_errors=False, pass_original=True)
        def unique_asset_ids(self, data: dict, original: Any, **kwargs: Any) -> None:
            assets = original.get("assets") if isinstance(original, dict) else None
            seen: dict[str, int] = {}
            found: dict[str, list[str]] = {}
            for index, asset in enumerate(assets if isinstance(assets, list) else []):
                asset_id = asset.get("asset_id") if isinstance(asset, dict) else None
                if not isinstance(asset_id, str) or not asset_id:
                    continue
                if asset_id in seen:
                    found[f"assets[{index}].asset_id"] = [
                        "must be unique within the request; "
                        f"assets[{seen[asset_id]}].asset_id has the same value"
                    ]
                seen.setdefault(asset_id, index)
            raise_if_errors(found)

    return V2Single


V2_SINGLE_SCHEMAS: dict[str, Schema] = {kind: _v2_single_schema(kind)() for kind in SINGLE_TYPES}


class V1DataSchema(Lenient):
    credential = fields.Raw(required=True)
    document = fields.String(allow_none=True)


def _v1_schema(kind: str) -> type[Schema]:
    class V1Single(Lenient):
        id = Text(required=True)
        document_type = fields.String(
            required=True, validate=validate.OneOf(V1_DOCUMENT_TYPES[kind])
        )
        credential_type = fields.String(
            required=True,
            validate=validate.Equal(kind, error=f"must be {kind} (the type in the path)"),
        )
        data = fields.Nested(V1DataSchema, required=True)

        @validates_schema(skip_on_field_errors=False, pass_original=True)
        def credential_and_document(self, data: dict, original: Any, **kwargs: Any) -> None:
            if not isinstance(original, dict) or not isinstance(original.get("data"), dict):
                return
            raise_if_errors(
                v1_data_errors(kind, original.get("document_type"), original["data"], "data")
            )

    return V1Single


def v1_data_errors(kind: str, document_type: Any, data: dict, path: str) -> dict[str, list[str]]:
    """Errors of a v1 `data` object: its credential's fields, and the document rules."""
    from mockserver.core.errors import flatten_marshmallow

    found: dict[str, list[str]] = {}
    credential = data.get("credential")
    if isinstance(credential, dict):
        try:
            FIELDS_INSTANCES[kind].load(credential)
        except ValidationError as exc:
            found.update(flatten_marshmallow(exc.messages, f"{path}.credential"))
    elif credential is not None:
        found[f"{path}.credential"] = ["must be an object"]
    document = data.get("document")
    if document_type == "none" and document is not None:
        found[f"{path}.document"] = ["must be null when document_type is none"]
    if document_type in ("pdf", "png", "jpg", "english_assessment") and document is not None:
        if not isinstance(document, str) or not re.match(r"^https?://", document):
            found[f"{path}.document"] = [
                f"must be a public http(s) URL of the {document_type} file"
            ]
    return found


def raise_if_errors(found: dict[str, list[str]]) -> None:
    if found:
        raise ValidationError(found)


FIELDS_INSTANCES: dict[str, Schema] = {kind: cls() for kind, cls in FIELDS_SCHEMAS.items()}
V1_SCHEMAS: dict[str, Schema] = {kind: _v1_schema(kind)() for kind in V1_TYPES}


class V1BatchCredentialSchema(Lenient):
    id = Text(required=True)
    credential_type = fields.String(required=True, validate=validate.OneOf(list(V1_TYPES)))
    document_type = fields.String(allow_none=True)
    data = fields.Nested(V1DataSchema, required=True)


class V1BatchSchema(Lenient):
    id = Text(required=True)
    credentials = fields.List(
        fields.Nested(V1BatchCredentialSchema),
        required=True,
        validate=validate.Length(min=1, error="must hold at least one credential"),
    )

    @validates_schema(skip_on_field_errors=False, pass_original=True)
    def each_credential(self, data: dict, original: Any, **kwargs: Any) -> None:
        if not isinstance(original, dict) or not isinstance(original.get("credentials"), list):
            return
        found: dict[str, list[str]] = {}
        seen: dict[str, int] = {}
        for index, item in enumerate(original["credentials"]):
            if not isinstance(item, dict):
                continue
            kind = item.get("credential_type")
            if kind in V1_TYPES and isinstance(item.get("data"), dict):
                document_type = item.get("document_type")
                if document_type is not None and document_type not in V1_DOCUMENT_TYPES[kind]:
                    found[f"credentials[{index}].document_type"] = [
                        "Must be one of: " + ", ".join(V1_DOCUMENT_TYPES[kind]) + "."
                    ]
                found.update(
                    v1_data_errors(kind, document_type, item["data"], f"credentials[{index}].data")
                )
            credential_id = item.get("id")
            if isinstance(credential_id, str) and credential_id:
                if credential_id in seen:
                    found[f"credentials[{index}].id"] = [
                        "must be unique within the request; "
                        f"credentials[{seen[credential_id]}].id has the same value"
                    ]
                else:
                    seen[credential_id] = index
        raise_if_errors(found)


def v1_batch_scopes(payload: dict) -> list[str]:
    credentials = payload.get("credentials")
    kinds = [
        item.get("credential_type")
        for item in (credentials if isinstance(credentials, list) else [])
        if isinstance(item, dict) and isinstance(item.get("credential_type"), str)
    ]
    return [SINGLE_SCOPES[kind] for kind in dict.fromkeys(kinds) if kind in V1_TYPES]


# --- verify and webhooks ---------------------------------------------------------------------

HTTP_URL = validate.Regexp(r"^https?://[^\s/]+", error="must be an http(s) URL")


class VerifyRequestSchema(Lenient):
    request_id = Text(allow_none=True)
    callback_url = fields.String(allow_none=True, validate=HTTP_URL)


class WebhookCreateSchema(Lenient):
    name = fields.String(allow_none=True, validate=validate.Length(max=255))
    description = fields.String(allow_none=True, validate=validate.Length(max=1000))
    url = fields.String(required=True, validate=HTTP_URL)


class WebhookUpdateSchema(Lenient):
    name = fields.String(allow_none=True, validate=validate.Length(max=255))
    description = fields.String(allow_none=True, validate=validate.Length(max=1000))
    url = fields.String(validate=HTTP_URL)
