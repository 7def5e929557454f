"""The certificate POST's form fields, with the messages Springest's API uses ("is required",
"should be an email address")."""

from __future__ import annotations

from datetime import date
from typing import Any

from marshmallow import EXCLUDE, Schema, ValidationError, fields, validates_schema

from mockserver.core.errors import ValidationFailed, flatten_marshmallow
from mockserver.core.text import ascii_digits

REQUIRED = "is required"
NOT_INTEGER = "must be an integer"
NOT_DATE = "must be a date (YYYY-MM-DD)"
NOT_EMAIL = "should be an email address"


class IntegerText(fields.Field):
    """A form field holding a whole number."""

    default_error_messages = {"invalid": NOT_INTEGER, "required": REQUIRED, "null": REQUIRED}

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> int:
        text = str(value).strip()
        if not ascii_digits(text) or len(text) > 12:
            raise self.make_error("invalid")
        return int(text)


class DateText(fields.Field):
    """A form field holding a date as YYYY-MM-DD."""

    default_error_messages = {"invalid": NOT_DATE, "required": REQUIRED, "null": REQUIRED}

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> str:
        text = str(value).strip()
        try:
            if len(text) != 10:
                raise ValueError(text)
            return date.fromisoformat(text).isoformat()
        except ValueError as exc:
            raise self.make_error("invalid") from exc


class CertificateForm(Schema):
    class Meta:
        unknown = EXCLUDE

    certification_id = IntegerText(required=True)
    email = fields.Email(required=True, error_messages={"required": REQUIRED, "invalid": NOT_EMAIL})
    valid_from = DateText(required=True)
    valid_until = DateText()
    conversion_id = IntegerText()
    booking_id = IntegerText()

    @validates_schema
    def _order(self, data: dict[str, Any], **kwargs: Any) -> None:
        until, start = data.get("valid_until"), data.get("valid_from")
        if until and start and until < start:
            raise ValidationError("must be on or after valid_from", "valid_until")


_FORM = CertificateForm()


def load_form(form: dict[str, str]) -> dict[str, Any]:
    """Empty fields count as absent, as a Rails form does."""
    data, problems = load_form_partly(form)
    if problems:
        raise ValidationFailed(problems, status=400)
    return data


def load_form_partly(form: dict[str, str]) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """(the fields that are valid, the problems of the others): a request's problems are
    reported all at once, with those only the valid fields let the service find."""
    present = {key: value for key, value in form.items() if str(value).strip() != ""}
    try:
        data = _FORM.load(present)
    except ValidationError as exc:
        valid = exc.valid_data if isinstance(exc.valid_data, dict) else {}
        return _booking_as_conversion(dict(valid)), flatten_marshmallow(exc.messages)
    return _booking_as_conversion(data), {}


def _booking_as_conversion(data: dict[str, Any]) -> dict[str, Any]:
    """`booking_id` is the name another version of the article uses for `conversion_id`."""
    if "booking_id" in data and "conversion_id" not in data:
        data["conversion_id"] = data["booking_id"]
    data.pop("booking_id", None)
    return data
