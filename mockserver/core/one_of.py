"""A column equal to one of a long list of values, with the list as one statement parameter.

Why: `column IN (…)` takes a parameter per value, and a statement may carry at most 65,535 on
PostgreSQL's protocol (32,766 on SQLite); a client's `[in]` list may be longer. A list longer
than `LONG` goes whole, as JSON text, which each database reads as rows (`json_each` on
SQLite, `jsonb_array_elements_text` on PostgreSQL), and the values are still looked up in the
column's index: a long list costs its own length, not the tenant's size. (On PostgreSQL a text
array with `= ANY` took 556 ms for 200,000 values to JSON's 72, most of it the driver making
the array.) Shorter lists keep `IN`, whose statements SQLAlchemy caches.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Boolean, Text, bindparam
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import ColumnElement

LONG = 1000


class OneOf(ColumnElement[bool]):
    """`column` equals one of `values` (compiled per dialect below)."""

    inherit_cache = False  # the values are part of the statement: it is compiled each time
    type = Boolean()

    def __init__(self, column: Any, values: Sequence[str]) -> None:
        self.column = column
        self.values = list(values)


@compiles(OneOf, "postgresql")
def _from_jsonb(element: OneOf, compiler: Any, **kw: Any) -> str:
    column, values = _parts(element, compiler, **kw)
    return f"{column} IN (SELECT jsonb_array_elements_text(CAST({values} AS jsonb)))"


@compiles(OneOf)
def _from_json(element: OneOf, compiler: Any, **kw: Any) -> str:
    column, values = _parts(element, compiler, **kw)
    return f"{column} IN (SELECT value FROM json_each({values}))"


def _parts(element: OneOf, compiler: Any, **kw: Any) -> tuple[str, str]:
    """The column and the values (one JSON text parameter) as the statement names them."""
    values = bindparam(None, json.dumps(element.values), type_=Text)
    return compiler.process(element.column, **kw), compiler.process(values, **kw)


def one_of(column: Any, values: Sequence[str]) -> Any:
    """`column IN values`, as one parameter when the list is long."""
    return column.in_(values) if len(values) <= LONG else OneOf(column, values)
