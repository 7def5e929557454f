"""Close the response schemas of a contract: every object schema that lists its properties
gets `additionalProperties: false` (or `unevaluatedProperties: false` where it composes with
allOf), so a contract test notices a field the mock adds that the provider never documented.

Components that request bodies or parameters also use are left open (closing them would make
negative tests expect refusals of extra request fields, which the providers' frameworks
ignore); they are listed on stdout. Run: python tools/close_response_schemas.py contracts/x.yaml
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import yaml

REF = "#/components/schemas/"
COMPOSERS = ("allOf", "oneOf", "anyOf")


def _refs(node: Any, found: set[str], schemas: dict[str, Any]) -> None:
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith(REF):
            name = ref[len(REF) :]
            if name not in found:
                found.add(name)
                _refs(schemas.get(name), found, schemas)
        for value in node.values():
            _refs(value, found, schemas)
    elif isinstance(node, list):
        for value in node:
            _refs(value, found, schemas)


def request_components(document: dict[str, Any]) -> set[str]:
    schemas = document.get("components", {}).get("schemas", {})
    found: set[str] = set()
    for item in document.get("paths", {}).values():
        for operation in item.values():
            if not isinstance(operation, dict):
                continue
            _refs(operation.get("requestBody"), found, schemas)
            _refs(operation.get("parameters"), found, schemas)
        _refs(item.get("parameters"), found, schemas)
    return found


class Closer:
    def __init__(self, document: dict[str, Any]) -> None:
        self.schemas = document.get("components", {}).get("schemas", {})
        self.open_components = request_components(document)
        self.closed: set[str] = set()
        self.skipped: set[str] = set()
        self.seen: set[int] = set()

    def close(self, node: Any, in_all_of: bool = False) -> None:
        if not isinstance(node, dict) or id(node) in self.seen:
            return
        self.seen.add(id(node))
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith(REF):
            name = ref[len(REF) :]
            if name in self.open_components:
                self.skipped.add(name)
            elif name not in self.closed:
                self.closed.add(name)
                self.close(self.schemas.get(name), in_all_of)
            return
        if "allOf" in node:
            if not in_all_of and "unevaluatedProperties" not in node:
                node["unevaluatedProperties"] = False
            for part in node["allOf"]:
                self.close(part, in_all_of=True)
        for key in ("oneOf", "anyOf"):
            for part in node.get(key, []):
                self.close(part, in_all_of)
        properties = node.get("properties")
        if isinstance(properties, dict) and properties:
            if not in_all_of and "allOf" not in node and "additionalProperties" not in node:
                node["additionalProperties"] = False
            for value in properties.values():
                self.close(value)
        items = node.get("items")
        if isinstance(items, dict):
            self.close(items)

    def close_responses(self, document: dict[str, Any]) -> None:
        for item in document.get("paths", {}).values():
            for operation in item.values():
                if not isinstance(operation, dict):
                    continue
                for response in operation.get("responses", {}).values():
                    for media in (response.get("content") or {}).values():
                        self.close(media.get("schema"))


def main(path: str) -> None:
    source = Path(path)
    text = source.read_text(encoding="utf-8")
    header = []
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        header.append(line)
    document = yaml.safe_load(text)
    closer = Closer(document)
    closer.close_responses(document)
    best = min(
        (
            yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=width)
            for width in (80, 100, 120)
        ),
        key=lambda out: sum(1 for line in out.splitlines() if line not in text),
    )
    source.write_text("\n".join([*header, best.rstrip("\n")]) + "\n", encoding="utf-8")
    print(f"{path}: closed {len(closer.closed)} components; left open (used by requests too):")
    for name in sorted(closer.skipped):
        print(f"  {name}")


if __name__ == "__main__":
    for argument in sys.argv[1:]:
        main(argument)
