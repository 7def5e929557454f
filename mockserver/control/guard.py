"""Who may use the control plane (`/_mock`, the dashboard): the sandbox's owner only.

The threat is a web page open in the developer's browser while the sandbox runs on their
laptop (and, in a shared sandbox, the other teams on it). A page can make the browser send
requests to 127.0.0.1; it cannot read the answers unless the browser is fooled, and it cannot
set most headers. So, for every control request:

- the `Host` must be one of the sandbox's own names (loopback names, the bound address, the
  `--public-url` host, `--allowed-host`): a DNS-rebinding page reaches 127.0.0.1 under its
  own name, and is refused here;
- a request a browser marks as coming from another site (`Origin` that is not one of those
  names, or `Sec-Fetch-Site: cross-site`) is refused, which stops cross-site form posts and
  `fetch` calls;
- a body must be JSON (YAML is taken where documented), never a form or text/plain, the
  content types a page may send without asking; the dashboard's own forms carry a token that
  only a page served by the sandbox knows;
- with `--control-token`, every control request must carry `Authorization: Bearer <token>`
  (a browser may give it once as `?token=`, which sets a same-site cookie for the dashboard).

Every control answer carries headers that keep it out of frames and stop content sniffing,
and the dashboard a strict Content-Security-Policy.
"""

from __future__ import annotations

import hmac
import ipaddress
import secrets
from urllib.parse import urlsplit

from flask import Flask, Response, current_app, request

from mockserver.core.http import mock_error
from mockserver.core.webhooks import DELIVERY_HEADER
from mockserver.settings import Settings

CONTROL_PREFIX = "/_mock"
DASHBOARD_FORMS = CONTROL_PREFIX + "/ui/"
TOKEN_COOKIE = "mockserver_control"
INTERNAL = "mockserver.internal"  # environ key of calls the dashboard makes for a person
JSON_TYPES = ("application/json",)
YAML_TYPES = ("application/yaml", "application/x-yaml", "text/yaml")
YAML_PATHS = (CONTROL_PREFIX + "/fixtures",)
LOOPBACK_NAMES = {"localhost", "127.0.0.1", "::1"}
STATE_CHANGING = {"POST", "PUT", "PATCH", "DELETE"}
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    # Not "no-referrer": with it, browsers send `Origin: null` on the dashboard's own form posts.
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}
DASHBOARD_POLICY = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; "
    "script-src 'self'; connect-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)


class ControlGuard:
    """The checks above, for one server's settings."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.token = settings.control_token
        # The dashboard's forms carry this; a page elsewhere cannot read it.
        self.form_token = secrets.token_urlsafe(24)
        self.names = allowed_names(settings)

    # ---- the checks -----------------------------------------------------------------------

    def refusal(self) -> Response | None:
        """None when the current control request may go on, else the 403/415 answer."""
        if request.environ.get(INTERNAL):
            return None
        if request.headers.get(DELIVERY_HEADER) is not None:
            return mock_error(403, "webhook deliveries may not call the control plane")
        host = host_name(request.host)
        if not self.allows_host(host):
            return mock_error(
                403,
                f"Host {request.host!r} is not a name of this sandbox; "
                "start it with --allowed-host NAME (or --public-url) to use it",
            )
        origin = request.headers.get("Origin")
        if origin is not None and not self.allows_origin(origin):
            return mock_error(403, f"cross-origin control requests are refused (Origin {origin})")
        if request.headers.get("Sec-Fetch-Site") == "cross-site":
            return mock_error(403, "cross-site control requests are refused")
        if self.token and not self.authorized():
            return mock_error(
                401,
                "this sandbox's control plane needs its token: "
                "Authorization: Bearer <MOCKSERVER_CONTROL_TOKEN>",
            )
        if request.method in STATE_CHANGING:
            return self.body_refusal()
        return None

    # ---- forms of the sandbox's own pages outside /_mock (the SEEK Pass stand-in page) -----

    def page_token(self, scope: str) -> str:
        """A form token for one page (one request id): only a page the sandbox served knows
        it, and it is worth nothing for any other page."""
        return hmac.new(self.form_token.encode(), scope.encode(), "sha256").hexdigest()

    def page_form_refusal(self, scope: str) -> str | None:
        """Why a form post from a stand-in page is refused (another site's page posting it,
        a rebinding host name, a missing or wrong token), or None."""
        if not self.allows_host(host_name(request.host)):
            return f"Host {request.host!r} is not a name of this sandbox"
        origin = request.headers.get("Origin")
        if (origin is not None and not self.allows_origin(origin)) or request.headers.get(
            "Sec-Fetch-Site"
        ) == "cross-site":
            return "forms from other sites are refused"
        given = request.form.get("form_token", "")
        if not hmac.compare_digest(given.encode(), self.page_token(scope).encode()):
            return "this form must come from the page the sandbox served"
        return None

    def allows_host(self, host: str) -> bool:
        return host in self.names or "*" in self.names

    def allows_origin(self, origin: str) -> bool:
        if origin == "null":
            return False
        parts = urlsplit(origin)
        return bool(parts.hostname) and self.allows_host(parts.hostname or "")

    def authorized(self) -> bool:
        header = request.headers.get("Authorization", "")
        given = header[7:].strip() if header.lower().startswith("bearer ") else ""
        given = given or request.cookies.get(TOKEN_COOKIE, "") or request.args.get("token", "")
        return bool(given) and hmac.compare_digest(given.encode(), self.token.encode())

    def body_refusal(self) -> Response | None:
        path = request.path
        if path.startswith(DASHBOARD_FORMS):
            given = request.form.get("form_token", "")
            if not hmac.compare_digest(given.encode(), self.form_token.encode()):
                return mock_error(403, "dashboard forms must come from the dashboard's own page")
            return None
        has_body = bool(request.content_length) or "chunked" in request.headers.get(
            "Transfer-Encoding", ""
        )
        if not has_body and not request.mimetype:
            return None
        allowed = JSON_TYPES + (YAML_TYPES if path.rstrip("/") in YAML_PATHS else ())
        if request.mimetype not in allowed:
            return mock_error(
                415,
                f"control requests with a body must send it as {' or '.join(allowed)}, "
                f"not {request.mimetype or 'no Content-Type'}",
            )
        return None


def allowed_names(settings: Settings) -> set[str]:
    """Host names the control plane answers to."""
    names = set(LOOPBACK_NAMES)
    bound = settings.host
    if bound and bound not in ("0.0.0.0", "::"):
        names.add(host_name(bound))
    public = urlsplit(settings.public_url).hostname if settings.public_url else None
    if public:
        names.add(public.lower())
    for name in settings.allowed_hosts.split(","):
        if name.strip():
            names.add(name.strip().lower())
    return names


def host_name(host: str) -> str:
    """`Host` without its port, lower case; an IPv6 literal without brackets."""
    host = host.strip().lower()
    if host.startswith("["):
        return host[1 : host.find("]")] if "]" in host else host
    if host.count(":") == 1:
        host = host.rsplit(":", 1)[0]
    return host


def is_loopback(host: str) -> bool:
    """Whether a bind address is reachable from this machine only."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def install(app: Flask, settings: Settings) -> ControlGuard:
    guard = ControlGuard(settings)
    app.extensions["mockserver_guard"] = guard

    @app.before_request
    def _guard() -> Response | None:
        path = request.path
        if path != CONTROL_PREFIX and not path.startswith(CONTROL_PREFIX + "/"):
            return None
        return guard.refusal()

    @app.after_request
    def _headers(response: Response) -> Response:
        path = request.path
        if path == CONTROL_PREFIX or path.startswith(CONTROL_PREFIX + "/"):
            for name, value in SECURITY_HEADERS.items():
                response.headers.setdefault(name, value)
            if response.mimetype == "text/html":
                response.headers["Content-Security-Policy"] = DASHBOARD_POLICY
            if guard.token and request.args.get("token") and guard.authorized():
                response.set_cookie(
                    TOKEN_COOKIE, guard.token, httponly=True, samesite="Strict", path="/_mock"
                )
        return response

    return guard


def current_guard() -> ControlGuard:
    return current_app.extensions["mockserver_guard"]
