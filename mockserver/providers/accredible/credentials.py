"""Credentials: single and bulk creation with Accredible's rules, views, updates, deletes.

The rules: a credential needs recipient data and a group (by id or by name) that the key can
see; `name`/`description` fall back to the group's course name and description and are
required when the group has none; a group that does not allow duplicates takes each recipient
email once (a unique key claimed in the creating transaction, so concurrent requests cannot
both win); publishing (`approve`) costs one credit, and without credits the credential is kept
unpublished; sandbox-mode accounts never publish.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from mockserver.core.clock import Clock, utc_iso
from mockserver.core.errors import ApiError, ValidationFailed
from mockserver.core.store import Conflict, Store, Transaction
from mockserver.providers.accredible import errors
from mockserver.providers.accredible.accounts import Caller
from mockserver.providers.accredible.credits import CreditPool, Credits
from mockserver.providers.accredible.records import int_id, next_ids
from mockserver.providers.accredible.schemas import (
    BLANK,
    CredentialSchema,
    EvidenceItemSchema,
    ReferenceSchema,
    load,
)

UUID_NAMESPACE = uuid.UUID("3b0c3f5e-5c2d-4a8e-9d61-0a4c1f2e7b90")
TAKEN = "has already been taken"


@dataclass
class Outcome:
    """One credential made by a create: the record and whether credits ran out for it."""

    doc: dict[str, Any]
    insufficient_credits: bool


def encoded_id(tenant: str, credential_id: int) -> str:
    """A short public id: a bijection of the integer id (unique per tenant by construction),
    salted by the tenant so that equal ids of two accounts do not share public links."""
    salt = int(hashlib.sha256(tenant.encode()).hexdigest()[:7], 16)
    value = (credential_id ^ salt) or 1
    alphabet = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while value:
        value, digit = divmod(value, 36)
        out = alphabet[digit] + out
    return out or "0"


def _private_key(tenant: str, credential_id: int) -> str:
    return hashlib.sha256(f"{tenant}:{credential_id}:private".encode()).hexdigest()[:20]


def _add_years(day: date, years: int) -> date:
    """The group's auto-expiry date. Past 9999-12-31 (a group may say 100000 years, and
    fuzzing found the 500 that gave) it is 9999-12-31, the last date the mock can hold;
    Accredible's own database would keep the far date, which expires no sooner in practice."""
    year = day.year + years
    if year > date.max.year:
        return date.max
    try:
        return day.replace(year=year)
    except ValueError:  # 29 February
        return day.replace(year=year, day=28)


def conflict_errors(conflict: Conflict) -> ValidationFailed:
    if conflict.scope.startswith("recipient:"):
        return ValidationFailed({"recipient.email": [errors.DUPLICATE_EMAIL]})
    return ValidationFailed({"id": [TAKEN]})


class CredentialService:
    def __init__(self, store: Store, clock: Clock, credits: Credits) -> None:
        self.store = store
        self.clock = clock
        self.credits = credits

    # ---- creating -------------------------------------------------------------------------

    def create(self, caller: Caller, raw: Any) -> Outcome:
        return self.insert_one(caller, self.validate(caller, raw))

    def insert_one(self, caller: Caller, data: dict[str, Any]) -> Outcome:
        """Create one validated credential in its own transaction."""
        try:
            with self.store.transaction() as tx:
                credits = self.credits.pool(tx, caller.account)
                cid = next_ids(tx, caller.tenant, "credential")[0]
                outcome = self._insert(tx, caller, data, cid, credits)
                credits.commit()
                return outcome
        except Conflict as conflict:
            raise conflict_errors(conflict) from conflict

    def create_all(self, caller: Caller, items: list[Any]) -> list[Outcome]:
        """Bulk v1: every item valid and new, or nothing is created (one transaction)."""
        prepared = []
        problems: dict[str, list[str]] = {}
        groups: dict[str, dict[str, Any]] = {}
        for index, raw in enumerate(items):
            try:
                prepared.append(self.validate(caller, raw, groups))
            except ValidationFailed as failed:
                for path, messages in failed.errors.items():
                    problems.setdefault(f"credentials[{index}].{path}", []).extend(messages)
            except ApiError as error:
                problems.setdefault(f"credentials[{index}]", []).append(error.message)
        if problems:
            raise ValidationFailed(problems)
        try:
            with self.store.transaction() as tx:
                credits = self.credits.pool(tx, caller.account)
                ids = next_ids(tx, caller.tenant, "credential", len(prepared))
                outcomes = [
                    self._insert(tx, caller, data, cid, credits)
                    for data, cid in zip(prepared, ids, strict=True)
                ]
                credits.commit()
                return outcomes
        except Conflict as conflict:
            index = self._conflicting_item(caller.tenant, conflict, prepared)
            found = conflict_errors(conflict)
            raise ValidationFailed(
                {f"credentials[{index}].{path}": msgs for path, msgs in found.errors.items()}
            ) from conflict

    def _conflicting_item(
        self, tenant: str, conflict: Conflict, prepared: list[dict[str, Any]]
    ) -> int:
        """Which item lost: the one taking a key an existing credential holds, else the
        second of two items in this request that take the same key."""
        claim = (conflict.scope, conflict.key)
        taking = [index for index, data in enumerate(prepared) if claim in data["_claims"]]
        if not taking:
            return 0
        with self.store.transaction() as tx:
            held_before = tx.holder(tenant, conflict.scope, conflict.key) is not None
        return taking[0] if held_before or len(taking) == 1 else taking[1]

    def validate(
        self, caller: Caller, raw: Any, groups: dict[str, dict[str, Any]] | None = None
    ) -> dict[str, Any]:
        """The checked fields of one credential, with its group; raises the 422 to give.

        `groups` caches resolved groups (and their department's privacy default) across the
        items of one bulk request."""
        if not isinstance(raw, dict):
            raise errors.unprocessable(errors.NO_RECIPIENT)
        data = load(CredentialSchema, raw)
        recipient = data.get("recipient")
        if not recipient:
            raise errors.unprocessable(errors.NO_RECIPIENT)
        cache_key = f"{data.get('group_id')!r}/{data.get('group_name')!r}"
        group = (groups or {}).get(cache_key)
        if group is None:
            group = self._group(caller, data.get("group_id"), data.get("group_name"))
            if groups is not None:
                groups[cache_key] = group
        problems: dict[str, list[str]] = {}
        if not recipient.get("name"):
            problems["recipient.name"] = [BLANK]
        if not recipient.get("email"):
            problems["recipient.email"] = [BLANK]
        if not (data.get("name") or group.get("course_name")):
            problems["name"] = [BLANK]
        if not (data.get("description") or group.get("course_description")):
            problems["description"] = [BLANK]
        if problems:
            raise ValidationFailed(problems)
        data["_group"] = group
        claims = []
        if not group.get("allow_duplicate_credentials"):
            claims.append((f"recipient:{group['id']}", recipient["email"].lower()))
        if data.get("id"):
            claims.append(("license_id", data["id"]))
        data["_claims"] = claims
        return data

    def _group(self, caller: Caller, group_ref: Any, group_name: str | None) -> dict[str, Any]:
        """The group a credential names by id, by name in `group_id`, or by `group_name`."""
        tenant = caller.tenant
        found = None
        if group_ref is not None:
            numeric = int_id(group_ref)
            if numeric is not None:
                found = self.store.get(tenant, "group", str(numeric))
            if found is None:
                found = self._group_by_name(tenant, str(group_ref))
        elif group_name:
            found = self._group_by_name(tenant, group_name)
        if found is None or not caller.sees(found):
            raise errors.unprocessable(errors.INVALID_GROUP)
        return self._with_department_default(tenant, found)

    def _with_department_default(self, tenant: str, group: dict[str, Any]) -> dict[str, Any]:
        """The group plus its department's `generate_private_credential`, the last default."""
        department = self.store.get(tenant, "department", str(group.get("department_id")))
        private = bool((department or {}).get("generate_private_credential"))
        return {**group, "_department_private": private}

    def _group_by_name(self, tenant: str, name: str) -> dict[str, Any] | None:
        with self.store.transaction() as tx:
            holder = tx.holder(tenant, "group_name", name)
            return tx.get(tenant, "group", holder[1]) if holder else None

    def _insert(
        self, tx: Transaction, caller: Caller, data: dict[str, Any], cid: int, credits: CreditPool
    ) -> Outcome:
        tenant = caller.tenant
        account = caller.account
        group = data["_group"]
        now = self.clock.now()
        today = now.date()
        issued_on = data.get("issued_on") or today.isoformat()
        expired_on = data.get("expired_on")
        auto_expiry = group.get("auto_expiry")
        if expired_on is None and isinstance(auto_expiry, (int, float)) and auto_expiry > 0:
            expired_on = _add_years(date.fromisoformat(issued_on), int(auto_expiry)).isoformat()
        private = data.get("private")
        if private is None:
            private = group.get("generate_private_credential")
        if private is None:
            private = group["_department_private"]
        wants_approval = data.get("approve")
        if wants_approval is None:
            wants_approval = True
        approve, insufficient = False, False
        if wants_approval and not account.sandbox_mode:
            approve = credits.take()
            insufficient = not approve
        recipient = data["recipient"]
        doc = {
            "id": cid,
            "uuid": str(uuid.uuid5(UUID_NAMESPACE, f"{tenant}:{cid}")),
            "encoded_id": encoded_id(tenant, cid),
            "license_id": data.get("id"),
            "private_key": _private_key(tenant, cid) if private else None,
            "name": data.get("name") or group.get("course_name"),
            "description": data.get("description") or group.get("course_description"),
            "approve": approve,
            "grade": data.get("grade"),
            "complete": True if data.get("complete") is None else data["complete"],
            "issued_on": issued_on,
            "expired_on": expired_on,
            "published_on": today.isoformat() if approve else None,
            "course_link": data.get("course_link") or group.get("course_link"),
            "custom_attributes": data.get("custom_attributes"),
            "group_id": group["id"],
            "group_name": group.get("name"),
            "group_snapshot": _group_snapshot(group),
            "department_id": group.get("department_id"),
            "private": bool(private),
            "allow_supplemental_evidence": _default_true(data.get("allow_supplemental_evidence")),
            "allow_supplemental_references": _default_true(
                data.get("allow_supplemental_references")
            ),
            "recipient": {
                "name": recipient.get("name"),
                "email": recipient.get("email"),
                "phone_number": recipient.get("phone_number"),
                "id": recipient.get("id"),
                "meta_data": recipient.get("meta_data"),
            },
            "meta_data": data.get("meta_data"),
            "evidence_items": [],
            "references": [],
            "analytics": [],
            "created_at": utc_iso(now),
            "updated_at": utc_iso(now),
        }
        items = data.get("evidence_items") or []
        for item, item_id in zip(
            items, next_ids(tx, tenant, "evidence_item", len(items)), strict=False
        ):
            doc["evidence_items"].append({"id": item_id, **item})
        refs = data.get("references") or []
        for ref, ref_id in zip(refs, next_ids(tx, tenant, "reference", len(refs)), strict=False):
            doc["references"].append({"id": ref_id, **ref})
        record_id = str(cid)
        tx.insert(tenant, "credential", record_id, doc)
        for scope, key in data["_claims"]:
            tx.claim(tenant, scope, key, "credential", record_id)
        tx.claim(tenant, "encoded_id", doc["encoded_id"], "credential", record_id)
        tx.claim(tenant, "uuid", doc["uuid"], "credential", record_id)
        return Outcome(doc, insufficient)

    # ---- reading and changing ----------------------------------------------------------------

    def find(self, caller: Caller, raw_id: str) -> dict[str, Any]:
        """By our id, the client's own id (license_id), the encoded id or the UUID."""
        doc = self.lookup(caller.tenant, raw_id)
        if doc is None or not caller.sees(doc):
            raise errors.not_found()
        return doc

    def lookup(self, tenant: str, raw_id: str) -> dict[str, Any] | None:
        with self.store.transaction() as tx:
            numeric = int_id(raw_id)
            if numeric is not None:
                doc = tx.get(tenant, "credential", str(numeric))
                if doc is not None:
                    return doc
            for scope in ("license_id", "encoded_id", "uuid"):
                holder = tx.holder(tenant, scope, raw_id)
                if holder:
                    return tx.get(tenant, "credential", holder[1])
        return None

    def all_for(self, caller: Caller) -> list[dict[str, Any]]:
        return [doc for doc in self.store.list(caller.tenant, "credential") if caller.sees(doc)]

    def update(self, caller: Caller, raw_id: str, raw: Any) -> dict[str, Any]:
        current = self.find(caller, raw_id)
        data = load(CredentialSchema, raw, partial=True)
        tenant = caller.tenant
        if data.get("group_id") is not None or data.get("group_name"):
            # Resolved before the transaction: the lookup reads the store on its own.
            data["_new_group"] = self._group(caller, data.get("group_id"), data.get("group_name"))
        try:
            with self.store.transaction() as tx:
                doc = tx.get(tenant, "credential", str(current["id"]), for_update=True)
                if doc is None:
                    raise errors.not_found()
                self._apply_update(tx, caller, doc, data)
                tx.put(tenant, "credential", str(doc["id"]), doc)
                return doc
        except Conflict as conflict:
            raise conflict_errors(conflict) from conflict

    def _apply_update(
        self, tx: Transaction, caller: Caller, doc: dict[str, Any], data: dict[str, Any]
    ) -> None:
        tenant = caller.tenant
        record_id = str(doc["id"])
        now = self.clock.now()
        recipient = data.pop("recipient", None) or {}
        old_email = (doc["recipient"].get("email") or "").lower()
        for key, value in recipient.items():
            if key in ("name", "email") and not value:
                raise ValidationFailed({f"recipient.{key}": [BLANK]})
            doc["recipient"][key] = value
        new_email = (doc["recipient"].get("email") or "").lower()
        group = tx.get(tenant, "group", str(doc["group_id"])) or {}
        if new_email != old_email and not group.get("allow_duplicate_credentials"):
            scope = f"recipient:{doc['group_id']}"
            holder = tx.holder(tenant, scope, old_email)
            if holder and holder[1] == record_id:
                tx.release(tenant, scope, old_email)
            tx.claim(tenant, scope, new_email, "credential", record_id)
        new_group = data.pop("_new_group", None)
        if new_group is not None:
            self._move_to_group(tx, caller, doc, new_group)
        for key in ("group_id", "group_name", "id"):
            data.pop(key, None)
        for key in ("evidence_items", "references"):
            data.pop(key, None)
        if "private" in data and data["private"] is not None and data["private"] != doc["private"]:
            doc["private"] = data["private"]
            doc["private_key"] = _private_key(tenant, doc["id"]) if data["private"] else None
            doc["analytics"].append({"event": "privacy_updated", "created_at": utc_iso(now)})
        data.pop("private", None)
        if "complete" in data and data["complete"] is None:
            del data["complete"]  # a boolean the answer always has: null leaves it (FIDELITY.md)
        approve = data.pop("approve", None)
        if approve is True and not doc["approve"] and not caller.account.sandbox_mode:
            if self.credits.spend(tx, caller.account):
                doc["approve"] = True
                doc["published_on"] = now.date().isoformat()
        elif approve is False:
            doc["approve"] = False
        for key, value in data.items():
            if key in ("name", "description") and not value:
                raise ValidationFailed({key: [BLANK]})
            doc[key] = value
        doc["updated_at"] = utc_iso(now)

    def _move_to_group(
        self, tx: Transaction, caller: Caller, doc: dict[str, Any], group: dict[str, Any]
    ) -> None:
        """A credential named into another group takes that group's duplicate rule along."""
        if group["id"] == doc["group_id"]:
            return
        tenant, record_id = caller.tenant, str(doc["id"])
        email = (doc["recipient"].get("email") or "").lower()
        old_scope = f"recipient:{doc['group_id']}"
        holder = tx.holder(tenant, old_scope, email)
        if holder and holder[1] == record_id:
            tx.release(tenant, old_scope, email)
        if not group.get("allow_duplicate_credentials"):
            tx.claim(tenant, f"recipient:{group['id']}", email, "credential", record_id)
        doc.update(
            group_id=group["id"],
            group_name=group.get("name"),
            group_snapshot=_group_snapshot(group),
            department_id=group.get("department_id"),
        )

    def delete(self, caller: Caller, raw_id: str) -> dict[str, Any]:
        doc = self.find(caller, raw_id)
        with self.store.transaction() as tx:
            tx.delete(caller.tenant, "credential", str(doc["id"]))
        return doc

    def record_event(self, tenant: str, doc: dict[str, Any], event: str) -> None:
        with self.store.transaction() as tx:
            current = tx.get(tenant, "credential", str(doc["id"]), for_update=True)
            if current is None:
                return
            current.setdefault("analytics", []).append(
                {"event": event, "created_at": utc_iso(self.clock.now())}
            )
            if event == "recipient_view_certificate":
                current["recipient_opened"] = True
            tx.put(tenant, "credential", str(doc["id"]), current)

    # ---- evidence items and references -----------------------------------------------------------

    def add_part(self, caller: Caller, raw_id: str, part: str, raw: Any) -> dict[str, Any]:
        schema = EvidenceItemSchema if part == "evidence_items" else ReferenceSchema
        data = load(schema, raw)
        credential = self.find(caller, raw_id)
        kind = "evidence_item" if part == "evidence_items" else "reference"
        with self.store.transaction() as tx:
            doc = tx.get(caller.tenant, "credential", str(credential["id"]), for_update=True)
            if doc is None:
                raise errors.not_found()
            item = {"id": next_ids(tx, caller.tenant, kind)[0], **data}
            doc[part].append(item)
            doc["updated_at"] = utc_iso(self.clock.now())
            tx.put(caller.tenant, "credential", str(doc["id"]), doc)
        return item

    def part(self, caller: Caller, raw_id: str, part: str, item_id: str) -> dict[str, Any]:
        credential = self.find(caller, raw_id)
        wanted = int_id(item_id)
        for item in credential.get(part, []):
            if item["id"] == wanted:
                return item
        raise errors.not_found()

    def change_part(
        self, caller: Caller, raw_id: str, part: str, item_id: str, raw: Any, remove: bool = False
    ) -> dict[str, Any]:
        schema = EvidenceItemSchema if part == "evidence_items" else ReferenceSchema
        data = {} if remove else load(schema, raw, partial=True)
        credential = self.find(caller, raw_id)
        wanted = int_id(item_id)
        with self.store.transaction() as tx:
            doc = tx.get(caller.tenant, "credential", str(credential["id"]), for_update=True)
            items = (doc or {}).get(part, [])
            for index, item in enumerate(items):
                if item["id"] != wanted:
                    continue
                if remove:
                    items.pop(index)
                else:
                    for key, value in data.items():
                        if key in ("description", "category", "relationship") and not value:
                            raise ValidationFailed({key: [BLANK]})
                        item[key] = value
                doc["updated_at"] = utc_iso(self.clock.now())
                tx.put(caller.tenant, "credential", str(doc["id"]), doc)
                return item
        raise errors.not_found()


def _default_true(value: bool | None) -> bool:
    return True if value is None else value


def _group_snapshot(group: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": group.get("name"),
        "course_name": group.get("course_name"),
        "certificate_design_id": group.get("certificate_design_id"),
        "badge_design_id": group.get("badge_design_id"),
    }
