"""Committed records (one by key, or all of a kind), remembered as the store keeps them (packed:
core/doc_codec.py), for a store that only this process writes.

Why: nearly every request reads one record by its key (a credit balance, a batch, a
certificate), and on the in-memory SQLite store that read is cheap in itself but releases the
GIL and takes the store's lock, so under concurrent load the server's threads queue behind one
another: measured with wrk, the Accredible read answered about 2,400 requests a second with
the read and about 3,500 without it (bench/RESULTS.md).

Why it cannot go stale: the store's writers hold its lock from the start of a transaction to
its commit and forget every key they touch as they touch it, and a miss is filled only under
that same lock, from committed rows. So a value found here is the committed one, unless a
writer is in the middle of changing it, and that writer has not answered its client yet.
Only for `sqlite://` in memory: a file or a PostgreSQL database may be written by another
process.
"""

from __future__ import annotations

Key = tuple[str, str, str]  # (tenant, kind, id)
MISS = object()  # what `lookup` answers for a key it has not seen


class ReadCache:
    MAX_ENTRIES = 50_000  # beyond this it starts again empty rather than grow without bound
    # Longer lists are not kept: a kind of 100,000 records would hold 90 MB until its next
    # write, and any client can ask for one (a search the index cannot narrow); such lists are
    # answered from the index's pages anyway.
    MAX_LIST = 2_000

    def __init__(self) -> None:
        self._texts: dict[Key, str | bytes | None] = {}  # None: known not to exist
        self._lists: dict[tuple[str, str], list[str | bytes]] = {}  # (tenant, kind): texts in order

    def lookup(self, key: Key) -> object:
        """The record as stored, None when it is known to be absent, or `MISS`."""
        return self._texts.get(key, MISS)

    def remember(self, key: Key, text: str | bytes | None) -> None:
        """Only under the store's lock, with what is committed."""
        if len(self._texts) >= self.MAX_ENTRIES:
            self._texts.clear()
        self._texts[key] = text

    def lookup_list(self, tenant: str, kind: str) -> list[str | bytes] | None:
        """Every record of a kind, as stored, in the store's order; None when not known."""
        return self._lists.get((tenant, kind))

    def remember_list(self, tenant: str, kind: str, texts: list[str | bytes]) -> None:
        """Only under the store's lock, with what is committed."""
        if len(texts) > self.MAX_LIST:
            return
        if len(self._lists) >= self.MAX_ENTRIES:
            self._lists.clear()
        self._lists[(tenant, kind)] = texts

    def forget(self, key: Key) -> None:
        """A record changed: its copy and its kind's list are out of date."""
        self._texts.pop(key, None)
        self._lists.pop(key[:2], None)

    def clear(self) -> None:
        self._texts.clear()
        self._lists.clear()
