"""Laravel's length-aware paginator envelope: `data`, `links`, `meta`."""

from __future__ import annotations

import math
from typing import Any
from urllib.parse import urlencode

ON_EACH_SIDE = 3  # Laravel's default: pages shown on each side of the current one


def page_window(page: int, last_page: int) -> list[int | None]:
    """The page numbers Laravel's paginator links in `meta.links` (its UrlWindow), with None
    where it puts "...": every page up to 13 pages; beyond, the first two and the last two
    around a window of the current page (or a longer run at either end). Listing every page
    made a 100,000-record list answer with 6,667 links, most of its time."""
    window = ON_EACH_SIDE + 4
    if last_page < ON_EACH_SIDE * 2 + 8:
        return list(range(1, last_page + 1))
    start, finish = [1, 2], [last_page - 1, last_page]
    if page <= window:
        return [*range(1, window + ON_EACH_SIDE + 1), None, *finish]
    if page > last_page - window:
        return [*start, None, *range(last_page - (window + ON_EACH_SIDE - 1), last_page + 1)]
    slider = range(page - ON_EACH_SIDE, page + ON_EACH_SIDE + 1)
    return [*start, None, *slider, None, *finish]


def paginate(
    items: list[Any],
    page: int,
    per_page: int,
    path: str,
    query: dict[str, str],
    total: int | None = None,
) -> dict[str, Any]:
    """`items` is the whole list, or, with `total`, the requested page of it already."""
    start = (page - 1) * per_page
    if total is None:
        total = len(items)
        chunk = items[start : start + per_page]
    else:
        chunk = items
    last_page = max(1, math.ceil(total / per_page))

    def url(number: int) -> str:
        return f"{path}?{urlencode({**query, 'page': number})}"

    meta_links = [
        {"url": url(page - 1) if page > 1 else None, "label": "&laquo; Previous", "active": False}
    ]
    meta_links += [
        {"url": None, "label": "...", "active": False}
        if n is None
        else {"url": url(n), "label": str(n), "active": n == page}
        for n in page_window(page, last_page)
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
