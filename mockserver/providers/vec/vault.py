"""The certificate vault: uploaded files, single and bulk vault certificates, their
asynchronous processing on the server clock, retry and download."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta
from typing import Any

from werkzeug.utils import secure_filename

from mockserver.core.clock import Clock
from mockserver.core.errors import ApiError, ValidationFailed
from mockserver.core.filetypes import sniff
from mockserver.core.ids import ids
from mockserver.core.storage import ObjectStorage
from mockserver.core.store import Conflict, Store
from mockserver.providers.vec import documents, errors, listing
from mockserver.providers.vec.accounts import Accounts, Caller, Institution
from mockserver.providers.vec.errors import BulkValidationFailed, laravel_summary
from mockserver.providers.vec.events import Events
from mockserver.providers.vec.schemas import (
    ALLOWED_EXTENSIONS,
    ALLOWED_MEDIA_TYPES,
    MAX_FILE_KILOBYTES,
    VAULT_ENTRY,
    VAULT_LIST_QUERY,
    VAULT_SINGLE,
    load,
)

FILE_KIND = "vec_file"
VAULT_KIND = "vec_vault"
COUNTER_KIND = "vec_counter"
FILE_USE_SCOPE = "vec_file_use"


def vec_time(moment: datetime) -> str:
    """VEC's timestamps: microseconds and a Z (2025-06-01T10:00:00.000000Z)."""
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def check_file(field: str, filename: str | None, data: bytes | None) -> tuple[str, list[str]]:
    """(media type by content, Laravel errors) for an uploaded certificate file."""
    label = field.replace("_", " ")
    if data is None or not filename:
        return "", [f"The {label} field is required."]
    found: list[str] = []
    # Laravel's `mimes` rule reads the type from the content, never from the file's name: a
    # real PDF called cert.txt passes, a text file called cert.pdf does not (FIDELITY.md).
    media_type = sniff(data[:16]) or ""
    if media_type not in ALLOWED_MEDIA_TYPES:
        found.append(f"The {label} field must be a file of type: {', '.join(ALLOWED_EXTENSIONS)}.")
    if len(data) > MAX_FILE_KILOBYTES * 1024:
        found.append(f"The {label} field must not be greater than {MAX_FILE_KILOBYTES} kilobytes.")
    return media_type, found


class VaultService:
    def __init__(
        self,
        store: Store,
        clock: Clock,
        storage: ObjectStorage,
        accounts: Accounts,
        events: Events,
    ) -> None:
        self.store = store
        self.clock = clock
        self.storage = storage
        self.accounts = accounts
        self.events = events
        # The vault list pages from the index, newest first (see `page`).
        store.index_kind(
            VAULT_KIND, listing.vault_fields, ("status", "batch_id"), fields=listing.VAULT
        )
        self._due: dict[tuple[str, str], float] = {}
        self._lock = threading.Lock()
        self._pass_lock = threading.Lock()
        self.reload()

    # --- files ----------------------------------------------------------------------------

    def upload_file(self, caller: Caller, filename: str | None, data: bytes | None) -> dict:
        media_type, found = check_file("file", filename, data)
        if found:
            raise ValidationFailed({"file": found})
        assert data is not None and filename is not None
        file_id = ids.uuid()
        name = filename.replace("\\", "/").rsplit("/", 1)[-1]
        key = f"{caller.tenant}/vec/files/{file_id}/{secure_filename(name) or 'file'}"
        self.storage.put(key, data, media_type)
        record = {
            "file_id": file_id,
            "file_name": name,
            "mime_type": media_type,
            "size": len(data),
            "key": key,
            "used_by": None,
        }
        with self.store.transaction() as tx:
            tx.insert(caller.tenant, FILE_KIND, file_id, record)
        return {key: record[key] for key in ("file_id", "file_name", "mime_type", "size")}

    # --- creating certificates ------------------------------------------------------------

    def bulk(self, caller: Caller, payload: dict[str, Any]) -> dict[str, Any]:
        entries = payload.get("entries")
        if not isinstance(entries, list) or not entries:
            message = (
                "The entries field is required."
                if entries in (None, [], "")
                else "The entries field must be an array."
            )
            if isinstance(entries, list):
                message = "The entries field must have at least 1 items."
            raise BulkValidationFailed(message, [message])
        found, not_found_only, valid = self._check_entries(caller.tenant, entries)
        if found:
            message = (
                "Some file_ids could not be resolved"
                if not_found_only
                else laravel_summary({"entries": found})
            )
            raise BulkValidationFailed(message, found)
        batch_id = ids.uuid()
        institution = caller.institution
        try:
            records = self._create(institution, valid, batch_id, "bulk_upload")
        except Conflict as exc:  # a concurrent bulk took one of the files first
            index = next(i for i, e in enumerate(valid) if e["file_id"] == exc.key)
            text = f"Entry {index}: file_id {exc.key} has already been used"
            raise BulkValidationFailed(text, [text]) from exc
        return {"batch_id": batch_id, "total": len(records), "status": "processing"}

    def _check_entries(
        self, tenant: str, entries: list[Any]
    ) -> tuple[list[str], bool, list[dict[str, Any]]]:
        found: list[str] = []
        only_missing_files = True
        valid: list[dict[str, Any]] = []
        seen_files: dict[str, int] = {}
        seen_people: dict[tuple[str, str, str], int] = {}
        for index, entry in enumerate(entries):
            if not isinstance(entry, dict):
                found.append(f"Entry {index}: The entry must be an object.")
                only_missing_files = False
                continue
            data, field_errors = load(VAULT_ENTRY, entry)
            for messages in field_errors.values():
                found.extend(f"Entry {index}: {message}" for message in messages)
                only_missing_files = False
            if field_errors:
                continue
            file_id = str(data["file_id"])
            record = self.store.get(tenant, FILE_KIND, file_id)
            if record is None:
                found.append(f"Entry {index}: file_id {file_id} not found")
                continue
            if record["used_by"] is not None:
                found.append(f"Entry {index}: file_id {file_id} has already been used")
                only_missing_files = False
                continue
            person = (data["certificate_title"], data["full_name"], data["applicant_email"].lower())
            if file_id in seen_files:
                found.append(
                    f"Entry {index}: duplicate entry: file_id {file_id} is also used by entry "
                    f"{seen_files[file_id]}"
                )
                only_missing_files = False
            elif person in seen_people:
                found.append(
                    f"Entry {index}: duplicate entry: same certificate_title, full_name and "
                    f"applicant_email as entry {seen_people[person]}"
                )
                only_missing_files = False
            seen_files.setdefault(file_id, index)
            seen_people.setdefault(person, index)
            valid.append({**data, "file_id": file_id, "file": record})
        return found, only_missing_files, valid

    def single(
        self, caller: Caller, form: dict[str, Any], filename: str | None, data: bytes | None
    ) -> dict[str, Any]:
        fields, found = load(VAULT_SINGLE, form)
        media_type, file_errors = check_file("certificate_file", filename, data)
        if file_errors:
            found["certificate_file"] = file_errors
        if found:
            raise ValidationFailed(found)
        uploaded = self.upload_file(caller, filename, data)
        record = self.store.get(caller.tenant, FILE_KIND, uploaded["file_id"])
        entry = {**fields, "file_id": uploaded["file_id"], "file": record}
        return self._create(caller.institution, [entry], None, "single_upload")[0]

    def _create(
        self,
        institution: Institution,
        entries: list[dict[str, Any]],
        batch_id: str | None,
        trigger: str,
    ) -> list[dict[str, Any]]:
        now = self.clock.now()
        tenant = institution.tenant
        records = []
        with self.store.transaction() as tx:
            counter = tx.locked(tenant, COUNTER_KIND, "vault", {"next": 1})
            for entry in entries:
                tx.claim(tenant, FILE_USE_SCOPE, entry["file_id"], VAULT_KIND, entry["file_id"])
                certificate_uuid = ids.uuid()
                record = {
                    "id": counter["next"],
                    "uuid": certificate_uuid,
                    "reference_id": f"VEC-IC-{now.year}{ids.hex(7).upper()[:13]}",
                    "certificate_title": entry["certificate_title"],
                    "full_name": entry["full_name"],
                    "applicant_email": entry["applicant_email"],
                    "issue_date": entry["issue_date"].isoformat()
                    if entry.get("issue_date")
                    else None,
                    "details": entry.get("details"),
                    "source": "vault",
                    "status": "processing",
                    "batch_id": batch_id,
                    "trigger_context": trigger,
                    "file_key": entry["file"]["key"],
                    "will_fail": institution.should_fail(entry["applicant_email"]),
                    "process_at": (
                        now + timedelta(seconds=institution.processing_seconds)
                    ).timestamp(),
                    "created_at": vec_time(now),
                    "updated_at": vec_time(now),
                    "documents": [],
                }
                counter["next"] += 1
                file_record = {**entry["file"], "used_by": certificate_uuid}
                tx.put(tenant, FILE_KIND, entry["file_id"], file_record)
                tx.insert(tenant, VAULT_KIND, certificate_uuid, record)
                records.append(record)
            tx.put(tenant, COUNTER_KIND, "vault", counter)
            if batch_id:
                tx.insert(
                    tenant,
                    "vec_vault_batch",
                    batch_id,
                    {
                        "batch_id": batch_id,
                        "total": len(records),
                        "created_at": vec_time(now),
                        "certificates": [r["uuid"] for r in records],
                    },
                )
        with self._lock:
            for record in records:
                self._due[(tenant, record["uuid"])] = record["process_at"]
        for record in records:
            self.events.emit(
                institution,
                "certificate_application.created",
                {**_event_fields(record), "trigger_context": trigger},
            )
        return records

    # --- reading --------------------------------------------------------------------------

    def list(self, caller: Caller, query: dict[str, Any]) -> tuple[list[dict[str, Any]], dict]:
        params, found = load(VAULT_LIST_QUERY, query)
        if found:
            raise ValidationFailed(found)
        self.process_due()
        records = self.store.list(caller.tenant, VAULT_KIND)
        if params.get("status"):
            records = [r for r in records if r["status"] == params["status"]]
        if params.get("applicant_email"):
            wanted = params["applicant_email"].lower()
            records = [r for r in records if r["applicant_email"].lower() == wanted]
        if params.get("batch_id"):
            records = [r for r in records if r["batch_id"] == str(params["batch_id"])]
        if params.get("search"):
            term = params["search"].lower()
            records = [
                r
                for r in records
                if any(
                    term in str(r[k]).lower()
                    for k in ("reference_id", "certificate_title", "full_name", "applicant_email")
                )
            ]
        records.sort(key=lambda r: (r["created_at"], r["id"]), reverse=True)
        return records, params

    def page(self, caller: Caller, query: dict[str, Any]) -> tuple[list[dict], int, dict]:
        """One page of the vault list, newest first, and how many match: from the index,
        unless a `search` term asks for a substring (then as `list` does, in Python)."""
        params, found = load(VAULT_LIST_QUERY, query)
        if found:
            raise ValidationFailed(found)
        number, size = listing.page_of(params)
        if params.get("search"):
            records, _ = self.list(caller, query)
            return records[(number - 1) * size : number * size], len(records), params
        self.process_due()
        equal = {
            name: str(params[name]).lower() if name == "applicant_email" else str(params[name])
            for name in ("status", "applicant_email", "batch_id")
            if params.get(name)
        }
        records, total = listing.newest_page(self.store, caller.tenant, VAULT_KIND, equal, params)
        return records, total, params

    def get(self, caller: Caller, certificate_uuid: str) -> dict[str, Any]:
        self.process_due()
        record = self.store.get(caller.tenant, VAULT_KIND, certificate_uuid)
        if record is None:
            raise errors.not_found("CertificateApplication", certificate_uuid)
        return record

    def retry(self, caller: Caller, certificate_uuid: str) -> dict[str, Any]:
        self.get(caller, certificate_uuid)  # 404 and the caller's view, as for a read
        now = self.clock.now()
        institution = caller.institution
        # The retry is claimed in the transaction that changes the state: of concurrent
        # retries of one failed certificate exactly one finds it failed (the row is locked on
        # PostgreSQL; SQLite runs one transaction at a time).
        with self.store.transaction() as tx:
            record = tx.get(caller.tenant, VAULT_KIND, certificate_uuid, for_update=True)
            if record is None or record["status"] != "failed":
                raise ApiError(
                    422, "unprocessable", "Only failed vault certificates can be retried."
                )
            record.update(
                status="processing",
                failure_reason=None,
                will_fail=institution.should_fail(record["applicant_email"]),
                process_at=(now + timedelta(seconds=institution.processing_seconds)).timestamp(),
                updated_at=vec_time(now),
            )
            tx.put(caller.tenant, VAULT_KIND, certificate_uuid, record)
        with self._lock:
            self._due[(caller.tenant, certificate_uuid)] = record["process_at"]
        self.events.emit(institution, "certificate_application.retried", _event_fields(record))
        return record

    def verified_pdf(self, caller: Caller, certificate_uuid: str) -> tuple[bytes, str]:
        record = self.get(caller, certificate_uuid)
        if record["status"] != "generated":
            raise ApiError(
                422,
                "unprocessable",
                "The verified PDF is available once the certificate has been generated.",
                extra={"status": record["status"]},
            )
        data = self.storage.get(record["pdf_key"])
        if data is None:  # embedded S3 forgets objects on restart; the PDF is derived data
            self._make_documents(caller.institution, record)
            data = self.storage.get(record["pdf_key"]) or b""
        return data, f"{record['reference_id']}.pdf"

    def _make_documents(self, institution: Institution, record: dict[str, Any]) -> dict:
        return documents.generate(
            self.storage,
            f"{institution.tenant}/vec/vault/{record['uuid']}",
            record["reference_id"],
            [
                record["certificate_title"],
                record["full_name"],
                institution.name,
                f"Reference: {record['reference_id']}",
                f"Issued: {record['issue_date'] or '-'}",
            ],
        )

    # --- processing on the clock ----------------------------------------------------------

    def reload(self) -> None:
        with self._lock:
            self._due = {
                (row["tenant"], row["id"]): row["doc"]["process_at"]
                for row in self.store.dump(kind=VAULT_KIND)
                if row["doc"]["status"] == "processing"
            }

    def process_due(self) -> int:
        """Finish every certificate whose processing time has come; how many finished.

        One pass at a time: a read that arrives while the scheduler is finishing certificates
        waits for it, so it never sees a certificate mid-way.
        """
        with self._pass_lock:
            return self._process_due()

    def _process_due(self) -> int:
        now = self.clock.timestamp()
        with self._lock:
            due = [key for key, at in self._due.items() if at <= now]
            for key in due:
                del self._due[key]
        for tenant, certificate_uuid in due:
            self._finish(tenant, certificate_uuid)
        return len(due)

    def _finish(self, tenant: str, certificate_uuid: str) -> None:
        institution = self.accounts.institutions.get(tenant)
        record = self.store.get(tenant, VAULT_KIND, certificate_uuid)
        if institution is None or record is None or record["status"] != "processing":
            return
        now = self.clock.now()
        if record["will_fail"]:
            record.update(
                status="failed",
                failure_reason="Certificate processing failed.",
                updated_at=vec_time(now),
            )
            event = "certificate_application.failed"
        else:
            keys = self._make_documents(institution, record)
            customer = institution.customers.get(record["applicant_email"].lower())
            record.update(
                status="generated",
                updated_at=vec_time(now),
                generated_at=vec_time(now),
                verified_at=vec_time(now),
                **keys,
                assigned_at=vec_time(now) if customer else None,
                customer_id=customer.get("id") if customer else None,
                documents=[
                    {"id": record["id"] * 10 + 1, "type": "verified_pdf", "key": keys["pdf_key"]},
                    {"id": record["id"] * 10 + 2, "type": "original", "key": record["file_key"]},
                ],
            )
            event = "certificate_application.approved"
        with self.store.transaction() as tx:
            tx.put(tenant, VAULT_KIND, certificate_uuid, record)
        self.events.emit(institution, event, _event_fields(record))


def _event_fields(record: dict[str, Any]) -> dict[str, Any]:
    return {
        "application_id": record["id"],
        "uuid": record["uuid"],
        "certificate_title": record["certificate_title"],
        "applicant_email": record["applicant_email"],
        "source": record["source"],
    }
