"""What the server says about its traffic: one access line per request, webhook attempts,
and requests that hit no route.

Lines go through Python logging (logger `mockserver.access`, `mockserver.webhooks`,
`mockserver.routing`), so a test process that embeds the sandbox sees them in its own log
capture; `mockserver serve` prints them on standard output (configure()), as text or JSON.
Times are the server clock's, the same as the journal's and the `Date` header's, so a line can
be matched with what a client saw.
"""

from __future__ import annotations

import json
import logging
import queue
import sys
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

ACCESS = logging.getLogger("mockserver.access")
WEBHOOKS = logging.getLogger("mockserver.webhooks")
ROUTING = logging.getLogger("mockserver.routing")
_HANDLER_MARK = "_mockserver_handler"


def request_line(fields: dict[str, Any]) -> None:
    """Log one exchange: `fields` has time, method, path, status, ms, provider, tenant,
    scenario, rule and request_id (None where a request has none)."""
    if ACCESS.isEnabledFor(logging.INFO):
        ACCESS.info(_access_text(fields), extra={"fields": fields})


def no_route(
    method: str, path: str, nearest: Callable[[], dict[str, Any] | None], request_id: str
) -> None:
    """Warn of a request that matched no route, naming the nearest route. Finding it takes
    milliseconds (a fuzzer or a scanner sends thousands), so one background thread does it,
    never on the request's time; past QUEUED waiting, warnings go out without a hint."""
    if not ROUTING.isEnabledFor(logging.WARNING):
        return
    try:
        _unmatched.put_nowait((method, path, nearest, request_id))
    except queue.Full:
        _warn_no_route(method, path, None, request_id)
        return
    _start_hint_thread()


def _warn_no_route(method: str, path: str, hint: dict[str, Any] | None, request_id: str) -> None:
    nearest = f"; nearest route: {','.join(hint['methods'])} {hint['route']}" if hint else ""
    ROUTING.warning(
        f"no route for {method} {path}{nearest}",
        extra={
            "fields": {"method": method, "path": path, "nearest": hint, "request_id": request_id}
        },
    )


QUEUED = 256
_unmatched: queue.Queue[tuple[str, str, Callable[[], Any], str]] = queue.Queue(maxsize=QUEUED)
_hint_thread_lock = threading.Lock()
_hint_thread: threading.Thread | None = None


def _start_hint_thread() -> None:
    global _hint_thread
    with _hint_thread_lock:
        if _hint_thread is None or not _hint_thread.is_alive():
            _hint_thread = threading.Thread(target=_hint_loop, name="route-hints", daemon=True)
            _hint_thread.start()


def _hint_loop() -> None:
    while True:
        method, path, nearest, request_id = _unmatched.get()
        try:
            hint = nearest()
        except Exception:  # noqa: BLE001 - a hint is a nicety; the warning still goes out
            hint = None
        _warn_no_route(method, path, hint, request_id)


def webhook_attempt(record: dict[str, Any], attempt: dict[str, Any]) -> None:
    """One delivery attempt: info when the receiver took it, a warning when it did not."""
    outcome = (
        f"answered {attempt['status_code']}"
        if "status_code" in attempt
        else f"failed: {attempt.get('error')}"
    )
    fields = {
        "provider": record.get("provider"),
        "event": record.get("event"),
        "url": record.get("url"),
        "attempt": attempt["number"],
        "status": attempt.get("status_code"),
        "error": attempt.get("error"),
        "ms": attempt.get("duration_ms"),
        "delivery": record.get("status"),
    }
    text = (
        f"webhook {record.get('provider')} {record.get('event')} -> {record.get('url')} "
        f"attempt {attempt['number']} {outcome} in {attempt.get('duration_ms')} ms "
        f"({record.get('status')})"
    )
    delivered = 200 <= (attempt.get("status_code") or 0) < 300
    WEBHOOKS.log(logging.INFO if delivered else logging.WARNING, text, extra={"fields": fields})


def _access_text(f: dict[str, Any]) -> str:
    return " ".join(
        str(part)
        for part in (
            f["method"],
            f["path"],
            f["status"],
            f"{f['ms']}ms",
            f.get("provider") or "-",
            f.get("tenant") or "-",
            f.get("scenario") or "-",
            f"rule={f['rule']}" if f.get("rule") else "-",
            f.get("request_id") or "-",
        )
    )


class TextFormatter(logging.Formatter):
    """One line per event; an error that carries an exception (a request that failed
    unexpectedly, a journal batch PostgreSQL refused) is followed by its traceback, the only
    place its cause is told."""

    def format(self, record: logging.LogRecord) -> str:
        fields = getattr(record, "fields", None) or {}
        when = fields.get("time") or _now()
        level = "" if record.levelno == logging.INFO else f"{record.levelname} "
        text = f"{when} {level}{record.getMessage()}"
        if record.exc_info:
            text += "\n" + self.formatException(record.exc_info)
        return text


class JsonFormatter(logging.Formatter):
    """One JSON object per line; an exception goes in `error` (its type and message) and
    `traceback`, inside the line."""

    def format(self, record: logging.LogRecord) -> str:
        fields = dict(getattr(record, "fields", None) or {})
        line = {
            "time": fields.pop("time", None) or _now(),
            "level": record.levelname.lower(),
            "logger": record.name,
            **({"message": record.getMessage()} if record.name != ACCESS.name else {}),
            **fields,
        }
        if record.exc_info and record.exc_info[1] is not None:
            error = record.exc_info[1]
            line["error"] = f"{type(error).__name__}: {error}"
            line["traceback"] = self.formatException(record.exc_info)
        return json.dumps(line, default=str)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def configure(settings: Any) -> None:
    """Print mockserver's log lines on standard output in the chosen format (once; calling
    again replaces the handler). `--quiet` drops the access lines, not warnings."""
    root = logging.getLogger("mockserver")
    for handler in list(root.handlers):
        if getattr(handler, _HANDLER_MARK, False):
            root.removeHandler(handler)
    handler = logging.StreamHandler(sys.stdout)
    setattr(handler, _HANDLER_MARK, True)
    handler.setFormatter(JsonFormatter() if settings.log_format == "json" else TextFormatter())
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    root.propagate = False
    ACCESS.setLevel(logging.WARNING if settings.quiet else logging.INFO)
    WEBHOOKS.setLevel(logging.WARNING if settings.quiet else logging.INFO)
