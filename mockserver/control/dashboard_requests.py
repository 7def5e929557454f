"""The dashboard's request journal: a filtered, paged list that updates itself, and a page per
request with everything that was sent and answered, and the same request as a curl command."""

from __future__ import annotations

import json
import shlex
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from flask import Flask, Request

from mockserver.core.journal import Journal
from mockserver.core.pipeline import add_hints

PAGE_SIZE = 25
STATUS_CLASSES = ("2xx", "3xx", "4xx", "5xx")
# Headers curl sets by itself, or that would be wrong for a re-sent request.
NOT_FOR_CURL = {"host", "content-length", "connection", "accept-encoding", "transfer-encoding"}


@dataclass(frozen=True)
class RequestFilter:
    """What the person chose in the filter form; unknown or malformed choices are dropped
    (and said) rather than refused: the page should always load."""

    provider: str = ""
    status: str = ""
    tenant: str = ""
    path: str = ""
    page: int = 1

    @classmethod
    def from_args(cls, args: dict[str, str], providers: list[str]) -> tuple[RequestFilter, str]:
        dropped = []
        provider = args.get("provider", "").strip()
        if provider and provider not in providers:
            dropped.append(f"provider {provider!r}")
            provider = ""
        status = args.get("status", "").strip().lower()
        if status and status not in STATUS_CLASSES and not _is_code(status):
            dropped.append(f"status {status!r}")
            status = ""
        try:
            page = max(1, min(int(args.get("page", "1") or 1), 10_000))
        except ValueError:
            dropped.append(f"page {args.get('page')!r}")
            page = 1
        note = ("ignored " + ", ".join(dropped)) if dropped else ""
        return (
            cls(
                provider, status, args.get("tenant", "").strip(), args.get("path", "").strip(), page
            ),
            note,
        )

    def criteria(self) -> dict[str, Any]:
        return {
            "provider": self.provider,
            "status": self.status,
            "tenant": self.tenant,
            "path_contains": self.path,
        }

    def query(self, **changes: Any) -> str:
        """This filter as a query string, with `changes` (e.g. another page)."""
        values = {
            "provider": self.provider,
            "status": self.status,
            "tenant": self.tenant,
            "path": self.path,
            "page": self.page,
            **changes,
        }
        return urlencode({k: v for k, v in values.items() if v not in ("", None, 1)})


def _is_code(text: str) -> bool:
    return text.isdigit() and 100 <= int(text) <= 599


@dataclass(frozen=True)
class RequestPage:
    rows: list[dict[str, Any]]
    total: int
    pages: int
    newest: int  # the newest entry id of the whole journal, for the live update


def request_page(app: Flask, journal: Journal, chosen: RequestFilter) -> RequestPage:
    found = journal.entries(chosen.criteria())
    newest_first = list(reversed(found))
    start = (chosen.page - 1) * PAGE_SIZE
    rows = add_hints(app, newest_first[start : start + PAGE_SIZE])
    pages = max(1, -(-len(found) // PAGE_SIZE))
    return RequestPage(rows, len(found), pages, newest_first[0]["id"] if newest_first else 0)


def find_entry(app: Flask, journal: Journal, entry_id: int) -> dict[str, Any] | None:
    for entry in journal.entries():
        if entry["id"] == entry_id:
            return add_hints(app, [entry])[0]
    return None


def pretty(body: str | None, content_type: str) -> str:
    """A body as a person reads it: JSON indented, anything else as it came."""
    if not body:
        return ""
    if "json" in (content_type or "").lower() or body.lstrip()[:1] in ("{", "["):
        try:
            return json.dumps(json.loads(body), indent=2, ensure_ascii=False)
        except ValueError:
            pass
    return body


def header(headers: dict[str, str], name: str) -> str:
    for key, value in headers.items():
        if key.lower() == name.lower():
            return value
    return ""


def as_curl(entry: dict[str, Any], base_url: str) -> str:
    """The request as a curl command against this server. Credentials were masked when the
    request was journaled (`***`), so the command has them masked too."""
    url = (
        base_url.rstrip("/") + entry["path"] + (f"?{entry['query']}" if entry.get("query") else "")
    )
    parts = ["curl", "-X", entry["method"], shlex.quote(url)]
    body = entry.get("body")
    headers = entry.get("headers") or {}
    content_type = header(headers, "Content-Type")
    multipart = content_type.lower().startswith("multipart/")
    for name, value in headers.items():
        if name.lower() in NOT_FOR_CURL or (multipart and name.lower() == "content-type"):
            continue  # curl writes a multipart body's Content-Type with its own boundary
        parts += ["-H", shlex.quote(f"{name}: {value}")]
    if multipart:
        for pair in (body or "").split("&") if body else []:
            parts += ["-F", shlex.quote(pair)]
        for name, upload in (entry.get("files") or {}).items():
            parts += [
                "-F",
                shlex.quote(
                    f"{name}=@{upload['filename'] or 'file'};type={upload['content_type']}"
                ),
            ]
    elif body:
        parts += ["--data-binary", shlex.quote(body)]
    command = " ".join(parts)
    if body is None:
        command += "  # the body was binary and is not in the journal"
    elif entry.get("body_truncated"):
        command += "  # the body was cut at the journal's limit"
    return command


def base_url(request: Request) -> str:
    return request.host_url.rstrip("/")
