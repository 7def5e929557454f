"""SEEK Pass on the dashboard: the requests partners made, with the user's side of each one
(verify or decline, as the SEEK Pass app would) and a link to the stand-in page the
`redirect_uri` opens."""

from __future__ import annotations

from mockserver.core.panels import Action, Panel, Row
from mockserver.providers.seekpass.models import SeekPassModel

CONTROL = "/_mock/seekpass"
SHOWN = 20  # requests of each kind (waiting, finished), newest first


def panels(model: SeekPassModel) -> list[Panel]:
    listed = model.submissions.all_requests(model.tokens.tenants)
    listed.sort(key=lambda r: r["created_at"], reverse=True)
    waiting = [r for r in listed if r["status"] == "incomplete"][:SHOWN]
    finished = [r for r in listed if r["status"] != "incomplete"][:SHOWN]
    return [
        Panel("Waiting for the user", [_row(r, actions=True) for r in waiting]),
        Panel("Finished", [_row(r, actions=False) for r in finished]),
    ]


def _row(request: dict, *, actions: bool) -> Row:
    uploads = request.get("uploads") or []
    uploaded = sum(1 for u in uploads if u["status"] == "uploaded")
    detail = f"{request['type']} · {request['status']}"
    if uploads:
        detail += f" · {uploaded} of {len(uploads)} assets uploaded"
    complete = f"{CONTROL}/requests/{request['id']}/complete"
    return Row(
        label=f"{request['tenant']} · {request['credential_id']}",
        detail=detail,
        actions=(
            Action("verify", complete, {"outcome": "verified"}),
            Action("decline", complete, {"outcome": "canceled"}),
        )
        if actions
        else (),
        link=request["redirect_uri"],
        link_label="user's page",
    )
