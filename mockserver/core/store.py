"""Tenant-partitioned document store over SQLAlchemy Core.

Providers keep their state as JSON documents addressed by (tenant, kind, id). Rules that must
never be won twice (one asset id per request, one batch id per 48 hours, later one recipient
per group) are rows in `unique_keys`; a claim and the documents it guards are written in one
transaction, so of two concurrent requests exactly one commits. The same code runs on a private
SQLite database in memory (default; past a size setting its pages go to a temporary file), a
SQLite file in WAL mode (durable across restarts) and PostgreSQL (shared by several processes).
Providers never see SQL: they call the methods of `Transaction`.
"""

from __future__ import annotations

import ctypes
import functools
import os
import sqlite3
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import (
    and_,
    bindparam,
    create_engine,
    delete,
    event,
    func,
    insert,
    inspect,
    select,
)
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.exc import IntegrityError
from sqlalchemy.pool import StaticPool

from mockserver.core import (
    doc_codec,
    index_query,
    pg_reset,
    pg_statements,
    pg_statistics,
    postgres,
)
from mockserver.core.index_query import Condition, Order
from mockserver.core.index_rows import (
    INDEX_COLUMN_NAMES,
    FieldsOf,
    IndexedKind,
    IndexWriter,
    index_value,
    make_scope_sql,
    stored_row,
)
from mockserver.core.read_cache import MISS, ReadCache
from mockserver.core.store_outage import is_store_full
from mockserver.core.tables import (
    EVERY,
    index_scopes,
    journal_entries,
    metadata,
    partial_on_postgresql,
    quota_hits,
    record_counts,
    record_index,
    records,
    sandbox_secrets,
    unique_keys,
)

__all__ = ["Conflict", "Store", "Transaction", "index_value", "sqlite_file_url"]


class Conflict(Exception):
    """A record id or unique key is already taken.

    Raised inside a transaction it ends that transaction: nothing of it is committed (on
    PostgreSQL the transaction is unusable after the failed insert anyway), so callers claim
    first and read the winner in a fresh transaction.
    """

    def __init__(self, scope: str, key: str) -> None:
        super().__init__(f"{scope} {key!r} is already taken")
        self.scope = scope
        self.key = key


# Statements are built once: constructing SQLAlchemy Core statements per call cost more than
# running them (measured: half the time of a batch request went to statement construction).
_RECORD_KEY = and_(
    records.c.tenant == bindparam("tenant"),
    records.c.kind == bindparam("kind"),
    records.c.id == bindparam("record_id"),
)
_UNIQUE_KEY = and_(
    unique_keys.c.tenant == bindparam("tenant"),
    unique_keys.c.scope == bindparam("scope"),
    unique_keys.c.key == bindparam("key"),
)
# The one-record read is the commonest statement of all (every authenticated request makes
# one or more), so it goes to the driver as plain SQL: SQLAlchemy's compiled-statement path
# cost about 60 µs of a 300 µs read request, the driver's own cursor a few. The row-locking
# form holds the row until the transaction ends (PostgreSQL; SQLite runs one transaction at a
# time anyway and has no such clause).
_GET_SQL = "SELECT doc FROM records WHERE tenant = ? AND kind = ? AND id = ?"
_LIST_SQL = "SELECT doc FROM records WHERE tenant = ? AND kind = ? ORDER BY created_at, id"
_DRIVER_GET = {
    "sqlite": (_GET_SQL, _GET_SQL),
    "postgresql": (_GET_SQL.replace("?", "%s"), _GET_SQL.replace("?", "%s") + " FOR UPDATE"),
}
# Create-or-replace in one statement, at the driver (like the read above): the update-then-
# insert it replaces cost two compiled SQLAlchemy statements per record, most of a reset's time
# with many tenants (10,000 accounts: 2.8 s).
# Both answer the record's created_at (kept by a replace), which its index row keeps too.
_UPSERT_SQL = (
    "INSERT INTO records (tenant, kind, id, doc, created_at, updated_at) "
    "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (tenant, kind, id) "
    "DO UPDATE SET doc = excluded.doc, updated_at = excluded.updated_at RETURNING created_at"
)
_DRIVER_UPSERT = {"sqlite": _UPSERT_SQL, "postgresql": _UPSERT_SQL.replace("?", "%s")}
_INSERT_SQL = (
    "INSERT INTO records (tenant, kind, id, doc, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?) "
    "RETURNING created_at"
)
_DRIVER_INSERT = {"sqlite": _INSERT_SQL, "postgresql": _INSERT_SQL.replace("?", "%s")}
_LIST = (
    select(records.c.doc)
    .where(and_(records.c.tenant == bindparam("tenant"), records.c.kind == bindparam("kind")))
    .order_by(records.c.created_at, records.c.id)
)
_DELETE = delete(records).where(_RECORD_KEY)
_DELETE_KEYS_OF = delete(unique_keys).where(
    and_(
        unique_keys.c.tenant == bindparam("tenant"),
        unique_keys.c.kind == bindparam("kind"),
        unique_keys.c.record_id == bindparam("record_id"),
    )
)
# Per server on PostgreSQL: the records pool (transactions) keeps one per thread
# (`connections`), this many at most, with 4 more at busy moments; single statements as many
# (core/pg_statements.py); the bookkeeping pool (journal trims, quota resets) 2, with 4 more;
# and a listener: 43 at most, so two replicas stay within PostgreSQL's default of 100.
MAX_POOLED = 16
BOOKKEEPING_POOLED = 2
# The default store's pages: what they may take in memory before they go to a file, and in
# all (Settings.store_memory_mb and store_max_mb).
DEFAULT_MEMORY_MB = 256
DEFAULT_MAX_MB = 4096

_PRIOR_HITS_SQL = (
    "SELECT COALESCE(SUM(hits), 0) FROM quota_hits WHERE key = ? AND period >= ? AND period < ?"
)
_PERIOD_HITS_SQL = "SELECT hits FROM quota_hits WHERE key = ? AND period = ?"
_BUMP_SQL = (
    "INSERT INTO quota_hits (key, period, hits) VALUES (?, ?, 1) "
    "ON CONFLICT (key, period) DO UPDATE SET hits = hits + 1"
)
_FIRST_PERIOD_SQL = "SELECT MIN(period) FROM quota_hits WHERE key = ? AND period >= ?"

_CLAIM = insert(unique_keys)
_RELEASE = delete(unique_keys).where(_UNIQUE_KEY)
_HOLDER = select(unique_keys.c.kind, unique_keys.c.record_id).where(_UNIQUE_KEY)


class Transaction:
    """Reads and writes inside one database transaction."""

    def __init__(
        self,
        conn: Connection,
        now: Callable[[], float],
        cache: ReadCache | None = None,
        kinds: Mapping[str, IndexedKind] | None = None,
        scopes: Mapping[tuple[str, str], int] | None = None,
        make_scope: Callable[[str, str], int] | None = None,
        dump: Callable[[str, dict], str | bytes] = doc_codec.text,
    ) -> None:
        """`dump`: how a document goes into the `doc` column (core/doc_codec.py)."""
        self._conn = conn
        self._dump = dump
        self._now = now
        self.written = 0  # records written or removed (core/pg_statistics.py)
        self._get_sql = _DRIVER_GET[conn.dialect.name]
        self._cache = cache
        self._kinds = kinds or {}
        self.index = IndexWriter(
            lambda: conn.connection.dbapi_connection.cursor(),
            conn.dialect.name,
            self._kinds,
            scopes or {},
            make_scope,
        )

    def _reindex(
        self, tenant: str, kind: str, record_id: str, doc: dict | None, made: float = 0.0
    ) -> None:
        self.index.reindex(tenant, kind, record_id, doc, made)

    def finish(self) -> None:
        self.index.finish()

    def _touch(self, tenant: str, kind: str, record_id: str) -> None:
        """Every write forgets the record's committed copy (see core/read_cache.py)."""
        if self._cache is not None:
            self._cache.forget((tenant, kind, record_id))

    def get(self, tenant: str, kind: str, record_id: str, for_update: bool = False) -> dict | None:
        """A record; `for_update` locks it until commit, for a read-modify-write that two
        processes sharing one PostgreSQL store must not interleave."""
        sql = self._get_sql[1] if for_update else self._get_sql[0]
        return _driver_get(self._conn.connection.dbapi_connection, sql, (tenant, kind, record_id))

    def locked(self, tenant: str, kind: str, record_id: str, default: dict) -> dict:
        """A record read with its row locked, created from `default` first if it is missing;
        the way to keep a counter or a balance that concurrent transactions change."""
        row = self._row(tenant, kind, record_id, default)
        self._touch(tenant, kind, record_id)
        inserted = self._conn.execute(_insert_if_missing(self._conn.dialect.name), row)
        if inserted.rowcount:
            self._reindex(tenant, kind, record_id, default)
        found = self.get(tenant, kind, record_id, for_update=True)
        return found if found is not None else dict(default)

    def list(self, tenant: str, kind: str) -> list[dict]:
        rows = self._conn.execute(_LIST, {"tenant": tenant, "kind": kind})
        return [doc_codec.load(row.doc) for row in rows]

    def insert(self, tenant: str, kind: str, record_id: str, doc: dict) -> None:
        """Create a record; Conflict if (tenant, kind, id) exists."""
        try:
            self._write(_DRIVER_INSERT, tenant, kind, record_id, doc)
        except self._conn.dialect.dbapi.IntegrityError as exc:
            raise Conflict(kind, record_id) from exc

    def _row(self, tenant: str, kind: str, record_id: str, doc: dict) -> dict[str, Any]:
        stamp = self._now()
        return {
            "tenant": tenant,
            "kind": kind,
            "id": record_id,
            "doc": self._dump(kind, doc),
            "created_at": stamp,
            "updated_at": stamp,
        }

    def put(self, tenant: str, kind: str, record_id: str, doc: dict) -> None:
        """Create or replace a record (a replaced record keeps its created_at)."""
        self._write(_DRIVER_UPSERT, tenant, kind, record_id, doc)

    def _write(
        self, statements: dict[str, str], tenant: str, kind: str, record_id: str, doc: dict
    ) -> None:
        """One record written by one statement at the driver (no SQLAlchemy compile step)."""
        self._touch(tenant, kind, record_id)
        stamp = self._now()
        cursor = self._conn.connection.dbapi_connection.cursor()
        try:
            sql = statements[self._conn.dialect.name]
            cursor.execute(sql, (tenant, kind, record_id, self._dump(kind, doc), stamp, stamp))
            made = cursor.fetchone()[0]
        finally:
            cursor.close()
        self.written += 1
        self._reindex(tenant, kind, record_id, doc, made)

    def delete(self, tenant: str, kind: str, record_id: str) -> bool:
        """Remove a record and every unique key that points at it."""
        params = {"tenant": tenant, "kind": kind, "record_id": record_id}
        self._touch(tenant, kind, record_id)
        self._conn.execute(_DELETE_KEYS_OF, params)
        self._reindex(tenant, kind, record_id, None)
        removed = self._conn.execute(_DELETE, params).rowcount
        self.written += removed
        return removed > 0

    def delete_prefix(self, tenant: str, kind: str, prefix: str) -> int:
        """Remove every record of a kind whose id starts with `prefix`; how many."""
        if self._cache is not None:
            self._cache.clear()
        statement = delete(records).where(
            and_(
                records.c.tenant == tenant,
                records.c.kind == kind,
                records.c.id.startswith(prefix, autoescape=True),
            )
        )
        if kind in self._kinds:
            doomed = self._conn.execute(
                select(records.c.id).where(
                    records.c.tenant == tenant,
                    records.c.kind == kind,
                    records.c.id.startswith(prefix, autoescape=True),
                )
            )
            for record_id in doomed.scalars().all():
                self._reindex(tenant, kind, record_id, None)
        removed = self._conn.execute(statement).rowcount
        self.written += removed
        return removed

    def claim(self, tenant: str, scope: str, key: str, kind: str, record_id: str) -> None:
        """Take a unique key for a record; Conflict if another record holds it."""
        values = {
            "tenant": tenant,
            "scope": scope,
            "key": key,
            "kind": kind,
            "record_id": record_id,
        }
        try:
            self._conn.execute(_CLAIM, values)
        except IntegrityError as exc:
            raise Conflict(scope, key) from exc

    def notify(self, channel: str, payload: str) -> None:
        """Announce `payload` to every server listening on `channel` when this transaction
        commits (PostgreSQL's NOTIFY; nothing to announce to on a store no one shares)."""
        _notify(self._conn, channel, payload)

    def listening(self, name: str) -> set[int]:
        """The backend pids of the connections named `name` listening on this store
        (core/postgres.py's LISTENING; none on a store no one shares)."""
        return _listening(self._conn, name)

    def release(self, tenant: str, scope: str, key: str) -> None:
        self._conn.execute(_RELEASE, {"tenant": tenant, "scope": scope, "key": key})

    def holder(self, tenant: str, scope: str, key: str) -> tuple[str, str] | None:
        """(kind, record id) holding a unique key, if any."""
        row = self._conn.execute(_HOLDER, {"tenant": tenant, "scope": scope, "key": key}).first()
        return (row.kind, row.record_id) if row else None


class _Refill:
    """A reset's refill on PostgreSQL (Store.clear): the reset's connection, and what its
    savepoints wrote, for the store's caches once the whole reset has committed (a scope code
    or a statistics count taken from a transaction that then rolled back would be wrong)."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.written = 0
        self.scopes: dict[tuple[str, str], int] = {}

    def wrote(self, tx: Transaction) -> None:
        self.written += tx.written
        self.scopes.update(tx.index.new_scopes)


class Store:
    """The one state store of a server; see the module docstring."""

    def __init__(
        self,
        url: str = "sqlite://",
        now: Callable[[], float] | None = None,
        connections: int = 10,
        memory_mb: int = DEFAULT_MEMORY_MB,
        max_mb: int = DEFAULT_MAX_MB,
    ) -> None:
        """`connections`: how many a PostgreSQL store keeps open for transactions, and for
        single statements (one per request thread, and one for the background work): fewer,
        and the connections beyond the pool are opened and closed per request (measured: a
        fifth of a shared server's time). `memory_mb`, `max_mb`: what the default store's
        pages may take in memory, and in memory and file together (_private_database)."""
        import time

        self.url = url
        self._now = now or time.time
        self._sizes = {"memory_mb": memory_mb, "max_mb": max_mb}
        # Last in, first out: the connections in use stay few and warm (psycopg prepares a
        # statement on a connection the fifth time it runs there), the rest idle.
        pool = {"pool_size": min(connections, MAX_POOLED), "max_overflow": 4, "pool_use_lifo": True}
        self.engine = _make_engine(url, pool=pool, **self._sizes)
        # Bookkeeping whose loss in a crash harms nobody (quota counts, journal entries) is
        # written on PostgreSQL through connections that do not wait for the WAL to reach the
        # disk: set once per connection, not per transaction.
        shared = self.engine.dialect.name == "postgresql"
        self._bookkeeping = (
            _make_engine(
                url,
                {"options": pg_statements.BOOKKEEPING_OPTIONS},
                {**pool, "pool_size": BOOKKEEPING_POOLED},
            )
            if shared
            else self.engine
        )
        # Single statements (a read, a quota hit, a journal batch) skip the pools.
        self._statements = (
            _statement_connections(self.engine, pool["pool_size"]) if shared else None
        )
        # The planner's statistics gathered as the store fills (core/pg_statistics.py).
        self._statistics = pg_statistics.Statistics(self._analyze) if shared else None
        # SQLite has one writer at a time anyway; serialising in-process avoids "database is
        # locked" errors and lets the in-memory database share one connection across threads.
        self._lock: threading.RLock | None = (
            threading.RLock() if self.engine.dialect.name == "sqlite" else None
        )
        with self.engine.begin() as conn:
            # The index of older versions (a row per field, or other columns): dropped, and
            # their records indexed afresh when their kinds are (index_kind).
            conn.exec_driver_sql("DROP TABLE IF EXISTS record_fields")
            schema = inspect(conn)
            if schema.has_table("record_index"):
                kept = {column["name"] for column in schema.get_columns("record_index")}
                if kept != set(record_index.c.keys()):
                    record_index.drop(conn)
        if shared:
            partial_on_postgresql()
        metadata.create_all(self.engine)
        # create_all makes the indexes of the tables it makes; a store made by an older version
        # (a data directory, a shared database) gets the newer ones here.
        for index in records.indexes:
            index.create(self.engine, checkfirst=True)
        self._memory_connection: Any = None
        self._memory_checkout: Any = None
        # The refill of a reset under way on this thread (clear), on PostgreSQL.
        self._refilling = threading.local()
        # A quota hit waiting on this thread for the next record read (count_hit_soon).
        self._hit_ahead = threading.local()
        # Called as every transaction begins (the app sets it: core/later_verdicts.py), so
        # that a request whose quota verdict is still waiting has it before it writes.
        self.before_transaction: Callable[[], None] | None = None
        self._cache: ReadCache | None = None
        self._kinds: dict[str, IndexedKind] = {}
        # (tenant, kind) -> its code in `index_scopes`, once committed (IndexWriter.scope).
        self._scopes: dict[tuple[str, str], int] = {}
        # Documents are JSON text where anything outside this process may read them, and
        # deflated in the in-memory store (core/doc_codec.py).
        self._dump: Callable[[str, dict], str | bytes] = doc_codec.text
        if isinstance(self.engine.pool, StaticPool):
            self._dump = doc_codec.pack
            self._cache = ReadCache()
            # Kept checked out for the store's life: a checkout returned to the pool is rolled
            # back, which on the one shared connection would end another thread's transaction.
            self._memory_checkout = self.engine.raw_connection()
            self._memory_connection = self._memory_checkout.dbapi_connection

    @contextmanager
    def transaction(self, durable: bool = True) -> Iterator[Transaction]:
        """Everything inside commits together or not at all (a Conflict rolls it back).

        `durable=False` is for bookkeeping whose loss in a crash harms nobody (quota counts,
        journal entries): on PostgreSQL its commit does not wait for the WAL to reach the disk
        (a disk flush per request for every replica otherwise). Still atomic."""
        if self.before_transaction is not None:
            self.before_transaction()
        joined: _Refill | None = getattr(self._refilling, "current", None)
        if joined is not None:
            # Inside a reset's refill (clear): a savepoint in the reset's own transaction.
            with joined.conn.begin_nested():
                tx = self._transaction_on(joined.conn)
                yield tx
                tx.finish()
            joined.wrote(tx)
            return
        with self._connection(durable) as conn:
            tx = self._transaction_on(conn)
            yield tx
            tx.finish()
        self._scopes.update(tx.index.new_scopes)
        if self._statistics is not None:
            self._statistics.wrote(tx.written)

    def _transaction_on(self, conn: Connection) -> Transaction:
        """A Transaction on `conn`, which the caller has begun, sharing this store's caches."""
        return Transaction(
            conn, self._now, self._cache, self._kinds, self._scopes, self._scope_maker, self._dump
        )

    @contextmanager
    def _connection(self, durable: bool = True, read_only: bool = False) -> Iterator[Connection]:
        """A connection in a transaction, serialised in-process on SQLite. On PostgreSQL,
        `read_only` work runs outside a transaction (no BEGIN and COMMIT round trips; each
        statement has its own snapshot in READ COMMITTED either way)."""
        if self._lock is None:
            if read_only:
                with self.engine.connect() as conn:
                    yield conn.execution_options(isolation_level="AUTOCOMMIT")
                return
            with (self.engine if durable else self._bookkeeping).begin() as conn:
                yield conn
            return
        with self._lock, self.engine.begin() as conn:
            yield conn

    def get(self, tenant: str, kind: str, record_id: str) -> dict | None:
        if self._cache is not None:
            key = (tenant, kind, record_id)
            text = self._cache.lookup(key)
            if text is MISS:
                # One connection, no transaction needed for one read: skip the engine.
                with self._lock:
                    text = _driver_get_text(self._memory_connection, _GET_SQL, key)
                    self._cache.remember(key, text)
            return doc_codec.load(text) if text is not None else None  # type: ignore[arg-type]
        if self.shared:
            hit = getattr(self._hit_ahead, "pending", None)
            if hit is not None and hit.row is None:  # not made meanwhile (asked elsewhere)
                return self._get_with_hit(hit, tenant, kind, record_id)
            sql = _DRIVER_GET["postgresql"][0]
            return self._one_statement(
                lambda cursor: _one_doc(cursor, sql, (tenant, kind, record_id))
            )
        with self.transaction() as tx:
            return tx.get(tenant, kind, record_id)

    def _get_with_hit(self, hit: PendingHit, tenant: str, kind: str, record_id: str) -> dict | None:
        """A record read with the quota hit waiting for it: one statement, one round trip.
        Not repeated on a connection PostgreSQL dropped, as the hit alone is not."""
        self._hit_ahead.pending = None
        params = {**hit.params, "tenant": tenant, "kind": kind, "record_id": record_id}
        try:
            row = self._one_statement(
                lambda cursor: cursor.execute(postgres.QUOTA_HIT_AND_RECORD, params).fetchone(),
                repeatable=False,
            )
        except BaseException as error:
            hit.failed = error
            raise
        hit.row = row[:3]
        return doc_codec.load(row[3]) if row[3] is not None else None

    def list(self, tenant: str, kind: str) -> list[dict]:
        if self._cache is not None:
            texts = self._cache.lookup_list(tenant, kind)
            if texts is None:
                with self._lock:
                    cursor = self._memory_connection.execute(_LIST_SQL, (tenant, kind))
                    texts = [row[0] for row in cursor.fetchall()]
                    self._cache.remember_list(tenant, kind, texts)
            return [doc_codec.load(text) for text in texts]
        if self.shared:
            sql = _LIST_SQL.replace("?", "%s")
            return self._one_statement(
                lambda cursor: [
                    doc_codec.load(row[0]) for row in cursor.execute(sql, (tenant, kind))
                ]
            )
        with self.transaction() as tx:
            return tx.list(tenant, kind)

    def _analyze(self) -> None:
        self._one_statement(
            lambda cursor: cursor.execute(f"ANALYZE {pg_statistics.TABLES}"), repeatable=False
        )

    def _one_statement(self, work: Callable[[Any], Any], repeatable: bool = True) -> Any:
        """`work(cursor)` on a PostgreSQL connection in autocommit (core/pg_statements.py): one
        round trip for one statement, no BEGIN or COMMIT. `repeatable` work (a read) is done
        once more on a fresh connection if PostgreSQL had dropped the first."""
        assert self._statements is not None
        return self._statements.run(work, repeatable)

    # ---- indexed lists ---------------------------------------------------------------------

    @property
    def _scope_maker(self) -> Callable[[str, str], int] | None:
        return self._make_scope_apart if self.shared else None

    def _make_scope_apart(self, tenant: str, kind: str) -> int:
        """A code for (tenant, kind), made and committed on a connection of its own."""
        add, read = make_scope_sql("postgresql")

        def make(cursor: Any) -> int:
            cursor.execute(add, (tenant, kind))
            cursor.execute(read, (tenant, kind))
            return int(cursor.fetchone()[0])

        code = self._one_statement(make)
        self._scopes[(tenant, kind)] = code
        return code

    def index_kind(
        self,
        kind: str,
        fields_of: FieldsOf,
        counted: Sequence[str] = (),
        *,
        fields: Sequence[str],
        ordered: Sequence[str] = (),
        tie: str | None = None,
    ) -> None:
        """Keep `fields_of(doc)` (a mapping of the `fields` named here, each kept in a column
        of its own: IndexedKind.declare) of every record of `kind` in the index from now on, written
        in the transaction that writes the record; and, for the `counted` fields (values many
        records share), how many records have each value. `ordered` fields are sort orders
        whose ties break on the field `tie`, ascending either way (query's `order`). Records
        stored before (a data directory or a shared store from an older version) are indexed
        now, once."""
        indexed = IndexedKind.declare(fields, fields_of, counted, ordered, tie)
        self._kinds[kind] = indexed
        tx = None
        with self._connection() as conn:
            if not _index_in_step(conn, kind, indexed):
                of_kind = select(index_scopes.c.code).where(index_scopes.c.kind == kind)
                conn.execute(delete(record_index).where(record_index.c.scope.in_(of_kind)))
                conn.execute(delete(record_counts).where(record_counts.c.kind == kind))
                tx = self._transaction_on(conn)
                rows = conn.execute(
                    select(
                        records.c.tenant, records.c.id, records.c.doc, records.c.created_at
                    ).where(records.c.kind == kind)
                )
                for row in rows.all():
                    tx._reindex(row.tenant, kind, row.id, doc_codec.load(row.doc), row.created_at)
                tx.finish()
        if tx is not None:
            self._scopes.update(tx.index.new_scopes)

    def query(
        self,
        tenant: str,
        kind: str,
        equal: Mapping[str, str] | None = None,
        between: Mapping[str, tuple[str | None, str | None]] | None = None,
        offset: int = 0,
        limit: int | None = None,
        order: tuple[str, bool] | None = None,
        any_of: Mapping[str, Sequence[str]] | None = None,
        after: str | None = None,
    ) -> tuple[int, list[dict]]:
        """Records of an indexed kind whose fields equal `equal`, equal one of `any_of` and
        fall within `between` (inclusive bounds, text order), in creation order (as `list`),
        or by the indexed field `order` names (`(field, descending)`; a field every record of
        the kind has, and unique, so that the order is total), starting past the value `after`
        of it when given (keyset paging): how many match (`after` aside), and the page
        `offset`/`limit` of them. Only the page's documents are read; core/index_query.py says
        how."""
        tests = [Condition(field, (index_value(value),)) for field, value in (equal or {}).items()]
        tests += [
            Condition(field, tuple(index_value(value) for value in values))
            for field, values in (any_of or {}).items()
        ]
        tests += [Condition(field, None, *bounds) for field, bounds in (between or {}).items()]
        walk = None if order is None else Order(order[0], order[1], after)
        indexed = self._kinds[kind]
        with self._connection(read_only=True) as conn:
            scope = self._scopes.get((tenant, kind))
            if scope is None:
                scope = conn.execute(
                    select(index_scopes.c.code).where(
                        index_scopes.c.tenant == tenant, index_scopes.c.kind == kind
                    )
                ).scalar()
                if scope is None:  # nothing of the kind was ever indexed for the tenant
                    return 0, []
                self._scopes[(tenant, kind)] = scope  # read committed: safe to remember
            return index_query.run(conn, tenant, kind, scope, indexed, tests, offset, limit, walk)

    def secret(self, name: str, make: Callable[[], str]) -> str:
        """The sandbox's secret `name`, made by `make()` the first time any server asks."""
        query = select(sandbox_secrets.c.value).where(sandbox_secrets.c.name == name)
        with self._connection() as conn:
            found = conn.execute(query).scalar()
        if found is not None:
            return str(found)
        try:
            with self._connection() as conn:
                conn.execute(insert(sandbox_secrets).values(name=name, value=make()))
        except IntegrityError:
            pass  # another server made it first: theirs is the one
        with self._connection() as conn:
            return str(conn.execute(query).scalar_one())

    def clear(self, refill: Callable[[], None] | None = None) -> None:
        """Empty the store (its secrets and PostgreSQL's scope codes stay), then `refill()`
        before any request, of this server or another sharing the store, sees it: the
        fixtures' records are never missing, as they were when they came back in a transaction
        of their own (with resets every 0.3 s through one server and writes through another,
        26-40 % of the writes found their fixture group gone: Accredible's 422 Invalid Group).

        On SQLite, `refill` runs under the store's lock with the new database in place; on
        PostgreSQL, inside the transaction that truncates, whose locks every other request
        waits for. It may use `transaction()` only (each one a savepoint there)."""
        if self._cache is not None:
            self._start_afresh(refill)
            return
        if self.engine.dialect.name == "sqlite":
            self._start_afresh_file(refill)
            return
        # Scope codes stay: other servers on the store remember them.
        if self._statistics is not None:
            self._statistics.forget()
        done: list[_Refill] = []

        def refill_on(conn: Connection) -> None:
            if refill is None:
                return
            self._refilling.current = joined = _Refill(conn)
            try:
                refill()
            finally:
                self._refilling.current = None
            done[:] = [joined]

        # In the order a request's transaction takes them (its records first): a request under
        # way then seldom holds a table the reset waits for while it waits for one the reset
        # holds, which costs the reset a try (core/pg_reset.py). Measured with writes running
        # through another server: 24 of 24 resets in 100-256 ms; with unique_keys first, 2 of 5
        # gave up after 5 s.
        pg_reset.empty(
            self._connection,
            [records, record_index, record_counts, unique_keys, quota_hits, journal_entries],
            then=refill_on,
        )
        for joined in done:  # what the committed refill wrote, known only now
            self._scopes.update(joined.scopes)
            if self._statistics is not None:
                self._statistics.wrote(joined.written)

    def _start_afresh(self, refill: Callable[[], None] | None = None) -> None:
        """An in-memory store cleared by swapping in an empty database (its secrets copied),
        the old one closed on a thread of its own. Deleting every row instead copied each page
        into SQLite's rollback journal first: at 100,000 credentials a reset took 270 ms and
        the process grew by 250 MB.

        If the disk under the old database's file has no room left for the new one's pages
        (the sandbox filled it), the old one is closed first, which gives its room back, and
        the new one made again: the reset is how an operator gets out of a full store."""
        assert self._lock is not None
        with self._lock:
            secrets = self._memory_connection.execute(
                "SELECT name, value FROM sandbox_secrets"
            ).fetchall()
            old = (self._memory_checkout, self.engine)
            try:
                self._install_empty_database(secrets, refill)
            except Exception as error:
                if not is_store_full(error):
                    _free_in_background(old)
                    raise
                failed = (self._memory_checkout, self.engine)
                _close_memory(*old)
                if failed[1] is not old[1]:
                    _close_memory(*failed)
                self._install_empty_database(secrets, refill)
                return
            _free_in_background(old)

    def _install_empty_database(
        self, secrets: Sequence[Any], refill: Callable[[], None] | None
    ) -> None:
        assert self._cache is not None
        self.engine = _make_engine(self.url, **self._sizes)
        self._bookkeeping = self.engine
        self._memory_checkout = self.engine.raw_connection()
        self._memory_connection = self._memory_checkout.dbapi_connection
        self._cache.clear()
        self._scopes.clear()
        for statement in _sqlite_schema():
            self._memory_connection.execute(statement)
        self._memory_connection.executemany(
            "INSERT INTO sandbox_secrets (name, value) VALUES (?, ?)", secrets
        )
        self._memory_connection.commit()
        if refill is not None:
            refill()

    def _start_afresh_file(self, refill: Callable[[], None] | None = None) -> None:
        """A SQLite file store cleared by putting an empty file (its secrets copied) in the old
        one's place: deleting every row went through the WAL, 670 ms at 100,000 credentials
        (now about 30 ms).
        Crash-safe in every step: the old file is checkpointed and its WAL gone before the new
        file, made complete beside it, is renamed over it; a crash leaves either the old state
        or the empty one, never an old WAL over a new file."""
        assert self._lock is not None
        path = Path(self.engine.url.database or "")
        with self._lock:
            with self.engine.connect() as conn:
                secrets = conn.execute(select(sandbox_secrets)).all()
            self.engine.dispose()  # the last connection closed checkpoints and drops the WAL
            for leftover in (f"{path}-wal", f"{path}-shm"):
                Path(leftover).unlink(missing_ok=True)
            fresh = path.with_name(path.name + ".fresh")
            fresh.unlink(missing_ok=True)
            made = sqlite3.connect(fresh)
            try:
                for statement in _sqlite_schema():
                    made.execute(statement)
                made.executemany(
                    "INSERT INTO sandbox_secrets (name, value) VALUES (?, ?)",
                    [tuple(row) for row in secrets],
                )
                made.commit()
            finally:
                made.close()
            with open(fresh, "rb+") as handle:
                os.fsync(handle.fileno())
            # Held open across the rename, the old file's space is given back when the thread
            # closes it: freeing 400 MB took the rename 150 ms.
            old = os.open(path, os.O_RDONLY)
            os.replace(fresh, path)
            threading.Thread(target=os.close, args=(old,), name="store-free", daemon=True).start()
            directory = os.open(path.parent, os.O_RDONLY)
            try:
                os.fsync(directory)
            finally:
                os.close(directory)
            self.engine = _make_engine(self.url)
            self._bookkeeping = self.engine
            self._scopes.clear()
            if refill is not None:
                refill()

    def append_entries(self, docs: list[dict[str, Any]]) -> None:
        """Add journal entries in one transaction, numbered in the order given (one numbering
        across every server on the store)."""
        if not docs:
            return
        if self.shared:
            batch = "[" + ",".join(doc_codec.dumps(doc) for doc in docs) + "]"
            self._one_statement(
                lambda cursor: cursor.execute(postgres.APPEND_ENTRIES, (batch,)), repeatable=False
            )
            return
        with self._connection(durable=False) as conn:
            conn.execute(insert(journal_entries), [{"doc": doc_codec.dumps(doc)} for doc in docs])

    # ---- quota counts ----------------------------------------------------------------------

    def count_hit(
        self, key: str, period: int, oldest: int, limit: int, count_refused: bool
    ) -> tuple[int, bool, int | None]:
        """One request against a quota of `limit` over periods `oldest`..`period`: (hits in
        the window before this one, whether this one was counted, the first period with hits).
        A hit is counted when it is within the limit, or always with `count_refused`; of two
        servers counting at once, the second sees the first's hit (postgres.QUOTA_HIT)."""
        if self.shared:
            hit = PendingHit(key, period, oldest, limit, count_refused)
            hit.row = self._hit_alone(hit)
            return hit.result()
        with self._connection() as conn:
            window = (key, oldest, period)
            used = conn.exec_driver_sql(_PRIOR_HITS_SQL, window).scalar() or 0
            used += conn.exec_driver_sql(_PERIOD_HITS_SQL, (key, period)).scalar() or 0
            counted = count_refused or used < limit
            if counted:
                conn.exec_driver_sql(_BUMP_SQL, (key, period))
            first = conn.exec_driver_sql(_FIRST_PERIOD_SQL, (key, oldest)).scalar()
            return int(used), counted, first

    def count_hit_soon(
        self, key: str, period: int, oldest: int, limit: int, count_refused: bool
    ) -> Callable[[], tuple[int, bool, int | None]]:
        """`count_hit`, answered when called. On PostgreSQL the hit waits for this thread's
        next record read (`get`) and goes in its statement, one round trip for both; if no
        read comes first, it is made alone when its answer is asked for. Elsewhere it is
        counted at once. A hit nobody asks for is counted only if a read on the thread takes
        it before the thread's next hit takes its place: the request pipeline asks for every
        one (core/later_verdicts.py)."""
        if not self.shared:
            found = self.count_hit(key, period, oldest, limit, count_refused)
            return lambda: found
        hit = PendingHit(key, period, oldest, limit, count_refused)
        self._hit_ahead.pending = hit

        def answer() -> tuple[int, bool, int | None]:
            if hit.failed is not None:
                raise hit.failed
            if hit.row is None:
                if getattr(self._hit_ahead, "pending", None) is hit:
                    self._hit_ahead.pending = None
                hit.row = self._hit_alone(hit)
            return hit.result()

        return answer

    def _hit_alone(self, hit: PendingHit) -> tuple[Any, Any, Any]:
        return self._one_statement(
            lambda cursor: cursor.execute(postgres.QUOTA_HIT, hit.params).fetchone(),
            repeatable=False,
        )

    def forget_hits(self, prefix: str, before: int | None = None) -> None:
        """Drop the quota counts of keys starting with `prefix` (of periods before `before`)."""
        statement = delete(quota_hits).where(quota_hits.c.key.startswith(prefix, autoescape=True))
        if before is not None:
            statement = statement.where(quota_hits.c.period < before)
        with self._connection(durable=False) as conn:
            conn.execute(statement)

    def latest_entries(self, limit: int) -> list[tuple[int, dict[str, Any]]]:
        """The newest `limit` journal entries, oldest first, with their numbers."""
        query = (
            select(journal_entries.c.seq, journal_entries.c.doc)
            .order_by(journal_entries.c.seq.desc())
            .limit(limit)
        )
        with self._connection(read_only=True) as conn:
            rows = conn.execute(query).all()
        return [(row.seq, doc_codec.load(row.doc)) for row in reversed(rows)]

    def trim_entries(self, keep: int) -> None:
        """Drop all but the newest `keep` journal entries."""
        if self.shared:  # the journal writer's, every TRIM_EVERY entries: one statement
            self._one_statement(
                lambda cursor: cursor.execute(postgres.TRIM_ENTRIES, (keep,)), repeatable=False
            )
            return
        with self._connection(durable=False) as conn:
            newest = conn.execute(select(func.max(journal_entries.c.seq))).scalar()
            if newest is not None:
                conn.execute(delete(journal_entries).where(journal_entries.c.seq <= newest - keep))

    def clear_entries(self) -> None:
        with self._connection() as conn:
            conn.execute(delete(journal_entries))

    @property
    def shared(self) -> bool:
        """Whether other server processes may use this store at the same time (PostgreSQL)."""
        return self.engine.dialect.name == "postgresql"

    def dump(
        self, tenant_prefix: str | None = None, kind: str | None = None
    ) -> list[dict[str, Any]]:
        """Every record (optionally of one tenant prefix and kind), for the control plane."""
        query = select(records).order_by(records.c.tenant, records.c.kind, records.c.created_at)
        if tenant_prefix:
            query = query.where(records.c.tenant.startswith(tenant_prefix, autoescape=True))
        if kind:
            query = query.where(records.c.kind == kind)
        with self._connection() as conn:
            rows = conn.execute(query).all()
        return [
            {
                "tenant": row.tenant,
                "kind": row.kind,
                "id": row.id,
                "created_at": row.created_at,
                "updated_at": row.updated_at,
                "doc": doc_codec.load(row.doc),
            }
            for row in rows
        ]

    def listener(self, channel: str, name: str | None = None) -> postgres.Listener:
        """A connection listening for what other servers on this store announce (notify);
        `name` lets them find it (`listening`)."""
        return postgres.Listener(self.engine, channel, name)

    def listening(self, name: str) -> set[int]:
        """See Transaction.listening; read outside a transaction."""
        with self._connection(read_only=True) as conn:
            return _listening(conn, name)

    def announce(self, channel: str, payload: str) -> None:
        """Notify `payload` on `channel` at once (one statement, committed on its own)."""
        with self._connection(read_only=True) as conn:
            _notify(conn, channel, payload)

    def close(self) -> None:
        self._memory_connection = None
        if self._statistics is not None:
            self._statistics.close()
        if self._statements is not None:
            self._statements.close()
        self.engine.dispose()
        if self._bookkeeping is not self.engine:
            self._bookkeeping.dispose()


def _notify(conn: Connection, channel: str, payload: str) -> None:
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql("SELECT pg_notify(%s, %s)", (channel, payload))


def _listening(conn: Connection, name: str) -> set[int]:
    if conn.dialect.name != "postgresql":
        return set()
    return {int(pid) for (pid,) in conn.exec_driver_sql(postgres.LISTENING, (name,))}


def _index_in_step(conn: Connection, kind: str, indexed: IndexedKind, sample: int = 10) -> bool:
    """Whether the index of `kind` looks right for every record: as many rows as records, the
    counts adding up, and the rows of the oldest and newest `sample` records what `indexed`
    makes of them now. A store indexed by an older version (other fields, or other columns)
    fails the last."""
    scopes = select(index_scopes.c.code).where(index_scopes.c.kind == kind)
    stored = conn.execute(
        select(func.count()).select_from(records).where(records.c.kind == kind)
    ).scalar_one()
    rows = conn.execute(
        select(func.count()).select_from(record_index).where(record_index.c.scope.in_(scopes))
    ).scalar_one()

    def counted(field: str) -> int:
        return conn.execute(
            select(func.coalesce(func.sum(record_counts.c.n), 0)).where(
                record_counts.c.kind == kind, record_counts.c.field == field
            )
        ).scalar_one()

    if not stored == rows == counted(EVERY):
        return False
    for field in sorted(indexed.counted):
        column = record_index.c[indexed.columns[field]]
        having = conn.execute(
            select(func.count())
            .select_from(record_index)
            .where(record_index.c.scope.in_(scopes), column.isnot(None))
        ).scalar_one()
        if having != counted(field):
            return False
    read = select(records.c.tenant, records.c.id, records.c.doc).where(records.c.kind == kind)
    oldest = conn.execute(read.order_by(records.c.created_at, records.c.id).limit(sample)).all()
    newest = conn.execute(
        read.order_by(records.c.created_at.desc(), records.c.id.desc()).limit(sample)
    ).all()
    values = [record_index.c[name] for name in INDEX_COLUMN_NAMES]
    scoped = record_index.join(index_scopes, index_scopes.c.code == record_index.c.scope)
    for row in {(row.tenant, row.id): row for row in (*oldest, *newest)}.values():
        kept = conn.execute(
            select(*values)
            .select_from(scoped)
            .where(
                index_scopes.c.tenant == row.tenant,
                index_scopes.c.kind == kind,
                record_index.c.id == row.id,
            )
        ).first()
        if kept is None or stored_row(tuple(kept)) != indexed.row_of(doc_codec.load(row.doc)):
            return False
    return True


def sqlite_file_url(data_dir: str | Path) -> str:
    path = Path(data_dir)
    path.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{(path / 'mockserver.sqlite3').resolve()}"


# Pages of an in-memory store. SQLite keeps a header beside each page it holds in memory;
# with 16 KiB pages instead of 4 KiB, 100,000 credentials took 292 MB instead of 302, and
# 100,000 VEC certificates 342 instead of 350 (bench/growth.py), at no cost in time. 64 KiB
# saved 13 MB more but made a reset of an empty sandbox take 21 ms instead of 13, and up to
# 89 ms at 100,000 credentials. A file store keeps 4 KiB pages: a commit writes whole pages to
# its WAL.
MEMORY_PAGE_BYTES = 16384


def _private_database() -> sqlite3.Connection:
    """The default store's database: SQLite's private temporary database (an empty file name),
    not ":memory:". Its pages stay in memory up to the connection's cache size and only then
    go to a file SQLite makes in the temporary folder (SQLITE_TMPDIR, TMPDIR or /tmp), already
    unlinked, so nothing is left after the process. A ":memory:" database grew the process
    with the sandbox: 1,000,000 credentials took 1.3 GB; a file read back through the
    system's cache answered the 1M rows of bench/growth.py within their targets
    (bench/RESULTS.md). Where SQLite was built to keep temporary databases in memory
    (SQLITE_TEMP_STORE=3), this is a ":memory:" database again."""
    return sqlite3.connect("", check_same_thread=False)


def _make_engine(
    url: str,
    connect_args: dict[str, Any] | None = None,
    pool: dict[str, Any] | None = None,
    memory_mb: int = DEFAULT_MEMORY_MB,
    max_mb: int = DEFAULT_MAX_MB,
) -> Engine:
    if url in ("sqlite://", "sqlite:///:memory:"):
        engine = create_engine("sqlite://", poolclass=StaticPool, creator=_private_database)

        @event.listens_for(engine, "connect")
        def _memory_pragmas(dbapi_conn: Any, _record: Any) -> None:
            dbapi_conn.execute(f"PRAGMA page_size={MEMORY_PAGE_BYTES}")
            dbapi_conn.execute(f"PRAGMA cache_size=-{memory_mb * 1024}")  # negative: KiB
            # Past it, a write fails as SQLite's "database or disk is full", answered 503
            # (core/store_outage.py): disk as well as memory stays within a setting.
            dbapi_conn.execute(f"PRAGMA max_page_count={max_mb * 1024 * 1024 // MEMORY_PAGE_BYTES}")
            # Nothing here outlives the process, so nothing is synced, and the rollback journal
            # (for a Conflict's rollback) stays in memory: a journal file made commits a third
            # slower than ":memory:"; with these they take the same time.
            dbapi_conn.execute("PRAGMA journal_mode=MEMORY")
            dbapi_conn.execute("PRAGMA synchronous=OFF")

        return engine
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False})

        @event.listens_for(engine, "connect")
        def _durable_pragmas(dbapi_conn: Any, _record: Any) -> None:
            cursor = dbapi_conn.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            # FULL: a committed transaction survives a crash of the process or of the machine.
            cursor.execute("PRAGMA synchronous=FULL")
            cursor.close()

        return engine
    args = dict(connect_args or {})
    if "connect_timeout" not in make_url(url).query:  # the URL's own wins
        args["connect_timeout"] = postgres.CONNECT_TIMEOUT_SECONDS
    engine = create_engine(url, connect_args=args, **(pool or {}))
    postgres.ping_when_idle(engine)
    return engine


def _statement_connections(engine: Engine, most: int) -> pg_statements.StatementConnections:
    """Autocommit connections to the engine's database, opened as its pool opens its own."""
    cargs, cparams = engine.dialect.create_connect_args(engine.url)
    cparams.update(options=pg_statements.BOOKKEEPING_OPTIONS, autocommit=True)
    cparams.setdefault("connect_timeout", postgres.CONNECT_TIMEOUT_SECONDS)
    return pg_statements.StatementConnections(
        lambda: engine.dialect.connect(*cargs, **cparams),
        engine.dialect.loaded_dbapi.OperationalError,
        most,
    )


class PendingHit:
    """A quota hit on PostgreSQL (postgres.QUOTA_HIT), and what it found once made."""

    def __init__(self, key: str, period: int, oldest: int, limit: int, count_refused: bool):
        self.params = {
            "key": key,
            "period": period,
            "oldest": oldest,
            "limit": limit,
            "always": count_refused,
        }
        self.row: tuple[Any, Any, Any] | None = None
        self.failed: BaseException | None = None

    def result(self) -> tuple[int, bool, int | None]:
        """(hits in the window before this one, whether this one was counted, first period)."""
        assert self.row is not None
        used, hits, first = self.row
        if hits is None:  # refused and not counted: at the limit or past it
            return max(int(used), self.params["limit"]), False, first
        return (
            int(used) + int(hits) - 1,
            True,
            first if first is not None else self.params["period"],
        )


def _one_doc(cursor: Any, sql: str, params: tuple[str, str, str]) -> dict | None:
    row = cursor.execute(sql, params).fetchone()
    return doc_codec.load(row[0]) if row else None


def _driver_get(dbapi_connection: Any, sql: str, params: tuple[str, str, str]) -> dict | None:
    text = _driver_get_text(dbapi_connection, sql, params)
    return doc_codec.load(text) if text is not None else None


def _driver_get_text(
    dbapi_connection: Any, sql: str, params: tuple[str, str, str]
) -> str | bytes | None:
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    finally:
        cursor.close()
    return row[0] if row else None


@functools.cache
def _sqlite_schema() -> tuple[str, ...]:
    """The statements that make the store's tables and indexes in SQLite, compiled once: a
    reset of the in-memory store runs them on an empty database (SQLAlchemy's create_all took
    6 ms of each reset compiling them again)."""
    from sqlalchemy.dialects import sqlite
    from sqlalchemy.schema import CreateIndex, CreateTable

    dialect = sqlite.dialect()
    statements = []
    for table in metadata.sorted_tables:
        statements.append(str(CreateTable(table).compile(dialect=dialect)))
        statements += [str(CreateIndex(index).compile(dialect=dialect)) for index in table.indexes]
    return tuple(statements)


def _free_in_background(old: tuple[Any, Engine]) -> None:
    """_close_memory on a thread of its own: a reset need not wait for the pages to go."""
    threading.Thread(target=_close_memory, args=old, name="store-free", daemon=True).start()


def _close_memory(checkout: Any, engine: Engine) -> None:
    """Free a replaced in-memory database (Store._start_afresh), and give the memory back to
    the system: glibc keeps freed small blocks for reuse otherwise, and a reset after a load
    test would leave the process at its largest."""
    checkout.close()
    engine.dispose()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass  # not glibc: the memory is reused by the next records instead


def _insert_if_missing(dialect: str) -> Any:
    """INSERT … ON CONFLICT DO NOTHING in the dialect's own words."""
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        return pg_insert(records).on_conflict_do_nothing()
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    return sqlite_insert(records).on_conflict_do_nothing()
