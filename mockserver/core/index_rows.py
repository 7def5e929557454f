"""Keeping each indexed record's row of `record_index` (and the counts in `record_counts`) in
step with the record, inside the transaction that writes it.

A provider names a kind's fields once (Store.index_kind); each field gets a column of
`record_index`, in the order named. Statements go to the driver as plain SQL, as the store's
commonest ones do: a write of one record reads its row, then inserts, updates the changed
columns only (SQLite rewrites an index only for the columns an UPDATE sets) or deletes it.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from mockserver.core.tables import EVERY, INDEX_COLUMNS, MADE_ORDERED, ORDER_COLUMNS

# What a provider indexes of a kind: field name -> value (text), None where a record has none.
FieldsOf = Callable[[dict], Mapping[str, str | None]]
INDEXED_BYTES = 255  # longer values are kept as a digest: equality still holds, order not
FIELD_COLUMNS = tuple(f"f{number}" for number in range(INDEX_COLUMNS))
ORDER_COLUMN_NAMES = tuple(f"o{number}" for number in range(ORDER_COLUMNS))
TIE_COLUMN = "tie"
# Every column of `record_index` that holds a record's values, in the table's order.
INDEX_COLUMN_NAMES = (*FIELD_COLUMNS, *ORDER_COLUMN_NAMES, TIE_COLUMN)


def index_value(value: str) -> str:
    """A field's value as the index keeps it (and as a query must give it)."""
    if len(value) <= INDEXED_BYTES:
        return value
    return "#sha256:" + hashlib.sha256(value.encode("utf-8", "surrogatepass")).hexdigest()


@dataclass(frozen=True)
class IndexedKind:
    """A kind's index: how a record's fields are made, the column each field is kept in, and
    the fields whose values many records share (counted per value in `record_counts`)."""

    fields_of: FieldsOf
    columns: Mapping[str, str]
    counted: frozenset[str]

    @classmethod
    def declare(
        cls,
        fields: Sequence[str],
        fields_of: FieldsOf,
        counted: Sequence[str],
        ordered: Sequence[str] = (),
        tie: str | None = None,
    ) -> IndexedKind:
        """Counted fields take the first columns, whose indexes go on in creation order
        (tables.MADE_ORDERED); the others take the columns after those, in the order given.
        `ordered` fields (among `fields`) are sort orders whose ties break on the `tie` field,
        ascending in either direction (tables.ORDER_COLUMNS)."""
        if ordered and (tie is None or tie not in fields or tie in ordered):
            raise ValueError(f"ordered fields need a tie field of their own among {fields}")
        if len(ordered) > ORDER_COLUMNS or set(ordered) & set(counted):
            raise ValueError(f"at most {ORDER_COLUMNS} ordered fields, none counted: {ordered}")
        unknown = set(ordered) - set(fields)
        if unknown:
            raise ValueError(f"ordered fields that are not indexed: {sorted(unknown)}")
        apart = {*ordered, *([tie] if ordered else [])}
        ordinary = [field for field in fields if field not in counted and field not in apart]
        if len(set(fields)) != len(fields) or MADE_ORDERED + len(ordinary) > INDEX_COLUMNS:
            raise ValueError(
                f"at most {INDEX_COLUMNS - MADE_ORDERED} distinct uncounted fields per kind: "
                f"{fields}"
            )
        unknown = set(counted) - set(fields)
        if unknown:
            raise ValueError(f"counted fields that are not indexed: {sorted(unknown)}")
        if len(counted) > MADE_ORDERED:
            raise ValueError(f"at most {MADE_ORDERED} counted fields per kind: {counted}")
        columns = dict(zip(counted, FIELD_COLUMNS, strict=False))
        columns |= dict(zip(ordinary, FIELD_COLUMNS[MADE_ORDERED:], strict=False))
        columns |= dict(zip(ordered, ORDER_COLUMN_NAMES, strict=False))
        if ordered:
            assert tie is not None
            columns[tie] = TIE_COLUMN
        return cls(fields_of, columns, frozenset(counted))

    def row_of(self, doc: dict) -> dict[str, str]:
        """The record's values by column (missing values left out)."""
        row = {}
        for field, value in self.fields_of(doc).items():
            if field not in self.columns:
                raise ValueError(f"field {field!r} was not declared when its kind was indexed")
            if value is not None:
                row[self.columns[field]] = index_value(value)
        return row


def make_scope_sql(dialect: str) -> tuple[str, str]:
    """The statements that make a scope's code if missing, and read it."""
    statements = _statements(dialect)
    return statements["add_scope"], statements["scope"]


def _sql(dialect: str, text: str) -> str:
    return text.replace("?", "%s") if dialect == "postgresql" else text


@functools.cache
def _statements(dialect: str) -> dict[str, str]:
    listed = ", ".join(INDEX_COLUMN_NAMES)
    marks = ", ".join("?" for _ in INDEX_COLUMN_NAMES)
    return {
        name: _sql(dialect, text)
        for name, text in {
            "scope": "SELECT code FROM index_scopes WHERE tenant = ? AND kind = ?",
            "add_scope": "INSERT INTO index_scopes (tenant, kind) VALUES (?, ?) "
            "ON CONFLICT (tenant, kind) DO NOTHING",
            "read": f"SELECT entry, {listed} FROM record_index WHERE scope = ? AND id = ?",
            "insert": f"INSERT INTO record_index (scope, id, made, {listed}) "
            f"VALUES (?, ?, ?, {marks})",
            "delete": "DELETE FROM record_index WHERE entry = ?",
            "count": "INSERT INTO record_counts (tenant, kind, field, value, n) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT (tenant, kind, field, value) "
            "DO UPDATE SET n = record_counts.n + excluded.n",
        }.items()
    }


@functools.cache
def _update(dialect: str, columns: tuple[str, ...]) -> str:
    assignments = ", ".join(f"{column} = ?" for column in columns)
    return _sql(dialect, f"UPDATE record_index SET {assignments} WHERE entry = ?")


class IndexWriter:
    """The index side of one transaction: rows written as records are, counts gathered and
    written by `finish`, scope codes it made remembered by the store only once it commits."""

    def __init__(
        self,
        cursor_of: Callable[[], Any],
        dialect: str,
        kinds: Mapping[str, IndexedKind],
        scopes: Mapping[tuple[str, str], int],
        make_scope: Callable[[str, str], int] | None = None,
    ) -> None:
        """`make_scope(tenant, kind)`, when given, makes a code on a connection of its own
        (PostgreSQL: committed at once, so that no transaction holds `index_scopes` locked
        while it writes, and two that make codes in opposite orders never deadlock)."""
        self._make_scope = make_scope
        self._cursor_of = cursor_of
        self._dialect = dialect
        self._sql = _statements(dialect)
        self._kinds = kinds
        self._scopes = scopes
        self.new_scopes: dict[tuple[str, str], int] = {}
        self._counts: dict[tuple[str, str, str, str], int] = {}

    def scope(self, cursor: Any, tenant: str, kind: str, create: bool) -> int | None:
        """The code of (tenant, kind) in `index_scopes`, made if `create` and missing."""
        key = (tenant, kind)
        code = self._scopes.get(key) or self.new_scopes.get(key)
        if code is not None:
            return code
        cursor.execute(self._sql["scope"], key)
        found = cursor.fetchone()
        if found is None and create and self._make_scope is not None:
            return self._make_scope(tenant, kind)
        if found is None and create:
            # Another server may make it at the same moment: the second insert waits for the
            # first to commit and does nothing, and the read after it sees the first's code.
            cursor.execute(self._sql["add_scope"], key)
            cursor.execute(self._sql["scope"], key)
            found = cursor.fetchone()
        if found is None:
            return None
        self.new_scopes[key] = int(found[0])
        return int(found[0])

    def reindex(
        self, tenant: str, kind: str, record_id: str, doc: dict | None, made: float = 0.0
    ) -> None:
        """The record's row brought in step with `doc` (removed when it is None); `made` is
        the record's created_at, kept when the row is made."""
        indexed = self._kinds.get(kind)
        if indexed is None:
            return
        cursor = self._cursor_of()
        try:
            code = self.scope(cursor, tenant, kind, create=doc is not None)
            if code is None:
                return
            cursor.execute(self._sql["read"], (code, record_id))
            found = cursor.fetchone()
            old = {} if found is None else stored_row(found[1:])
            new = {} if doc is None else indexed.row_of(doc)
            if found is None and doc is not None:
                cursor.execute(
                    self._sql["insert"],
                    (code, record_id, made, *(new.get(c) for c in INDEX_COLUMN_NAMES)),
                )
            elif found is not None and doc is None:
                cursor.execute(self._sql["delete"], (found[0],))
            elif found is not None:
                changed = tuple(c for c in INDEX_COLUMN_NAMES if old.get(c) != new.get(c))
                if changed:
                    cursor.execute(
                        _update(self._dialect, changed),
                        (*(new.get(c) for c in changed), found[0]),
                    )
        finally:
            cursor.close()
        self._count(tenant, kind, indexed, old, new, found is not None, doc is not None)

    def _count(
        self,
        tenant: str,
        kind: str,
        indexed: IndexedKind,
        old: dict[str, str],
        new: dict[str, str],
        was: bool,
        is_now: bool,
    ) -> None:
        if was != is_now:
            key = (tenant, kind, EVERY, EVERY)
            self._counts[key] = self._counts.get(key, 0) + (1 if is_now else -1)
        for field in indexed.counted:
            column = indexed.columns[field]
            before, after = old.get(column), new.get(column)
            if before == after:
                continue
            for value, change in ((before, -1), (after, 1)):
                if value is not None:
                    key = (tenant, kind, field, value)
                    self._counts[key] = self._counts.get(key, 0) + change

    def finish(self) -> None:
        """Write the counts this transaction changed, just before it commits, in one order
        (every transaction locks the count rows it changes in the same order, and last, so two
        on PostgreSQL never wait on each other in a circle)."""
        changed = [(*key, n) for key, n in sorted(self._counts.items()) if n]
        self._counts.clear()
        if not changed:
            return
        cursor = self._cursor_of()
        try:
            cursor.executemany(self._sql["count"], changed)
        finally:
            cursor.close()


def stored_row(stored: Sequence[Any]) -> dict[str, str]:
    """A row read from `record_index` (its value columns, in order) by column name."""
    pairs = zip(INDEX_COLUMN_NAMES, stored, strict=True)
    return {column: value for column, value in pairs if value is not None}
