"""The step of the pipeline that applies injected outcomes before a provider's view runs: the
request's own `Prefer` header (RFC 7240) and the control plane's fault rules.

Order: delay, then a network fault, then a status or a canned scenario (answered through the
provider's own renderer, by raising its error), or a behavioural scenario that the view then
runs under. A rule and a `Prefer` header may both apply; the header's choices win where they
overlap.
"""

from __future__ import annotations

import json
import time
from typing import Any

from flask import Response, g, request
from werkzeug.http import HTTP_STATUS_CODES

from mockserver.core import netfaults, scenarios
from mockserver.core.errors import ApiError
from mockserver.core.faults import MAX_DELAY_MS
from mockserver.core.http import mock_error
from mockserver.core.matchers import body_matches, headers_match
from mockserver.core.storage import S3_PREFIX


def catalogue(runtime: Any) -> dict[str, dict[str, scenarios.Scenario]]:
    """Every named outcome, by provider (`s3` for the upload links), from the providers' code."""
    from mockserver.core.s3_routes import S3_SCENARIOS

    found = {name: {s.name: s for s in p.scenarios} for name, p in runtime.providers.items()}
    found["s3"] = {s.name: s for s in S3_SCENARIOS}
    return found


def apply(runtime: Any, provider: str | None) -> Response | None:
    """Run before the view; returns a response to send instead, or None to carry on."""
    target = provider or ("s3" if request.path.startswith(S3_PREFIX + "/") else None)
    if target is None:
        return None
    faults = runtime.faults
    # A preference is honoured on a provider's own routes only: a request to a path nobody
    # serves (a scanner, a typo) cannot make the server wait or fail on demand.
    prefer_header = request.environ.get("HTTP_PREFER", "") if request.url_rule else ""
    if not prefer_header and not faults.rules:
        return None  # nearly every request: nothing asked for, nothing to fire
    prefer = scenarios.parse_prefer(prefer_header)
    rule = None
    # Rules fire on served routes only, and only where their outcome can happen.
    if faults.rules and request.url_rule is not None:
        tenant = None
        if faults.needs_tenant() and provider:
            tenant = runtime.providers[provider].request_tenant()
        if faults.candidates(target, request.method, request.path, tenant):
            applies = _applies_here(runtime, target)
            with runtime.shared.change():  # counted once across servers sharing a store
                rule = faults.fire(target, request.method, request.path, tenant, applies)
    wanted: dict[str, Any] = {}
    if rule is not None:
        g.fault = rule.id
        wanted = {
            "scenario": rule.scenario,
            "code": None if rule.custom_answer else rule.status,
            "delay": rule.delay_ms,
            "network": rule.network,
            "answer": rule if rule.custom_answer else None,
        }
    g.rule_owns_scenario = rule is not None and bool(rule.scenario) and not prefer.get("scenario")
    applied = []
    for name in ("scenario", "code", "delay", "network"):
        if prefer.get(name):
            wanted[name] = prefer[name]
            applied.append(f"{name}={_as_applied(name, prefer[name])}")
    g.preference_applied = ", ".join(applied) or None
    return _act(runtime, target, wanted)


def _as_applied(name: str, value: str) -> str:
    """What is really applied: a delay past the ceiling waits the ceiling, and says so."""
    if name == "delay" and value.lstrip("-").isdigit():
        return str(min(max(int(value), 0), MAX_DELAY_MS))
    return value


def _retry_after(runtime: Any, target: str) -> dict[str, str]:
    """A 429 carries Retry-After as the provider's own 429 does (60 s when it has none)."""
    for scenario in catalogue(runtime).get(target, {}).values():
        if scenario.status == 429 and scenario.error is not None:
            error = scenario.error()
            headers = getattr(error, "headers", None) or {}
            if headers.get("Retry-After"):
                return {"Retry-After": headers["Retry-After"]}
    return {"Retry-After": "60"}


def target_prefix(runtime: Any, target: str) -> str:
    """Where a rule target's paths start: the provider's prefix, or /_s3 for the upload links
    (scenario operations are written below it)."""
    return runtime.providers[target].prefix if target in runtime.providers else S3_PREFIX


def _applies_here(runtime: Any, target: str) -> Any:
    """Whether a rule's outcome can happen on this request (its scenario's operations)."""
    known = catalogue(runtime).get(target, {})
    method, path = request.method, request.path[len(target_prefix(runtime, target)) :] or "/"

    def applies(rule: Any) -> bool:
        scenario = known.get(rule.scenario) if rule.scenario else None
        if scenario is not None and not scenario.applies(method, path):
            return False
        if not headers_match(request.headers, rule.match_headers):
            return False
        if rule.match_body is None:
            return True
        # A JSON subset matches JSON bodies only: reading any other body here (a 20 MB upload)
        # would meet the API's body limit before the route could raise it to its own.
        return request.is_json and body_matches(request.get_data(cache=True), rule.match_body)

    return applies


def settle(runtime: Any) -> None:
    """After the view: a rule that set a behavioural scenario the view never asked for (the
    request was refused before it got there) gives its firing back and is not shown."""
    rule_id = g.get("fault_pending")
    if not rule_id or scenarios.used():
        return
    with runtime.shared.change():
        runtime.faults.give_back(rule_id)
    g.fault = None
    g.scenario = None


def _act(runtime: Any, target: str, wanted: dict[str, Any]) -> Response | None:
    delay = wanted.get("delay")
    if delay not in (None, ""):
        try:
            milliseconds = int(delay)
        except (TypeError, ValueError):
            return _refuse(400, f"Prefer delay must be milliseconds, not {delay!r}")
        _delay(runtime, min(max(milliseconds, 0), MAX_DELAY_MS))
    network = wanted.get("network")
    if network:
        if network not in netfaults.KINDS:
            return _refuse(400, f"network fault must be one of {list(netfaults.KINDS)}")
        try:
            netfaults.inject(request.environ, network)
        except netfaults.NetworkFaultUnavailable:
            return _refuse(
                501,
                "network faults need mockserver serve on its default HTTP layer (waitress), "
                "which lets the mock reach the connection",
            )
        g.scenario = f"network={network}"
        return mock_error(599, "connection broken on purpose")  # never reaches the client
    answer = wanted.get("answer")
    if answer is not None and not wanted.get("scenario"):
        return _custom_answer(runtime, target, answer)
    code = wanted.get("code")
    if code not in (None, ""):
        try:
            status = int(code)
        except (TypeError, ValueError):
            status = 0
        if not 400 <= status <= 599:
            return _refuse(400, f"Prefer code must be a status from 400 to 599, not {code!r}")
        g.scenario = f"code={status}"
        reason = HTTP_STATUS_CODES.get(status, "Error")
        headers = _retry_after(runtime, target) if status == 429 else {}
        raise ApiError(status, reason.lower().replace(" ", "_"), reason, headers=headers)
    name = wanted.get("scenario")
    if name:
        known = catalogue(runtime).get(target, {})
        scenario = known.get(name)
        if scenario is None:
            return _refuse(
                400,
                f"unknown {target} scenario {name!r}; see /_mock/scenarios",
                known=sorted(known),
            )
        g.scenario = name
        if scenario.behavioural:
            scenarios.set_active(name)
            if g.get("rule_owns_scenario"):
                g.fault_pending = g.fault  # counted only if the view applies it (settle)
            return None
        raise scenario.error()  # type: ignore[misc]
    return None


def _custom_answer(runtime: Any, target: str, rule: Any) -> Response:
    """A rule's own answer: its body as it is (JSON, or text), or its message in the
    provider's error envelope; its headers on either."""
    from mockserver.core.s3_routes import S3Error, s3_error_response  # (imports this module)

    g.scenario = "custom answer"
    if rule.message is not None:
        reason = HTTP_STATUS_CODES.get(rule.status, "Error").lower().replace(" ", "_")
        error = ApiError(rule.status, reason, rule.message)
        provider = runtime.providers.get(target)
        response = (
            provider.render_error(error)
            if provider is not None
            else s3_error_response(S3Error(rule.status, reason, rule.message))
        )
    elif isinstance(rule.body, str):
        response = Response(rule.body, status=rule.status or 200, mimetype="text/plain")
    elif rule.body is not None:
        response = Response(
            json.dumps(rule.body), status=rule.status or 200, mimetype="application/json"
        )
    else:
        response = Response(b"", status=rule.status or 200)
    for name, value in (rule.headers or {}).items():
        response.headers[name] = value
    return response


def _delay(runtime: Any, milliseconds: int) -> None:
    """Wait, holding one of the few delay slots (core/runtime.py `delay_slots`): delayed
    requests occupy request threads, so only some may wait at once and the rest of the
    server keeps answering. Without a free slot the request goes on at once, and
    Preference-Applied does not claim a delay."""
    if milliseconds == 0:
        return
    if not runtime.delay_slots.acquire(blocking=False):
        _unclaim("delay")
        return
    try:
        time.sleep(milliseconds / 1000)
    finally:
        runtime.delay_slots.release()
    _reclaim("delay", str(milliseconds))


def _unclaim(name: str) -> None:
    applied = [p for p in (g.get("preference_applied") or "").split(", ") if p]
    kept = [p for p in applied if not p.startswith(f"{name}=")]
    g.preference_applied = ", ".join(kept) or None


def _reclaim(name: str, value: str) -> None:
    """Preference-Applied names what was really applied (a capped delay, for one)."""
    applied = [p for p in (g.get("preference_applied") or "").split(", ") if p]
    if any(p.startswith(f"{name}=") for p in applied):
        applied = [f"{name}={value}" if p.startswith(f"{name}=") else p for p in applied]
        g.preference_applied = ", ".join(applied)


def _refuse(status: int, message: str, **extra: Any) -> Response:
    """The mock's own error for a preference it cannot honour: nothing was applied, so the
    answer must not say Preference-Applied (RFC 7240)."""
    g.preference_applied = None
    return mock_error(status, message, **extra)
