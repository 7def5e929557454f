"""Rails, as Accredible, Springest and SEEK Pass run it: paths and parameters.

- Paths: a trailing slash and repeated slashes are ignored (the router normalizes the path);
  `(.:format)` routes also take a `.json` suffix (Accredible).
- `params()`: the body's parameters (JSON, url-encoded or multipart form, nested with
  `a[b]`), then the query string's over them, as `ActionDispatch::Request#parameters` merges
  them (`request_parameters.merge(query_parameters)`); a repeated name keeps its last value.
- `to_i()`: Ruby's `String#to_i`, which controllers use on numbers: leading digits, else 0.
"""

from __future__ import annotations

import re
from typing import Any

from flask import request

from mockserver.core.frameworks.base import Framework
from mockserver.core.frameworks.nested_params import nest
from mockserver.core.http import json_object_body

RAILS = Framework("rails", squeezes_slashes=True)
RAILS_WITH_FORMAT = Framework("rails", squeezes_slashes=True, format_suffixes=(".json",))

_LEADING_INTEGER = re.compile(r"\s*([+-]?\d+(?:_\d+)*)")


def to_i(value: Any) -> int:
    """`"12abc"` -> 12, `"{page_size}"` -> 0, `" -3"` -> -3, `"1_000"` -> 1000; a JSON number
    is truncated like Ruby's `Float#to_i`; anything else (a list, a hash, a boolean) is 0
    (Rails would fail with a 500 on those; the mock does not)."""
    if isinstance(value, bool):
        return 0
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value == value and abs(value) != float("inf") else 0
    if not isinstance(value, str):
        return 0
    match = _LEADING_INTEGER.match(value)
    return int(match.group(1).replace("_", "")) if match else 0


def body_params() -> dict[str, Any]:
    """The request body's parameters, as Rails' parameter parsers read it."""
    if request.is_json:
        if not request.get_data(cache=True):
            return {}
        return json_object_body()
    if request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        return nest(request.form.items(multi=True))
    return {}


def query_params() -> dict[str, Any]:
    return nest(request.args.items(multi=True))


def params() -> dict[str, Any]:
    """Body parameters with the query string's over them (Rails' merge order)."""
    merged = body_params()
    merged.update(query_params())
    return merged


def param(name: str) -> Any:
    """One parameter wherever Rails would find it: the query string first, then the body.

    The body is parsed only when the query does not have it."""
    if name in request.args:
        return request.args.getlist(name)[-1]
    return body_params().get(name)
