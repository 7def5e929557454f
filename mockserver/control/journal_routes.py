"""`/_mock/requests`: the request journal, for people (newest first) and for tests that verify
what a client sent (`count`, `find`), and the requests that matched no route."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import Blueprint, Response, current_app, jsonify, request

from mockserver.core.errors import ApiError
from mockserver.core.journal import Journal
from mockserver.core.matchers import check_body_matcher, check_header_matcher
from mockserver.core.pipeline import add_hints

CRITERIA = (
    "provider",
    "method",
    "path",
    "path_contains",
    "status",
    "tenant",
    "scenario",
    "fault",
    "unmatched",
    "since",
    "body_contains",
    "request_id",
    "match_headers",
    "match_body",
    "header",
)


def _journal() -> Journal:
    return current_app.extensions["mockserver"].journal


def _criteria(source: dict[str, Any]) -> dict[str, Any]:
    unknown = sorted(set(source) - set(CRITERIA) - {"limit"})
    if unknown:
        raise ApiError(400, "bad_request", f"unknown criteria {unknown}; known: {list(CRITERIA)}")
    criteria = {key: source[key] for key in CRITERIA if key in source}
    if criteria.get("since") not in (None, ""):
        criteria["since"] = _since(criteria["since"])
    if criteria.get("status") not in (None, ""):
        _check_status(criteria["status"])
    try:
        if "header" in criteria:  # a query string's form: header=Name:value
            name, sep, value = str(criteria.pop("header")).partition(":")
            if not sep or not name.strip():
                raise ValueError("header must be Name:value, e.g. header=X-Request-Id:abc")
            criteria["match_headers"] = {name.strip(): value.strip()}
        if "match_headers" in criteria:
            criteria["match_headers"] = check_header_matcher(criteria["match_headers"])
        if "match_body" in criteria:
            criteria["match_body"] = check_body_matcher(criteria["match_body"])
    except ValueError as exc:
        raise ApiError(400, "bad_request", str(exc)) from exc
    return criteria


def _since(raw: Any) -> int | float:
    """A journal id (entries after it) or an RFC 3339 time (entries at or after it)."""
    text = str(raw).strip()
    if not isinstance(raw, bool) and text.isdigit() and len(text) < 19:
        return int(text)
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise ApiError(
            400,
            "bad_request",
            f"since must be a journal id (a whole number) or an RFC 3339 time with a zone, "
            f"such as 2026-01-01T00:00:00Z; not {text[:60]!r}",
        )
    return moment.timestamp()


def _check_status(raw: Any) -> None:
    text = str(raw).strip().lower()
    exact = text.isdigit() and 100 <= int(text) <= 599
    if not (exact or (len(text) == 3 and text[0] in "12345" and text[1:] == "xx")):
        raise ApiError(
            400,
            "bad_request",
            f"status must be a code (100-599) or a class (2xx-5xx), not {text[:20]!r}",
        )


def _limit(source: dict[str, Any]) -> int:
    raw = source.get("limit", 100)
    try:
        limit = int(raw)
    except (TypeError, ValueError) as exc:
        raise ApiError(400, "bad_request", "limit must be an integer") from exc
    return max(1, min(limit, 10_000))


def _listing(source: dict[str, Any]) -> dict[str, Any]:
    found = _journal().entries(_criteria(source))
    newest_first = add_hints(current_app, list(reversed(found))[: _limit(source)])
    return {"count": len(found), "journal_size": _journal().size, "requests": newest_first}


def journal_blueprint() -> Blueprint:
    bp = Blueprint("mock_journal", __name__)

    @bp.get("")
    def list_requests() -> Response:
        """Newest first; every criterion is optional (see CRITERIA); `limit` (default 100)."""
        return jsonify(_listing(request.args.to_dict()))

    @bp.get("/count")
    def count() -> Response:
        return jsonify({"count": len(_journal().entries(_criteria(request.args.to_dict())))})

    @bp.post("/find")
    def find() -> Response:
        data = request.get_json(silent=True)
        if not isinstance(data, dict):
            raise ApiError(400, "bad_request", "body must be a JSON object of criteria")
        return jsonify(_listing(data))

    @bp.get("/unmatched")
    def unmatched() -> Response:
        return jsonify(_listing({**request.args.to_dict(), "unmatched": "true"}))

    @bp.get("/<int:entry_id>")
    def one(entry_id: int) -> Response:
        for entry in _journal().entries():
            if entry["id"] == entry_id:
                return jsonify(add_hints(current_app, [entry])[0])
        raise ApiError(404, "not_found", f"no journal entry {entry_id} (it may have been dropped)")

    @bp.delete("")
    def clear() -> Response:
        _journal().clear()
        return jsonify({"status": "cleared"})

    return bp
