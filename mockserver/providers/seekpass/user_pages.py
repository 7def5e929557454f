"""The user's side of SEEK Pass as pages: where a partner's `redirect_uri` leads.

The real link opens the SEEK Pass app, where the person reviews what the partner sent and
accepts or declines it. Here it opens a page marked as the mock's stand-in, showing the
request's credentials and assets (with their upload state) and Verify / Decline buttons that
finish the request exactly as `POST /_mock/seekpass/requests/<id>/complete` does (status,
`finalized_at`, webhooks, closed upload links). A verify request with a `callback_url` then
sends the browser back to it, as SEEK Pass does after its verification flow.

The request id is in the link's fragment (`#…&content=<id>`), which browsers never send, so a
small inline script (allowed by a per-page nonce) moves it into the query string first. Like
the real link, whoever holds it acts as the user. The buttons' form carries a token only the
served page knows, and posts from other sites are refused, so a web page elsewhere cannot
finish a request.
"""

from __future__ import annotations

import json
import secrets
from html import escape
from urllib.parse import urlencode

from flask import Blueprint, Response, current_app, redirect, render_template, request

from mockserver.control.guard import current_guard
from mockserver.core.contracts import user_page
from mockserver.core.errors import ApiError
from mockserver.providers.seekpass.models import SeekPassModel

DECISIONS = {"verify": "verified", "decline": "canceled"}
PAGE_POLICY = (
    "default-src 'none'; style-src 'unsafe-inline'; script-src {script}; "
    "form-action 'self' http: https:; frame-ancestors 'none'; base-uri 'none'"
)


def _model() -> SeekPassModel:
    return current_app.extensions["mockserver"].providers["seekpass"].model


def _page(html: str, status: int = 200, nonce: str = "") -> Response:
    response = Response(html, status=status, mimetype="text/html")
    script = f"'nonce-{nonce}'" if nonce else "'none'"
    response.headers["Content-Security-Policy"] = PAGE_POLICY.format(script=script)
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Cache-Control"] = "no-store"
    return response


def add_user_pages(bp: Blueprint) -> None:
    @bp.get("/partner/<path:flow>")
    @user_page
    def stand_in_page(flow: str) -> Response:
        content = request.args.get("content", "").strip()
        if not content:
            nonce = secrets.token_urlsafe(16)
            return _page(render_template("seekpass_stand_in_link.html", nonce=nonce), nonce=nonce)
        model = _model()
        found = model.submissions.by_own_id(model.tokens.tenants, content)
        if found is None:
            return _page(render_template("seekpass_stand_in_missing.html", content=content), 404)
        return _page(
            render_template(
                "seekpass_stand_in.html",
                request=found,
                payload=json.dumps(found.get("payload") or {}, indent=2, ensure_ascii=False),
                form_token=current_guard().page_token(content),
                said=request.args.get("said", ""),
            )
        )

    @bp.post("/partner/<path:flow>")
    @user_page
    def stand_in_decision(flow: str) -> Response:
        content = request.args.get("content", "").strip()
        refusal = current_guard().page_form_refusal(content)
        if refusal is not None:
            # The reason may quote the Host header the client sent: escaped, never markup.
            return _page(f"<!doctype html><title>refused</title><p>{escape(refusal)}</p>", 403)
        outcome = DECISIONS.get(request.form.get("decision", ""))
        if outcome is None:
            return _page(
                "<!doctype html><title>refused</title><p>decide verify or decline</p>", 400
            )
        try:
            finished = _model().complete(content, outcome)
        except ApiError as exc:
            return _back(content, exc.message)
        callback = (finished.get("payload") or {}).get("callback_url")
        if finished["type"] == "verify" and callback:
            return redirect(callback, code=303)
        return _back(content)


def _back(content: str, said: str = "") -> Response:
    """To the page again, by a relative link: on a provider's own port the path the browser
    sees has no /seekpass prefix."""
    query = {"content": content, **({"said": said} if said else {})}
    return redirect("?" + urlencode(query), code=303)
