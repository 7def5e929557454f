"""The dashboard at `/_mock/`: one server-rendered page for people (no front-end build), with
forms that post to `/_mock/ui/*` and come back to the page. Each form stands for a JSON
control-plane call, which the page makes for the person and whose answer it shows."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from flask import Blueprint, Response, current_app, redirect, render_template, request, url_for

from mockserver.control.guard import INTERNAL, current_guard
from mockserver.core.durations import parse_duration
from mockserver.core.faults import rule_from
from mockserver.core.outcomes import catalogue
from mockserver.core.pipeline import add_hints


def _runtime():  # noqa: ANN202
    return current_app.extensions["mockserver"]


def _state_counts(runtime: Any) -> dict[str, dict[str, int]]:
    counts: dict[str, Counter] = {}
    for row in runtime.store.dump():
        provider = row["tenant"].split(":", 1)[0]
        counts.setdefault(provider, Counter())[row["kind"]] += 1
    return {provider: dict(sorted(found.items())) for provider, found in sorted(counts.items())}


def dashboard_blueprint() -> Blueprint:
    bp = Blueprint("mock_dashboard", __name__, template_folder="templates")

    @bp.get("/")
    def page() -> str:
        runtime = _runtime()
        return render_template(
            "dashboard.html",
            clock=runtime.clock.describe(),
            tenants={name: p.tenants() for name, p in runtime.providers.items()},
            requests=add_hints(current_app, list(reversed(runtime.journal.entries()))[:30]),
            state=_state_counts(runtime),
            uploads=list(reversed(runtime.uploads.all()))[:10],
            faults=[rule.describe() for rule in runtime.faults.rules],
            scenarios=catalogue(runtime),
            panels={name: p.dashboard_panel() for name, p in runtime.providers.items()},
            message=request.args.get("message"),
            form_token=current_guard().form_token,
        )

    @bp.post("/ui/reset")
    def reset() -> Response:
        took = _runtime().reset()
        return _back(f"reset in {took} ms")

    @bp.post("/ui/clock")
    def clock() -> Response:
        clock = _runtime().clock
        seconds = request.form.get("advance", "").strip()
        with _runtime().shared.change():
            if seconds:
                try:
                    clock.advance(parse_duration(seconds))
                except ValueError as exc:
                    return _back(f"advance: {exc}")
            if request.form.get("freeze") == "on":
                clock.freeze()
            elif request.form.get("freeze") == "off":
                clock.unfreeze()
        return _back(f"clock: {clock.describe()['now']}")

    @bp.post("/ui/faults")
    def add_fault() -> Response:
        form = {k: v.strip() for k, v in request.form.items() if v.strip()}
        data: dict[str, Any] = {
            k: form[k] for k in ("provider", "method", "path", "scenario", "network") if k in form
        }
        try:
            for name in ("status", "times", "delay_ms"):
                if name in form:
                    data[name] = int(form[name])
            rule = rule_from(data)
        except ValueError as exc:
            return _back(f"fault rule refused: {exc}")
        if rule.scenario and rule.scenario not in catalogue(_runtime()).get(
            rule.provider or "", {}
        ):
            return _back(f"fault rule refused: unknown scenario {rule.scenario!r}")
        with _runtime().shared.change():
            _runtime().faults.add(rule)
        return _back(f"fault rule {rule.id} added")

    @bp.post("/ui/faults/<rule_id>/delete")
    def delete_fault(rule_id: str) -> Response:
        with _runtime().shared.change():
            _runtime().faults.remove(rule_id)
        return _back(f"fault rule {rule_id} removed")

    @bp.post("/ui/action")
    def action() -> Response:
        """A provider's panel button: the control-plane POST it names, made for the person."""
        path = request.form.get("path", "")
        if not path.startswith("/_mock/"):
            return _back("actions may only call the control plane")
        try:
            body = json.loads(request.form.get("json") or "{}")
        except json.JSONDecodeError:
            return _back("the action's body is not JSON")
        # Made for the person on the dashboard's page, which the guard already let through.
        answer = current_app.test_client().post(path, json=body, environ_overrides={INTERNAL: True})
        return _back(f"{path}: {answer.status_code}")

    return bp


def _back(message: str) -> Response:
    return redirect(url_for("mock_dashboard.page", message=message), code=303)
