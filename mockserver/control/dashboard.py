"""The dashboard at `/_mock/`: server-rendered pages for people (no front-end build). Forms
post to `/_mock/ui/*` and come back to the page; each stands for a JSON control-plane call,
which the page makes for the person and whose answer it shows. A small script (served from
here, no CDN) keeps the request list live and copies curl commands."""

from __future__ import annotations

import json
from collections import Counter
from importlib.resources import files
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    url_for,
)

from mockserver.control import dashboard_requests as journal_view
from mockserver.control.guard import INTERNAL, current_guard
from mockserver.core.durations import parse_duration
from mockserver.core.outcomes import catalogue

# Kinds every provider's state has that are bookkeeping, not state QA looks at; and the
# dashboard's names for the shared kinds.
CORE_STATE_LABELS: dict[str, str | None] = {
    "sequence": None,
    "quota_counts": None,  # kept by versions before the quota_hits table
    "control": None,
    "upload": "uploads",
    "webhook_delivery": "webhook deliveries",
}
SHOWN_DELIVERIES = 20


def _runtime():  # noqa: ANN202
    return current_app.extensions["mockserver"]


def _state_counts(runtime: Any) -> dict[str, dict[str, int]]:
    """Records per provider and kind, under the names people know them by."""
    counts: dict[str, Counter] = {}
    for row in runtime.store.dump():
        name = row["tenant"].split(":", 1)[0]
        provider = runtime.providers.get(name)
        labels = {**CORE_STATE_LABELS, **(provider.state_labels if provider else {})}
        label = labels.get(row["kind"], row["kind"].replace("_", " "))
        if label is not None:
            counts.setdefault(name, Counter())[label] += 1
    return {provider: dict(sorted(found.items())) for provider, found in sorted(counts.items())}


def _filter() -> tuple[journal_view.RequestFilter, str]:
    providers = [*_runtime().providers, "s3"]
    return journal_view.RequestFilter.from_args(request.args.to_dict(), providers)


def dashboard_blueprint() -> Blueprint:
    bp = Blueprint("mock_dashboard", __name__, template_folder="templates")

    @bp.get("/")
    def page() -> str:
        runtime = _runtime()
        chosen, note = _filter()
        deliveries = runtime.webhooks.deliveries()
        deliveries.sort(key=lambda d: str(d.get("created_at", "")), reverse=True)
        message = " · ".join(m for m in (request.args.get("message"), note) if m)
        return render_template(
            "dashboard.html",
            clock=runtime.clock.describe(),
            tenants={name: p.tenants() for name, p in runtime.providers.items()},
            chosen=chosen,
            listing=journal_view.request_page(current_app, runtime.journal, chosen),
            providers=[*runtime.providers, "s3"],
            status_classes=journal_view.STATUS_CLASSES,
            state=_state_counts(runtime),
            uploads=list(reversed(runtime.uploads.all()))[:10],
            deliveries=deliveries[:SHOWN_DELIVERIES],
            faults=[rule.describe() for rule in runtime.faults.rules],
            scenarios=catalogue(runtime),
            panels={name: p.dashboard_panel() for name, p in runtime.providers.items()},
            titles={name: p.title for name, p in runtime.providers.items()},
            message=message,
            form_token=current_guard().form_token,
        )

    @bp.get("/ui/requests/rows")
    def request_rows() -> str:
        """The list's rows alone, for the page's live update."""
        chosen, _ = _filter()
        return render_template(
            "request_rows.html",
            listing=journal_view.request_page(current_app, _runtime().journal, chosen),
            chosen=chosen,
        )

    @bp.get("/ui/requests/<int:entry_id>")
    def request_detail(entry_id: int) -> str:
        entry = journal_view.find_entry(current_app, _runtime().journal, entry_id)
        if entry is None:
            abort(404, f"no journal entry {entry_id} (it may have been dropped)")
        rule = next(
            (r.describe() for r in _runtime().faults.rules if r.id == entry.get("fault")), None
        )
        return render_template(
            "request.html",
            entry=entry,
            rule=rule,
            request_body=journal_view.pretty(
                entry.get("body"), journal_view.header(entry["headers"], "Content-Type")
            ),
            response_body=journal_view.pretty(
                entry.get("response_body"),
                journal_view.header(entry.get("response_headers") or {}, "Content-Type"),
            ),
            curl=journal_view.as_curl(entry, journal_view.base_url(request)),
        )

    @bp.get("/ui/dashboard.js")
    def script() -> Response:
        source = files("mockserver.control").joinpath("static/dashboard.js").read_text("utf-8")
        return Response(source, mimetype="text/javascript")

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
        """The fault form; the scenario picker's values are `provider:scenario`."""
        form = {k: v.strip() for k, v in request.form.items() if v.strip()}
        if ":" in form.get("scenario", ""):
            provider, form["scenario"] = form["scenario"].split(":", 1)
            if form.get("provider", provider) != provider:
                return _back(
                    f"fault rule refused: {form['scenario']} is a {provider} scenario, "
                    f"not one of {form['provider']}"
                )
            form["provider"] = provider
        data: dict[str, Any] = {
            k: form[k] for k in ("provider", "method", "path", "scenario", "network") if k in form
        }
        answer = current_app.test_client().post(
            "/_mock/faults", json=_numbers(form, data), environ_overrides={INTERNAL: True}
        )
        if answer.status_code >= 400:
            return _back(f"fault rule refused: {_said(answer.get_json(silent=True))}")
        return _back(f"fault rule {answer.get_json()['id']} added")

    @bp.post("/ui/faults/<rule_id>/delete")
    def delete_fault(rule_id: str) -> Response:
        with _runtime().shared.change():
            _runtime().faults.remove(rule_id)
        return _back(f"fault rule {rule_id} removed")

    @bp.post("/ui/action")
    def action() -> Response:
        """A panel's button: the control-plane POST it names with its JSON and the values of
        its fields (`field.<name>`), made for the person; then back to the page it came from
        (`next`, a control-plane page) or the dashboard."""
        path = request.form.get("path", "")
        if not path.startswith("/_mock/"):
            return _back("actions may only call the control plane")
        try:
            body = json.loads(request.form.get("json") or "{}")
        except json.JSONDecodeError:
            return _back("the action's body is not JSON")
        if not isinstance(body, dict):
            return _back("the action's body must be a JSON object")
        for key, value in request.form.items():
            if key.startswith("field.") and value.strip():
                body[key[6:]] = _field_value(value.strip())
        # Made for the person on the dashboard's page, which the guard already let through.
        answer = current_app.test_client().post(path, json=body, environ_overrides={INTERNAL: True})
        said = f"{path}: {answer.status_code}"
        if answer.status_code >= 400:
            said += f" {_said(answer.get_json(silent=True))}"
        return _back(said)

    return bp


def _numbers(form: dict[str, str], data: dict[str, Any]) -> dict[str, Any]:
    for name in ("status", "times", "delay_ms"):
        if name in form:
            data[name] = _field_value(form[name])
    return data


def _field_value(text: str) -> Any:
    """A number, `true`/`false` or `null` typed into a field is sent as JSON; the rest as text."""
    try:
        value = json.loads(text)
    except ValueError:
        return text
    return value if isinstance(value, int | float | bool) or value is None else text


def _said(answer: Any) -> str:
    """The reason in a control-plane error answer."""
    if isinstance(answer, dict):
        found = answer.get("mock_error") or answer.get("error") or answer
        if isinstance(found, dict):
            return str(found.get("message") or found)
        return str(found)
    return "refused"


def _back(message: str) -> Response:
    return redirect(url_for("mock_dashboard.page", message=message), code=303)
