"""Springest answers in XML or JSON, chosen by the path's extension (`.xml`, `.json`).

The XML is what Rails' `to_xml` writes, as Springest's own API examples show: dasherized
element names (`certification-id`), `type="integer|boolean|date|dateTime|array"` attributes,
`nil="true"` for empty values, arrays as a plural root with singular children. JSON carries the
same data under the same root name with underscored keys.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from typing import Any

from flask import Response, request

_DATE_TEXT = re.compile(r"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}(\.\d+)?Z?)?$")
XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n'
# Fields whose XML element carries a date type (Rails marks Date and Time columns).
DATE_TYPES = {
    "valid_from": "date",
    "valid_until": "date",
    "created_at": "dateTime",
    "updated_at": "dateTime",
    "verified_at": "dateTime",
}


def requested_format() -> str:
    """`xml` for a path ending in .xml; otherwise `json` (the certificates article's format)."""
    return "xml" if request.path.endswith(".xml") else "json"


def singular(name: str) -> str:
    if name.endswith("ies"):
        return name[:-3] + "y"
    if name.endswith("s"):
        return name[:-1]
    return name


def _element(name: str, value: Any) -> ET.Element:
    element = ET.Element(name.replace("_", "-"))
    if value is None:
        kind = DATE_TYPES.get(name)
        if kind:
            element.set("type", kind)
        element.set("nil", "true")
    elif isinstance(value, bool):
        element.set("type", "boolean")
        element.text = "true" if value else "false"
    elif isinstance(value, int):
        element.set("type", "integer")
        element.text = str(value)
    elif isinstance(value, float):
        element.set("type", "float")
        element.text = repr(value)
    elif isinstance(value, dict):
        for key, item in value.items():
            element.append(_element(str(key), item))
    elif isinstance(value, list):
        element.set("type", "array")
        for item in value:
            element.append(_element(singular(name), item))
    else:
        kind = DATE_TYPES.get(name)
        if kind and _DATE_TEXT.match(str(value)):
            element.set("type", kind)
        element.text = str(value)
    return element


def to_xml(root: str, value: Any) -> str:
    element = _element(root, value)
    ET.indent(element, space="  ")
    return XML_DECLARATION + ET.tostring(element, encoding="unicode") + "\n"


def respond(
    root: str, value: Any, status: int = 200, fmt: str | None = None, json_root: bool = True
) -> Response:
    """`value` under `root` in the requested format; `json_root=False` leaves JSON bare (a
    hash rendered by Rails has the root element `hash` in XML only)."""
    fmt = fmt or requested_format()
    if fmt == "xml":
        return Response(to_xml(root, value), status=status, mimetype="application/xml")
    body = json.dumps({root: value} if json_root else value, ensure_ascii=False)
    return Response(body, status=status, mimetype="application/json")
