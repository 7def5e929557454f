"""Files the mock makes for Accredible: credential PDFs (one, or several in a zip), data
export CSVs, SVG stand-ins for the credential images, and blockchain verification data.

Every file goes to the object storage and is handed out as a presigned GET link on the mock,
as Accredible hands out S3 links.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import zipfile
from html import escape
from typing import Any

from mockserver.core.pdf import text_pdf
from mockserver.core.storage import ObjectStorage
from mockserver.providers.accredible.links import Links

LINK_SECONDS = 3600


def credential_pdf(doc: dict[str, Any], issuer_name: str) -> bytes:
    recipient = doc.get("recipient") or {}
    return text_pdf(
        [
            str(doc.get("name") or "Credential"),
            f"Awarded to {recipient.get('name')}",
            f"Issued by {issuer_name} on {doc.get('issued_on')}",
            f"Credential {doc['id']} ({doc['encoded_id']})",
            "Made by mockserver: not a real Accredible credential",
        ],
        title=f"Credential {doc['id']}",
    )


def store_pdf(storage: ObjectStorage, tenant: str, doc: dict[str, Any], issuer: str) -> str:
    key = f"{tenant}/accredible/pdf/{doc['id']}.pdf"
    storage.put(key, credential_pdf(doc, issuer), "application/pdf")
    return key


def store_zip(
    storage: ObjectStorage, tenant: str, docs: list[dict[str, Any]], issuer: str, name: str
) -> str:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for doc in docs:
            archive.writestr(f"{doc['id']}.pdf", credential_pdf(doc, issuer))
    key = f"{tenant}/accredible/zip_pdf/{name}.zip"
    storage.put(key, buffer.getvalue(), "application/zip")
    return key


EXPORT_COLUMNS = {
    "credentials": [
        "id",
        "name",
        "recipient_name",
        "recipient_email",
        "group_id",
        "issued_on",
        "approve",
    ],
    "groups": ["id", "name", "course_name", "department_id"],
    "designs": ["id", "name", "kind", "department_id"],
    "credential_analytics": ["credential_id", "event", "created_at"],
    "organizations": ["id", "name", "url"],
}


def export_csv(entity: str, rows: list[dict[str, Any]]) -> bytes:
    columns = EXPORT_COLUMNS[entity]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        writer.writerow({column: row.get(column) for column in columns})
    return out.getvalue().encode("utf-8")


def image_svg(title: str, subtitle: str, kind: str) -> bytes:
    """A small SVG standing in for a certificate, badge or social image."""
    width, height = (300, 300) if kind == "badge" else (800, 560)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}">'
        f'<rect width="100%" height="100%" fill="#f4f1ea" stroke="#1d3557" stroke-width="8"/>'
        f'<text x="50%" y="45%" text-anchor="middle" font-size="28" font-family="sans-serif">'
        f"{escape(title)}</text>"
        f'<text x="50%" y="58%" text-anchor="middle" font-size="18" font-family="sans-serif">'
        f"{escape(subtitle)}</text>"
        f'<text x="50%" y="92%" text-anchor="middle" font-size="12" fill="#888">'
        f"mockserver sandbox image</text></svg>"
    ).encode()


def blockchain_data(
    doc: dict[str, Any], issuer: dict[str, Any], links: Links, chain: str = "v1"
) -> dict[str, Any]:
    """Blockchain verification data in the documented shapes: `v1` (Blockcerts v1 with a
    Chainpoint receipt, the v1 endpoint's only shape), `bitcoin` (the same with the v2 `chain`
    field) or `ethereum` (v2's Blockcerts v3 credential with a transaction receipt). Hashes are
    really SHA-256 of the credential, so a client's own hash check agrees; the anchors and the
    transaction are made up (no real chain)."""
    if chain == "ethereum":
        return {"data": _ethereum(doc, issuer, links)}
    recipient = doc.get("recipient") or {}
    page = links.credential_page(doc["encoded_id"])
    certificate = {
        "name": doc.get("name"),
        "description": doc.get("description"),
        "type": "Certificate",
        "id": page,
        "issuer": {
            "name": issuer.get("name"),
            "url": issuer.get("url"),
            "id": links.issuer_badge_class(issuer.get("id")),
            "type": "Issuer",
            "email": issuer.get("email"),
        },
    }
    document = {
        "@context": "https://w3id.org/blockcerts/v1",
        "type": "CertificateDocument",
        "certificate": certificate,
        "verify": {"signer": _signer(issuer), "attribute-signed": "uid", "type": SIGNATURE},
        "assertion": {
            "type": "Assertion",
            "issuedOn": doc.get("issued_on"),
            "uid": doc["uuid"],
            "id": links.credential_assertion(doc["uuid"]),
        },
        "recipient": {
            "type": "email",
            "hashed": True,
            "familyName": recipient.get("name"),
            "identity": hashlib.sha256(str(recipient.get("email")).lower().encode()).hexdigest(),
        },
    }
    target = hashlib.sha256(json.dumps(document, sort_keys=True).encode()).hexdigest()
    sibling = hashlib.sha256(f"sibling:{doc['uuid']}".encode()).hexdigest()
    root = hashlib.sha256((sibling + target).encode()).hexdigest()
    receipt = {
        "@context": "https://w3id.org/chainpoint/v2",
        "type": "ChainpointSHA256v2",
        "targetHash": target,
        "merkleRoot": root,
        "proof": [{"left": sibling}],
        "anchors": [
            {
                "type": "BTCOpReturn",
                "sourceId": hashlib.sha256(f"anchor:{root}".encode()).hexdigest(),
            }
        ],
    }
    data: dict[str, Any] = {"credential_json_data": document, "receipt": receipt}
    if chain == "bitcoin":
        data = {"chain": "Bitcoin", **data}
    return {"data": data}


SIGNATURE = "ECDSA(secp256k1)"


def _signer(issuer: dict[str, Any]) -> str:
    """A stable stand-in for the issuer's signing address."""
    return hashlib.sha256(f"signer:{issuer.get('id')}".encode()).hexdigest()[:34]


def _ethereum(doc: dict[str, Any], issuer: dict[str, Any], links: Links) -> dict[str, Any]:
    recipient = doc.get("recipient") or {}
    credential = {
        "@context": ["https://www.w3.org/2018/credentials/v1", "https://w3id.org/blockcerts/v3"],
        "type": ["VerifiableCredential", "BlockcertsCredential"],
        "id": links.credential_page(doc["uuid"]),
        "issuer": links.issuer_badge_class(issuer.get("id")),
        "issuanceDate": f"{doc.get('issued_on')}T00:00:00+00:00",
        "credentialSubject": {
            "name": recipient.get("name"),
            "claim": {"name": doc.get("name"), "description": doc.get("description")},
        },
        "display": {"contentMediaType": "text/html", "content": _display(doc, issuer)},
    }
    digest = hashlib.sha256(json.dumps(credential, sort_keys=True).encode()).hexdigest()
    body = {
        **credential,
        "@context": [
            "https://www.w3.org/2018/credentials/v1",
            "https://w3id.org/security/data-integrity/v2",
            "https://w3id.org/blockcerts/v3.1",
        ],
        "proof": {
            "id": f"urn:uuid:{doc['uuid']}",
            "type": "MerkleProof2019",
            "cryptosuite": "merkle-proof-2019",
            "proofPurpose": "assertionMethod",
            "created": f"{doc.get('issued_on')}T00:00:00",
            "proofValue": "z" + digest,
            "verificationMethod": f"{links.issuer_badge_class(issuer.get('id'))}#key-1",
        },
    }
    transaction = hashlib.sha256(f"txn:{digest}".encode()).hexdigest()
    return {
        "chain": "Ethereum",
        "credential_json_data": credential,
        "receipt": {"txn_id": f"0x{transaction}", "body": body},
    }


def _display(doc: dict[str, Any], issuer: dict[str, Any]) -> str:
    recipient = doc.get("recipient") or {}
    parts = [
        f"<h1>{escape(str(recipient.get('name') or ''))}</h1>",
        f"<h3>{escape(str(doc.get('name') or ''))}</h3>",
        f"<p>Issued By</p><p>{escape(str(issuer.get('name') or ''))}</p>",
        f"<p>Issued On</p><p>{escape(str(doc.get('issued_on') or ''))}</p>",
    ]
    return "<div>" + "".join(parts) + "</div>"
