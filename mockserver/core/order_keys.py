"""Index values that sort the way a provider's list sorts, for Store.query's `order`.

Store.query walks one indexed field in text order, so everything an order depends on has to be
inside that one value: whether the field is empty, the field itself, and a tie-break that makes
the order total. Python's stable sort (what the lists did before they were indexed) keeps ties
in creation order in both directions; a descending walk would reverse them, so a descending key
carries its tie-break mirrored. Values are cut to a prefix, so two values that share their first
PREFIX characters fall back to the tie-break (the only place the index orders differently from a
sort of the whole text).
"""

from __future__ import annotations

PREFIX = 150
_SEPARATOR = "\x01"  # below every printable character: "ab" still sorts before "ab!"


def mirrored(text: str) -> str:
    """`text` with each printable ASCII character swapped for its mirror image (" " <-> "~"):
    of two texts of the same length and shape, the smaller becomes the larger."""
    return "".join(chr(0x9E - ord(char)) if " " <= char <= "~" else char for char in text)


def sort_value(value: object) -> str:
    """The index value placing a record by the key `(value is None, str(value or ""))` in an
    ordered field (ties broken on a column of their own, tables.ORDER_COLUMNS): None after
    every value ascending, before them descending."""
    return f"{'1' if value is None else '0'}{str(value or '')[:PREFIX]}"


def sort_key(value: object, tie: str, descending: bool) -> str:
    """The index value placing a record with `value` as the key `(value is None, str(value or
    ""))` sorts it (None after every value ascending, before them descending), ties broken by
    `tie` (fixed width, in creation order) ascending either way."""
    return f"{sort_value(value)}{_SEPARATOR}{mirrored(tie) if descending else tie}"


def key_then_tie(text: str, tie: str) -> str:
    """The index value placing a record as the pair `(text, tie)` sorts it, in either
    direction (ties reverse with a descending walk, as a reversed sort of the pairs does)."""
    return f"{text[:PREFIX]}{_SEPARATOR}{tie}"


_ABOVE_EMPTY = "\x02"  # above the key of every empty text (the separator comes first there)
_TOP = "\U0010ffff"  # above every character a text or tie-break holds


def key_range(op: str, bound: str, leading: bool = False) -> tuple[str | None, str | None] | None:
    """The inclusive range of `key_then_tie` values whose text compares to `bound` as `op`
    (lt, gt, lte or gte) says, empty texts left out; None where the keys cannot tell (a bound
    holding control characters, or longer than the keys keep). `leading` compares only the
    text's first len(bound) characters (a day against a timestamp)."""
    if not bound or len(bound) > PREFIX or min(bound) <= _ABOVE_EMPTY:
        return None
    through_equal = bound + (_TOP if leading else _SEPARATOR + _TOP)
    return {
        "gte": (bound, None),
        "gt": (through_equal if leading else bound + _ABOVE_EMPTY, None),
        "lt": (_ABOVE_EMPTY, bound),
        "lte": (_ABOVE_EMPTY, through_equal),
    }.get(op)
