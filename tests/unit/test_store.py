import threading
import time
import uuid

import pytest

from mockserver.core.sequences import next_ids
from mockserver.core.store import Conflict, Store, sqlite_file_url
from tests.postgres import pg_url


@pytest.fixture(params=["memory", "file", "postgres"])
def store(request, tmp_path):
    if request.param == "postgres":
        url = pg_url()
    else:
        url = "sqlite://" if request.param == "memory" else sqlite_file_url(tmp_path)
    created = Store(url)
    created.clear()  # a shared PostgreSQL database starts each test empty
    yield created
    created.clear()
    created.close()


def test_documents_are_partitioned_by_tenant(store: Store) -> None:
    with store.transaction() as tx:
        tx.insert("a", "thing", "1", {"v": 1})
        tx.insert("b", "thing", "1", {"v": 2})
    assert store.get("a", "thing", "1") == {"v": 1}
    assert store.get("b", "thing", "1") == {"v": 2}
    assert store.list("a", "thing") == [{"v": 1}]
    assert store.get("c", "thing", "1") is None


def test_put_replaces_and_delete_releases_keys(store: Store) -> None:
    with store.transaction() as tx:
        tx.put("a", "thing", "1", {"v": 1})
        tx.claim("a", "name", "x", "thing", "1")
        tx.put("a", "thing", "1", {"v": 2})
    assert store.get("a", "thing", "1") == {"v": 2}
    with store.transaction() as tx:
        assert tx.holder("a", "name", "x") == ("thing", "1")
        assert tx.delete("a", "thing", "1") is True
        assert tx.holder("a", "name", "x") is None


def test_a_conflict_rolls_back_the_whole_transaction(store: Store) -> None:
    with store.transaction() as tx:
        tx.claim("a", "name", "x", "thing", "1")
    with pytest.raises(Conflict):
        with store.transaction() as tx:
            tx.insert("a", "thing", "2", {"v": 2})
            tx.claim("a", "name", "x", "thing", "2")
    assert store.get("a", "thing", "2") is None
    with pytest.raises(Conflict):
        with store.transaction() as tx:
            tx.insert("a", "thing", "3", {})
            tx.insert("a", "thing", "3", {})


def test_unique_keys_are_per_tenant(store: Store) -> None:
    with store.transaction() as tx:
        tx.claim("a", "name", "x", "thing", "1")
        tx.claim("b", "name", "x", "thing", "1")
        assert tx.holder("b", "name", "x") == ("thing", "1")


def test_exactly_one_of_32_concurrent_claims_wins(store: Store) -> None:
    winners: list[int] = []
    losers: list[int] = []
    barrier = threading.Barrier(32, timeout=10)

    def attempt(index: int) -> None:
        barrier.wait()
        try:
            with store.transaction() as tx:
                tx.insert("a", "thing", str(index), {"i": index})
                tx.claim("a", "name", "same", "thing", str(index))
            winners.append(index)
        except Conflict:
            losers.append(index)

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(32)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=20)
    assert len(winners) == 1 and len(losers) == 31
    assert [doc["i"] for doc in store.list("a", "thing")] == winners


def test_file_store_keeps_committed_state_across_reopen(tmp_path) -> None:
    url = sqlite_file_url(tmp_path)
    first = Store(url)
    with first.transaction() as tx:
        tx.insert("a", "thing", "1", {"kept": True})
    first.close()
    second = Store(url)
    assert second.get("a", "thing", "1") == {"kept": True}
    second.close()


def test_clear_and_dump(store: Store) -> None:
    with store.transaction() as tx:
        tx.insert("p:a", "thing", "1", {"v": 1})
        tx.insert("q:b", "other", "2", {"v": 2})
    assert [row["id"] for row in store.dump(tenant_prefix="p:")] == ["1"]
    assert [row["tenant"] for row in store.dump(kind="other")] == ["q:b"]
    store.clear()
    assert store.dump() == []


def test_counters_never_hand_out_an_id_twice_under_concurrency(store: Store) -> None:
    """32 threads reserving ids at once (real concurrency on PostgreSQL: the row lock)."""
    got: list[int] = []
    lock = threading.Lock()
    barrier = threading.Barrier(32)

    def reserve() -> None:
        barrier.wait(timeout=10)
        with store.transaction() as tx:
            ids = next_ids(tx, "a", "thing", 3, first=100)
        with lock:
            got.extend(ids)

    threads = [threading.Thread(target=reserve) for _ in range(32)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(got) == list(range(100, 100 + 96))


def test_locked_creates_once_and_reads_back(store: Store) -> None:
    with store.transaction() as tx:
        assert tx.locked("a", "balance", "x", {"n": 5}) == {"n": 5}
        tx.put("a", "balance", "x", {"n": 4})
    with store.transaction() as tx:
        assert tx.locked("a", "balance", "x", {"n": 5}) == {"n": 4}


def test_indexed_queries_page_filter_and_follow_writes(store: Store, monkeypatch) -> None:
    """Store.query on every backend: equality and range filters, both plans (few matches
    read and sorted; many walked in order from the nearer end), page boundaries, and the index
    following put, delete and clear."""
    from mockserver.core import index_query

    store.index_kind(
        "item", lambda doc: {"colour": doc["colour"], "day": doc["day"]}, fields=("colour", "day")
    )
    with store.transaction() as tx:
        for number in range(30):
            colour = ("red", "blue", "green")[number % 3]
            tx.put(
                "t",
                "item",
                f"{number:03d}",
                {"n": number, "colour": colour, "day": f"d{number % 7}"},
            )
        tx.put("other", "item", "x", {"n": -1, "colour": "red", "day": "d0"})
    expected_red = [n for n in range(30) if n % 3 == 0]
    for few in (5000, 0):
        monkeypatch.setattr(index_query, "FEW", few)
        monkeypatch.setattr(index_query, "WALK_AT", float("inf") if few else 1.0)
        for size in (1, 4, 10):
            for page in range(0, 12):
                total, docs = store.query(
                    "t", "item", {"colour": "red"}, offset=page * size, limit=size
                )
                assert total == len(expected_red)
                assert [d["n"] for d in docs] == expected_red[page * size : (page + 1) * size]
        total, docs = store.query("t", "item", {"colour": "red"}, {"day": ("d2", "d4")})
        assert [d["n"] for d in docs] == [n for n in expected_red if 2 <= n % 7 <= 4]
        assert total == len(docs)
        total, docs = store.query("t", "item", None, {"day": ("d6", None)}, offset=1, limit=2)
        assert total == len([n for n in range(30) if n % 7 == 6])
        assert [d["n"] for d in docs] == [n for n in range(30) if n % 7 == 6][1:3]
    with store.transaction() as tx:
        tx.put("t", "item", "000", {"n": 0, "colour": "blue", "day": "d0"})
        tx.delete("t", "item", "003")
    assert store.query("t", "item", {"colour": "red"})[0] == len(expected_red) - 2
    assert store.query("t", "item", {"colour": "purple"}) == (0, [])
    store.clear()
    assert store.query("t", "item", {"colour": "blue"}) == (0, [])


def test_a_list_longer_than_a_statement_takes_is_one_parameter(store: Store, monkeypatch) -> None:
    """70,000 values (more parameters than a PostgreSQL statement may carry) and a list just
    past `one_of.LONG`: both plans, a counted field and an uncounted one, with a range and an
    order, give what `IN` over a short list gives."""
    from mockserver.core import index_query, one_of

    store.index_kind(
        "item",
        lambda doc: {"colour": doc["colour"], "code": doc["code"], "n": f"{doc['n']:04d}"},
        fields=("colour", "code", "n"),
        counted=("colour",),
    )
    with store.transaction() as tx:
        for number in range(40):
            doc = {"n": number, "colour": f"c{number % 4}", "code": f"k{number}"}
            tx.put("t", "item", f"{number:03d}", doc)
        tx.put("other", "item", "x", {"n": 1, "colour": "c1", "code": "k1"})
    noise = [f"none{number}" for number in range(70_000)]
    for few in (5000, 0):
        monkeypatch.setattr(index_query, "FEW", few)
        monkeypatch.setattr(index_query, "WALK_AT", float("inf") if few else 1.0)
        total, docs = store.query("t", "item", any_of={"code": [*noise, "k7", "k30", "k3"]})
        assert (total, [d["n"] for d in docs]) == (3, [3, 7, 30])
        total, docs = store.query(
            "t",
            "item",
            any_of={"colour": [*noise[: one_of.LONG], "c1", "c2"], "code": [*noise, "k5", "k9"]},
            between={"n": ("0006", None)},
            order=("n", True),
            limit=1,
        )
        assert (total, [d["n"] for d in docs]) == (1, [9])
        short = store.query("t", "item", any_of={"colour": ["c1", "c2"]}, offset=3, limit=4)
        long = store.query(
            "t", "item", any_of={"colour": [*noise[: one_of.LONG], "c1", "c2"]}, offset=3, limit=4
        )
        assert long == short and short[0] == 20


def test_clear_keeps_secrets_and_a_store_that_works_as_before(store: Store) -> None:
    """Clearing forgets records, keys and index rows (an in-memory store by swapping in an
    empty database) but keeps the sandbox's own secrets; the store works on as before."""
    name = f"test-secret-{uuid.uuid4()}"  # a shared database keeps secrets of earlier runs
    made = store.secret(name, lambda: "first")
    store.index_kind("thing", lambda doc: {"colour": doc["colour"]}, fields=("colour",))
    with store.transaction() as tx:
        tx.insert("t", "thing", "1", {"colour": "red"})
        tx.claim("t", "name", "one", "thing", "1")
    store.get("t", "thing", "1")  # in the read cache of an in-memory store
    store.clear()
    assert store.secret(name, lambda: "second") == made == "first"
    assert store.get("t", "thing", "1") is None and store.list("t", "thing") == []
    assert store.query("t", "thing", {"colour": "red"}) == (0, [])
    with store.transaction() as tx:
        tx.insert("t", "thing", "1", {"colour": "blue"})
        tx.claim("t", "name", "one", "thing", "1")  # the key was released with the rest
    assert store.query("t", "thing", {"colour": "blue"})[0] == 1
    assert store.get("t", "thing", "1") == {"colour": "blue"}


def _counts_match_the_index(store: Store) -> dict:
    """record_counts as kept, and as the index rows say they should be (zeros left out): every
    record of kind "thing", and its colour (the first field declared, column f0)."""
    from sqlalchemy import func, select

    from mockserver.core.tables import index_scopes, record_counts, record_index

    scoped = record_index.join(index_scopes, index_scopes.c.code == record_index.c.scope)
    with store.transaction() as tx:
        conn = tx._conn
        kept = {
            (r.tenant, r.kind, r.field, r.value): r.n
            for r in conn.execute(select(record_counts)).all()
            if r.n
        }
        by_colour = (
            select(index_scopes.c.tenant, index_scopes.c.kind, record_index.c.f0, func.count())
            .select_from(scoped)
            .where(record_index.c.f0.isnot(None))
        )
        every = select(index_scopes.c.tenant, index_scopes.c.kind, func.count()).select_from(scoped)
        actual = {
            (tenant, kind, "colour", value): n
            for tenant, kind, value, n in conn.execute(
                by_colour.group_by(index_scopes.c.tenant, index_scopes.c.kind, record_index.c.f0)
            ).all()
        } | {
            (tenant, kind, "", ""): n
            for tenant, kind, n in conn.execute(
                every.group_by(index_scopes.c.tenant, index_scopes.c.kind)
            ).all()
        }
    assert kept == actual
    return kept


def test_counts_follow_every_write_and_are_rebuilt_for_an_older_store(store: Store) -> None:
    """A list's total is one row of record_counts: kept in step with the index through
    insert, put (a value changed, one removed), delete, delete_prefix, a rolled-back
    transaction and clear; and rebuilt from the records when a store lacks them."""
    store.clear()
    fields = lambda doc: {"colour": doc.get("colour"), "size": doc["size"]}  # noqa: E731
    store.index_kind("thing", fields, counted=("colour",), fields=("colour", "size"))
    with store.transaction() as tx:
        for number in range(12):
            colour = ("red", "blue", None)[number % 3]
            tx.insert("t", "thing", f"n{number}", {"colour": colour, "size": "s"})
        tx.insert("u", "thing", "x", {"colour": "red", "size": "m"})
    kept = _counts_match_the_index(store)
    assert kept[("t", "thing", "colour", "red")] == 4 and kept[("t", "thing", "", "")] == 12
    with store.transaction() as tx:
        tx.put("t", "thing", "n0", {"colour": "blue", "size": "s"})  # red -> blue
        tx.put("t", "thing", "n1", {"size": "s"})  # blue -> none
        tx.delete("t", "thing", "n2")
        tx.delete_prefix("t", "thing", "n1")  # n1, n10, n11
    with pytest.raises(RuntimeError), store.transaction() as tx:
        tx.insert("t", "thing", "lost", {"colour": "red", "size": "s"})
        raise RuntimeError("rolled back: its counts with it")
    kept = _counts_match_the_index(store)
    assert store.query("t", "thing")[0] == 8 == kept[("t", "thing", "", "")]
    assert store.query("t", "thing", {"colour": "red"})[0] == 3  # n3, n6, n9
    assert store.query("t", "thing", {"colour": "blue"})[0] == 3  # n0, n4, n7
    assert store.query("t", "thing", {"size": "s"})[0] == 8  # not counted: counted in the index
    with store.transaction() as tx:  # an older store: index rows and counts missing
        tx._conn.exec_driver_sql("DELETE FROM record_counts")
        tx._conn.exec_driver_sql("DELETE FROM record_index")
    store.index_kind("thing", fields, counted=("colour",), fields=("colour", "size"))
    assert _counts_match_the_index(store) == kept
    store.clear()
    assert store.query("t", "thing") == (0, []) and _counts_match_the_index(store) == {}


def test_ordered_keyset_and_range_queries_agree_with_python(store: Store, monkeypatch) -> None:
    """Keys made by order_keys.key_then_tie sort, range-filter (order_keys.key_range) and
    page past a keyset mark exactly as Python compares the texts, on every backend (PostgreSQL
    compares them byte by byte, and takes the range's top character), in both plans."""
    from mockserver.core import index_query
    from mockserver.core.order_keys import key_range, key_then_tie

    texts = ["", "a", "ab", "ab!", "B", "é", "Zoë", "2026-01-05", "2026-01-05T10:00:00Z", "a"]

    def fields(doc: dict) -> dict:
        return {"by": key_then_tie(doc["text"], f"{doc['n']:04d}"), "kind": doc["kind"]}

    store.index_kind("item", fields, fields=("by", "kind"))
    with store.transaction() as tx:
        for n in range(40):
            text = texts[n % len(texts)]
            tx.put("t", "item", str(n), {"n": n, "text": text, "kind": ("x", "y", "z")[n % 3]})
    docs = [
        {"n": n, "text": texts[n % len(texts)], "kind": ("x", "y", "z")[n % 3]} for n in range(40)
    ]
    compare = {
        "lt": lambda a, b: a < b,
        "gt": lambda a, b: a > b,
        "lte": lambda a, b: a <= b,
        "gte": lambda a, b: a >= b,
    }
    for few in (5000, 0):
        monkeypatch.setattr(index_query, "FEW", few)
        monkeypatch.setattr(index_query, "WALK_AT", float("inf") if few else 1.0)
        for descending in (False, True):
            ordered = sorted(docs, key=lambda d: (d["text"], d["n"]), reverse=descending)
            total, found = store.query("t", "item", order=("by", descending))
            assert total == 40 and [d["n"] for d in found] == [d["n"] for d in ordered]
            for mark in ordered[::7]:
                after = key_then_tie(mark["text"], f"{mark['n']:04d}")
                total, found = store.query(
                    "t",
                    "item",
                    any_of={"kind": ["x", "z"]},
                    order=("by", descending),
                    after=after,
                    limit=5,
                )
                rest = ordered[ordered.index(mark) + 1 :]
                rest = [d for d in rest if d["kind"] in ("x", "z")]
                assert [d["n"] for d in found] == [d["n"] for d in rest[:5]]
                assert total == len([d for d in docs if d["kind"] in ("x", "z")])
            for op, bound in [
                (op, b) for op in compare for b in ("a", "ab", "B", "é", "2026-01-05")
            ]:
                leading = len(bound) == 10
                wanted = [
                    d
                    for d in ordered
                    if d["text"]
                    and compare[op](d["text"][: len(bound)] if leading else d["text"], bound)
                ]
                total, found = store.query(
                    "t",
                    "item",
                    between={"by": key_range(op, bound, leading)},
                    order=("by", descending),
                    offset=1,
                    limit=30,
                )
                assert total == len(wanted), (op, bound)
                assert [d["n"] for d in found] == [d["n"] for d in wanted[1:31]], (op, bound)


def test_ordered_fields_break_ties_on_the_tie_field_ascending_both_ways(
    store: Store, monkeypatch
) -> None:
    """An ordered field (index_kind's `ordered`, with a `tie`) sorts as Python's stable sort
    by (value is None, value) does, ties in tie order whichever the direction: every page
    from the front and from the back, with a filter, in both plans, on every backend (the
    descending index is declared descending; PostgreSQL compares the texts byte by byte)."""
    from mockserver.core import index_query
    from mockserver.core.order_keys import sort_value

    names = ["b", None, "a", "", "é", "b", "Zoë", None, "ab", "a"]

    def fields(doc: dict) -> dict:
        return {
            "by:name": sort_value(doc["name"]),
            "tie": f"{doc['made']:04d}",
            "kind": doc["kind"],
        }

    store.index_kind(
        "item", fields, fields=("kind", "by:name", "tie"), ordered=("by:name",), tie="tie"
    )
    docs = [
        # made (the tie) differs from the write order: ties follow the tie, not the writes
        {"made": (n * 7) % 40, "name": names[n % len(names)], "kind": "xy"[n % 2]}
        for n in range(40)
    ]
    with store.transaction() as tx:
        for n, doc in enumerate(docs):
            tx.put("t", "item", f"i{n}", doc)
    for few in (5000, 0):
        monkeypatch.setattr(index_query, "FEW", few)
        monkeypatch.setattr(index_query, "WALK_AT", float("inf") if few else 1.0)
        for descending in (False, True):
            for kind in (None, "x"):
                chosen = [d for d in docs if kind is None or d["kind"] == kind]
                by_tie = sorted(chosen, key=lambda d: d["made"])
                wanted = sorted(
                    by_tie,
                    key=lambda d: (d["name"] is None, d["name"] or ""),
                    reverse=descending,
                )
                equal = {"kind": kind} if kind else {}
                for offset in range(0, len(wanted), 3):
                    total, found = store.query(
                        "t", "item", equal, order=("by:name", descending), offset=offset, limit=3
                    )
                    assert total == len(wanted)
                    assert found == wanted[offset : offset + 3], (few, descending, kind, offset)
    with pytest.raises(ValueError, match="no keyset paging"):
        store.query("t", "item", order=("by:name", True), after="0a", limit=3)


def test_ordered_fields_are_declared_with_a_tie_of_their_own(store: Store) -> None:
    def fields(doc: dict) -> dict:
        return {}

    for ordered, tie, counted in [
        (("a",), None, ()),  # no tie
        (("a",), "a", ()),  # the tie is one of them
        (("a",), "z", ()),  # the tie is not a field
        (("a",), "b", ("a",)),  # counted
        (("q",), "b", ()),  # not a field
    ]:
        with pytest.raises(ValueError):
            store.index_kind("item", fields, counted, fields=("a", "b"), ordered=ordered, tie=tie)


def test_a_cleared_file_store_is_a_fresh_file_that_survives_a_restart(tmp_path) -> None:
    """A data directory's reset puts an empty file in place (secrets copied): what was cleared
    does not come back after a restart, what was written after the reset does, and no WAL or
    half-made file is left beside it."""
    url = sqlite_file_url(tmp_path)
    store = Store(url)
    store.index_kind("thing", lambda doc: {"colour": doc["colour"]}, fields=("colour",))
    secret = store.secret("signing", lambda: "kept")
    with store.transaction() as tx:
        for number in range(50):
            tx.insert("t", "thing", str(number), {"colour": "red"})
        tx.claim("t", "name", "x", "thing", "1")
    store.clear()
    assert store.query("t", "thing", {"colour": "red"}) == (0, [])
    with store.transaction() as tx:
        tx.insert("t", "thing", "after", {"colour": "blue"})
        tx.claim("t", "name", "x", "thing", "after")  # released by the reset
    store.close()
    assert sorted(path.name for path in tmp_path.iterdir()) == ["mockserver.sqlite3"]
    reopened = Store(url)
    reopened.index_kind("thing", lambda doc: {"colour": doc["colour"]}, fields=("colour",))
    assert reopened.secret("signing", lambda: "new") == secret == "kept"
    assert reopened.list("t", "thing") == [{"colour": "blue"}]
    assert reopened.query("t", "thing", {"colour": "blue"})[0] == 1
    assert reopened.query("t", "thing", {"colour": "red"})[0] == 0
    reopened.close()


def test_a_kind_indexed_another_way_before_is_indexed_afresh(tmp_path) -> None:
    """A data directory from an older version: its index tables of a row per field, or of
    other columns, are dropped, and a kind whose fields changed (here: one added, and the
    first one counted now) is indexed again when the new version declares it."""
    url = sqlite_file_url(tmp_path)
    old = Store(url)
    old.index_kind("thing", lambda doc: {"colour": doc["colour"]}, fields=("colour",))
    with old.transaction() as tx:
        for number in range(30):
            tx.insert(
                "t", "thing", str(number), {"colour": ("red", "blue")[number % 2], "n": number}
            )
        tx._conn.exec_driver_sql("CREATE TABLE record_fields (tenant TEXT, kind TEXT)")
        tx._conn.exec_driver_sql("DROP TABLE record_index")  # and one of another shape
        tx._conn.exec_driver_sql("CREATE TABLE record_index (scope INTEGER, value TEXT)")
    old.close()
    new = Store(url)
    with new.transaction() as tx:
        tables = tx._conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type = 'table'")
        assert "record_fields" not in {row[0] for row in tables}

    def fields(doc: dict) -> dict:
        return {"parity": str(doc["n"] % 2 == 0), "colour": doc["colour"]}

    new.index_kind("thing", fields, ("colour",), fields=("colour", "parity"))
    assert new.query("t", "thing", {"colour": "red"})[0] == 15
    assert new.query("t", "thing", {"parity": "True", "colour": "red"})[0] == 15
    assert new.query("t", "thing", {"parity": "False", "colour": "red"})[0] == 0
    new.close()


def test_fields_must_be_declared_when_a_kind_is_indexed(store: Store) -> None:
    with pytest.raises(ValueError, match="at most 20 distinct uncounted"):
        store.index_kind("wide", lambda doc: {}, fields=[f"f{n}" for n in range(21)])
    with pytest.raises(ValueError, match="at most 4 counted"):
        store.index_kind("wide", lambda doc: {}, "abcde", fields="abcde")
    with pytest.raises(ValueError, match="not indexed"):
        store.index_kind("odd", lambda doc: {}, ("size",), fields=("colour",))
    store.index_kind("thing", lambda doc: {"colour": "red", "size": "s"}, fields=("colour",))
    with pytest.raises(ValueError, match="'size' was not declared"):
        with store.transaction() as tx:
            tx.insert("t", "thing", "1", {})
    assert store.get("t", "thing", "1") is None  # nothing of that transaction was kept


def test_tenants_first_written_at_once_get_one_index_scope_each(store: Store) -> None:
    """The first record of a tenant and kind gives them a code in `index_scopes`; many writers
    doing that at once (threads here; servers on PostgreSQL) agree on one code, and every
    record is found by it."""
    store.index_kind("thing", lambda doc: {"colour": doc["colour"]}, fields=("colour",))
    failures: list[BaseException] = []
    # New names each run: a shared database keeps the codes of earlier runs.
    tenants = [f"{uuid.uuid4()}-{name}" for name in "abc"]

    def write(worker: int) -> None:
        try:
            for tenant in tenants:
                with store.transaction() as tx:
                    tx.insert(tenant, "thing", f"w{worker}", {"colour": "red"})
        except BaseException as exc:  # noqa: BLE001 - reported below
            failures.append(exc)

    threads = [threading.Thread(target=write, args=(worker,)) for worker in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not failures
    for tenant in tenants:
        total, docs = store.query(tenant, "thing", {"colour": "red"})
        assert total == 8 and len(docs) == 8


def test_journal_batches_keep_their_order_and_their_text(store: Store) -> None:
    """A batch is numbered in the order given, after the batches before it, and each entry
    comes back as it went in: non-ASCII, quotes, an escaped NUL, nested values (on
    PostgreSQL one statement carries the whole batch as one JSON array)."""
    odd = {"path": '/a"b', "body": "é\u0000 ☃ \\n", "headers": {"X": ["1", {"y": None}]}}
    batches = [
        [{"path": f"/{b}/{i}", "n": i} for i in range(size)] for b, size in enumerate((1, 40, 3))
    ]
    batches[1][17] = odd
    for batch in batches:
        store.append_entries(batch)
    store.append_entries([])  # nothing to write: no statement, no error
    found = store.latest_entries(1000)
    assert [doc for _, doc in found] == [doc for batch in batches for doc in batch]
    numbers = [number for number, _ in found]
    assert numbers == sorted(numbers) and len(set(numbers)) == len(numbers) == 44


def test_trimming_the_journal_keeps_the_newest_entries(store: Store) -> None:
    store.trim_entries(10)  # an empty journal: nothing to trim, no error
    store.append_entries([{"n": i} for i in range(30)])
    store.trim_entries(10)
    assert [doc["n"] for _, doc in store.latest_entries(1000)] == list(range(20, 30))
    store.append_entries([{"n": 30}])
    store.trim_entries(10)
    assert [doc["n"] for _, doc in store.latest_entries(1000)] == list(range(21, 31))


def test_column_indexes_are_partial_on_every_store(tmp_path) -> None:
    """Each index column's indexes hold only the rows with a value there, on SQLite and
    PostgreSQL alike; PostgreSQL's is said only when a store on it is made (core/tables.py),
    so a start on SQLite does not import the PostgreSQL dialect."""
    from sqlalchemy import create_engine, text

    url = pg_url()
    outsider = create_engine(url)
    with outsider.begin() as conn:  # as a database no store has used yet
        conn.execute(text("DROP TABLE IF EXISTS record_index CASCADE"))
    store = Store(url)
    try:
        with outsider.connect() as conn:
            found = dict(
                conn.execute(
                    text(
                        "SELECT indexname, indexdef FROM pg_indexes "
                        "WHERE indexname IN ('ix_record_index_f0', 'ix_record_index_o0_down')"
                    )
                ).all()
            )
    finally:
        store.close()
        outsider.dispose()
    assert found["ix_record_index_f0"].endswith("WHERE (f0 IS NOT NULL)")
    assert found["ix_record_index_o0_down"].endswith("WHERE (o0 IS NOT NULL)")
    sqlite = Store(sqlite_file_url(tmp_path))
    try:
        with sqlite.engine.connect() as conn:
            made = conn.execute(
                text("SELECT sql FROM sqlite_master WHERE name = 'ix_record_index_f0'")
            ).scalar_one()
    finally:
        sqlite.close()
    assert made.endswith("WHERE f0 IS NOT NULL")


def _new_postgres_store() -> tuple[Store, object]:
    """A store on tables PostgreSQL has no statistics for yet (a new database)."""
    from sqlalchemy import create_engine, text

    url = pg_url()
    outsider = create_engine(url)
    with outsider.begin() as conn:
        conn.execute(text("DROP TABLE IF EXISTS records, record_index CASCADE"))
    return Store(url), outsider


def _rows_known(outsider, table: str) -> float:
    """How many rows PostgreSQL's planner believes `table` holds (-1: never looked)."""
    from sqlalchemy import text

    with outsider.connect() as conn:
        return conn.execute(
            text("SELECT reltuples FROM pg_class WHERE relname = :table"), {"table": table}
        ).scalar_one()


def test_the_planner_learns_of_a_bulk_write_before_the_next_read() -> None:
    """Statistics are gathered at the commit of a transaction that wrote many records, so a
    list read right after is planned for the tables as they are (core/pg_statistics.py)."""
    store, outsider = _new_postgres_store()
    try:
        assert _rows_known(outsider, "records") <= 0
        with store.transaction() as tx:
            for number in range(300):
                tx.insert("t", "thing", str(number), {"n": number})
        assert _rows_known(outsider, "records") >= 300
    finally:
        store.close()
        outsider.dispose()


def test_the_planner_learns_of_many_small_writes_soon_after() -> None:
    store, outsider = _new_postgres_store()
    try:
        for start in range(0, 300, 30):
            with store.transaction() as tx:
                for number in range(start, start + 30):
                    tx.insert("t", "thing", str(number), {"n": number})
        deadline = time.monotonic() + 10
        while _rows_known(outsider, "records") < 200 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert _rows_known(outsider, "records") >= 200  # gathered once 200 were written
    finally:
        store.close()
        outsider.dispose()


def test_a_clear_writes_the_refill_in_place_of_everything(store: Store) -> None:
    """Store.clear(refill): the fixtures come back before anyone sees the store (on SQLite
    under its lock, on PostgreSQL in the truncating transaction; tests/unit/test_pg_reset.py
    and tests/e2e/test_reset_under_load.py show no one sees between)."""
    with store.transaction() as tx:
        tx.insert("a", "thing", "made", {"v": 1})
        tx.claim("a", "name", "x", "thing", "made")

    def refill() -> None:
        with store.transaction() as tx:
            tx.insert("a", "fixture", "group", {"v": 2})
            tx.claim("a", "name", "x", "fixture", "group")  # the old claim is gone

    store.clear(refill=refill)
    assert store.get("a", "thing", "made") is None
    assert store.list("a", "fixture") == [{"v": 2}]
    with store.transaction() as tx:
        assert tx.holder("a", "name", "x") == ("fixture", "group")
