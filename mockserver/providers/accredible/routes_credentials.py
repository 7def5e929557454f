"""Credential paths: create (single, bulk v1 and v2), view, update, delete, lists and
searches, PDFs, blockchain data, analytics, evidence items and references."""

from __future__ import annotations

from flask import Blueprint, Response, redirect, request

from mockserver.core import scenarios
from mockserver.core.http import public_base
from mockserver.providers.accredible import bulk, documents, errors, listing, presenters
from mockserver.providers.accredible.schemas import CredentialSearchSchema, search_filters
from mockserver.providers.accredible.web import (
    body,
    caller,
    credential_body,
    enforce,
    find_credential,
    links,
    model,
    ok,
    optional_caller,
    params,
)


def register(bp: Blueprint) -> None:  # noqa: C901 - one route table
    @bp.post("/v1/credentials")
    def create_credential() -> Response:
        who = caller()
        payload = body().get("credential")
        outcome = model().credentials.create(who, payload)
        return ok({"credential": credential_body(who, outcome.doc)})

    @bp.post("/v1/credentials/bulk_create")
    def bulk_create_v1() -> Response:
        who = caller()
        items = bulk.credential_list(body(), bulk.V1_LIMIT)
        outcomes = model().credentials.create_all(who, items)
        present = [presenters.credential(o.doc, who.account, links()) for o in outcomes]
        if who.account.v1_bulk_response == "array":
            return ok([{"credential": item} for item in present])
        return ok({"credentials": present})

    @bp.post("/v2/credentials/bulk_create")
    def bulk_create_v2() -> Response:
        who = caller()
        items = bulk.credential_list(body(), bulk.V2_LIMIT)
        status, payload = bulk.bulk_v2(
            model().credentials,
            who,
            items,
            lambda doc: presenters.credential(doc, who.account, links()),
        )
        return ok(payload, status)

    @bp.get("/v1/credentials/<credential_ref:credential_id>")
    def view_credential(credential_id: str) -> Response:
        who = caller()
        return ok(
            {"credential": credential_body(who, model().credentials.find(who, credential_id))}
        )

    @bp.put("/v1/credentials/<credential_ref:credential_id>")
    def update_credential(credential_id: str) -> Response:
        who = caller()
        payload = body().get("credential", {})
        doc = model().credentials.update(who, credential_id, payload)
        return ok({"credential": credential_body(who, doc)})

    @bp.delete("/v1/credentials/<credential_ref:credential_id>")
    def delete_credential(credential_id: str) -> Response:
        who = caller()
        return ok(
            {"credential": credential_body(who, model().credentials.delete(who, credential_id))}
        )

    @bp.get("/v1/all_credentials")
    def all_credentials() -> Response:
        who = caller()
        page, meta = listing.v1_page(model().credentials, who, params())
        return ok({"credentials": [credential_body(who, doc) for doc in page], "meta": meta})

    @bp.post("/v1/credentials/search")
    def search_v1() -> Response:
        enforce(model().search_v1_limiter)
        who = caller()
        source = search_filters(CredentialSearchSchema, body())
        page, meta = listing.v1_page(model().credentials, who, source)
        return ok({"credentials": [credential_body(who, doc) for doc in page], "meta": meta})

    @bp.post("/v2/credentials/search")
    def search_v2() -> Response:
        who = caller()
        given = body()
        found, meta = listing.v2_page(model().credentials, who, given)
        return ok(
            {
                "credentials": [
                    presenters.search_credential(doc, who.account, links()) for doc in found
                ],
                "meta": meta,
            }
        )

    @bp.post("/v1/credentials/generate_pdf")
    def generate_pdf() -> Response:
        who = caller()
        ids = body().get("credential_ids")
        if not isinstance(ids, list) or not ids:
            raise errors.unprocessable("credential_ids must be a non-empty array of ids")
        docs = [model().credentials.find(who, str(raw)) for raw in ids]
        name = "-".join(str(doc["id"]) for doc in docs)[:120]
        key = documents.store_zip(
            model().storage, who.tenant, docs, who.account.issuer.get("name", ""), name
        )
        return ok({"file": _download(key)})

    @bp.post("/v1/credentials/generate_single_pdf/<credential_ref:credential_id>")
    def generate_single_pdf(credential_id: str) -> Response:
        who = caller()
        doc = model().credentials.find(who, credential_id)
        if not doc.get("approve"):
            raise errors.unprocessable("The credential is not published")
        key = documents.store_pdf(
            model().storage, who.tenant, doc, who.account.issuer.get("name", "")
        )
        return ok({"file": _download(key)})

    @bp.get("/v1/issuer/credential_redirect")
    def credential_redirect() -> Response:
        who = caller()
        raw_id, issuer_id = request.args.get("id"), request.args.get("issuer_id")
        if not raw_id or not issuer_id:
            raise errors.unprocessable("id and issuer_id are required")
        if str(who.account.issuer.get("id")) != issuer_id:
            raise errors.not_found()
        doc = model().credentials.find(who, raw_id)
        return redirect(links().credential_page(doc["encoded_id"], doc.get("private_key")), 302)

    @bp.get("/v1/credentials/blockchain_data/<credential_ref:credential_id>")
    def blockchain_v1(credential_id: str) -> Response:
        return _blockchain(credential_id, v2=False)

    @bp.get("/v2/credentials/<credential_ref:credential_id>/blockchain_data")
    def blockchain_v2(credential_id: str) -> Response:
        return _blockchain(credential_id, v2=True)

    @bp.post("/v1/credentials/analytics/<credential_ref:credential_id>")
    def credential_analytics(credential_id: str) -> Response:
        who = caller()
        doc = model().credentials.find(who, credential_id)
        events = [{"credential_id": doc["id"], **event} for event in doc.get("analytics", [])]
        return ok({"analytics": events})

    for part, wrapper in (("evidence_items", "evidence_item"), ("references", "reference")):
        _register_part(bp, part, wrapper)


def _register_part(bp: Blueprint, part: str, wrapper: str) -> None:
    present = presenters.evidence_item if part == "evidence_items" else presenters.reference
    base = f"/v1/credentials/<credential_ref:credential_id>/{part}"

    def create(credential_id: str) -> Response:
        who = caller()
        item = model().credentials.add_part(who, credential_id, part, body().get(wrapper))
        return ok({wrapper: present(item)})

    def view(credential_id: str, item_id: int) -> Response:
        item = model().credentials.part(caller(), credential_id, part, item_id)
        return ok({wrapper: present(item)})

    def update(credential_id: str, item_id: int) -> Response:
        who = caller()
        raw = body().get(wrapper, {})
        item = model().credentials.change_part(who, credential_id, part, item_id, raw)
        return ok({wrapper: present(item)})

    def delete(credential_id: str, item_id: int) -> Response:
        who = caller()
        item = model().credentials.change_part(who, credential_id, part, item_id, {}, remove=True)
        return ok({wrapper: present(item)})

    bp.add_url_rule(base, f"create_{wrapper}", create, methods=["POST"])
    item_path = f"{base}/<int:item_id>"
    bp.add_url_rule(item_path, f"view_{wrapper}", view, methods=["GET"])
    bp.add_url_rule(item_path, f"update_{wrapper}", update, methods=["PUT"])
    bp.add_url_rule(item_path, f"delete_{wrapper}", delete, methods=["DELETE"])


def _download(key: str) -> str:
    storage = model().storage
    return storage.presign_get(key, public_base(), model().clock.now(), documents.LINK_SECONDS)


def _blockchain(credential_id: str, v2: bool) -> Response:
    """Verification data is public (verifiers have no key); a private credential needs its
    `key`, unless the request carries the owning account's API key."""
    who = optional_caller()
    doc, account = find_credential(credential_id, who)
    if doc.get("private") and who is None and request.args.get("key") != doc.get("private_key"):
        raise errors.forbidden("Private Certificate, use key")
    group = model().store.get(account.tenant, "group", str(doc.get("group_id"))) or {}
    if not group.get("blockchain"):
        raise errors.not_found()
    model().credentials.record_event(account.tenant, doc, "credential_user_verified")
    chain = "v1"
    if v2:
        # v2 answers by the chain the credential was recorded on: Bitcoin, or Ethereum when
        # the group says so or the request asks for `Prefer: scenario=ethereum_blockchain`.
        on_ethereum = group.get("blockchain_chain") == "ethereum" or scenarios.active(
            "ethereum_blockchain"
        )
        chain = "ethereum" if on_ethereum else "bitcoin"
    return ok(documents.blockchain_data(doc, account.issuer, links(), chain))
