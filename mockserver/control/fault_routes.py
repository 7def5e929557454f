"""`/_mock/scenarios` (the catalogue of named outcomes) and `/_mock/faults` (rules that inject
them, statuses, delays and network faults into matching requests)."""

from __future__ import annotations

import fnmatch
from typing import Any

from flask import Blueprint, Response, current_app, jsonify, request

from mockserver.core.errors import ApiError
from mockserver.core.faults import rule_from
from mockserver.core.http import one_of
from mockserver.core.outcomes import catalogue, target_prefix


def _runtime():  # noqa: ANN202
    return current_app.extensions["mockserver"]


def _check_reachable(runtime: Any, target: str, rule: Any, scenario: Any) -> None:
    """Refuse a rule whose method and path can never meet its scenario's operations: it
    would never fire, and a QA engineer would wait for it."""
    if not scenario.applies_to or not (rule.method or rule.path):
        return
    prefix = target_prefix(runtime, target)
    for methods, path in scenario.sample_paths():
        method_ok = not rule.method or rule.method.upper() in methods
        path_ok = not rule.path or fnmatch.fnmatchcase(prefix + path, rule.path)
        if method_ok and path_ok:
            return
    raise ApiError(
        422,
        "invalid",
        f"scenario {rule.scenario!r} never happens on {rule.method or '*'} "
        f"{rule.path or '*'}; it applies to: {', '.join(scenario.applies_to)}",
        extra={"applies_to": list(scenario.applies_to)},
    )


def fault_blueprint() -> Blueprint:
    bp = Blueprint("mock_faults", __name__)

    @bp.get("/scenarios")
    def list_scenarios() -> Response:
        """Every documented outcome by provider, generated from the providers' scenario code."""
        wanted = request.args.get("provider")
        if wanted:
            one_of(wanted, list(catalogue(_runtime())), "provider")
        found = [
            scenario.describe(provider)
            for provider, by_name in catalogue(_runtime()).items()
            if not wanted or provider == wanted
            for scenario in by_name.values()
        ]
        return jsonify(
            {
                "count": len(found),
                "scenarios": found,
                "also": [
                    "Prefer: code=<400-599>",
                    "Prefer: delay=<milliseconds>",
                    "Prefer: network=reset|empty|malformed_chunk",
                ],
            }
        )

    @bp.get("/faults")
    def list_faults() -> Response:
        rules = [rule.describe() for rule in _runtime().faults.rules]
        return jsonify({"count": len(rules), "faults": rules})

    @bp.post("/faults")
    def add_fault() -> Response:
        data = request.get_json(silent=True)
        if not isinstance(data, dict):
            raise ApiError(400, "bad_request", "body must be a JSON object")
        try:
            rule = rule_from(data)
        except ValueError as exc:
            raise ApiError(422, "invalid", str(exc)) from exc
        runtime = _runtime()
        if rule.scenario:
            target = rule.provider or ""
            known = catalogue(runtime).get(target)
            if known is None:
                raise ApiError(422, "invalid", "a scenario rule needs its provider")
            if rule.scenario not in known:
                raise ApiError(
                    422,
                    "invalid",
                    f"unknown {target} scenario {rule.scenario!r}",
                    extra={"known": sorted(known)},
                )
            _check_reachable(runtime, target, rule, known[rule.scenario])
        if rule.provider and rule.provider not in catalogue(runtime):
            raise ApiError(422, "invalid", f"unknown provider {rule.provider!r}")
        with runtime.shared.change():
            runtime.faults.add(rule)
        response = jsonify(rule.describe())
        response.status_code = 201
        return response

    @bp.get("/faults/<rule_id>")
    def one_fault(rule_id: str) -> Response:
        for rule in _runtime().faults.rules:
            if rule.id == rule_id:
                return jsonify(rule.describe())
        raise ApiError(404, "not_found", f"no fault rule {rule_id}")

    @bp.delete("/faults/<rule_id>")
    def remove_fault(rule_id: str) -> Response:
        with _runtime().shared.change():
            removed = _runtime().faults.remove(rule_id)
        if not removed:
            raise ApiError(404, "not_found", f"no fault rule {rule_id}")
        return jsonify({"status": "removed", "id": rule_id})

    @bp.delete("/faults")
    def clear_faults() -> Response:
        with _runtime().shared.change():
            _runtime().faults.clear()
        return jsonify({"status": "cleared"})

    return bp
