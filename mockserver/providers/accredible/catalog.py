"""Account resources other than credentials: departments, groups, designs, collections,
attribute keys, team members and skill categories, with their department scoping.

A department-scoped key sees only its own department and the groups, designs and attribute
keys in it; anything else answers 404 as if absent, and naming another department in a body
is refused with 403. Collections and team members belong to the whole organization.
"""

from __future__ import annotations

import copy
from typing import Any

from mockserver.core.clock import Clock, utc_iso
from mockserver.core.errors import ValidationFailed
from mockserver.core.ids import ids
from mockserver.core.store import Conflict, Store, Transaction
from mockserver.providers.accredible import errors
from mockserver.providers.accredible.accounts import Account, Caller
from mockserver.providers.accredible.paging import subset
from mockserver.providers.accredible.records import bump_sequence, int_id, next_ids
from mockserver.providers.accredible.schemas import INVALID, GroupSchema, date_param, load

TAKEN = "has already been taken"
OTHER_DEPARTMENT = "You do not have access to this department"
ACCOUNT_KEY_ONLY = "This action needs an account-wide API key"
ORGANIZATION_KINDS = ("collection", "team_member")
UNIQUE_NAMES = {"group": "group_name", "team_member": "team_member_email"}


class Catalog:
    def __init__(self, store: Store, clock: Clock) -> None:
        self.store = store
        self.clock = clock

    # ---- seeding from the fixtures ----------------------------------------------------------

    def seed(self, tx: Transaction, account: Account) -> None:
        tenant = account.tenant
        now = utc_iso(self.clock.now())
        for kind, key in (
            ("department", "departments"),
            ("design", "designs"),
            ("group", "groups"),
            ("attribute_key", "attribute_keys"),
        ):
            entries = account.fixtures.get(key, [])
            for entry in entries:
                doc = {**entry, "created_at": now, "updated_at": now}
                tx.put(tenant, kind, str(entry["id"]), doc)
                if kind == "group":
                    tx.claim(tenant, "group_name", entry["name"], "group", str(entry["id"]))
            if entries:  # once per kind, past the highest: a locked read and a write each
                bump_sequence(tx, tenant, kind, max(int(entry["id"]) for entry in entries))

    # ---- generic access ---------------------------------------------------------------------

    def visible(self, caller: Caller, kind: str, doc: dict[str, Any]) -> bool:
        if caller.department_id is None or kind in ORGANIZATION_KINDS:
            return True
        if kind == "department":
            return doc.get("id") == caller.department_id
        return doc.get("department_id") == caller.department_id

    def get(self, caller: Caller, kind: str, raw_id: Any) -> dict[str, Any]:
        record_id = str(raw_id) if kind == "collection" else _int_text(raw_id)
        doc = self.store.get(caller.tenant, kind, record_id) if record_id else None
        if doc is None or not self.visible(caller, kind, doc):
            raise errors.not_found()
        return doc

    def list(self, caller: Caller, kind: str) -> list[dict[str, Any]]:
        return [
            doc for doc in self.store.list(caller.tenant, kind) if self.visible(caller, kind, doc)
        ]

    def department_for(self, caller: Caller, requested: int | None) -> int | None:
        """The department a new resource goes into: the one named, else the key's own, else
        the account's first (Accredible's "default department")."""
        if requested is None:
            if caller.department_id is not None:
                return caller.department_id
            departments = self.store.list(caller.tenant, "department")
            return min((d["id"] for d in departments), default=None)
        if caller.department_id is not None and requested != caller.department_id:
            raise errors.forbidden(OTHER_DEPARTMENT)
        if self.store.get(caller.tenant, "department", str(requested)) is None:
            raise ValidationFailed({"department_id": [INVALID]})
        return requested

    def create(
        self, caller: Caller, kind: str, doc: dict[str, Any], record_id: str | None = None
    ) -> dict[str, Any]:
        now = utc_iso(self.clock.now())
        doc = {**doc, "created_at": now, "updated_at": now}
        try:
            with self.store.transaction() as tx:
                if record_id is None:
                    doc["id"] = next_ids(tx, caller.tenant, kind)[0]
                    record_id = str(doc["id"])
                else:
                    doc["id"] = record_id
                tx.insert(caller.tenant, kind, record_id, doc)
                self._claim_unique(tx, caller.tenant, kind, doc)
        except Conflict as conflict:
            raise _taken(kind) from conflict
        return doc

    def save(self, caller: Caller, kind: str, doc: dict[str, Any]) -> dict[str, Any]:
        doc["updated_at"] = utc_iso(self.clock.now())
        try:
            with self.store.transaction() as tx:
                tx.delete(caller.tenant, kind, str(doc["id"]))
                tx.insert(caller.tenant, kind, str(doc["id"]), doc)
                self._claim_unique(tx, caller.tenant, kind, doc)
        except Conflict as conflict:
            raise _taken(kind) from conflict
        return doc

    def remove(self, caller: Caller, kind: str, raw_id: Any) -> dict[str, Any]:
        doc = self.get(caller, kind, raw_id)
        with self.store.transaction() as tx:
            tx.delete(caller.tenant, kind, str(doc["id"]))
        return doc

    @staticmethod
    def _claim_unique(tx: Transaction, tenant: str, kind: str, doc: dict[str, Any]) -> None:
        scope = UNIQUE_NAMES.get(kind)
        if scope == "group_name":
            tx.claim(tenant, scope, doc["name"], kind, str(doc["id"]))
        elif scope == "team_member_email":
            tx.claim(tenant, scope, doc["email"].lower(), kind, str(doc["id"]))
        elif kind == "attribute_key":
            scope = f"attribute_key:{doc.get('department_id')}"
            tx.claim(tenant, scope, doc["name"].lower(), kind, str(doc["id"]))

    # ---- checks of references between resources ----------------------------------------------

    def check_designs(self, caller: Caller, data: dict[str, Any]) -> None:
        for field in ("design_id", "certificate_design_id", "badge_design_id", "primary_design_id"):
            design_id = data.get(field)
            if design_id is None:
                continue
            design = self.store.get(caller.tenant, "design", str(design_id))
            if design is None or not self.visible(caller, "design", design):
                raise ValidationFailed({field: [INVALID]})

    def skill_category(self, account: Account, category_id: int | None) -> dict[str, Any] | None:
        if category_id is None:
            return None
        for category in account.fixtures.get("skill_categories", []):
            if category["id"] == category_id:
                return {"id": category["id"], "name": category["name"]}
        raise ValidationFailed({"skill_category_id": [INVALID]})

    def collection_ids(self, caller: Caller, refs: list[dict[str, Any]] | None) -> list[str]:
        ids = []
        for ref in refs or []:
            ref_id = ref.get("id")
            if ref_id is None or self.store.get(caller.tenant, "collection", ref_id) is None:
                raise ValidationFailed({"collections": [INVALID]})
            ids.append(ref_id)
        return ids

    # ---- groups -------------------------------------------------------------------------------

    def create_group(self, caller: Caller, raw: Any, base: dict[str, Any] | None = None) -> dict:
        data = load(GroupSchema, raw, partial=base is not None)
        doc = copy.deepcopy(base) if base else {}
        for key in ("id", "created_at", "updated_at"):
            doc.pop(key, None)
        doc.update(data)
        if base and "name" not in data:
            doc["name"] = f"{base['name']} (copy)"
        doc["department_id"] = self.department_for(caller, doc.get("department_id"))
        self.check_designs(caller, doc)
        if base:
            self._designs_in_department(caller, doc)
        doc["skill_category"] = self.skill_category(caller.account, doc.get("skill_category_id"))
        doc["collection_ids"] = (
            self.collection_ids(caller, data.get("collections"))
            if "collections" in data
            else list(doc.get("collection_ids", []))
        )
        doc.pop("collections", None)
        doc.setdefault("allow_duplicate_credentials", False)
        return self.create(caller, "group", doc)

    def _designs_in_department(self, caller: Caller, doc: dict[str, Any]) -> None:
        """Cloning works only when the designs are in the group's department (the docs)."""
        for field in ("certificate_design_id", "badge_design_id"):
            design_id = doc.get(field)
            if design_id is None:
                continue
            design = self.store.get(caller.tenant, "design", str(design_id)) or {}
            if design.get("department_id") != doc.get("department_id"):
                raise ValidationFailed({field: ["must be in the same department as the group"]})

    def update_group(self, caller: Caller, raw_id: Any, raw: Any) -> dict[str, Any]:
        doc = self.get(caller, "group", raw_id)
        data = load(GroupSchema, raw, partial=True)
        for key in ("name", "course_name", "course_description"):
            if key in data and not data[key]:
                raise ValidationFailed({key: ["can't be blank"]})
        if "department_id" in data:
            data["department_id"] = self.department_for(caller, data["department_id"])
        self.check_designs(caller, data)
        if "skill_category_id" in data:
            doc["skill_category"] = self.skill_category(caller.account, data["skill_category_id"])
        if "collections" in data:
            doc["collection_ids"] = self.collection_ids(caller, data.pop("collections"))
        doc.update(data)
        return self.save(caller, "group", doc)

    def groups_matching(self, caller: Caller, filters: dict[str, Any]) -> list[dict[str, Any]]:
        found = []
        start = date_param(filters, "start_updated_date")
        end = date_param(filters, "end_updated_date")
        for group in self.list(caller, "group"):
            if filters.get("name") and filters["name"] != group.get("name"):
                continue
            if filters.get("course_name") and filters["course_name"] != group.get("course_name"):
                continue
            if not subset(filters.get("meta_data"), group.get("meta_data")):
                continue
            updated = (group.get("updated_at") or "")[:10]
            if (start and updated < start) or (end and updated > end):
                continue
            found.append(group)
        return found

    def collections_of(self, caller: Caller, group: dict[str, Any]) -> list[dict[str, Any]]:
        found = []
        for collection_id in group.get("collection_ids", []):
            collection = self.store.get(caller.tenant, "collection", collection_id)
            if collection is not None:
                found.append(
                    {
                        "id": collection["id"],
                        "name": collection.get("name"),
                        "description": collection.get("description"),
                    }
                )
        return found

    def groups_in(self, caller: Caller, collection_id: str) -> list[dict[str, Any]]:
        return [
            {"id": group["id"]}
            for group in self.store.list(caller.tenant, "group")
            if collection_id in group.get("collection_ids", [])
        ]

    def set_collection_groups(self, caller: Caller, collection_id: str, refs: list[dict]) -> None:
        # A partial (update) load leaves nested refs' `id` optional: a ref without one is invalid.
        wanted = {int_id(ref.get("id")) for ref in refs}
        for group_id in wanted:
            if group_id is None or self.store.get(caller.tenant, "group", str(group_id)) is None:
                raise ValidationFailed({"groups": [INVALID]})
        with self.store.transaction() as tx:
            for group in tx.list(caller.tenant, "group"):
                member = collection_id in group.get("collection_ids", [])
                if (group["id"] in wanted) != member:
                    ids = [c for c in group.get("collection_ids", []) if c != collection_id]
                    if group["id"] in wanted:
                        ids.append(collection_id)
                    group["collection_ids"] = ids
                    tx.put(caller.tenant, "group", str(group["id"]), group)

    @staticmethod
    def new_collection_id() -> str:
        return ids.uuid()


def _int_text(raw: Any) -> str | None:
    value = int_id(raw)
    return str(value) if value is not None else None


def _taken(kind: str) -> ValidationFailed:
    field = "email" if kind == "team_member" else "name"
    return ValidationFailed({field: [TAKEN]})
