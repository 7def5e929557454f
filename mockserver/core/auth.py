"""Reading credentials off a request, the same way for every provider.

Only extraction lives here; what a credential means (which tenant, which scopes) is each
provider's own business.
"""

from __future__ import annotations

import base64
import binascii

from flask import request


def bearer_token() -> str | None:
    """The token of `Authorization: Bearer <token>` (scheme case-insensitive), else None."""
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def basic_credentials() -> tuple[str, str] | None:
    """(user, password) from `Authorization: Basic …`, else None."""
    header = request.headers.get("Authorization", "")
    scheme, _, encoded = header.partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    user, sep, password = decoded.partition(":")
    return (user, password) if sep else None
