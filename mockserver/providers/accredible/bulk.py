"""Bulk creation, v1 (up to 100, all or nothing) and v2 (up to 30, per-item results).

v2 reports each item on its own: the credential, an error, or both when the credential was
created but not published for want of credits. The HTTP status sums them up: 200 when every
item was created and published, 422 when none was created, 207 otherwise. Accredible's
documents spell the item error two ways (`errors` with `{property, message}` details in the
examples, `error` with `{property, reason}` in the Errors section); the account's
`v2_error_key` fixture picks one, `errors` by default.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from mockserver.core.errors import ApiError, ValidationFailed
from mockserver.providers.accredible import errors
from mockserver.providers.accredible.accounts import Caller
from mockserver.providers.accredible.credentials import CredentialService, Outcome
from mockserver.providers.accredible.schemas import BLANK, INVALID, NOT_IN_LIST

V1_LIMIT = 100
V2_LIMIT = 30
NOT_VALID = "The credential is not valid"
NOT_PUBLISHED = "The credential was created but not published."
_REASONS = {BLANK: "blank", INVALID: "invalid", NOT_IN_LIST: "inclusion"}


def credential_list(body: dict[str, Any], limit: int) -> list[Any]:
    items = body.get("credentials")
    if items is None or items == []:
        raise ValidationFailed({"credentials": [BLANK]})
    if not isinstance(items, list):
        raise ValidationFailed({"credentials": [INVALID]})
    if len(items) > limit:
        raise errors.unprocessable(
            f"Too many credentials: at most {limit} can be created in one request, "
            f"{len(items)} were sent"
        )
    return items


def _reason(message: str) -> str:
    if message.startswith("has already been taken"):
        return "taken"
    return _REASONS.get(message, "invalid")


def _details(failure: ValidationFailed | ApiError, style: str) -> list[dict[str, str]]:
    if isinstance(failure, ApiError):
        prop = "group_id" if failure.message == errors.INVALID_GROUP else "recipient"
        pairs = [(prop, failure.message)]
    else:
        pairs = [(path, message) for path, found in failure.errors.items() for message in found]
    if style == "error":
        return [{"property": p.replace(".", "_"), "reason": _reason(m)} for p, m in pairs]
    return [{"property": p, "message": m} for p, m in pairs]


def bulk_v2(
    service: CredentialService,
    caller: Caller,
    items: list[Any],
    present: Callable[[dict[str, Any]], dict[str, Any]],
) -> tuple[int, dict[str, Any]]:
    style = caller.account.v2_error_key
    results: list[dict[str, Any]] = []
    created = clean = 0
    for raw in items:
        try:
            outcome: Outcome = service.insert_one(caller, service.validate(caller, raw))
        except (ValidationFailed, ApiError) as failure:
            if isinstance(failure, ApiError) and failure.status != 422:
                raise
            results.append(
                {
                    style: {
                        "code": "credential_invalid",
                        "message": NOT_VALID,
                        "details": _details(failure, style),
                    }
                }
            )
            continue
        created += 1
        entry: dict[str, Any] = {"credential": present(outcome.doc)}
        if outcome.insufficient_credits:
            entry[style] = {"code": "insufficient_credits", "message": NOT_PUBLISHED}
        else:
            clean += 1
        results.append(entry)
    if created == 0:
        status = 422
    elif clean == len(items):
        status = 200
    else:
        status = 207
    return status, {"results": results}
