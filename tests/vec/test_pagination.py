"""VEC is Laravel: its lists' `meta.links` are those of Laravel's length-aware paginator,
which links a window of pages with "..." between, not every page (issue 18 found a
100,000-record list answering with 6,667 links)."""

from __future__ import annotations

import pytest

from mockserver.providers.vec.pagination import page_window, paginate


@pytest.mark.parametrize(
    ("page", "last", "shown"),
    [
        (1, 1, [1]),
        (5, 13, list(range(1, 14))),
        (1, 14, [*range(1, 11), None, 13, 14]),
        (7, 100, [*range(1, 11), None, 99, 100]),
        (8, 100, [1, 2, None, *range(5, 12), None, 99, 100]),
        (50, 100, [1, 2, None, *range(47, 54), None, 99, 100]),
        (93, 100, [1, 2, None, *range(90, 97), None, 99, 100]),
        (94, 100, [1, 2, None, *range(91, 101)]),
        (100, 100, [1, 2, None, *range(91, 101)]),
    ],
)
def test_the_window_of_pages_is_laravels(page, last, shown) -> None:
    assert page_window(page, last) == shown


def test_meta_links_carry_the_window_and_its_gaps() -> None:
    body = paginate(list(range(3)), 50, 3, "http://x/list", {}, total=300)
    labels = [link["label"] for link in body["meta"]["links"]]
    assert labels == [
        "&laquo; Previous",
        "1",
        "2",
        "...",
        *map(str, range(47, 54)),
        "...",
        "99",
        "100",
        "Next &raquo;",
    ]
    gap = body["meta"]["links"][3]
    assert gap == {"url": None, "label": "...", "active": False}
    assert [link["active"] for link in body["meta"]["links"]].count(True) == 1
    assert body["meta"]["last_page"] == 100 and body["meta"]["total"] == 300
