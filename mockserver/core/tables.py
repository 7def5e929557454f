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
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
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

# Fields of a record that lists and searches filter on, kept beside it in the same
# transaction (see Store.index_kind): a list of one group's credentials reads the index and one
# page of documents, instead of every document of the tenant. The key is the order queries
# read it in (a field's records by value); on SQLite the table is that key alone (no rowid),
# so a row is kept twice (key and `ix_record_fields_record`), not three times: 100,000
# credentials' index took a third less memory.
record_fields = Table(
    "record_fields",
    metadata,
    Column("tenant", String(200), nullable=False),
    Column("kind", String(100), nullable=False),
    Column("field", String(100), nullable=False),
    Column("value", INDEX_TEXT, nullable=False),
    Column("id", String(400), nullable=False),
    PrimaryKeyConstraint("tenant", "kind", "field", "value", "id"),
    sqlite_with_rowid=False,
)
# A record's own rows: replaced with it, and checked one at a time while a list walks records.
Index(
    "ix_record_fields_record",
    record_fields.c.tenant,
    record_fields.c.kind,
    record_fields.c.id,
    record_fields.c.field,
)
# How many records of a kind have each value of its counted fields (those many records share:
# a group, a status), kept in step with `record_fields` in the same transaction (field ""
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
