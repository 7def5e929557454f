"""How Store.query answers a list from the index (`record_index`: a row per record, a column
per field, an index per column) so that its cost follows the page, not the number of records.

A query is a set of conditions, each on one indexed field: equal to one of some values, or
within a range of them. The plan follows the numbers:
- each equality is sized first (one row of `record_counts` for a counted field, the column's
  index for any other); ranges are sized only when there is no equality (a range may cover
  most records, and an equality is the better start anyway);
- the smallest condition drives: its column's index finds the matches, and every other
  condition is checked on the same row. The other columns are wrapped (`coalesce(f, NULL)`),
  so that neither SQLite (which has no statistics to go by) nor PostgreSQL reads a worse index;
- when the matches are few (FEW, and fewer than a walk would check) they are read and sorted;
- otherwise the order's own column index is walked (from whichever end is nearer the page, or
  from a keyset mark), checking each row, so a page of a million-record group reads about a
  page. A condition on the order's own column bounds that walk.
Only the page's ids are found this way; their documents are read last.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, asc, desc, func, null, select, true
from sqlalchemy.engine import Connection
from sqlalchemy.sql.elements import UnaryExpression

from mockserver.core import doc_codec
from mockserver.core.index_rows import FIELD_COLUMNS, ORDER_COLUMN_NAMES, TIE_COLUMN, IndexedKind
from mockserver.core.one_of import one_of
from mockserver.core.tables import EVERY, MADE_ORDERED, record_counts, record_index, records

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
            return one_of(column, self.values)
        bounds = [true()]
        if self.low is not None:
            bounds.append(column >= self.low)
        if self.high is not None:
            bounds.append(column <= self.high)
        return and_(*bounds)


@dataclass(frozen=True)
class Order:
    """An indexed field whose values are unique within a kind (so the order is total), walked
    ascending or descending; `after` starts the walk past that value (keyset paging). An
    ordered field (IndexedKind.declare) need not be unique: its ties break on the kind's tie
    field, ascending in either direction (no keyset paging there)."""

    field: str
    descending: bool = False
    after: str | None = None


# The columns whose indexes go on in creation order (made, id) after the value.
_MADE_ORDERED_COLUMNS = frozenset(FIELD_COLUMNS[:MADE_ORDERED])


@dataclass(frozen=True)
class _Scope:
    """What every statement of one query needs: whose records, and how the kind is indexed."""

    tenant: str
    kind: str
    code: int
    indexed: IndexedKind

    def column(self, field: str) -> Any:
        return record_index.c[self.indexed.columns[field]]

    def checked(self, test: Condition) -> Any:
        """`test` on its column, read from the row in hand (no index of its own)."""
        return test.on(func.coalesce(self.column(test.field), null()))

    def found(self, test: Condition) -> Any:
        """`test` on its column, as that column's index answers it."""
        return test.on(self.column(test.field))

    def made_ordered(self, test: Condition) -> bool:
        """Whether the records passing `test` can be walked in creation order in its column's
        index: one value, of a column whose index goes on in creation order."""
        one = test.values is not None and len(test.values) == 1
        return one and self.indexed.columns[test.field] in _MADE_ORDERED_COLUMNS

    def sort_keys(self, order: Order, read: Any = None) -> list[tuple[str, Any, bool]]:
        """(label, expression, descending) for each key of `order`: its column, then, for an
        ordered field (tables.ORDER_COLUMNS), the tie column ascending. `read(column)` wraps
        each column (to read it from the row in hand rather than through its index)."""
        wrap = read or (lambda column: column)
        column = self.indexed.columns[order.field]
        keys = [("value", wrap(record_index.c[column]), order.descending)]
        if column in ORDER_COLUMN_NAMES:
            keys.append(("tie", wrap(record_index.c[TIE_COLUMN]), False))
        return keys


def _every(conn: Connection, scope: _Scope) -> int:
    """How many records of the kind the tenant has (one row of `record_counts`)."""
    query = select(record_counts.c.n).where(
        record_counts.c.tenant == scope.tenant,
        record_counts.c.kind == scope.kind,
        record_counts.c.field == EVERY,
        record_counts.c.value == EVERY,
    )
    return int(conn.execute(query).scalar() or 0)


def _size(conn: Connection, scope: _Scope, test: Condition) -> int:
    """How many records pass `test`: from `record_counts` for equality on a counted field
    (values many records share), else counted in its column's index."""
    if test.values is not None and test.field in scope.indexed.counted:
        query = select(func.coalesce(func.sum(record_counts.c.n), 0)).where(
            record_counts.c.tenant == scope.tenant,
            record_counts.c.kind == scope.kind,
            record_counts.c.field == test.field,
            test.on(record_counts.c.value),
        )
    else:
        query = (
            select(func.count())
            .select_from(record_index)
            .where(record_index.c.scope == scope.code, scope.found(test))
        )
    return int(conn.execute(query).scalar() or 0)


def _matching(scope: _Scope, columns: Any, driver: Condition, others: Sequence[Condition]) -> Any:
    """`columns` of the index rows that pass `driver` (found by its column's index) and every
    one of `others` (checked on each row found)."""
    return columns.where(
        record_index.c.scope == scope.code,
        scope.found(driver),
        *[scope.checked(test) for test in others],
    )


def _page_of(conn: Connection, scope: _Scope, walk: Any, order: list) -> list[dict]:
    """The documents of the records `walk` selects (their ids and the `order` columns, a page
    found in indexes alone), in that order: only the page's documents are read, not those of
    every record the walk skipped to reach its offset."""
    page = walk.subquery("page")
    joined = select(records.c.doc).select_from(
        page.join(
            records,
            and_(
                records.c.tenant == scope.tenant,
                records.c.kind == scope.kind,
                records.c.id == page.c.id,
            ),
        )
    )
    ordered = joined.order_by(*[by(page.c[name]) for name, by in order])
    return [doc_codec.load(row.doc) for row in conn.execute(ordered)]


def _from_nearer_end(
    conn: Connection,
    scope: _Scope,
    walk: Any,
    keys: Sequence[Any],
    wanted: list,
    place: tuple[int, int, int],
    either_end: bool = True,
) -> list[dict]:
    """The page of `walk` in the order of `keys` (ascending columns, or `.desc()` ones) at
    `place` = (offset, count, total): walked from the end it is nearer to (backwards, the
    keys reversed), unless `either_end` is off (a keyset walk starts at its mark)."""
    offset, count, total = place
    if either_end and offset > total - offset - count:
        backwards = [
            key.element if isinstance(key, UnaryExpression) else key.desc() for key in keys
        ]
        page = walk.order_by(*backwards).offset(total - offset - count).limit(count)
    else:
        page = walk.order_by(*keys).offset(offset).limit(count)
    return _page_of(conn, scope, page, wanted)


def run(
    conn: Connection,
    tenant: str,
    kind: str,
    code: int,
    indexed: IndexedKind,
    tests: Sequence[Condition],
    offset: int,
    limit: int | None,
    order: Order | None,
) -> tuple[int, list[dict]]:
    """How many records of `kind` pass every test (ignoring `order.after`), and the page
    `offset`/`limit` of them in `order` (creation order without one). `code` is the tenant's
    and kind's in `index_scopes`."""
    scope = _Scope(tenant, kind, code, indexed)
    sizes = {test: _size(conn, scope, test) for test in tests if test.values}
    sizes |= {test: 0 for test in tests if test.values == ()}  # equal to none of nothing
    if not sizes:
        sizes = {test: _size(conn, scope, test) for test in tests}
    driver = min(sizes, key=sizes.__getitem__) if sizes else None
    if driver is not None and sizes[driver] == 0:
        return 0, []
    others = list(tests)
    if driver is not None:
        others.remove(driver)
    if driver is None:
        total = _every(conn, scope)
    elif not others:
        total = sizes[driver]
    else:
        counting = select(func.count()).select_from(record_index)
        total = conn.execute(_matching(scope, counting, driver, others)).scalar_one()
    if total <= offset or limit == 0:
        return total, []
    count = total - offset if limit is None else min(limit, total - offset)
    reach = count + (0 if order is not None and order.after is not None else offset)
    few = (
        driver is not None
        and sizes[driver] <= FEW
        and sizes[driver] <= WALK_AT * min(reach, total - offset) * _every(conn, scope) / total
    )
    if order is not None and few:
        assert driver is not None
        return total, _sorted_few(conn, scope, order, driver, others, offset, count)
    if order is not None:
        return total, _walk_in_order(conn, scope, order, tests, offset, count, total)
    if few:
        assert driver is not None
        return total, _made_few(conn, scope, driver, others, offset, count)
    if driver is not None and scope.made_ordered(driver):
        return total, _walk_made_index(conn, scope, driver, others, offset, count, total)
    return total, _walk_made(conn, scope, tests, offset, count, total)


def _past(column: Any, order: Order, keys: Sequence[tuple[str, Any, bool]]) -> list:
    """The keyset condition: values after `order.after` in the order's direction (an order
    with a tie column takes none: the lists using one page by offset)."""
    if order.after is None:
        return []
    if len(keys) > 1:
        raise ValueError(f"{order.field!r} breaks ties on another column: no keyset paging")
    return [column < order.after if order.descending else column > order.after]


def _ordering(keys: Sequence[tuple[str, Any, bool]]) -> tuple[list, list]:
    """The ORDER BY terms of `keys`, and how `_page_of` orders the page by their labels."""
    terms = [expression.desc() if down else expression for _, expression, down in keys]
    wanted = [(label, desc if down else asc) for label, _, down in keys]
    return terms, wanted


def _sorted_few(
    conn: Connection,
    scope: _Scope,
    order: Order,
    driver: Condition,
    others: Sequence[Condition],
    offset: int,
    count: int,
) -> list[dict]:
    """Few matches: found by the driver, sorted by the order's columns (on the same row)."""
    keys = scope.sort_keys(order, read=lambda column: func.coalesce(column, null()))
    labelled = [expression.label(label) for label, expression, _ in keys]
    columns = select(record_index.c.id, *labelled).select_from(record_index)
    page = _matching(scope, columns, driver, others).where(*_past(keys[0][1], order, keys))
    terms, wanted = _ordering(keys)
    return _page_of(conn, scope, page.order_by(*terms).offset(offset).limit(count), wanted)


def _walk_in_order(
    conn: Connection,
    scope: _Scope,
    order: Order,
    tests: Sequence[Condition],
    offset: int,
    count: int,
    total: int,
) -> list[dict]:
    """Many matches: walk the order's column index, checking each row; a test on the order's
    column itself bounds the walk."""
    column = scope.column(order.field)
    keys = scope.sort_keys(order)
    walk = select(
        record_index.c.id, *[expression.label(label) for label, expression, _ in keys]
    ).where(
        record_index.c.scope == scope.code,
        column.isnot(None),  # the column's index holds only rows that have a value
        *[test.on(column) for test in tests if test.field == order.field],
        *[scope.checked(test) for test in tests if test.field != order.field],
        *_past(column, order, keys),
    )
    terms, wanted = _ordering(keys)
    place = (offset, count, total)
    return _from_nearer_end(conn, scope, walk, terms, wanted, place, order.after is None)


_MADE = [("created_at", asc), ("id", asc)]
_MADE_KEYS = [record_index.c.made, record_index.c.id]


def _made_matches(scope: _Scope, driver: Condition, others: Sequence[Condition]) -> Any:
    """The ids and creation times (`made`, labelled as `_MADE` reads them) of the index rows
    that pass `driver` and `others`."""
    columns = select(record_index.c.id, record_index.c.made.label("created_at"))
    return _matching(scope, columns.select_from(record_index), driver, others)


def _made_few(
    conn: Connection,
    scope: _Scope,
    driver: Condition,
    others: Sequence[Condition],
    offset: int,
    count: int,
) -> list[dict]:
    """Few matches in creation order: found by the driver, sorted by the creation time each
    index row keeps (`made`, then id)."""
    page = _made_matches(scope, driver, others).order_by(*_MADE_KEYS)
    return _page_of(conn, scope, page.offset(offset).limit(count), _MADE)


def _walk_made_index(
    conn: Connection,
    scope: _Scope,
    driver: Condition,
    others: Sequence[Condition],
    offset: int,
    count: int,
    total: int,
) -> list[dict]:
    """Many matches of one value in creation order: walk that value's run of its column's
    index, which goes on in creation order (made, id), to the offset, reading no record on the
    way unless other conditions need checking. Walked over the records instead, the middle
    page of a 100,000-credential group took 38 ms."""
    walk = _made_matches(scope, driver, others)
    return _from_nearer_end(conn, scope, walk, _MADE_KEYS, _MADE, (offset, count, total))


def _walk_made(
    conn: Connection,
    scope: _Scope,
    tests: Sequence[Condition],
    offset: int,
    count: int,
    total: int,
) -> list[dict]:
    """Many matches in creation order: walk the records in that order, checking each one's
    index row (found by its id)."""
    walk = select(records.c.id, records.c.created_at).where(
        records.c.tenant == scope.tenant, records.c.kind == scope.kind
    )
    if tests:
        walk = walk.select_from(
            records.join(
                record_index,
                and_(record_index.c.scope == scope.code, record_index.c.id == records.c.id),
            )
        ).where(*[scope.checked(test) for test in tests])
    keys = [records.c.created_at, records.c.id]
    return _from_nearer_end(conn, scope, walk, keys, _MADE, (offset, count, total))
