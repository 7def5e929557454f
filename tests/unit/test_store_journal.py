"""The journal of servers sharing a store (StoreJournal): written by a background writer in
batches, never blocking the request that records an entry, bounded while the store is slow,
and flushed before it is read and when the server stops (issue 18)."""

from __future__ import annotations

import threading

from mockserver.core.journal import StoreJournal
from mockserver.core.store import Store


class GatedStore(Store):
    """A real store whose journal writes wait at a gate: a PostgreSQL that has gone slow."""

    def __init__(self) -> None:
        super().__init__()
        self.gate = threading.Event()
        self.batches: list[int] = []

    def append_entries(self, docs):
        self.gate.wait(10)
        self.batches.append(len(docs))
        super().append_entries(docs)


def _entry(number: int) -> dict:
    return {"method": "GET", "path": f"/thing/{number}", "status": 200}


def test_entries_are_numbered_in_order_and_read_after_a_flush() -> None:
    store = Store()
    journal = StoreJournal(store, size=50)
    for number in range(30):
        journal.record(_entry(number))
    found = journal.entries()  # flushes this server's queue first
    assert [entry["path"] for entry in found] == [f"/thing/{n}" for n in range(30)]
    numbers = [entry["id"] for entry in found]
    assert numbers == sorted(numbers) and len(set(numbers)) == 30
    assert journal.entries({"path": "/thing/7"})[0]["status"] == 200
    journal.close()
    store.close()


def test_a_slow_store_neither_blocks_requests_nor_grows_the_queue_past_the_journal() -> None:
    store = GatedStore()
    journal = StoreJournal(store, size=10)

    def requests() -> None:  # the writer holds the first; the queue keeps the newest 10
        for number in range(40):
            journal.record(_entry(number))

    sending = threading.Thread(target=requests)
    sending.start()
    sending.join(5)
    # every request done while the store still holds the writer at its gate
    assert not sending.is_alive() and not store.gate.is_set()
    assert journal.dropped >= 20  # (the writer took the first few before the gate)
    store.gate.set()
    paths = [entry["path"] for entry in journal.entries()]
    assert paths[-10:] == [f"/thing/{n}" for n in range(30, 40)]  # the newest, in order
    assert max(store.batches) > 1  # written in batches, not one transaction per entry
    journal.close()
    store.close()


def test_the_writer_waits_for_a_few_entries_rather_than_writing_each_alone() -> None:
    """Twenty requests a few milliseconds apart, as under load: a batch or two, not twenty
    statements (the writer lingers LINGER_SECONDS after the first entry it finds; set long
    here, so that a slow machine stretching the sleeps cannot split the batch)."""
    import time

    store = GatedStore()
    store.gate.set()
    journal = StoreJournal(store, size=100)
    journal.LINGER_SECONDS = 0.5
    for number in range(20):
        journal.record(_entry(number))
        time.sleep(0.005)
    assert len(journal.entries()) == 20
    assert sum(store.batches) == 20 and len(store.batches) <= 3
    journal.close()
    store.close()


def test_stopping_stores_what_was_queued() -> None:
    store = GatedStore()
    journal = StoreJournal(store, size=100)
    for number in range(25):
        journal.record(_entry(number))
    store.gate.set()
    journal.close()  # as the server does on shutdown
    assert [doc["path"] for _, doc in store.latest_entries(100)] == [
        f"/thing/{n}" for n in range(25)
    ]
    store.close()


def test_masking_skips_only_texts_the_patterns_could_not_match() -> None:
    """mask_text first looks for the secret names in a folded copy of the text; each letter
    of a name, in every character the patterns take for it (ignoring case: the long s, the
    Kelvin sign, the dotted and dotless i), still gets the name masked."""
    import re

    from mockserver.core.journal import SECRET_JSON, SECRET_NAME_LIST, SECRET_PARAMS, mask_text

    def full(text: str) -> str:
        return SECRET_JSON.sub(r"\1***", SECRET_PARAMS.sub(r"\1***", text))

    variants: dict[str, list[str]] = {}
    for letter in set("".join(SECRET_NAME_LIST).lower()):
        variants[letter] = [
            chr(cp) for cp in range(0x250) if re.fullmatch(re.escape(letter), chr(cp), re.I)
        ] + [c for c in "\u212a\u017f\u0130\u0131" if re.fullmatch(letter, c, re.I)]
    texts = ["", "a=1", "tokens=1", "paßword=1", '{"name": "x"}']
    for name in SECRET_NAME_LIST:
        for place, letter in enumerate(name.lower()):
            for other in variants.get(letter, []):
                spelled = name[:place] + other + name[place + 1 :]
                texts += [f"?{spelled}=abc&b=2", f'{{"{spelled}": "abc"}}']
    assert len(texts) > 400
    for text in texts:
        assert mask_text(text) == full(text), text
    assert mask_text("?ap\u0130_key=abc") == "?ap\u0130_key=***"
