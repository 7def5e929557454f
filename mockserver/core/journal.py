"""The request journal: what the server received and answered, for QA and for tests that
verify calls (count, find) the way WireMock's request journal does.

Kept in memory by each server, or in the store when several servers share one (StoreJournal).
Bounded: the newest `size` entries are kept, the oldest dropped first. Secrets are masked
before an entry is stored (credentials in headers, query strings and form bodies), and bodies
are cut at `body_bytes`.
"""

from __future__ import annotations

import fnmatch
import logging
import re
import threading
import time
from collections import deque
from datetime import UTC, datetime
from typing import Any

from mockserver.core.clock import utc_iso
from mockserver.core.matchers import body_matches, headers_match
from mockserver.core.store import Store
from mockserver.core.store_outage import is_store_outage

log = logging.getLogger("mockserver.journal")

MASKED_HEADERS = {"authorization", "proxy-authorization", "cookie", "set-cookie", "x-api-key"}
# Names whose values are credentials, wherever they appear: `name=value` in query strings and
# form bodies, `"name": "value"` in JSON bodies, requests and answers alike (a SEEK Pass token
# answer's access_token, a webhook's secret).
SECRET_NAME_LIST = (
    "api_key",
    "client_secret",
    "secret",
    "signing_secret",
    "webhook_secret",
    "password",
    "access_token",
    "refresh_token",
    "token",
    "X-Amz-Signature",
    "X-Amz-Credential",
)
SECRET_NAMES = "|".join(re.escape(name) for name in SECRET_NAME_LIST)
# The names as a text folded by `_fold` contains them wherever the patterns below (case
# ignored) could match: most texts hold none, and looking for them costs a fraction of the
# two patterns' scans (33 µs for a 274-byte answer; a shared store's journal masks every entry).
_FOLDED_NAMES = tuple(name.casefold() for name in SECRET_NAME_LIST)
SECRET_PARAMS = re.compile(rf"((?:^|[?&;\s])(?:{SECRET_NAMES})=)[^&;\s\"]*", re.IGNORECASE)
SECRET_JSON = re.compile(rf'("(?:{SECRET_NAMES})"\s*:\s*")(?:[^"\\]|\\.)*', re.IGNORECASE)
# Per entry, beyond the body limit: headers kept (the rest counted) and bytes of each.
MAX_HEADERS = 100
TEXT_TYPES = ("json", "xml", "text", "x-www-form-urlencoded", "html", "javascript")


def mask_header(name: str, value: str) -> str:
    if name.lower() not in MASKED_HEADERS:
        return value
    scheme, _, rest = value.partition(" ")
    return f"{scheme} ***" if rest else "***"


def mask_text(text: str) -> str:
    """Every credential in a text masked: `api_key=abc` → `api_key=***` (query strings, form
    bodies), `"secret": "abc"` → `"secret": "***"` (JSON). The one masking function of the
    journal, the state dump and the webhook list."""
    folded = _fold(text)
    if not any(name in folded for name in _FOLDED_NAMES):
        return text
    return SECRET_JSON.sub(r"\1***", SECRET_PARAMS.sub(r"\1***", text))


def _fold(text: str) -> str:
    """`text` as the patterns' ignored case sees it: casefold() maps the long s to s and the
    Kelvin sign to k as they do; the dotted capital I and the dotless i, which they also take
    for i, it would make two characters and keep, so they become i here first."""
    return text.replace("\u0130", "i").casefold().replace("\u0131", "i")


def mask_document(value: Any) -> Any:
    """A stored document with the values of credential-named keys masked (for /_mock/state)."""
    if isinstance(value, dict):
        return {
            key: "***" if _SECRET_KEY.fullmatch(str(key)) and value[key] else mask_document(item)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [mask_document(item) for item in value]
    return value


_SECRET_KEY = re.compile(SECRET_NAMES, re.IGNORECASE)


def body_text(data: bytes, content_type: str, limit: int) -> tuple[str | None, bool]:
    """A body as masked text (None for binary types), and whether it was cut."""
    if not data:
        return "", False
    if not any(kind in (content_type or "").lower() for kind in TEXT_TYPES):
        return None, False
    cut = len(data) > limit
    text = data[:limit].decode("utf-8", errors="replace")
    return mask_text(text), cut


RAW = "_raw"  # an entry as captured, not yet turned into text (see `finish`)


def finish(entry: dict[str, Any], limit: int) -> dict[str, Any]:
    """An entry as captured by the pipeline, as QA reads it: the time as ISO text, headers
    as a dict with credentials masked, bodies as masked text (None for binary), cut at
    `limit` bytes. Done on first read rather than on every request: most entries are never
    read, and formatting cost more than the rest of a read request's journaling."""
    if not entry.pop(RAW, False):
        return entry
    entry["at"] = utc_iso(datetime.fromtimestamp(entry["at"], UTC))
    entry["query"] = mask_text(entry["query"].decode("latin-1"))
    entry["headers"] = {
        _header_name(key): mask_header(_header_name(key), value) for key, value in entry["headers"]
    }
    entry["response_headers"] = dict(entry["response_headers"])
    body = entry.get("body")
    if isinstance(body, bytes):
        entry["body"], entry["body_truncated"] = body_text(body, entry.pop("body_type", ""), limit)
    elif isinstance(body, str):
        entry["body"] = mask_text(body)  # form fields
    response_body = entry.get("response_body")
    if isinstance(response_body, bytes):
        entry["response_body"], entry["response_truncated"] = body_text(
            response_body, entry.pop("response_type", ""), limit
        )
    return entry


def _header_name(environ_key: str) -> str:
    """`HTTP_X_REQUEST_ID` → `X-Request-Id`, as Werkzeug names request headers."""
    name = environ_key[5:] if environ_key.startswith("HTTP_") else environ_key
    return name.replace("_", "-").title()


class Journal:
    """The journal of one server, in memory."""

    def __init__(self, size: int = 1000, body_bytes: int = 16 * 1024) -> None:
        self.size = size
        self.body_bytes = body_bytes
        self._entries: deque[dict[str, Any]] = deque(maxlen=size)
        self._lock = threading.Lock()
        self._next = 1

    def record(self, entry: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            entry = {"id": self._next, **entry}
            self._next += 1
            self._entries.append(entry)
        return entry

    def entries(self, criteria: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        with self._lock:
            snapshot = [finish(entry, self.body_bytes) for entry in self._entries]
        criteria = criteria or {}
        return [entry for entry in snapshot if matches(entry, criteria)]

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def resize(self, size: int) -> None:
        with self._lock:
            self.size = size
            self._entries = deque(self._entries, maxlen=size)

    def close(self) -> None:
        """Nothing to store: the journal lives and ends with the process."""


class StoreJournal:
    """The journal in the store, for several servers sharing one PostgreSQL store: QA reading
    `/_mock/requests` through a load balancer sees every replica's requests, numbered in one
    sequence. Same interface as `Journal`.

    A request only queues its entry; a writer thread masks, formats and stores what is queued
    in one statement at a time, waiting LINGER_SECONDS after the first entry for the next few,
    so a request never waits for the store on the journal's account. The queue holds at most
    `size` entries (the journal keeps no more than that anyway): if the store falls that far
    behind, or stays unreachable that long (PostgreSQL restarting), the oldest queued entries
    are dropped and counted (`dropped`), never a request blocked; what the store could not take
    is tried again every RETRY_SECONDS. Reading flushes this server's queue first and gives
    other servers' writers `SETTLE_SECONDS` to store what they had queued."""

    TRIM_EVERY = 50
    LINGER_SECONDS = 0.01
    RETRY_SECONDS = 1.0
    SETTLE_SECONDS = 0.05
    FLUSH_TIMEOUT_SECONDS = 10.0

    def __init__(self, store: Store, size: int = 1000, body_bytes: int = 16 * 1024) -> None:
        self.store = store
        self.size = size
        self.body_bytes = body_bytes
        self.dropped = 0
        self._queue: deque[dict[str, Any]] = deque(maxlen=size)
        self._in_flight = 0
        self._since_trim = 0
        self._closed = False
        self._unreachable = False  # the last batch found the store unreachable
        self._failures = 0  # batches that found it so
        self._changed = threading.Condition()
        self._writer = threading.Thread(target=self._write, name="journal-writer", daemon=True)
        self._writer.start()

    def record(self, entry: dict[str, Any]) -> dict[str, Any]:
        with self._changed:
            if len(self._queue) == self._queue.maxlen:
                self.dropped += 1
            self._queue.append(entry)
            if len(self._queue) == 1:  # the writer waits only for an empty queue to fill
                self._changed.notify_all()
        return entry

    def _write(self) -> None:
        while True:
            with self._changed:
                while not self._queue and not self._closed:
                    self._changed.wait()
                if not self._queue:
                    return
                closing = self._closed
            if not closing:
                # Let the entries of the requests in flight join this batch: at a thousand
                # requests a second, ten to a statement rather than one to three.
                time.sleep(self.LINGER_SECONDS)
            with self._changed:
                batch = list(self._queue)
                self._queue.clear()
                self._in_flight = len(batch)
            try:
                self.store.append_entries([finish(entry, self.body_bytes) for entry in batch])
            except Exception as error:  # noqa: BLE001 - the store is down, not the server
                outage = is_store_outage(error)
                if closing or not outage:
                    log.warning(
                        "journal: %d entries could not be stored%s",
                        len(batch),
                        f": the store cannot be reached ({type(error).__name__})" if outage else "",
                        exc_info=not outage,  # the cause is known: no traceback for it
                    )
                    self._done()
                    if closing:
                        return
                else:
                    self._keep_until_stored(batch, error)
                continue
            if self._unreachable:
                self._unreachable = False
                log.warning("journal: the store answers again; the entries kept are stored")
            self._trim_now_and_then(len(batch))
            self._done()

    def _keep_until_stored(self, batch: list[dict[str, Any]], error: Exception) -> None:
        """Entries the store could not take while it was unreachable go back to the front of
        the queue, to be stored when it answers again (tried every RETRY_SECONDS); the queue's
        bound still holds, the oldest dropped and counted first."""
        with self._changed:
            if not self._unreachable:
                self._unreachable = True
                log.warning(
                    "journal: the store cannot be reached (%s); entries are kept, up to %d, "
                    "until it can",
                    type(error).__name__,
                    self.size,
                )
            self._failures += 1
            kept: deque[dict[str, Any]] = deque(batch, maxlen=self.size)
            kept.extend(self._queue)
            self.dropped += len(batch) + len(self._queue) - len(kept)
            self._queue = kept
            self._in_flight = 0
            self._changed.notify_all()  # a reader waiting in flush() gives up: nothing to wait for
            if not self._closed:
                self._changed.wait(self.RETRY_SECONDS)  # a stop or a flush wakes it

    def _trim_now_and_then(self, stored: int) -> None:
        self._since_trim += stored
        if self._since_trim < self.TRIM_EVERY:
            return
        self._since_trim = 0
        try:
            self.store.trim_entries(self.size)
        except Exception:  # noqa: BLE001 - the next trim removes what this one did not
            log.warning("journal: old entries could not be trimmed", exc_info=True)

    def _done(self) -> None:
        with self._changed:
            self._in_flight = 0
            self._changed.notify_all()

    def flush(self) -> None:
        """Until what this server queued so far is stored (bounded by FLUSH_TIMEOUT_SECONDS),
        or the writer, woken to try at once, found the store unreachable again: the reading
        that follows then fails as fast."""
        with self._changed:
            failures = self._failures
            self._changed.notify_all()  # a writer waiting to try again tries now
            self._changed.wait_for(
                lambda: (not self._queue and not self._in_flight) or self._failures > failures,
                self.FLUSH_TIMEOUT_SECONDS,
            )

    def entries(self, criteria: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        self.flush()
        time.sleep(self.SETTLE_SECONDS)
        snapshot = [{"id": number, **doc} for number, doc in self.store.latest_entries(self.size)]
        criteria = criteria or {}
        return [entry for entry in snapshot if matches(entry, criteria)]

    def clear(self) -> None:
        with self._changed:
            self._queue.clear()
        self.flush()
        self.store.clear_entries()

    def resize(self, size: int) -> None:
        with self._changed:
            self.size = size
            self._queue = deque(self._queue, maxlen=size)
        self.store.trim_entries(size)

    def close(self) -> None:
        """Store what is queued, then stop the writer (on shutdown: nothing answered is lost)."""
        with self._changed:
            self._closed = True
            self._changed.notify_all()
        self._writer.join(self.FLUSH_TIMEOUT_SECONDS)


def matches(entry: dict[str, Any], criteria: dict[str, Any]) -> bool:
    """Whether an entry meets every criterion given (absent criteria match all).

    `path` is exact or a glob (`/accredible/v1/credentials/*`); `status` an exact code or a
    class (`4xx`); `body_contains` a substring of the request body."""
    for key, wanted in criteria.items():
        if wanted in (None, ""):
            continue
        if key == "path":
            if not fnmatch.fnmatchcase(entry["path"], str(wanted)):
                return False
        elif key == "path_contains":
            if str(wanted) not in entry["path"]:
                return False
        elif key == "status":
            text = str(wanted).lower()
            status = str(entry.get("status"))
            if text.endswith("xx") and status[:1] != text[:1]:
                return False
            if not text.endswith("xx") and status != text:
                return False
        elif key == "body_contains":
            if str(wanted) not in (entry.get("body") or ""):
                return False
        elif key == "since":  # an id (int) or a moment (float, from an RFC 3339 time)
            if isinstance(wanted, float):
                at = entry["at"]
                if isinstance(at, str):  # a read entry: ISO text on the server clock
                    at = datetime.fromisoformat(at.replace("Z", "+00:00")).timestamp()
                if at < wanted:
                    return False
            elif entry["id"] <= int(wanted):
                return False
        elif key == "match_headers":  # the same matchers as fault rules (core/matchers.py)
            if not headers_match(entry.get("headers") or {}, wanted):
                return False
        elif key == "match_body":
            if not body_matches(entry.get("body"), wanted):
                return False
        elif key == "unmatched":
            if bool(entry.get("unmatched")) != (str(wanted).lower() in ("1", "true", "yes")):
                return False
        elif key in ("method",):
            if str(entry.get(key, "")).upper() != str(wanted).upper():
                return False
        elif key in ("provider", "tenant", "scenario", "request_id", "fault"):
            if str(entry.get(key)) != str(wanted):
                return False
    return True
