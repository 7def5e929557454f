"""How Store.query answers a list from the index (`record_fields`) so that its cost follows the
page, not the number of records.

A query is a set of conditions, each on one indexed field: equal to one of some values, or
within a range of them. The plan follows the numbers:
- each equality is sized first (one row of `record_counts` for a counted field, the index rows
  for any other); ranges are sized only when there is no equality (a range may cover most
  records, and an equality is the better start anyway);
- the smallest condition drives: when it matches few records (FEW) they are read and sorted;
- otherwise records are walked in the wanted order (from whichever end is nearer the page, or
  from a keyset mark) and each is checked against the other conditions, so a page of a
  million-record group reads about a page.
A condition on the field the list is ordered by bounds that walk itself instead of being
checked record by record.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, asc, desc, func, select, true
from sqlalchemy.engine import Connection

from mockserver.core.tables import EVERY, record_counts, record_fields, records

FEW = 1000  # matches read and sorted directly; more are walked in order
# ...unless the walk looks cheaper: it checks about (records ÷ matches) records per match it
# keeps, and keeps the page (and the offset before it). Two groups that hold every credential
# of a tenant: 50 checked instead of 1,000 sorted. Tests set it to infinity to read and sort.
WALK_AT = 1.0


@dataclass(frozen=True)
class Condition:
    """One indexed field's test: equal to one of `values`, or else within `low`..`high`
    (inclusive, text order; either may be open)."""

    field: str
    values: tuple[str, ...] | None = None
    low: str | None = None
    high: str | None = None

    def on(self, column: Any) -> Any:
        if self.values is not None:
            if len(self.values) == 1:
                return column == self.values[0]
            return column.in_(self.values)
        bounds = [true()]
        if self.low is not None:
            bounds.append(column >= self.low)
        if self.high is not None:
            bounds.append(column <= self.high)
        return and_(*bounds)


@dataclass(frozen=True)
class Order:
    """An indexed field whose values are unique within a kind (so the order is total), walked
    ascending or descending; `after` starts the walk past that value (keyset paging)."""

    field: str
    descending: bool = False
    after: str | None = None


def _every(conn: Connection, tenant: str, kind: str) -> int:
    """How many records of the kind the tenant has (one row of `record_counts`)."""
    query = select(record_counts.c.n).where(
        record_counts.c.tenant == tenant,
        record_counts.c.kind == kind,
        record_counts.c.field == EVERY,
        record_counts.c.value == EVERY,
    )
    return int(conn.execute(query).scalar() or 0)


def _size(conn: Connection, tenant: str, kind: str, test: Condition, counted: frozenset) -> int:
    """How many records pass `test`: from `record_counts` for equality on a counted field
    (values many records share), else counted in the index."""
    if test.values is not None and test.field in counted:
        query = select(func.coalesce(func.sum(record_counts.c.n), 0)).where(
            record_counts.c.tenant == tenant,
            record_counts.c.kind == kind,
            record_counts.c.field == test.field,
            test.on(record_counts.c.value),
        )
    else:
        query = (
            select(func.count())
            .select_from(record_fields)
            .where(
                record_fields.c.tenant == tenant,
                record_fields.c.kind == kind,
                record_fields.c.field == test.field,
                test.on(record_fields.c.value),
            )
        )
    return int(conn.execute(query).scalar() or 0)


def _holds(test: Condition, owner: Any = records) -> Any:
    """The record in hand (the row of `owner`: records, or an index row) passes `test` (a
    lookup by the index's record key)."""
    row = record_fields.alias()
    return (
        select(row.c.id)
        .where(
            row.c.tenant == owner.c.tenant,
            row.c.kind == owner.c.kind,
            row.c.id == owner.c.id,
            row.c.field == test.field,
            test.on(row.c.value),
        )
        .exists()
    )


def _driven(tenant: str, kind: str, driver: Condition, columns: Any, checks: list) -> Any:
    """`columns` of the records that pass `driver`, found in the index first: its matching ids
    are gathered on their own (a materialised CTE), then each record is looked up by id. Left
    to plan a join or an `id IN (…)` itself, SQLite searched a range between its lower bound
    and the end of the field (23 ms for 49 credentials of 100,000), or walked every record of
    the kind in creation order testing each id against the list (20 ms for one email)."""
    row = record_fields.alias("driver")
    ids = (
        select(row.c.id)
        .where(
            row.c.tenant == tenant,
            row.c.kind == kind,
            row.c.field == driver.field,
            driver.on(row.c.value),
        )
        .cte("matches")
        .prefix_with("MATERIALIZED")
    )
    joined = ids.join(
        records,
        and_(records.c.tenant == tenant, records.c.kind == kind, records.c.id == ids.c.id),
    )
    return columns.select_from(joined).where(*checks)


def _page_of(conn: Connection, tenant: str, kind: str, walk: Any, order: list) -> list[dict]:
    """The documents of the records `walk` selects (their ids and the `order` columns, a page
    found in indexes alone), in that order: only the page's documents are read, not those of
    every record the walk skipped to reach its offset."""
    page = walk.subquery("page")
    joined = select(records.c.doc).select_from(
        page.join(
            records,
            and_(records.c.tenant == tenant, records.c.kind == kind, records.c.id == page.c.id),
        )
    )
    return _docs(conn, joined.order_by(*[by(page.c[name]) for name, by in order]))


def _docs(conn: Connection, query: Any) -> list[dict]:
    return [json.loads(row.doc) for row in conn.execute(query)]


def run(
    conn: Connection,
    tenant: str,
    kind: str,
    tests: Sequence[Condition],
    counted: frozenset,
    offset: int,
    limit: int | None,
    order: Order | None,
) -> tuple[int, list[dict]]:
    """How many records of `kind` pass every test (ignoring `order.after`), and the page
    `offset`/`limit` of them in `order` (creation order without one)."""
    sizes = {test: _size(conn, tenant, kind, test, counted) for test in tests if test.values}
    sizes |= {test: 0 for test in tests if test.values == ()}  # equal to none of nothing
    if not sizes:
        sizes = {test: _size(conn, tenant, kind, test, counted) for test in tests}
    driver = min(sizes, key=sizes.__getitem__) if sizes else None
    if driver is not None and sizes[driver] == 0:
        return 0, []
    checks = [_holds(test) for test in tests if test != driver]
    if driver is None:
        total = _every(conn, tenant, kind)
    elif not checks:
        total = sizes[driver]
    else:
        total = conn.execute(
            _driven(tenant, kind, driver, select(func.count()), checks)
        ).scalar_one()
    if total <= offset or limit == 0:
        return total, []
    count = total - offset if limit is None else min(limit, total - offset)
    reach = count + (0 if order is not None and order.after is not None else offset)
    few = (
        driver is not None
        and sizes[driver] <= FEW
        and sizes[driver]
        <= WALK_AT * min(reach, total - offset) * _every(conn, tenant, kind) / total
    )
    if order is not None:
        if few:
            return total, _sorted_few(conn, tenant, kind, order, driver, checks, offset, count)
        return total, _walk_in_order(conn, tenant, kind, order, tests, offset, count, total)
    forward = [("created_at", asc), ("id", asc)]
    if few:
        page = _driven(tenant, kind, driver, select(records.c.id, records.c.created_at), checks)
        # Ordered by expressions, not the columns: SQLite would otherwise walk every record in
        # creation order (to skip a sort) and probe the index for each one.
        page = page.order_by(records.c.created_at + 0, records.c.id.concat(""))
        return total, _page_of(conn, tenant, kind, page.offset(offset).limit(count), forward)
    walk = select(records.c.id, records.c.created_at).where(
        records.c.tenant == tenant, records.c.kind == kind, *[_holds(test) for test in tests]
    )
    if offset > total - offset - count:  # nearer the end: walk from there, back
        walk = walk.order_by(records.c.created_at.desc(), records.c.id.desc())
        return total, _page_of(
            conn, tenant, kind, walk.offset(total - offset - count).limit(count), forward
        )
    walk = walk.order_by(records.c.created_at, records.c.id)
    return total, _page_of(conn, tenant, kind, walk.offset(offset).limit(count), forward)


def _sort_value(order: Order) -> tuple[Any, Any]:
    key = record_fields.alias("sort_key")
    on_key = and_(
        key.c.tenant == records.c.tenant,
        key.c.kind == records.c.kind,
        key.c.id == records.c.id,
        key.c.field == order.field,
    )
    return key, on_key


def _past(column: Any, order: Order) -> list:
    """The keyset condition: values after `order.after` in the order's direction."""
    if order.after is None:
        return []
    return [column < order.after if order.descending else column > order.after]


def _sorted_few(
    conn: Connection,
    tenant: str,
    kind: str,
    order: Order,
    driver: Condition,
    checks: list,
    offset: int,
    count: int,
) -> list[dict]:
    """Few matches: read them and sort by the order field, looked up per match (a subquery,
    not a join: joined, SQLite chose to walk every record's sort key and probe the matches,
    280 ms for one email of 100,000)."""
    key, on_key = _sort_value(order)
    value = select(key.c.value).where(on_key).scalar_subquery()
    labelled = value.label("value")  # ordered by its label: looked up once per match, not twice
    columns = select(records.c.id, labelled)
    page = _driven(tenant, kind, driver, columns, [*checks, *_past(value, order)])
    page = page.order_by(labelled.desc() if order.descending else labelled)
    wanted = [("value", desc if order.descending else asc)]
    return _page_of(conn, tenant, kind, page.offset(offset).limit(count), wanted)


def _walk_in_order(
    conn: Connection,
    tenant: str,
    kind: str,
    order: Order,
    tests: Sequence[Condition],
    offset: int,
    count: int,
    total: int,
) -> list[dict]:
    """Many matches: walk the order field's index, checking each record; a test on the order
    field itself bounds the walk."""
    key = record_fields.alias("sort_key")
    bounds = [test.on(key.c.value) for test in tests if test.field == order.field]
    checks = [_holds(test, key) for test in tests if test.field != order.field]
    walk = select(key.c.id, key.c.value).where(
        key.c.tenant == tenant,
        key.c.kind == kind,
        key.c.field == order.field,
        *bounds,
        *_past(key.c.value, order),
        *checks,
    )
    backwards = order.after is None and offset > total - offset - count  # nearer the end
    first = order.descending != backwards
    walk = walk.order_by(key.c.value.desc() if first else key.c.value)
    wanted = [("value", desc if order.descending else asc)]
    if backwards:
        return _page_of(
            conn, tenant, kind, walk.offset(total - offset - count).limit(count), wanted
        )
    return _page_of(conn, tenant, kind, walk.offset(offset).limit(count), wanted)
