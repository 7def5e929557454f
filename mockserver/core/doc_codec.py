"""How a record's document is kept in the store's `doc` column.

A file or PostgreSQL store keeps JSON text: any SQL client can read it, and older versions wrote
it. The in-memory store keeps the same text deflated (`pack`): the documents were the largest
part of a big sandbox's memory (100,000 VEC certificates: 66 of 238 MB of database), and the
records of one kind repeat the same keys and much of the same values. Each kind gets a
dictionary once, its first document's text, so a 534-byte certificate keeps only what differs
from that one (bench/growth.py measured the result; see bench/RESULTS.md).

`load` reads both forms (text is `str`, packed is `bytes`), so readers need not know which
store they read. The dictionaries live as long as the process, as the in-memory databases whose
documents need them do; there are at most 255 (one per kind, kinds are a fixed set in code), and
a kind beyond that is deflated without one.
"""

from __future__ import annotations

import json
import threading
import zlib
from typing import Any

# Raw deflate (no header or checksum: SQLite keeps the bytes) over a 4 KiB window, at the
# fastest level and the smallest state: a certificate took 3.6 µs to pack this way against 48 µs
# with zlib's defaults, whose 32 KiB window and state are set up for every call; a dictionary
# or a document beyond the window is only partly used, which costs size, not correctness.
WINDOW_BITS = -12
WINDOW_BYTES = 1 << -WINDOW_BITS
LEVEL = 1
STATE_LEVEL = 1
MAX_DICTIONARIES = 255  # one byte names the dictionary; 0 is "none"

_dictionaries: list[bytes] = [b""]
_of_kind: dict[str, int] = {}
_registering = threading.Lock()


def dumps(doc: dict) -> str:
    """The text form: compact, keys sorted (equal documents give equal text)."""
    return json.dumps(doc, separators=(",", ":"), sort_keys=True, default=str)


def text(_kind: str, doc: dict) -> str:
    """What a file or PostgreSQL store writes."""
    return dumps(doc)


def pack(kind: str, doc: dict) -> bytes:
    """What the in-memory store writes: the text deflated with the kind's dictionary, after one
    byte naming that dictionary."""
    raw = dumps(doc).encode("utf-8")
    number = _of_kind.get(kind)
    if number is None:
        number = _register(kind, raw)
    dictionary = _dictionaries[number]
    if dictionary:
        packer = zlib.compressobj(
            LEVEL, zlib.DEFLATED, WINDOW_BITS, STATE_LEVEL, zlib.Z_DEFAULT_STRATEGY, dictionary
        )
    else:
        packer = zlib.compressobj(LEVEL, zlib.DEFLATED, WINDOW_BITS, STATE_LEVEL)
    return bytes((number,)) + packer.compress(raw) + packer.flush()


def load(stored: str | bytes) -> Any:
    """A document from either form."""
    if isinstance(stored, str):
        return json.loads(stored)
    dictionary = _dictionaries[stored[0]]
    if dictionary:
        unpacker = zlib.decompressobj(WINDOW_BITS, dictionary)
    else:
        unpacker = zlib.decompressobj(WINDOW_BITS)
    return json.loads(unpacker.decompress(stored[1:]) + unpacker.flush())


def _register(kind: str, first: bytes) -> int:
    """The kind's dictionary number, made from its first document (the end of it, where the
    window reaches) if it has none yet."""
    with _registering:
        number = _of_kind.get(kind)
        if number is None:
            number = len(_dictionaries) if len(_dictionaries) <= MAX_DICTIONARIES else 0
            if number:
                _dictionaries.append(first[-WINDOW_BYTES:])
            _of_kind[kind] = number
        return number
