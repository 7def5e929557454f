"""Laravel's length-aware paginator envelope: `data`, `links`, `meta`."""

from __future__ import annotations

import math
from typing import Any
from urllib.parse import urlencode


def paginate(
    items: list[Any], page: int, per_page: int, path: str, query: dict[str, str]
) -> dict[str, Any]:
    total = len(items)
    last_page = max(1, math.ceil(total / per_page))
    start = (page - 1) * per_page
    chunk = items[start : start + per_page]

    def url(number: int) -> str:
        return f"{path}?{urlencode({**query, 'page': number})}"

    meta_links = [
        {"url": url(page - 1) if page > 1 else None, "label": "&laquo; Previous", "active": False}
    ]
    meta_links += [
        {"url": url(n), "label": str(n), "active": n == page} for n in range(1, last_page + 1)
    ]
    meta_links.append(
        {
            "url": url(page + 1) if page < last_page else None,
            "label": "Next &raquo;",
            "active": False,
        }
    )
    return {
        "data": chunk,
        "links": {
            "first": url(1),
            "last": url(last_page),
            "prev": url(page - 1) if page > 1 else None,
            "next": url(page + 1) if page < last_page else None,
        },
        "meta": {
            "current_page": page,
            "from": start + 1 if chunk else None,
            "last_page": last_page,
            "links": meta_links,
            "path": path,
            "per_page": per_page,
            "to": start + len(chunk) if chunk else None,
            "total": total,
        },
    }
