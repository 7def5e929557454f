"""Documents in the store's `doc` column: deflated in memory, JSON text elsewhere."""

import json
import sqlite3
import zlib

import pytest

from mockserver.core import doc_codec
from mockserver.core.store import Store, sqlite_file_url

CERTIFICATE = {
    "uuid": "671c2a56-3430-47a9-9c50-54c8d7c32761",
    "name": "Zoë Łukasiewicz",
    "email": "zoe@example.org",
    "status": "generated",
    "custom_data": {"cohort": "2026-Q4", "score": 9.5, "tags": ["a", None, True]},
    "issue_date": "2026-12-01T00:00:00.000000Z",
}


def test_a_packed_document_reads_back_equal_and_smaller_after_the_first() -> None:
    kind = "codec_test_certificate"
    first = doc_codec.pack(kind, CERTIFICATE)
    second_doc = {**CERTIFICATE, "uuid": "0d3b6f4e-9c1a-4b7e-8f2d-5a6c7e8f9a0b", "name": "Noah"}
    second = doc_codec.pack(kind, second_doc)
    assert doc_codec.load(first) == CERTIFICATE
    assert doc_codec.load(second) == second_doc
    assert first[0] == second[0] != 0  # one dictionary for the kind
    # What differs from the kind's first document is all that is kept of the next one.
    assert len(second) < len(doc_codec.dumps(second_doc)) / 3


def test_text_reads_back_and_is_the_compact_sorted_form() -> None:
    stored = doc_codec.text("any", {"b": 1, "a": "é"})
    assert stored == '{"a":"\\u00e9","b":1}'  # as older versions wrote it
    assert doc_codec.load(stored) == {"b": 1, "a": "é"}


def test_a_document_larger_than_the_window_and_its_dictionary_round_trip() -> None:
    kind = "codec_test_large"
    big = {"evidence": ["x" * 5000, "é" * 3000], "n": list(range(2000))}
    doc_codec.pack(kind, big)  # the dictionary is the end of this one
    other = {**big, "n": list(range(3000, 5000))}
    assert doc_codec.load(doc_codec.pack(kind, other)) == other
    assert len(doc_codec._dictionaries[doc_codec._of_kind[kind]]) == doc_codec.WINDOW_BYTES


def test_kinds_beyond_the_dictionaries_are_deflated_without_one(monkeypatch) -> None:
    monkeypatch.setattr(doc_codec, "_dictionaries", [b""] + [b"{}"] * doc_codec.MAX_DICTIONARIES)
    monkeypatch.setattr(doc_codec, "_of_kind", {})
    packed = doc_codec.pack("codec_test_one_too_many", CERTIFICATE)
    assert packed[0] == 0
    assert doc_codec.load(packed) == CERTIFICATE
    assert json.loads(zlib.decompress(packed[1:], doc_codec.WINDOW_BITS)) == CERTIFICATE


@pytest.mark.parametrize("where", ["memory", "file"])
def test_each_store_keeps_the_form_its_readers_need(where: str, tmp_path) -> None:
    url = "sqlite://" if where == "memory" else sqlite_file_url(tmp_path)
    store = Store(url)
    try:
        with store.transaction() as tx:
            tx.insert("t", "codec_test_stored", "1", CERTIFICATE)
            tx.put("t", "codec_test_stored", "2", {**CERTIFICATE, "name": "B"})
            tx.locked("t", "codec_test_stored", "3", {"n": 0})
        assert store.get("t", "codec_test_stored", "1") == CERTIFICATE
        assert [doc["name"] for doc in store.list("t", "codec_test_stored")[:2]] == [
            "Zoë Łukasiewicz",
            "B",
        ]
        assert store.get("t", "codec_test_stored", "3") == {"n": 0}
        assert [row["doc"] for row in store.dump(kind="codec_test_stored")][0] == CERTIFICATE
        with store.engine.connect() as conn:
            kept = conn.exec_driver_sql("SELECT doc FROM records WHERE id = '1'").scalar_one()
        if where == "memory":
            assert isinstance(kept, bytes) and doc_codec.load(kept) == CERTIFICATE
        else:  # another process (sqlite3, an older version) reads JSON text
            assert json.loads(kept) == CERTIFICATE
            store.close()
            with sqlite3.connect(tmp_path / "mockserver.sqlite3") as raw:
                (text,) = raw.execute("SELECT doc FROM records WHERE id = '2'").fetchone()
            assert json.loads(text)["name"] == "B"
    finally:
        store.close()
