"""Flat `name=value` pairs into the nested parameters Rack (Rails) and PHP (Laravel) build.

Both read `a[b]=1` as `{"a": {"b": "1"}}`, `a[]=1&a[]=2` as a list, and a repeated plain name
as its last value. Names are bounded in depth so a hostile name cannot nest without end.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

MAX_DEPTH = 32  # Rack's default param_depth_limit is 32 too
_KEY = re.compile(r"\[([^\[\]]*)\]")


def _split(name: str) -> list[str] | None:
    """`a[b][]` -> ["a", "b", ""]; None when the name is not a nested one."""
    head, bracket, rest = name.partition("[")
    if not bracket or not head:
        return None
    parts = [head]
    position = len(head)
    for match in _KEY.finditer(name, position):
        if match.start() != position:
            break
        parts.append(match.group(1))
        position = match.end()
    if position != len(name) or len(parts) > MAX_DEPTH:
        return None  # malformed: both frameworks then keep the name as it is
    return parts


def nest(pairs: Iterable[tuple[str, Any]]) -> dict[str, Any]:
    """Build the parameters; a later value for the same place replaces an earlier one."""
    params: dict[str, Any] = {}
    for name, value in pairs:
        if not isinstance(name, str):
            continue  # werkzeug names a part it could not decode None
        parts = _split(name)
        if parts is None:
            params[name] = value
            continue
        target: Any = params
        for index, part in enumerate(parts):
            last = index == len(parts) - 1
            following = None if last else parts[index + 1]
            if isinstance(target, list):
                # `a[][b]`: extend the last hash unless it already has this key (Rack's rule)
                if part != "":
                    break
                if last:
                    target.append(value)
                    break
                if (
                    following
                    and target
                    and isinstance(target[-1], dict)
                    and following not in target[-1]
                ):
                    target = target[-1]
                else:
                    fresh: dict[str, Any] = {}
                    target.append(fresh)
                    target = fresh
                continue
            if last:
                target[part] = value
                break
            container = target.get(part)
            wanted = list if following == "" else dict
            if not isinstance(container, wanted):
                container = wanted()
                target[part] = container
            target = container
    return params
