"""The control plane, `/_mock`: JSON endpoints that QA and tests use to drive the sandbox.

Its errors say plainly that they come from the mock (`mock_error`), never a provider's shape.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from flask import Blueprint, Response, current_app, jsonify, request

from mockserver import __version__
from mockserver.core.clock import Clock, within_range
from mockserver.core.durations import parse_duration
from mockserver.core.errors import ApiError
from mockserver.core.fixture_files import FixtureError, load_yaml
from mockserver.core.http import mock_error, one_of, optional_json_object
from mockserver.core.journal import mask_document
from mockserver.core.runtime import Runtime

MAX_LISTED = 10_000  # /_mock/issued's limit, at most
UPLOAD_STATES = ("pending", "uploaded", "closed")
DELIVERY_STATES = ("pending", "retrying", "delivered", "failed")


def _runtime() -> Runtime:
    return current_app.extensions["mockserver"]


def _request_mapping() -> dict[str, Any]:
    """A JSON or YAML object body (empty body: {}); the guard let only these types through."""
    if request.is_json:
        return optional_json_object()
    raw = request.get_data(as_text=True)
    if not raw.strip():
        return {}
    try:
        data = load_yaml(raw, "the body")
    except FixtureError as exc:
        raise ApiError(400, "bad_request", exc.problems[0]) from exc
    if not isinstance(data, dict):
        raise ApiError(400, "bad_request", "body must be an object")
    return data


def _fixture_path(runtime: Runtime, given: str) -> Path | None:
    """`given` inside the fixtures folder (relative names are taken from there), else None: a
    request may not make the server read any other file of the machine."""
    folder = Path(runtime.settings.fixtures_folder).resolve()
    if "\x00" in given:
        return None
    path = (folder / given).resolve()
    return path if path == folder or path.is_relative_to(folder) else None


def control_blueprint() -> Blueprint:
    blueprint = Blueprint("mock_control", __name__)

    @blueprint.get("/health")
    def health() -> Response:
        runtime = _runtime()
        return jsonify(
            {
                "status": "ok",
                "version": __version__,
                "providers": {n: p.prefix for n, p in runtime.providers.items()},
                "store": runtime.store.engine.dialect.name,
                "object_storage": "embedded moto" if runtime.storage.embedded else "external S3",
                # Network faults need waitress: a client can see why they answer 501.
                "http": runtime.settings.http,
                "clock": runtime.clock.describe(),
            }
        )

    @blueprint.post("/reset")
    def reset() -> Response:
        """`{"fixtures": "initial"}` also puts back the fixtures the server started with
        (default `"current"`: the ones loaded last stay)."""
        data = _request_mapping()
        unknown = sorted(set(data) - {"fixtures"})
        choice = data.get("fixtures", "current")
        if unknown or choice not in ("current", "initial"):
            return mock_error(
                400,
                'reset takes {"fixtures": "current"} (the default) or {"fixtures": "initial"}',
                got=data if not unknown else unknown,
            )
        took = _runtime().reset(initial_fixtures=choice == "initial")
        return jsonify({"status": "reset", "took_ms": took, "fixtures": choice})

    @blueprint.get("/fixtures")
    def fixtures() -> Response:
        runtime = _runtime()
        return jsonify({name: p.fixtures for name, p in runtime.providers.items()})

    @blueprint.post("/fixtures")
    def load_fixtures() -> Response:
        """Replace fixtures: {"path": "file-or-dir"} or an inline {provider: section} body."""
        runtime = _runtime()
        data = _request_mapping()
        try:
            if set(data) == {"path"}:
                path = _fixture_path(runtime, str(data["path"]))
                if path is None:
                    folder = runtime.settings.fixtures_folder
                    return mock_error(
                        403,
                        f"fixture files are read only from the fixtures folder ({folder}); "
                        "name one inside it, relative to it, or start with --fixtures-dir",
                    )
                if path.is_dir():
                    runtime.load_fixture_dir(path)
                    runtime.reset()
                    return jsonify({"loaded": sorted(runtime.providers), "from": str(path)})
                if not path.is_file():
                    return mock_error(404, f"no fixture file or folder at {path}")
                data = load_yaml(path.read_text(encoding="utf-8"), str(path)) or {}
                if not isinstance(data, dict):
                    return mock_error(400, "a fixture file must hold an object keyed by provider")
            loaded = runtime.load_fixtures(data)
        except FixtureError as exc:
            # Nothing was applied: every problem, each with where it is.
            return mock_error(
                400, "fixtures not loaded: " + "; ".join(exc.problems), problems=exc.problems
            )
        runtime.reset()
        return jsonify({"loaded": loaded})

    @blueprint.get("/tenants")
    def tenants() -> Response:
        runtime = _runtime()
        return jsonify({name: p.tenants() for name, p in runtime.providers.items()})

    @blueprint.get("/state")
    def state() -> Response:
        runtime = _runtime()
        provider = request.args.get("provider")
        tenant = request.args.get("tenant")
        if provider:
            one_of(provider, list(runtime.providers), "provider")
        prefix = tenant or (f"{provider}:" if provider else None)
        records = runtime.store.dump(tenant_prefix=prefix, kind=request.args.get("kind"))
        if tenant:
            records = [row for row in records if row["tenant"] == tenant]
        # Stored secrets (webhook secrets, delivery secrets) are not the state QA inspects.
        records = [{**row, "doc": mask_document(row["doc"])} for row in records]
        return jsonify({"count": len(records), "records": records})

    @blueprint.get("/clock")
    def clock() -> Response:
        return jsonify(_runtime().clock.describe())

    @blueprint.post("/clock")
    def set_clock() -> Response:
        """Any of {"set": ISO-8601}, {"advance": 90 | "48h"}, {"freeze": bool}, {"reset": true}."""
        data = _request_mapping()
        known = {"set", "advance", "freeze", "reset"}
        if not data or set(data) - known:
            return mock_error(400, f"give one or more of {sorted(known)}", got=sorted(data))
        runtime_clock = _runtime().clock
        try:
            with _runtime().shared.change():
                _change_clock(runtime_clock, data)
        except ValueError as exc:
            return mock_error(400, str(exc))
        return jsonify(runtime_clock.describe())

    @blueprint.get("/issued")
    def issued() -> Response:
        """Per provider, what it issued (credentials, batches, uploads, tokens), newest first;
        `?provider=&tenant=&limit=` (default 50 of each)."""
        runtime = _runtime()
        wanted, tenant = request.args.get("provider"), request.args.get("tenant")
        raw_limit = request.args.get("limit", "50").strip()
        if not raw_limit.isdigit() or not 1 <= int(raw_limit) <= MAX_LISTED:
            return mock_error(400, f"limit must be a whole number from 1 to {MAX_LISTED}")
        limit = int(raw_limit)
        if wanted:
            one_of(wanted, [*runtime.providers, "uploads"], "provider")
        found: dict[str, Any] = {}
        for name, provider in runtime.providers.items():
            if wanted and name != wanted:
                continue
            found[name] = {
                label: {"count": len(items), "latest": items[:limit]}
                for label, items in provider.issued(tenant).items()
            }
        if not wanted or wanted == "uploads":
            uploads = [u for u in runtime.uploads.all() if not tenant or u.get("tenant") == tenant]
            found["uploads"] = {"count": len(uploads), "latest": uploads[-limit:][::-1]}
        return jsonify(found)

    @blueprint.get("/seed")
    def seed() -> Response:
        seeded = _runtime().seeded
        return jsonify(
            {
                "seed": seeded[0] if seeded else None,
                "now": seeded[1].isoformat() if seeded else None,
            }
        )

    @blueprint.post("/seed")
    def set_seed() -> Response:
        """{"seed": 42, "now"?: ISO-8601} makes ids, secrets, dice and timestamps repeatable
        (the clock freezes at `now`, default 2030-01-01T00:00:00Z); {"seed": null} undoes it."""
        data = _request_mapping()
        value = data.get("seed")
        if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
            return mock_error(400, "seed must be an integer or null")
        moment = None
        if data.get("now"):
            try:
                moment = datetime.fromisoformat(str(data["now"]).replace("Z", "+00:00"))
            except ValueError as exc:
                return mock_error(400, f"now: {exc}")
            if moment.tzinfo is None:
                return mock_error(400, "now needs a time zone, e.g. 2030-01-01T00:00:00Z")
            try:
                moment = within_range(moment.astimezone(UTC))
            except (ValueError, OverflowError) as exc:
                return mock_error(400, f"now: {exc}")
        _runtime().apply_seed(value, moment)
        return seed()

    @blueprint.get("/uploads")
    def uploads() -> Response:
        items = _runtime().uploads.all()
        status = request.args.get("status")
        if status:
            one_of(status, UPLOAD_STATES, "status")
            items = [item for item in items if item["status"] == status]
        return jsonify({"count": len(items), "uploads": items})

    @blueprint.get("/webhooks")
    def webhook_deliveries() -> Response:
        """Every outgoing webhook delivery with its attempts (?provider=, ?status=)."""
        provider, status = request.args.get("provider"), request.args.get("status")
        if provider:
            one_of(provider, list(_runtime().providers), "provider")
        if status:
            one_of(status, DELIVERY_STATES, "status")
        found = _runtime().webhooks.deliveries(provider, status)
        return jsonify({"count": len(found), "deliveries": found})

    @blueprint.post("/webhooks/run")
    def run_webhooks() -> Response:
        """Attempt every due delivery now, instead of waiting for the next poll."""
        return jsonify({"attempted": _runtime().webhooks.run_due()})

    return blueprint


def _change_clock(runtime_clock: Clock, data: dict[str, Any]) -> None:
    """ValueError when a value is wrong."""
    for name in ("freeze", "reset"):
        if name in data and not isinstance(data[name], bool):
            raise ValueError(f"{name} must be true or false")
    if data.get("reset"):
        runtime_clock.reset()
    if "set" in data:
        moment = datetime.fromisoformat(str(data["set"]).replace("Z", "+00:00"))
        if moment.tzinfo is None:
            raise ValueError("set needs a time zone, e.g. 2026-01-01T00:00:00Z")
        runtime_clock.set(moment)
    if "advance" in data:
        try:
            seconds = parse_duration(data["advance"])
        except ValueError as exc:
            raise ValueError(f"clock advance: {exc}") from exc
        runtime_clock.advance(seconds)
    if data.get("freeze") is True:
        runtime_clock.freeze()
    elif data.get("freeze") is False:
        runtime_clock.unfreeze()
