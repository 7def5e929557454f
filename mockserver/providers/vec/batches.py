"""The template workflow: certificate templates, CSV batches and the certificates they make.

A batch moves pending → processing → (waiting_for_approval when its template has signatories)
→ completed, partially_completed or failed, on the server clock. A CSV row with a bad email or
date fails that certificate, not the batch.
"""

from __future__ import annotations

import csv
import io
import math
import re
import threading
import time
from datetime import datetime, timedelta
from typing import Any

from mockserver.core.clock import Clock
from mockserver.core.errors import ApiError, ValidationFailed
from mockserver.core.ids import ids
from mockserver.core.storage import ObjectStorage
from mockserver.core.store import Store
from mockserver.providers.vec import documents, errors, listing
from mockserver.providers.vec.accounts import Accounts, Caller, Institution
from mockserver.providers.vec.schemas import (
    BATCH_FORM,
    BATCH_LIST_QUERY,
    CERTIFICATE_LIST_QUERY,
    PAGE_QUERY,
    load,
)
from mockserver.providers.vec.vault import vec_time

BATCH_KIND = "vec_batch"
CERTIFICATE_KIND = "vec_certificate"
START_DELAY = timedelta(seconds=1)
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
REQUIRED_COLUMNS = ("RecipientsEmail", "RecipientsName")
FINAL = ("completed", "partially_completed", "failed")


class BatchService:
    def __init__(
        self, store: Store, clock: Clock, storage: ObjectStorage, accounts: Accounts
    ) -> None:
        self.store = store
        self.clock = clock
        self.storage = storage
        self.accounts = accounts
        # Batches not final yet, and when on the server clock the next thing can happen to
        # each (its start, its certificates' processing time; never, while it waits for
        # approval): a pass reads only those due. A batch of 1,000 certificates processing
        # cost every pass, and every batch read, 12 ms listing its certificates.
        self._active: dict[tuple[str, str], float] = {}
        self._lock = threading.Lock()
        self._pass_lock = threading.RLock()
        store.index_kind(BATCH_KIND, listing.batch_fields, ("status",), fields=listing.BATCH)
        store.index_kind(
            CERTIFICATE_KIND,
            listing.certificate_fields,
            ("batch_id", "status", "customer_id"),
            fields=listing.CERTIFICATE,
            ordered=listing.CERTIFICATE_ORDERS,
            tie=listing.TIE,
        )
        self.reload()

    # --- templates ------------------------------------------------------------------------

    def templates(self, caller: Caller, query: dict[str, Any]) -> tuple[list[dict], dict]:
        params, found = load(PAGE_QUERY, query)
        if found:
            raise ValidationFailed(found)
        entries = caller.institution.templates
        if params.get("search"):
            entries = [t for t in entries if params["search"].lower() in t["name"].lower()]
        return entries, params

    # --- creating a batch -----------------------------------------------------------------

    def create(
        self, caller: Caller, form: dict[str, str], csv_name: str | None, csv_data: bytes | None
    ) -> dict[str, Any]:
        institution = caller.institution
        fields, found = load(BATCH_FORM, form)
        template = None
        if "template_id" in fields:
            template = next(
                (t for t in institution.templates if t["id"] == str(fields["template_id"])), None
            )
            if template is None:
                found["template_id"] = ["The selected template id is invalid."]
        rows, csv_errors = _read_csv(csv_name, csv_data)
        if csv_errors:
            found["csv_file"] = csv_errors
        signatories, signatory_errors = _signatories(form, institution, template)
        found.update(signatory_errors)
        if found:
            raise ValidationFailed(found)
        assert template is not None
        return self._store_batch(institution, fields["name"], template, rows, signatories)

    def _store_batch(
        self,
        institution: Institution,
        name: str,
        template: dict[str, Any],
        rows: list[dict[str, str]],
        signatories: list[dict],
    ) -> dict[str, Any]:
        now = self.clock.now()
        batch_id = ids.uuid()
        requires_signatures = int(template.get("signatory_fields", 0)) > 0
        # Real time, not the server clock (which may stand still): ties in the lists' orders
        # come out in the order batches were made (listing.py).
        made = time.time_ns()
        certificates = [
            {**self._certificate(institution, batch_id, number, row, now), "made_ns": made}
            for number, row in enumerate(rows, start=1)
        ]
        batch = {
            "id": batch_id,
            "name": name,
            "status": "pending",
            "template_id": template["id"],
            "template_name": template["name"],
            "total_certificates": len(certificates),
            "requires_signatures": requires_signatures,
            "signatories": signatories or template.get("default_signatories", []),
            "start_at": (now + START_DELAY).timestamp(),
            "completion_date": None,
            "created_at": vec_time(now),
            "updated_at": vec_time(now),
            "made_ns": made,
        }
        with self.store.transaction() as tx:
            tx.insert(institution.tenant, BATCH_KIND, batch_id, batch)
            for certificate in certificates:
                tx.insert(institution.tenant, CERTIFICATE_KIND, certificate["uuid"], certificate)
        with self._lock:
            self._active[(institution.tenant, batch_id)] = batch["start_at"]
        return batch

    @staticmethod
    def _certificate(
        institution: Institution, batch_id: str, number: int, row: dict[str, str], now: datetime
    ) -> dict[str, Any]:
        email = (row.get("RecipientsEmail") or "").strip()
        issue_date, reason = now.strftime("%Y-%m-%dT00:00:00.000000Z"), None
        if row.get("IssueDate"):
            try:
                issued = datetime.strptime(row["IssueDate"].strip(), "%d-%m-%Y")
                issue_date = issued.strftime("%Y-%m-%dT00:00:00.000000Z")
            except ValueError:
                reason = f"IssueDate {row['IssueDate']!r} is not a DD-MM-YYYY date"
        if not EMAIL.match(email):
            reason = f"RecipientsEmail {email!r} is not a valid email address"
        customer = institution.customers.get(email.lower())
        custom = {k: v for k, v in row.items() if k not in (*REQUIRED_COLUMNS, "IssueDate")}
        return {
            "uuid": ids.uuid(),
            "reference_id": f"VEC-IC-{now.year}{ids.hex(7).upper()[:13]}",
            "batch_id": batch_id,
            "row": number,  # its CSV row: ties in a list come in this order (listing.py)
            "customer_id": customer.get("id") if customer else None,
            "name": (row.get("RecipientsName") or "").strip(),
            "email": email,
            "status": "failed" if reason else "pending",
            "failure_reason": reason,
            "issue_date": issue_date,
            "generated_at": None,
            "custom_data": custom,
            "created_at": vec_time(now),
            "updated_at": vec_time(now),
        }

    # --- reading --------------------------------------------------------------------------

    def page(self, caller: Caller, query: dict[str, Any]) -> tuple[list[dict], int, dict]:
        """One page of the batch list, newest first, and how many match (from the index)."""
        params, found = load(BATCH_LIST_QUERY, query)
        if found:
            raise ValidationFailed(found)
        self.advance()
        equal = {"status": params["status"]} if params.get("status") else {}
        batches, total = listing.newest_page(self.store, caller.tenant, BATCH_KIND, equal, params)
        return batches, total, params

    def get(self, caller: Caller, batch_id: str) -> dict[str, Any]:
        self.advance()
        batch = self.store.get(caller.tenant, BATCH_KIND, batch_id)
        if batch is None:
            raise errors.not_found("Batch", batch_id)
        return batch

    def counts(self, tenant: str, batch_id: str) -> dict[str, int]:
        """How many of a batch's certificates are generated and failed, counted in the index."""
        return {
            name: self.store.query(
                tenant, CERTIFICATE_KIND, {"batch_id": batch_id, "status": status}, limit=0
            )[0]
            for name, status in (("processed", "generated"), ("failed", "failed"))
        }

    def _certificates(self, tenant: str, batch_id: str) -> list[dict[str, Any]]:
        return self.store.query(tenant, CERTIFICATE_KIND, {"batch_id": batch_id})[1]

    def certificates(self, caller: Caller, query: dict[str, Any]) -> tuple[list[dict], int, dict]:
        """One page of the certificate list and how many match: filtered, sorted and paged in
        the index, except a `search` term (a substring of three fields), which filters the
        indexed matches in Python before the page is cut."""
        params, found = load(CERTIFICATE_LIST_QUERY, query)
        if found:
            raise ValidationFailed(found)
        self.advance()
        number, size = listing.page_of(params)
        equal = {
            name: str(params[name])
            for name in ("batch_id", "status", "customer_id")
            if params.get(name) is not None
        }
        between = {}
        for name, day_field in listing.DAY_FILTERS.items():
            low, high = params.get(f"{name}_from"), params.get(f"{name}_to")
            if low or high:
                between[day_field] = (
                    low.isoformat() if low else None,
                    high.isoformat() if high else None,
                )
        # Laravel turns an empty parameter into null, and a null sort means the default.
        field, direction = params.get("sort_field") or "created_at", params.get("sort_order")
        direction = direction or "desc"
        order = listing.order_field(field)
        page = {"offset": (number - 1) * size, "limit": size}
        if params.get("search"):
            page = {}
        total, items = self.store.query(
            caller.tenant,
            CERTIFICATE_KIND,
            equal,
            between,
            order=(order, direction == "desc"),
            **page,
        )
        if params.get("search"):
            term = params["search"].lower()
            items = [
                c
                for c in items
                if any(term in str(c[k]).lower() for k in ("name", "email", "reference_id"))
            ]
            total, items = len(items), items[(number - 1) * size : number * size]
        return items, total, params

    def certificate(self, caller: Caller, certificate_id: str) -> dict[str, Any]:
        self.advance()
        found = self.store.get(caller.tenant, CERTIFICATE_KIND, certificate_id)
        if found is None:
            raise errors.not_found("Certificate", certificate_id)
        return found

    # --- the lifecycle on the clock -------------------------------------------------------

    def reload(self) -> None:
        with self._lock:
            self._active = {
                (row["tenant"], row["id"]): 0.0  # looked at on the next pass
                for row in self.store.dump(kind=BATCH_KIND)
                if row["doc"]["status"] not in FINAL
            }

    def approve(self, tenant: str, batch_id: str) -> dict[str, Any]:
        """Control plane: the signatories approve a batch waiting for approval."""
        batch = self.store.get(tenant, BATCH_KIND, batch_id)
        if batch is None:
            raise ApiError(404, "not_found", f"no VEC batch {batch_id} in {tenant}")
        if batch["status"] != "waiting_for_approval":
            raise ApiError(409, "conflict", f"batch {batch_id} is {batch['status']}")
        with self._pass_lock:
            self._finalize(tenant, batch)
        return batch

    def advance(self) -> None:
        """Move every active batch as far as the clock allows; one pass at a time."""
        with self._pass_lock:
            self._advance_all()

    def _advance_all(self) -> None:
        now = self.clock.timestamp()
        with self._lock:
            due = [key for key, at in self._active.items() if at <= now]
        for tenant, batch_id in due:
            institution = self.accounts.institutions.get(tenant)
            batch = self.store.get(tenant, BATCH_KIND, batch_id)
            if institution is None or batch is None or batch["status"] in FINAL:
                with self._lock:
                    self._active.pop((tenant, batch_id), None)
                continue
            later = self._advance(institution, batch)
            with self._lock:
                if later is not None and (tenant, batch_id) in self._active:  # not finalized
                    self._active[(tenant, batch_id)] = later

    def _advance(self, institution: Institution, batch: dict[str, Any]) -> float | None:
        """Move the batch as far as the clock allows; when to look at it again (None: it
        is final, `math.inf`: only an approval moves it)."""
        tenant = institution.tenant
        now = self.clock.now()
        if batch["status"] == "pending" and now.timestamp() >= batch["start_at"]:
            # Scheduled from when processing was due, not from when it is noticed, so one
            # clock jump moves a batch as far as the elapsed time allows.
            process_at = batch["start_at"] + institution.processing_seconds
            with self.store.transaction() as tx:
                for certificate in self._certificates(tenant, batch["id"]):
                    if certificate["status"] == "pending":
                        certificate.update(
                            status="processing", process_at=process_at, updated_at=vec_time(now)
                        )
                        tx.put(tenant, CERTIFICATE_KIND, certificate["uuid"], certificate)
                batch.update(status="processing", updated_at=vec_time(now))
                tx.put(tenant, BATCH_KIND, batch["id"], batch)
        if batch["status"] == "pending":
            return float(batch["start_at"])
        if batch["status"] != "processing":
            return math.inf
        next_due = math.inf
        for certificate in self._certificates(tenant, batch["id"]):
            if certificate["status"] != "processing":
                continue
            if now.timestamp() < certificate["process_at"]:
                next_due = min(next_due, float(certificate["process_at"]))
                continue
            self._finish_certificate(institution, certificate, now)
        if next_due < math.inf:
            return next_due
        if batch["requires_signatures"]:
            batch.update(status="waiting_for_approval", updated_at=vec_time(now))
            with self.store.transaction() as tx:
                tx.put(tenant, BATCH_KIND, batch["id"], batch)
            return math.inf
        self._finalize(tenant, batch)
        return None

    def _finish_certificate(
        self, institution: Institution, certificate: dict[str, Any], now: datetime
    ) -> None:
        if institution.should_fail(certificate["email"]):
            certificate.update(status="failed", failure_reason="Certificate generation failed.")
        else:
            keys = documents.generate(
                self.storage,
                f"{institution.tenant}/vec/certificates/{certificate['uuid']}",
                certificate["reference_id"],
                [
                    certificate["name"],
                    institution.name,
                    f"Reference: {certificate['reference_id']}",
                ],
            )
            certificate.update(
                status="generated", generated_at=vec_time(now), **keys, image_key=keys["qrcode_key"]
            )
        certificate["updated_at"] = vec_time(now)
        with self.store.transaction() as tx:
            tx.put(institution.tenant, CERTIFICATE_KIND, certificate["uuid"], certificate)

    def _finalize(self, tenant: str, batch: dict[str, Any]) -> None:
        counts = self.counts(tenant, batch["id"])
        total = batch["total_certificates"]
        if counts["failed"] == total:
            status = "failed"
        elif counts["failed"]:
            status = "partially_completed"
        else:
            status = "completed"
        now = vec_time(self.clock.now())
        batch.update(status=status, completion_date=now, updated_at=now)
        with self.store.transaction() as tx:
            tx.put(tenant, BATCH_KIND, batch["id"], batch)
        with self._lock:
            self._active.pop((tenant, batch["id"]), None)


def _read_csv(name: str | None, data: bytes | None) -> tuple[list[dict[str, str]], list[str]]:
    if data is None or not name:
        return [], ["The csv file field is required."]
    if not name.lower().endswith((".csv", ".txt")):
        return [], ["The csv file field must be a file of type: csv, txt."]
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return [], ["The csv file must be UTF-8 encoded."]
    reader = csv.DictReader(io.StringIO(text))
    columns = [c.strip() for c in reader.fieldnames or []]
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    if missing:
        return [], [
            f"The csv file must contain the {' and '.join(missing)} column"
            f"{'s' if len(missing) > 1 else ''}."
        ]
    rows = [{(k or "").strip(): (v or "") for k, v in row.items()} for row in reader]
    rows = [row for row in rows if any(value.strip() for value in row.values())]
    if not rows:
        return [], ["The csv file must contain at least one recipient row."]
    return rows, []


def _signatories(
    form: dict[str, str], institution: Institution, template: dict[str, Any] | None
) -> tuple[list[dict], dict[str, list[str]]]:
    """Signatories from `signatories[i][user_uuid]` / `signatories[i][index]` form fields."""
    entries: dict[int, dict[str, str]] = {}
    for key, value in form.items():
        if not isinstance(key, str) or not isinstance(value, str):
            continue  # a malformed part without a name
        found = re.fullmatch(r"signatories\[([0-9]{1,4})\]\[(user_uuid|index)\]", key)
        if found:
            entries.setdefault(int(found.group(1)), {})[found.group(2)] = value
    errors_found: dict[str, list[str]] = {}
    needed = int((template or {}).get("signatory_fields", 0))
    has_defaults = bool((template or {}).get("default_signatories"))
    if not entries:
        if needed and not has_defaults:
            errors_found["signatories"] = ["The signatories field is required."]
        return [], errors_found
    signatories = []
    seen: dict[str, int] = {}
    for position in sorted(entries):
        entry = entries[position]
        user = entry.get("user_uuid", "").strip()
        if not user:
            errors_found[f"signatories.{position}.user_uuid"] = [
                f"The signatories.{position}.user_uuid field is required."
            ]
        elif user not in institution.users:
            errors_found[f"signatories.{position}.user_uuid"] = [
                f"The selected signatories.{position}.user_uuid is invalid."
            ]
        elif user in seen:
            errors_found[f"signatories.{position}.user_uuid"] = [
                f"The signatories.{position}.user_uuid field has a duplicate value."
            ]
        seen.setdefault(user, position)
        index = entry.get("index", "").strip()
        numeric = re.fullmatch(r"[0-9]{1,9}", index) is not None
        if not numeric or int(index) < 1:
            errors_found[f"signatories.{position}.index"] = [
                f"The signatories.{position}.index field must be an integer of at least 1."
            ]
        signatories.append({"user_uuid": user, "index": int(index) if numeric else None})
    indices = sorted(s["index"] for s in signatories if s["index"] is not None)
    if len(indices) == len(signatories) and indices != list(range(1, len(signatories) + 1)):
        errors_found["signatories"] = ["The signatories indices must be sequential, starting at 1."]
    if needed and len(signatories) != needed:
        errors_found.setdefault("signatories", []).append(
            f"The signatories field must contain {needed} items."
        )
    return sorted(signatories, key=lambda s: s["index"] or 0), errors_found
