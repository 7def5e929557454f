"""A column equal to one of a long list of values, with the list as one statement parameter.

Why: `column IN (…)` takes a parameter per value, and a statement may carry at most 65,535 on
PostgreSQL's protocol (32,766 on SQLite); a client's `[in]` list may be longer. A list longer
than `LONG` goes whole: an array on PostgreSQL (`= ANY`), JSON text on SQLite
(`IN (SELECT value FROM json_each(…))`). Both still look the values up in the column's index,
so a long list costs its own length, not the tenant's size. Shorter lists keep `IN`, whose
statements SQLAlchemy caches.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from sqlalchemy import ARRAY, Boolean, Text, bindparam
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
def _as_array(element: OneOf, compiler: Any, **kw: Any) -> str:
    column = compiler.process(element.column, **kw)
    values = compiler.process(bindparam(None, element.values, type_=ARRAY(Text)), **kw)
    return f"{column} = ANY({values})"


@compiles(OneOf)
def _as_json(element: OneOf, compiler: Any, **kw: Any) -> str:
    column = compiler.process(element.column, **kw)
    values = compiler.process(bindparam(None, json.dumps(element.values), type_=Text), **kw)
    return f"{column} IN (SELECT value FROM json_each({values}))"


def one_of(column: Any, values: Sequence[str]) -> Any:
    """`column IN values`, as one parameter when the list is long."""
    return column.in_(values) if len(values) <= LONG else OneOf(column, values)
