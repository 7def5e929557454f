"""The store's tables (see core/store.py for what each is for in use).

Kept apart from the code that reads and writes them, so that the query planner
(core/index_query.py) and the store can both use them without importing each other.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    Float,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData()

records = Table(
    "records",
    metadata,
    Column("tenant", String(200), primary_key=True),
    Column("kind", String(100), primary_key=True),
    Column("id", String(400), primary_key=True),
    Column("doc", Text, nullable=False),
    Column("created_at", Float, nullable=False),
    Column("updated_at", Float, nullable=False),
)

unique_keys = Table(
    "unique_keys",
    metadata,
    Column("tenant", String(200), primary_key=True),
    Column("scope", String(100), primary_key=True),
    Column("key", String(400), primary_key=True),
    Column("kind", String(100), nullable=False),
    Column("record_id", String(400), nullable=False),
)

# An indexed value, compared byte by byte on PostgreSQL too (collation "C", as SQLite compares
# text): a locale's collation ignores punctuation, so "2025-06-01|…" keys would not sort as
# Python sorts them.
INDEX_TEXT = String(300).with_variant(String(300, collation="C"), "postgresql")

# Which (tenant, kind) an index row belongs to, as a small number: the index repeats it in
# every row and every column's index, where the two names cost about 35 bytes a time.
index_scopes = Table(
    "index_scopes",
    metadata,
    Column("code", Integer, primary_key=True, autoincrement=True),
    Column("tenant", String(200), nullable=False),
    Column("kind", String(100), nullable=False),
    UniqueConstraint("tenant", "kind", name="uq_index_scopes"),
)

# The fields of a record that lists and searches filter and sort on, kept beside it in the
# same transaction (see Store.index_kind): one row per record, one column per field (the kind
# says which field is which column), and an index per column on the values it holds. A list of
# one group's credentials reads that column's index and a page of documents, not every
# document of the tenant; the other conditions are checked on the same row. One row of 14
# fields took a third of the memory the same fields took as 14 rows of (tenant, kind, field,
# value, id): 95 against 280 MB for 100,000 credentials.
INDEX_COLUMNS = 24
# The first columns hold a kind's counted fields (values many records share: a group, a
# status), and their indexes go on in creation order: a list of one group in creation order
# walks that index alone to its offset, without visiting each record (IndexedKind.declare
# puts counted fields there).
MADE_ORDERED = 4
# Sort fields whose ties break on one field of the kind, `tie` (creation order, say), the same
# way in both directions: a column each (o0…), with two indexes, (value, tie) and (value
# descending, tie), both walked forwards. Ties stay in creation order either way, and a new
# record goes at the end of its value's run in both (appended, so the indexes' pages stay full;
# a descending key walked backwards put each new record at the front of its run, and half-empty
# pages behind it). The value and the tie are kept once in the row, not once per direction.
ORDER_COLUMNS = 8
record_index = Table(
    "record_index",
    metadata,
    # SQLite's rowid itself (INTEGER PRIMARY KEY); 64 bits on PostgreSQL.
    Column(
        "entry", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    ),
    Column("scope", Integer, nullable=False),
    Column("id", String(400), nullable=False),
    Column("made", Float, nullable=False),  # the record's created_at: creation order is (made, id)
    *(Column(f"f{number}", INDEX_TEXT, nullable=True) for number in range(INDEX_COLUMNS)),
    *(Column(f"o{number}", INDEX_TEXT, nullable=True) for number in range(ORDER_COLUMNS)),
    Column("tie", INDEX_TEXT, nullable=True),
    UniqueConstraint("scope", "id", name="uq_record_index_record"),
)
# Each column's indexes hold only the rows with a value there (partial indexes). Said for
# PostgreSQL only once a store on it is made (`partial_on_postgresql`): naming a dialect's
# option here would import that dialect, which brings every PostgreSQL driver's module and
# asyncio with it, 50 ms of every start on SQLite.
_PARTIAL: list[tuple[Index, Column]] = []
for _number in range(INDEX_COLUMNS):
    _column = record_index.c[f"f{_number}"]
    _after = (record_index.c.made, record_index.c.id) if _number < MADE_ORDERED else ()
    _PARTIAL.append(
        (
            Index(
                f"ix_record_index_f{_number}",
                record_index.c.scope,
                _column,
                *_after,
                sqlite_where=_column.isnot(None),
            ),
            _column,
        )
    )
for _number in range(ORDER_COLUMNS):
    _column = record_index.c[f"o{_number}"]
    for _direction, _key in (("up", _column), ("down", _column.desc())):
        _PARTIAL.append(
            (
                Index(
                    f"ix_record_index_o{_number}_{_direction}",
                    record_index.c.scope,
                    _key,
                    record_index.c.tie,
                    sqlite_where=_column.isnot(None),
                ),
                _column,
            )
        )


def partial_on_postgresql() -> None:
    """Make the column indexes partial on PostgreSQL too (before its tables are made)."""
    for index, column in _PARTIAL:
        index.dialect_options["postgresql"]["where"] = column.isnot(None)


# How many records of a kind have each value of its counted fields (those many records share:
# a group, a status), kept in step with `record_index` in the same transaction (field ""
# counts every record of the kind): a list's total is one row, not a count of a million index
# rows. Fields whose values few records share (an email, a uuid) are counted in the index.
record_counts = Table(
    "record_counts",
    metadata,
    Column("tenant", String(200), primary_key=True),
    Column("kind", String(100), primary_key=True),
    Column("field", String(100), primary_key=True),
    Column("value", INDEX_TEXT, primary_key=True),
    Column("n", Integer, nullable=False),
)
EVERY = ""  # the index field (and value) every indexed record has: counts the kind
# Lists come out in creation order: read in that order from an index, a page needs no sort.
Index("ix_records_order", records.c.tenant, records.c.kind, records.c.created_at, records.c.id)

# Requests counted against a quota, per key and period (core/ratelimit.py's StoreCounts): one
# row per period, so that a hit is one statement on PostgreSQL.
quota_hits = Table(
    "quota_hits",
    metadata,
    Column("key", String(700), primary_key=True),
    Column("period", BigInteger, primary_key=True),
    Column("hits", Integer, nullable=False),
)

# The request journal, when several servers share one store (core/journal.py's StoreJournal).
journal_entries = Table(
    "journal_entries",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=True),
    Column("doc", Text, nullable=False),
)

# Secrets a sandbox makes for itself (S3 keys, the token signing key) when none are set: kept
# in the store, so a restart on the same --data-dir keeps links and tokens working and every
# server sharing a PostgreSQL store uses the same ones. /_mock/reset does not touch them.
sandbox_secrets = Table(
    "sandbox_secrets",
    metadata,
    Column("name", String(100), primary_key=True),
    Column("value", Text, nullable=False),
)
