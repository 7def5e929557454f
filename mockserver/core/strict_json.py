"""JSON as the providers' own parsers take it, checked once at the edge.

Python's json module accepts two things no provider's parser does and that break the
sandbox later: `NaN`/`Infinity` (stored, then served back as non-standard JSON, or turned
into a 500 by arithmetic on them), and a lone UTF-16 surrogate such as "\\ud800" (a valid
JSON escape, but no Unicode text: binding it to SQLite raised UnicodeEncodeError, a 500). Both
are refused here as malformed JSON, so every caller answers its usual 400.
"""

from __future__ import annotations

import json
import re
from typing import Any

from flask.json.provider import DefaultJSONProvider

# A high surrogate escape not followed by a low one, or a low one not preceded by a high one.
_LONE_SURROGATE = re.compile(
    r"\\u[dD][89abAB][0-9a-fA-F]{2}(?!\\u[dD][c-fC-F][0-9a-fA-F]{2})"
    r"|(?<!\\u[dD][89abAB][0-9a-fA-F]{2})\\u[dD][c-fC-F][0-9a-fA-F]{2}"
)


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def loads(text: str | bytes, **kwargs: Any) -> Any:
    """json.loads, refusing NaN/Infinity and lone surrogates (json.JSONDecodeError)."""
    if isinstance(text, bytes | bytearray):
        text = text.decode("utf-8")
    if "\\u" in text:
        lone = _LONE_SURROGATE.search(text)
        if lone:
            raise json.JSONDecodeError(
                f"{lone.group(0)} is a lone surrogate, not Unicode text", text, lone.start()
            )
    try:
        return json.loads(text, parse_constant=_refuse_constant, **kwargs)
    except ValueError as exc:
        if isinstance(exc, json.JSONDecodeError):
            raise
        raise json.JSONDecodeError(str(exc), text, 0) from None


class StrictJSONProvider(DefaultJSONProvider):
    """Flask's JSON provider with strict parsing (request.get_json and the rest); answers are
    written with `allow_nan=False` too, so nothing non-standard can leave the sandbox."""

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        return loads(s, **kwargs)
