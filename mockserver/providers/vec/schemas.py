"""VEC's validation rules with Laravel's messages ("The full name field is required.").

Field limits and formats are from VEC's API reference (see FIDELITY.md); the sentences follow
Laravel's validator, which the API's 422 bodies show.
"""

from __future__ import annotations

from typing import Any

from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate

STATUSES = ("pending", "processing", "generated", "failed", "revoked")
BATCH_STATUSES = (
    "pending",
    "processing",
    "waiting_for_approval",
    "completed",
    "partially_completed",
    "failed",
)
SORT_FIELDS = ("name", "email", "status", "issue_date", "generated_at", "created_at", "updated_at")
ALLOWED_EXTENSIONS = ("pdf", "jpg", "jpeg", "png")
ALLOWED_MEDIA_TYPES = ("application/pdf", "image/jpeg", "image/png")
MAX_FILE_KILOBYTES = 20480


def _label(name: str) -> str:
    return name.replace("_", " ")


def _text(name: str, max_length: int, required: bool = False) -> fields.String:
    label = _label(name)
    return fields.String(
        required=required,
        allow_none=not required,
        validate=validate.Length(
            max=max_length,
            error=f"The {label} field must not be greater than {max_length} characters.",
        ),
        error_messages={
            "required": f"The {label} field is required.",
            "null": f"The {label} field is required.",
            "invalid": f"The {label} field must be a string.",
        },
    )


def _email(name: str, required: bool = False) -> fields.Email:
    label = _label(name)
    return fields.Email(
        required=required,
        allow_none=not required,
        validate=validate.Length(
            max=255, error=f"The {label} field must not be greater than 255 characters."
        ),
        error_messages={
            "required": f"The {label} field is required.",
            "null": f"The {label} field is required.",
            "invalid": f"The {label} field must be a valid email address.",
        },
    )


def _date(name: str) -> fields.Date:
    return fields.Date(
        format="%Y-%m-%d",
        allow_none=True,
        error_messages={"invalid": f"The {_label(name)} field must match the format Y-m-d."},
    )


def _uuid(name: str, required: bool = False) -> fields.UUID:
    label = _label(name)
    return fields.UUID(
        required=required,
        allow_none=not required,
        error_messages={
            "required": f"The {label} field is required.",
            "null": f"The {label} field is required.",
            "invalid_uuid": f"The {label} field must be a valid UUID.",
            "invalid": f"The {label} field must be a valid UUID.",
        },
    )


def _integer(name: str, minimum: int, maximum: int | None = None) -> fields.Integer:
    label = _label(name)
    checks = [validate.Range(min=minimum, error=f"The {label} field must be at least {minimum}.")]
    if maximum is not None:
        checks.append(
            validate.Range(
                max=maximum, error=f"The {label} field must not be greater than {maximum}."
            )
        )
    return fields.Integer(
        strict=False,
        allow_none=True,
        validate=checks,
        error_messages={"invalid": f"The {label} field must be an integer."},
    )


def _choice(name: str, choices: tuple[str, ...]) -> fields.String:
    return fields.String(
        allow_none=True,
        validate=validate.OneOf(choices, error=f"The selected {_label(name)} is invalid."),
    )


class Lenient(Schema):
    class Meta:
        unknown = EXCLUDE


class VaultEntrySchema(Lenient):
    certificate_title = _text("certificate_title", 255, required=True)
    full_name = _text("full_name", 255, required=True)
    applicant_email = _email("applicant_email", required=True)
    file_id = _uuid("file_id", required=True)
    issue_date = _date("issue_date")
    details = _text("details", 1000)


class VaultSingleSchema(Lenient):
    certificate_title = _text("certificate_title", 255, required=True)
    full_name = _text("full_name", 255, required=True)
    applicant_email = _email("applicant_email", required=True)
    issue_date = _date("issue_date")
    details = _text("details", 1000)


class PageQuerySchema(Lenient):
    per_page = _integer("per_page", 1, 100)
    page = _integer("page", 1)
    search = fields.String(allow_none=True)


class VaultListQuerySchema(PageQuerySchema):
    status = _choice("status", STATUSES)
    applicant_email = _email("applicant_email")
    batch_id = _uuid("batch_id")


class BatchListQuerySchema(PageQuerySchema):
    status = _choice("status", BATCH_STATUSES)


class CertificateListQuerySchema(PageQuerySchema):
    sort_field = _choice("sort_field", SORT_FIELDS)
    sort_order = _choice("sort_order", ("asc", "desc"))
    batch_id = _uuid("batch_id")
    customer_id = _integer("customer_id", 1)
    status = _choice("status", STATUSES)
    issue_date_from = _date("issue_date_from")
    issue_date_to = _date("issue_date_to")
    generated_at_from = _date("generated_at_from")
    generated_at_to = _date("generated_at_to")


class BatchFormSchema(Lenient):
    name = _text("name", 255, required=True)
    template_id = _uuid("template_id", required=True)


def load(schema: Schema, data: dict[str, Any]) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """(valid data, Laravel-style errors keyed by field, or {}).

    Empty strings count as absent, as Laravel's ConvertEmptyStringsToNull middleware makes them.
    """
    data = {key: (None if value == "" else value) for key, value in data.items()}
    try:
        return schema.load(data), {}
    except ValidationError as exc:
        return {}, {
            str(name): list(messages) if isinstance(messages, list) else [str(messages)]
            for name, messages in exc.messages.items()
        }


PAGE_QUERY = PageQuerySchema()
VAULT_ENTRY = VaultEntrySchema()
VAULT_SINGLE = VaultSingleSchema()
VAULT_LIST_QUERY = VaultListQuerySchema()
BATCH_LIST_QUERY = BatchListQuerySchema()
CERTIFICATE_LIST_QUERY = CertificateListQuerySchema()
BATCH_FORM = BatchFormSchema()
