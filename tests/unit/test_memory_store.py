"""The default store keeps its pages in memory up to a setting, and the rest in a temporary
file that nothing outside the process can reach (core/store.py, _private_database).

What is asserted is what an operator relies on: every record reads back whole however far the
sandbox outgrew the setting, the overflow sits in a file already unlinked (so a killed server
leaves nothing behind), and a reset or a stop lets go of it."""

from __future__ import annotations

import os
import secrets
import time
from pathlib import Path

import pytest

from mockserver.core.runtime import Runtime
from mockserver.core.store import Store
from mockserver.settings import Settings

pytestmark = pytest.mark.skipif(
    not Path("/proc/self/fd").is_dir(), reason="reads the process's open files from /proc"
)

MiB = 1024 * 1024


def _overflow_files() -> dict[str, int]:
    """SQLite's temporary files this process holds open, already unlinked: {fd: bytes}."""
    found = {}
    for fd in os.listdir("/proc/self/fd"):
        try:
            target = os.readlink(f"/proc/self/fd/{fd}")
            if "etilqs_" in target and target.endswith("(deleted)"):
                found[fd] = os.fstat(int(fd)).st_size
        except OSError:
            continue  # closed while we looked
    return found


def _wait_until(condition, seconds: float = 5.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


def _fill(store: Store, count: int) -> dict[str, dict]:
    """Documents that do not deflate much (random hex): about 4 KiB each in the store."""
    docs = {f"r{n:05d}": {"n": n, "noise": secrets.token_hex(4096)} for n in range(count)}
    ids = list(docs)
    for start in range(0, count, 100):
        with store.transaction() as tx:
            for record_id in ids[start : start + 100]:
                tx.insert("tenant", "thing", record_id, docs[record_id])
    return docs


def test_records_beyond_the_memory_setting_go_to_an_unlinked_file_and_read_back() -> None:
    before = set(_overflow_files())

    def ours() -> dict[str, int]:
        return {fd: size for fd, size in _overflow_files().items() if fd not in before}

    store = Store(memory_mb=1)
    try:
        docs = _fill(store, 800)  # about 4 MiB of pages against 1 MiB of memory
        assert len(ours()) == 1, ours()
        assert max(ours().values()) > 2 * MiB
        for record_id, doc in docs.items():
            assert store.get("tenant", "thing", record_id) == doc
        assert store.list("tenant", "thing") == [docs[key] for key in sorted(docs)]

        # The old database is closed on a thread of its own. The new one may have a file of
        # its own at once: with 1 MiB of memory, a commit of the tables' first pages fills a
        # quarter of it, which is when SQLite writes a temporary database's pages out.
        store.clear()
        assert _wait_until(lambda: len(ours()) <= 1 and max(ours().values(), default=0) < MiB)
        assert store.list("tenant", "thing") == []
        with store.transaction() as tx:
            tx.insert("tenant", "thing", "again", {"v": 1})
        assert store.get("tenant", "thing", "again") == {"v": 1}
    finally:
        store.close()
    assert _wait_until(lambda: not ours())


def test_a_small_sandbox_stays_in_memory() -> None:
    before = set(_overflow_files())
    store = Store()
    try:
        _fill(store, 200)
        assert not (set(_overflow_files()) - before)
    finally:
        store.close()


def test_the_setting_reaches_the_servers_store_and_survives_its_reset() -> None:
    runtime = Runtime(Settings(store_memory_mb=3))
    try:

        def cache_kib() -> int:
            return runtime.store._memory_connection.execute("PRAGMA cache_size").fetchone()[0]

        assert cache_kib() == -3 * 1024  # negative: KiB rather than pages
        runtime.store.clear()
        assert cache_kib() == -3 * 1024
    finally:
        runtime.close()
