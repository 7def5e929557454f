"""Account resources: groups, designs and designers, departments, collections, attribute
keys, skill categories, analytics, data exports, team members, issuer details and SSO."""

from __future__ import annotations

import base64
import hashlib
import json
from collections import Counter
from typing import Any
from uuid import UUID

from flask import Blueprint, Response

from mockserver.core.clock import utc_iso
from mockserver.core.errors import ApiError, ValidationFailed
from mockserver.providers.accredible import errors
from mockserver.providers.accredible.accounts import Caller
from mockserver.providers.accredible.catalog import ACCOUNT_KEY_ONLY
from mockserver.providers.accredible.paging import paginate, positive_int, subset
from mockserver.providers.accredible.schemas import (
    BLANK,
    AttributeKeySchema,
    AttributeKeySearchSchema,
    CollectionSchema,
    CollectionSearchSchema,
    DataExportSchema,
    DepartmentPermissionsSchema,
    DepartmentSchema,
    DepartmentSearchSchema,
    DesignerSchema,
    DesignSchema,
    DesignSearchSchema,
    GroupSearchSchema,
    SsoLinkSchema,
    TeamMemberSchema,
    date_param,
    load,
    search_filters,
    wrapped,
)
from mockserver.providers.accredible.web import body, caller, links, model, ok, params


def _group(who: Caller, doc: dict[str, Any]) -> dict[str, Any]:
    catalog = model().catalog
    design = None
    design_id = doc.get("certificate_design_id") or doc.get("design_id")
    if design_id is not None:
        design = model().store.get(who.tenant, "design", str(design_id))
    hidden = ("collection_ids", "skill_category_id", "blockchain_chain")  # the mock's own
    shown = {k: v for k, v in doc.items() if k not in hidden}
    defaults = {
        "course_link": None,
        "language": "en",
        "attach_pdf": False,
        "blockchain": False,
        "design_id": design_id,
        "certificate_design_id": None,
        "badge_design_id": None,
        "primary_design_id": None,
        "meta_data": None,
        "learning_outcomes": None,
        "generate_private_credential": None,
        "auto_expiry": None,
        "signup_url": None,
        "signup_url_show": None,
        "course_link_show": None,
        "organization_link_show": None,
        "achievement_type": None,
        "skill_category": None,
        "course_name": None,
        "course_description": None,
    }
    return {
        **defaults,
        **shown,
        "design_name": (design or {}).get("name"),
        "collections": catalog.collections_of(who, doc),
    }


def _design(doc: dict[str, Any], usage: DesignUsage | None = None) -> dict[str, Any]:
    """A design as the documents show it, with the rendered image's URL and the groups that
    use it (`{id, name, updated_at, credentials_count}`, the API Blueprint's example)."""
    defaults = {
        "encoded_content": None,
        "background_bleeds": False,
        "orientation": "landscape",
        "size": "a4",
        "meta_data": None,
    }
    usage = usage or DesignUsage.of(caller())
    return {
        **defaults,
        **doc,
        "rasterized_content_url": links().design_image(doc["id"]),
        "groups": usage.groups_using(doc["id"]),
    }


class DesignUsage:
    """Which groups use which design, and how many credentials each group has: counted once
    per request, so a list of designs costs one pass over the groups and credentials."""

    def __init__(self, groups: list[dict[str, Any]], counts: Counter[str]) -> None:
        self.groups = groups
        self.counts = counts

    @classmethod
    def of(cls, who: Caller) -> DesignUsage:
        counts = Counter(str(doc.get("group_id")) for doc in model().credentials.all_for(who))
        return cls(model().catalog.list(who, "group"), counts)

    def groups_using(self, design_id: Any) -> list[dict[str, Any]]:
        fields = ("design_id", "certificate_design_id", "badge_design_id", "primary_design_id")
        return [
            {
                "id": group["id"],
                "name": group.get("name"),
                "updated_at": group.get("updated_at"),
                "credentials_count": self.counts[str(group["id"])],
            }
            for group in self.groups
            if any(str(group.get(field)) == str(design_id) for field in fields)
        ]


def _department(doc: dict[str, Any]) -> dict[str, Any]:
    defaults = {
        "description": None,
        "page_banner": None,
        "whitelabel_logo": None,
        "linkedin_company_id": None,
        "meta_data": None,
        "generate_private_credential": False,
    }
    return {**defaults, **{k: v for k, v in doc.items() if k not in ("created_at", "updated_at")}}


def _collection(who: Caller, doc: dict[str, Any]) -> dict[str, Any]:
    groups = model().catalog.groups_in(who, doc["id"])
    return {
        "id": doc["id"],
        "name": doc.get("name"),
        "description": doc.get("description"),
        "organization_id": who.account.issuer.get("id"),
        "public": bool(doc.get("public")),
        "groups_count": len(groups),
        "groups": groups,
    }


def _export(doc: dict[str, Any]) -> dict[str, Any]:
    from mockserver.core.http import public_base

    storage, now = model().storage, model().clock.now()
    urls = [
        {
            "status": "completed",
            "year": item["year"],
            "url": storage.presign_get(item["key"], public_base(), now, 3600),
        }
        for item in doc.get("keys", [])
    ]
    return {
        "id": doc["id"],
        "department_id": doc["department_id"],
        "entity": doc.get("entity"),
        "status": doc["status"],
        "created_at": doc["created_at"],
        "urls": urls,
    }


def _team_member(doc: dict[str, Any]) -> dict[str, Any]:
    return {k: doc.get(k) for k in ("id", "name", "email", "department_permissions")}


def _account_key(who: Caller) -> None:
    if who.department_id is not None:
        raise errors.forbidden(ACCOUNT_KEY_ONLY)


def register(bp: Blueprint) -> None:  # noqa: C901 - one route table
    # ---- groups -------------------------------------------------------------------------
    @bp.post("/v1/issuer/groups")
    def create_group() -> Response:
        who = caller()
        return ok(
            {"group": _group(who, model().catalog.create_group(who, wrapped(body(), "group")))}
        )

    @bp.get("/v1/issuer/groups/<int:group_id>")
    def view_group(group_id: int) -> Response:
        who = caller()
        return ok({"group": _group(who, model().catalog.get(who, "group", group_id))})

    @bp.put("/v1/issuer/groups/<int:group_id>")
    def update_group(group_id: int) -> Response:
        who = caller()
        raw = wrapped(body(), "group")
        return ok({"group": _group(who, model().catalog.update_group(who, group_id, raw))})

    @bp.delete("/v1/issuer/groups/<int:group_id>")
    def delete_group(group_id: int) -> Response:
        who = caller()
        return ok({"group": _group(who, model().catalog.remove(who, "group", group_id))})

    @bp.post("/v1/issuer/groups/<int:group_id>/clone")
    def clone_group(group_id: int) -> Response:
        who = caller()
        original = model().catalog.get(who, "group", group_id)
        overrides = body().get("group", {})
        if not isinstance(overrides, dict):
            raise ValidationFailed({"group": ["is invalid"]})
        return ok({"group": _group(who, model().catalog.create_group(who, overrides, original))})

    @bp.get("/v1/issuer/all_groups")
    def all_groups() -> Response:
        who = caller()
        source = params()
        found = model().catalog.groups_matching(who, {"name": source.get("name")})
        page, meta = paginate(found, source, 50)
        return ok({"groups": [_group(who, doc) for doc in page], "meta": meta})

    @bp.post("/v1/issuer/groups/search")
    def search_groups() -> Response:
        who = caller()
        source = search_filters(GroupSearchSchema, body())
        found = model().catalog.groups_matching(who, source)
        page, meta = paginate(found, source, 50)
        return ok({"groups": [_group(who, doc) for doc in page], "meta": meta})

    @bp.get("/v1/skill_categories")
    def skill_categories() -> Response:
        who = caller()
        categories = who.account.fixtures.get("skill_categories", [])
        return ok({"skill_categories": [{"id": c["id"], "name": c["name"]} for c in categories]})

    # ---- collections --------------------------------------------------------------------
    @bp.post("/v1/collections")
    def create_collection() -> Response:
        who = caller()
        data = load(CollectionSchema, wrapped(body(), "collection"))
        catalog = model().catalog
        refs = data.pop("groups", None)
        doc = catalog.create(who, "collection", data, catalog.new_collection_id())
        if refs is not None:
            catalog.set_collection_groups(who, doc["id"], refs)
        return ok({"collection": _collection(who, doc)})

    @bp.put("/v1/collections/<uuid:collection_id>")
    def update_collection(collection_id: UUID) -> Response:
        collection_id = str(collection_id)
        who = caller()
        catalog = model().catalog
        doc = catalog.get(who, "collection", collection_id)
        data = load(CollectionSchema, wrapped(body(), "collection"), partial=True)
        if "name" in data and not data["name"]:
            raise ValidationFailed({"name": [BLANK]})
        refs = data.pop("groups", None)
        if refs is not None:
            catalog.set_collection_groups(who, doc["id"], refs)
        doc.update(data)
        return ok({"collection": _collection(who, catalog.save(who, "collection", doc))})

    @bp.delete("/v1/collections/<uuid:collection_id>")
    def delete_collection(collection_id: UUID) -> Response:
        collection_id = str(collection_id)
        who = caller()
        catalog = model().catalog
        shown = _collection(who, catalog.get(who, "collection", collection_id))
        catalog.set_collection_groups(who, collection_id, [])
        catalog.remove(who, "collection", collection_id)
        return ok({"collection": shown})

    @bp.post("/v1/collections/search")
    def search_collections() -> Response:
        who = caller()
        source = search_filters(CollectionSearchSchema, body())
        query = source["query"]
        found = [
            doc
            for doc in model().catalog.list(who, "collection")
            if _collection_matches(doc, query)
        ]
        shown = [_collection(who, doc) for doc in found]
        sort = source.get("sort") or {}
        if not isinstance(sort, dict):
            raise ApiError(400, "invalid_search_query", "sort must be an object")
        for field, order in sort.items():
            if field not in ("name", "groups_count", "public"):
                # The documents' own example sorts on a placeholder key: a key the API does not
                # sort by is left out, as a Rails whitelist would (FIDELITY.md, "Searches").
                continue
            if order not in ("asc", "desc"):
                raise ApiError(400, "invalid_search_query", f"Sort order {order} is not supported")
            shown.sort(
                key=lambda item: (item[field] is None, str(item[field]).lower()),
                reverse=order == "desc",
            )
        meta_in = source.get("meta") if isinstance(source.get("meta"), dict) else {}
        paging = {"page": meta_in.get("page_number"), "page_size": meta_in.get("per_page")}
        page, meta = paginate(shown, paging, 50)
        meta["page_size"] = positive_int(paging, "page_size", 50)
        return ok({"collections": page, "meta": meta})

    # ---- designs and designers ----------------------------------------------------------
    @bp.post("/v1/designs")
    def create_design() -> Response:
        who = caller()
        data = load(DesignSchema, wrapped(body(), "design"))
        data["department_id"] = model().catalog.department_for(who, data.get("department_id"))
        return ok({"design": _design(model().catalog.create(who, "design", data))})

    @bp.get("/v1/designs")
    def list_designs() -> Response:
        who = caller()
        source = params()
        kind = {"certificates": "certificate", "badges": "badge"}.get(
            source.get("kind", ""), source.get("kind")
        )
        department = source.get("department_id")
        usage = DesignUsage.of(who)
        found = [
            _design(doc, usage)
            for doc in model().catalog.list(who, "design")
            if (not kind or doc.get("kind") == kind)
            and (not department or str(doc.get("department_id")) == str(department))
        ]
        return ok({"designs": found})

    @bp.get("/v1/designs/<int:design_id>")
    def view_design(design_id: int) -> Response:
        return ok({"design": _design(model().catalog.get(caller(), "design", design_id))})

    @bp.put("/v1/designs/<int:design_id>")
    def update_design(design_id: int) -> Response:
        who = caller()
        catalog = model().catalog
        doc = catalog.get(who, "design", design_id)
        data = load(DesignSchema, wrapped(body(), "design"), partial=True)
        for key in ("name", "kind", "encoded_content"):
            if key in data and not data[key]:
                raise ValidationFailed({key: [BLANK]})
        if "department_id" in data:
            data["department_id"] = catalog.department_for(who, data["department_id"])
        doc.update(data)
        return ok({"design": _design(catalog.save(who, "design", doc))})

    @bp.delete("/v1/designs/<int:design_id>")
    def delete_design(design_id: int) -> Response:
        return ok({"design": _design(model().catalog.remove(caller(), "design", design_id))})

    @bp.post("/v1/designs/<int:design_id>/copy")
    def copy_design(design_id: int) -> Response:
        who = caller()
        catalog = model().catalog
        original = catalog.get(who, "design", design_id)
        data = load(DesignSchema, body().get("design", {}), partial=True)
        copy = {k: v for k, v in original.items() if k not in ("id", "created_at", "updated_at")}
        copy["name"] = data.get("name") or f"{original['name']} (copy)"
        copy["department_id"] = catalog.department_for(
            who, data.get("department_id", original.get("department_id"))
        )
        return ok({"design": _design(catalog.create(who, "design", copy))})

    @bp.post("/v1/designs/search")
    def search_designs() -> Response:
        who = caller()
        source = search_filters(DesignSearchSchema, body())
        usage = DesignUsage.of(who)
        found = [
            _design(doc, usage)
            for doc in model().catalog.list(who, "design")
            if (not source.get("kind") or doc.get("kind") == source.get("kind"))
            and subset(source.get("meta_data"), doc.get("meta_data"))
        ]
        page, meta = paginate(found, source, 50)
        return ok({"designs": page, "meta": meta})

    @bp.post("/v1/designs/<int:design_id>/preview")
    def preview_design(design_id: int) -> Response:
        who = caller()
        design = model().catalog.get(who, "design", design_id)
        merge = json.dumps(body(), sort_keys=True, separators=(",", ":")).encode()
        data = base64.urlsafe_b64encode(merge).decode().rstrip("=")
        return ok({"link": links().design_preview(design["id"], data)})

    for kind in ("badge", "certificate"):
        _register_designer(bp, kind)

    # ---- departments --------------------------------------------------------------------
    @bp.post("/v1/departments")
    def create_department() -> Response:
        who = caller()
        _account_key(who)
        data = load(DepartmentSchema, wrapped(body(), "department"))
        return ok({"department": _department(model().catalog.create(who, "department", data))})

    @bp.get("/v1/departments/<int:department_id>")
    def view_department(department_id: int) -> Response:
        doc = model().catalog.get(caller(), "department", department_id)
        return ok({"department": _department(doc)})

    @bp.put("/v1/departments/<int:department_id>")
    def update_department(department_id: int) -> Response:
        who = caller()
        catalog = model().catalog
        doc = catalog.get(who, "department", department_id)
        data = load(DepartmentSchema, wrapped(body(), "department"), partial=True)
        for key in ("name", "url", "logo"):
            if key in data and not data[key]:
                raise ValidationFailed({key: [BLANK]})
        doc.update(data)
        return ok({"department": _department(catalog.save(who, "department", doc))})

    @bp.delete("/v1/departments/<int:department_id>")
    def delete_department(department_id: int) -> Response:
        who = caller()
        _account_key(who)
        return ok(
            {"department": _department(model().catalog.remove(who, "department", department_id))}
        )

    @bp.post("/v1/departments/search")
    def search_departments() -> Response:
        who = caller()
        source = search_filters(DepartmentSearchSchema, body())
        found = [
            _department(doc)
            for doc in model().catalog.list(who, "department")
            if subset(source.get("meta_data"), doc.get("meta_data"))
            and (not source.get("name") or source.get("name") == doc.get("name"))
        ]
        page, meta = paginate(found, source, 50)
        return ok({"departments": page, "meta": meta})

    # ---- attribute keys -----------------------------------------------------------------
    @bp.post("/v1/attribute_keys")
    def create_attribute_key() -> Response:
        who = caller()
        data = load(AttributeKeySchema, wrapped(body(), "attribute_key"))
        data["department_id"] = model().catalog.department_for(who, data["department_id"])
        doc = model().catalog.create(who, "attribute_key", data)
        return ok({"attribute_key": _attribute_key(doc)})

    @bp.post("/v1/attribute_keys/search")
    def search_attribute_keys() -> Response:
        who = caller()
        source = search_filters(AttributeKeySearchSchema, body())
        name = str(source.get("name") or "").lower()
        found = [
            _attribute_key(doc)
            for doc in model().catalog.list(who, "attribute_key")
            if (not name or name in doc["name"].lower())
            and (not source.get("kind") or source.get("kind") == doc.get("kind"))
            and (
                not source.get("department_id")
                or str(source.get("department_id")) == str(doc.get("department_id"))
            )
        ]
        page, meta = paginate(found, source, 50)
        return ok({"attribute_keys": page, "meta": meta})

    # ---- analytics and data exports -----------------------------------------------------
    @bp.get("/v1/analytics")
    def analytics() -> Response:
        who = caller()
        source = params()
        start, end = date_param(source, "start_date"), date_param(source, "end_date")
        events = []
        for doc in model().credentials.all_for(who):
            if source.get("group_id") and str(doc.get("group_id")) != str(source["group_id"]):
                continue
            if source.get("department_id") and str(doc.get("department_id")) != str(
                source["department_id"]
            ):
                continue
            for event in doc.get("analytics", []):
                day = event["created_at"][:10]
                if (start and day < start) or (end and day > end):
                    continue
                events.append(
                    {
                        "credential": {"id": doc["id"], "license_id": doc.get("license_id")},
                        **event,
                    }
                )
        page, meta = paginate(events, source, 100)
        return ok({"analytics": page, "meta": meta})

    @bp.get("/v1/data_exports")
    def list_exports() -> Response:
        who = caller()
        model().exports.settle(who.tenant)
        docs = model().catalog.list(who, "data_export")
        return ok({"data_exports": [_export(doc) for doc in docs]})

    @bp.post("/v1/data_exports")
    def create_export() -> Response:
        who = caller()
        data = load(DataExportSchema, wrapped(body(), "data_export"))
        department = model().store.get(who.tenant, "department", str(data["department_id"]))
        if department is None or not model().catalog.visible(who, "department", department):
            raise errors.forbidden("The department is not accessible with this API key")
        doc = model().exports.create(who, data["entity"], data["department_id"])
        return ok({"data_export": _export(doc)}, 201)

    @bp.get("/v1/data_exports/<int:export_id>")
    def view_export(export_id: int) -> Response:
        who = caller()
        model().exports.settle(who.tenant)
        return ok({"data_export": _export(model().catalog.get(who, "data_export", export_id))})

    # ---- team members -------------------------------------------------------------------
    @bp.post("/v1/team_members")
    def create_team_member() -> Response:
        who = caller()
        _account_key(who)
        data = load(TeamMemberSchema, wrapped(body(), "team_member"))
        _check_departments(who, data["department_permissions"])
        return ok({"team_member": _team_member(model().catalog.create(who, "team_member", data))})

    @bp.get("/v1/team_members/<int:member_id>")
    def view_team_member(member_id: int) -> Response:
        who = caller()
        _account_key(who)
        return ok({"team_member": _team_member(model().catalog.get(who, "team_member", member_id))})

    @bp.put("/v1/team_members/<int:member_id>")
    def update_team_member(member_id: int) -> Response:
        who = caller()
        _account_key(who)
        catalog = model().catalog
        doc = catalog.get(who, "team_member", member_id)
        raw = wrapped(body(), "team_member")
        data = load(TeamMemberSchema, raw, partial=True)
        for key in ("name", "email"):
            if key in data and not data[key]:
                raise ValidationFailed({key: [BLANK]})
        if "department_permissions" in data:
            # New permissions replace the old ones whole, so they are checked whole (a partial
            # load would let an entry without its department or permissions through).
            full = load(
                DepartmentPermissionsSchema,
                {"department_permissions": raw.get("department_permissions")},
            )
            data["department_permissions"] = full["department_permissions"]
            _check_departments(who, data["department_permissions"])
        doc.update(data)
        return ok({"team_member": _team_member(catalog.save(who, "team_member", doc))})

    @bp.delete("/v1/team_members/<int:member_id>")
    def delete_team_member(member_id: int) -> Response:
        who = caller()
        _account_key(who)
        return ok(
            {"team_member": _team_member(model().catalog.remove(who, "team_member", member_id))}
        )

    # ---- issuer and single sign-on ------------------------------------------------------
    @bp.get("/v1/issuer/details")
    def issuer_details() -> Response:
        who = caller()
        issuer = who.account.issuer
        fields = (
            "id",
            "name",
            "email",
            "language",
            "url",
            "spiderable",
            "whitelisted_domain",
            "linkedin_company_id",
            "linkedin_school_id",
        )
        details = {key: issuer.get(key) for key in fields}
        details["certificate_left"] = model().credits.balance(who.account)
        return ok({"issuer": details})

    @bp.post("/v1/sso/generate_link")
    def sso_link() -> Response:
        who = caller()
        data = load(SsoLinkSchema, body())
        doc = _sso_credential(who, data)
        code = hashlib.sha256(f"{doc['uuid']}:{utc_iso(model().clock.now())}".encode()).hexdigest()[
            :8
        ]
        page = links().credential_page(doc["encoded_id"])
        if data.get("wallet_view"):
            page = f"{links().base}/credential.net/wallet/{doc['encoded_id']}"
        return ok({"link": f"{page}/sso?code={code}"})


def _register_designer(bp: Blueprint, kind: str) -> None:
    def initialize() -> Response:
        who = caller()
        data = load(DesignerSchema, body())
        catalog = model().catalog
        if data.get("design_id") is not None:
            design = catalog.get(who, "design", data["design_id"])
            if design.get("kind") != kind:
                raise ValidationFailed({"design_id": ["is invalid"]})
        else:
            department = catalog.department_for(who, data.get("department_id"))
            design = catalog.create(
                who,
                "design",
                {
                    "name": f"New {kind} design",
                    "kind": kind,
                    "encoded_content": "",
                    "department_id": department,
                },
            )
        token = hashlib.sha256(f"{who.tenant}:{design['id']}:{kind}".encode()).hexdigest()
        return ok({"token": f"{token[:16]}:{token[16:32]}", "design_id": design["id"]})

    bp.add_url_rule(
        f"/v1/designers/{kind}/initialize",
        f"initialize_{kind}_designer",
        initialize,
        methods=["POST"],
    )


def _attribute_key(doc: dict[str, Any]) -> dict[str, Any]:
    return {k: doc.get(k) for k in ("id", "name", "kind", "department_id")}


def _collection_matches(doc: dict[str, Any], query: dict[str, Any]) -> bool:
    if query.get("ids") and doc["id"] not in [str(i) for i in query["ids"]]:
        return False
    if query.get("exclusion_list") and doc["id"] in [str(i) for i in query["exclusion_list"]]:
        return False
    if query.get("name") and str(query["name"]).lower() not in str(doc.get("name", "")).lower():
        return False
    if isinstance(query.get("public"), bool) and bool(doc.get("public")) != query["public"]:
        return False
    return True


def _check_departments(who: Caller, permissions: list[dict[str, Any]]) -> None:
    for index, entry in enumerate(permissions):
        if model().store.get(who.tenant, "department", str(entry["department_id"])) is None:
            raise ValidationFailed(
                {f"department_permissions[{index}].department_id": ["is invalid"]}
            )


def _sso_credential(who: Caller, data: dict[str, Any]) -> dict[str, Any]:
    credentials = model().credentials
    if data.get("credential_id"):
        return credentials.find(who, data["credential_id"])
    candidates = credentials.all_for(who)
    if data.get("recipient_id"):
        candidates = [
            d for d in candidates if str(d["recipient"].get("id")) == data["recipient_id"]
        ]
    elif data.get("recipient_email"):
        email = data["recipient_email"].lower()
        candidates = [d for d in candidates if str(d["recipient"].get("email")).lower() == email]
    else:
        raise ValidationFailed({"credential_id": [BLANK]})
    if data.get("group_id"):
        candidates = [d for d in candidates if str(d.get("group_id")) == data["group_id"]]
    if not candidates:
        raise errors.not_found()
    return max(candidates, key=lambda d: (d.get("created_at") or "", d["id"]))
