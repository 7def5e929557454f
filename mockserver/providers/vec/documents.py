"""The files VEC makes when a certificate is generated: a verified PDF, a QR code and a barcode.

The QR code is real (segno) and encodes the reference id; the barcode is a simple SVG strip
labelled with the reference id, not a scannable symbology (see FIDELITY.md).
"""

from __future__ import annotations

import hashlib
import io
from typing import Any

from mockserver.core.pdf import text_pdf
from mockserver.core.storage import ObjectStorage


def qr_svg(text: str) -> bytes:
    import segno  # imported on first use: it is not needed to start the server

    buffer = io.BytesIO()
    segno.make(text, error="m").save(buffer, kind="svg", scale=4)
    return buffer.getvalue()


def barcode_svg(text: str) -> bytes:
    bits = "".join(f"{byte:08b}" for byte in hashlib.sha256(text.encode()).digest()[:12])
    bars = "".join(
        f'<rect x="{10 + index * 2}" y="5" width="2" height="50" fill="#000"/>'
        for index, bit in enumerate(bits)
        if bit == "1"
    )
    width = 20 + len(bits) * 2
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="75">{bars}'
        f'<text x="10" y="70" font-size="10" font-family="monospace">{text}</text></svg>'
    ).encode()


def generate(
    storage: ObjectStorage, prefix: str, reference_id: str, lines: list[str]
) -> dict[str, Any]:
    """Store the verified PDF, QR code and barcode under `prefix`; their keys."""
    keys = {
        "pdf_key": f"{prefix}/verified_certificate.pdf",
        "qrcode_key": f"{prefix}/qr_code.svg",
        "barcode_key": f"{prefix}/barcode.svg",
    }
    storage.put(keys["pdf_key"], text_pdf(lines, title=reference_id), "application/pdf")
    storage.put(keys["qrcode_key"], qr_svg(f"VEC {reference_id}"), "image/svg+xml")
    storage.put(keys["barcode_key"], barcode_svg(reference_id), "image/svg+xml")
    return keys
