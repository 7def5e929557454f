"""Laravel, as VEC runs it: paths and input.

- Paths: a trailing slash is ignored (Laravel matches the path with its slashes trimmed).
- `input()`: the body's fields (form or JSON) over the query string's, as
  `Request::input()` merges them (`$this->getInputSource()->all() + $this->query->all()`);
  PHP keeps the last value of a repeated name. Bracketed names (`signatories[1][user_uuid]`)
  are kept as sent, one field each: the provider's rules that read them (VEC's signatories)
  name them that way, as Laravel's dotted validation keys do.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask import request

from mockserver.core.frameworks.base import Framework
from mockserver.core.http import json_object_body

LARAVEL = Framework("laravel")


def input() -> dict[str, Any]:  # noqa: A001 - Laravel's own name for it
    """Query fields with the body's over them (Laravel's merge order)."""
    merged: dict[str, Any] = _named(request.args.items(multi=True))  # later pairs win
    if request.is_json:
        if request.get_data(cache=True):
            merged.update(json_object_body())
    elif request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        merged.update(_named(request.form.items(multi=True)))
    return merged


def _named(pairs: Iterable[tuple[Any, Any]]) -> dict[str, Any]:
    """The pairs whose name could be decoded (werkzeug names an undecodable part None)."""
    return {name: value for name, value in pairs if isinstance(name, str)}
