"""Certificates: posted for an employee and a certification, stored at once, visible to GET
only once Springest has verified the certification; certifications and their verification.

The post quota (30 a minute per key) is taken just before a certificate is stored, so a refused
post is neither stored nor counted, and every post that was answered 200 is kept.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Iterable
from datetime import date
from typing import Any

from mockserver.core import scenarios
from mockserver.core.clock import Clock, utc_iso
from mockserver.core.errors import ApiError, ValidationFailed
from mockserver.core.filetypes import sniff
from mockserver.core.ratelimit import RateLimiter
from mockserver.core.seeding import seed_accounts
from mockserver.core.sequences import next_ids
from mockserver.core.storage import ObjectStorage
from mockserver.core.store import Store, Transaction
from mockserver.core.text import ascii_digits
from mockserver.providers.springest import errors
from mockserver.providers.springest.accounts import Caller, Partner
from mockserver.providers.springest.schemas import NOT_DATE, REQUIRED

ACCEPTED_TYPES = ("application/pdf", "image/jpeg", "image/png")
MAX_FILE_BYTES = 20 * 1024 * 1024
_BASE64_ALPHABET = frozenset(
    b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=\r\n"
)


def looks_like_base64(content: bytes) -> bool:
    """A file sent as base64 text: only the base64 alphabet, and what it decodes to starts as
    an accepted file does (a PDF sent as base64 starts "JVBER"). Text that merely happens to
    be valid base64 ("Certificate") is a file of the wrong type, not an encoded one."""
    sample = content[:4096].strip()
    if not sample or not all(byte in _BASE64_ALPHABET for byte in sample):
        return False
    head = sample[:24]
    try:
        decoded = base64.b64decode(head + b"=" * (-len(head) % 4))
    except (binascii.Error, ValueError):
        return False
    return sniff(decoded[:16]) in ACCEPTED_TYPES


def certificate_fields(doc: dict[str, Any]) -> dict[str, str | None]:
    """What the certificate list filters on (Store.index_kind), as `visible` compares it."""
    return {
        "certification_id": str(doc["certification_id"]),
        "email": str(doc["email"]).lower(),
        "created_day": str(doc["created_at"])[:10],
    }


class CertificateService:
    def __init__(
        self, store: Store, clock: Clock, storage: ObjectStorage, post_limiter: RateLimiter
    ) -> None:
        self.store = store
        self.clock = clock
        self.storage = storage
        self.post_limiter = post_limiter
        store.index_kind(
            "certificate",
            certificate_fields,
            ("certification_id",),
            fields=("certification_id", "email", "created_day"),
        )

    # ---- certifications ---------------------------------------------------------------------

    def seed(self, partners: Iterable[Partner]) -> None:
        seed_accounts(self.store, partners, self._seed_one)

    @staticmethod
    def _seed_one(tx: Transaction, partner: Partner) -> None:
        if tx.get(partner.tenant, "partner", "seeded") is not None:
            return
        for entry in partner.fixtures.get("certifications", []):
            doc = {
                "id": int(entry["id"]),
                "name": entry.get("name"),
                "description": entry.get("description"),
                "requires_valid_until": bool(entry.get("requires_valid_until", False)),
                "verified": bool(entry.get("verified", False)),
            }
            tx.put(partner.tenant, "certification", str(doc["id"]), doc)
        tx.insert(partner.tenant, "partner", "seeded", {"seeded": True})

    def certification(self, tenant: str, certification_id: int) -> dict[str, Any] | None:
        return self.store.get(tenant, "certification", str(certification_id))

    def certifications(self, tenant: str) -> list[dict[str, Any]]:
        return sorted(self.store.list(tenant, "certification"), key=lambda c: c["id"])

    def verified_certifications(self, tenant: str) -> list[dict[str, Any]]:
        """The verified ones; none under the `unverified_certification` scenario."""
        if scenarios.active("unverified_certification"):
            return []
        return [c for c in self.certifications(tenant) if c.get("verified")]

    def set_verified(self, tenant: str, certification_id: int, verified: bool) -> dict[str, Any]:
        with self.store.transaction() as tx:
            doc = tx.get(tenant, "certification", str(certification_id), for_update=True)
            if doc is None:
                raise ApiError(404, "not_found", f"no certification {certification_id}")
            doc["verified"] = verified
            doc["verified_at"] = utc_iso(self.clock.now()) if verified else None
            tx.put(tenant, "certification", str(certification_id), doc)
        return doc

    # ---- certificates -----------------------------------------------------------------------

    def post(
        self,
        caller: Caller,
        data: dict[str, Any],
        filename: str,
        content: bytes | None,
        problems: dict[str, list[str]] | None = None,
    ) -> dict[str, Any]:
        """Store a certificate; `problems` are the form's, reported with the file's and the
        certification's own in one 400 once the key may post for the certification."""
        certification_id = data["certification_id"]
        if not caller.may_use(certification_id):
            raise errors.forbidden()
        certification = self.certification(caller.tenant, certification_id)
        if certification is None:
            raise errors.forbidden()  # not configured for this partner at all
        found = dict(problems or {})
        if certification["requires_valid_until"] and not data.get("valid_until"):
            found.setdefault("valid_until", []).append(REQUIRED)
        content_type, file_problems = self.check_file(content)
        if "file" not in found:  # a missing or text `file` was named by the route already
            found.update(file_problems)
        if found:  # every problem of the request at once (FIDELITY.md, "Errors")
            raise ValidationFailed(found, status=400)
        verdict = self.post_limiter.hit(caller.key, count_refused=False)
        if not verdict.allowed:
            raise errors.bad_request(
                "Bad Request: at most 30 certificates can be posted per minute"
            )
        return self._store(caller, data, certification, filename, content, content_type)

    @staticmethod
    def check_file(content: bytes | None) -> tuple[str, dict[str, list[str]]]:
        """(media type, problems) of the file part's bytes."""
        if not content:
            return "", {"file": [REQUIRED]}
        found: list[str] = []
        if len(content) > MAX_FILE_BYTES:
            found.append("is too large (at most 20 MB)")
        kind = sniff(content[:16])
        if kind is None and looks_like_base64(content):
            found.append("cannot be decoded: send the file itself, base64 is not allowed")
        elif kind not in ACCEPTED_TYPES:
            found.append("must be a PDF (preferred), JPEG or PNG file")
        return kind or "", ({"file": found} if found else {})

    def _store(
        self,
        caller: Caller,
        data: dict[str, Any],
        certification: dict[str, Any],
        filename: str,
        content: bytes,
        content_type: str,
    ) -> dict[str, Any]:
        user = caller.partner.users.get(data["email"].lower(), {})
        with self.store.transaction() as tx:
            certificate_id = next_ids(tx, caller.tenant, "certificate")[0]
            key = f"{caller.tenant}/springest/certificates/{certificate_id}"
            doc = {
                "id": certificate_id,
                "certification_id": certification["id"],
                "name": certification.get("name"),
                "description": certification.get("description"),
                "email": data["email"],
                "external_id": user.get("external_id"),
                "valid_from": data["valid_from"],
                "valid_until": data.get("valid_until"),
                "conversion_id": data.get("conversion_id"),
                "created_at": utc_iso(self.clock.now()),
                "api_key": caller.key,
                "file": {
                    "key": key,
                    "filename": filename,
                    "content_type": content_type,
                    "size": len(content),
                },
            }
            tx.insert(caller.tenant, "certificate", str(certificate_id), doc)
        self.storage.put(key, content, content_type)
        return doc

    def visible(self, caller: Caller, filters: dict[str, str]) -> list[dict[str, Any]]:
        """Certificates of verified certifications this key may see, filtered."""
        wanted_certification = filters.get("certification_id") or None
        if wanted_certification is not None:
            if not ascii_digits(wanted_certification):
                raise ValidationFailed({"certification_id": ["must be an integer"]}, status=400)
            if not caller.may_use(int(wanted_certification)):
                raise errors.forbidden()
        created_from = filters.get("created_from") or None
        if created_from is not None:
            try:
                created_from = date.fromisoformat(created_from).isoformat()
            except ValueError as exc:
                raise ValidationFailed({"created_from": [NOT_DATE]}, status=400) from exc
        email = (filters.get("email") or "").lower()
        equal = {"email": email} if email else {}
        if wanted_certification is not None:
            equal["certification_id"] = str(int(wanted_certification))
        between = {"created_day": (created_from, None)} if created_from else {}
        # The filters are answered by the index; which certifications are verified and which
        # this key may use are few, and checked on what the index found.
        _, matches = self.store.query(caller.tenant, "certificate", equal, between)
        verified = {c["id"] for c in self.verified_certifications(caller.tenant)}
        return [
            doc
            for doc in matches
            if doc["certification_id"] in verified and caller.may_use(doc["certification_id"])
        ]

    def status_of(self, doc: dict[str, Any]) -> str:
        """`valid`, or `expired` once `valid_until` has passed on the server clock."""
        until = doc.get("valid_until")
        if until and until < self.clock.now().date().isoformat():
            return "expired"
        return "valid"
