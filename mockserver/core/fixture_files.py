"""Reading and checking fixture files: `<provider>.yaml` in a folder, or sections posted to
/_mock/fixtures.

A misspelt key or a wrong type in a fixture used to start a sandbox with no tenants and say
nothing; every request was then a 401 with no hint why. Each provider declares the shape of
its file as a marshmallow schema (`Provider.fixture_schema`, unknown keys refused), and every
problem is reported with where it is: `fixtures/accredible.yaml: accounts[0].groups[2].id: not
a valid integer`. Nothing is applied while any problem remains.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml
from marshmallow import RAISE, Schema, fields, validate

from mockserver.core.ratelimit import MAX_LIMIT, MAX_WINDOW_SECONDS, MIN_SECONDS
from mockserver.core.startup import StartupError


class FixtureError(StartupError):
    """One or more problems in fixtures; nothing of them was applied."""


class FixtureSchema(Schema):
    """Base of every provider's fixture schemas: a key the schema does not know is an error."""

    class Meta:
        unknown = RAISE


class QuotaFixture(FixtureSchema):
    """A rate limit as fixtures give it (core/ratelimit.py `quota_from`)."""

    limit = fields.Integer(strict=True, validate=validate.Range(min=1, max=MAX_LIMIT))
    window_seconds = fields.Float(validate=validate.Range(min=MIN_SECONDS, max=MAX_WINDOW_SECONDS))
    period_seconds = fields.Float(validate=validate.Range(min=MIN_SECONDS, max=MAX_WINDOW_SECONDS))


class _NoAliasLoader(yaml.SafeLoader):
    """YAML without anchors and aliases: a few hundred bytes of nested aliases expand into
    gigabytes (the "billion laughs"), and fixtures never need them."""

    def compose_node(self, parent: Any, index: Any) -> Any:  # type: ignore[override]
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.composer.ComposerError(
                None, None, "aliases (*name) are not allowed in fixtures", event.start_mark
            )
        return super().compose_node(parent, index)


# libyaml's parser, when PyYAML was built with it (its wheels are): about six times faster
# than the pure-Python one, a part of every start-up and of every fixture load.
_FAST_LOADER = getattr(yaml, "CSafeLoader", None)


def _load(text: str) -> Any:
    if _FAST_LOADER is None:
        return yaml.load(text, Loader=_NoAliasLoader)  # noqa: S506 - a SafeLoader
    # libyaml composes in C, where aliases cannot be refused on the way: its events are
    # checked first (cheap, in C too), then the text is loaded.
    for event in yaml.parse(text, Loader=_FAST_LOADER):
        if isinstance(event, yaml.AliasEvent):
            raise yaml.composer.ComposerError(
                None, None, "aliases (*name) are not allowed in fixtures", event.start_mark
            )
    return yaml.load(text, Loader=_FAST_LOADER)  # noqa: S506 - the safe loader, in C


def load_yaml(text: str, source: str) -> Any:
    """Parsed YAML, or a FixtureError naming the file, line and column of the fault."""
    try:
        return _load(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        problem = " ".join(filter(None, [exc.context, exc.problem]))
        raise FixtureError(f"{source}: {where}not valid YAML ({problem})") from None
    except yaml.YAMLError as exc:
        raise FixtureError(f"{source}: not valid YAML ({exc})") from None


def check_section(schema: Schema | None, data: Any, source: str) -> list[str]:
    """Problems with one provider's fixtures (`data` as parsed), each prefixed by `source`."""
    if data is None:
        return []
    if not isinstance(data, Mapping):
        return [f"{source}: must be a mapping of keys (got {_kind(data)})"]
    if schema is None:
        return []
    return [f"{source}: {line}" for line in _flatten(schema, schema.validate(data), [])]


def read_folder(directory: str | Path, schemas: Mapping[str, Schema | None]) -> dict[str, Any]:
    """Each provider's parsed `<name>.yaml` from the folder ({} for a provider without one).

    A folder that is missing, is a file, or holds none of the providers' files is an error:
    serving with no tenants at all is never what was meant."""
    folder = Path(directory)
    if not folder.exists():
        raise FixtureError(
            f"fixtures folder {folder} does not exist; "
            "pass --fixtures-dir with a folder of <provider>.yaml files"
        )
    if not folder.is_dir():
        raise FixtureError(f"fixtures folder {folder} is a file, not a folder")
    expected = ", ".join(f"{name}.yaml" for name in schemas)
    if not any((folder / f"{name}.yaml").exists() for name in schemas):
        raise FixtureError(f"fixtures folder {folder} holds none of {expected}")
    problems: list[str] = []
    found: dict[str, Any] = {}
    for name, schema in schemas.items():
        path = folder / f"{name}.yaml"
        found[name] = {}
        if not path.exists():
            continue
        if not path.is_file():
            problems.append(f"{path}: is a folder, not a file")
            continue
        try:
            data = load_yaml(path.read_text(encoding="utf-8"), str(path))
        except FixtureError as exc:
            problems += exc.problems
            continue
        except (OSError, UnicodeDecodeError) as exc:
            problems.append(f"{path}: cannot be read ({_reason(exc)})")
            continue
        section_problems = check_section(schema, data, str(path))
        problems += section_problems
        found[name] = data or {}
    if problems:
        raise FixtureError(*problems)
    return found


def check_sections(data: Mapping[str, Any], schemas: Mapping[str, Schema | None]) -> None:
    """FixtureError unless every section names a provider and fits its schema."""
    problems: list[str] = []
    for name, section in data.items():
        if name not in schemas:
            hint = _nearest(str(name), list(schemas))
            problems.append(f"{name}: not a provider{hint} (known: {', '.join(schemas)})")
            continue
        problems += check_section(schemas[name], section, name)
    if problems:
        raise FixtureError(*problems)


def _flatten(schema: Any, errors: Any, path: list[str | int]) -> list[str]:
    """marshmallow's nested error dict as `a[0].b: message` lines."""
    if isinstance(errors, Mapping):
        lines: list[str] = []
        for key, value in errors.items():
            lines += _flatten(schema, value, [*path, key])
        return lines
    messages = errors if isinstance(errors, list) else [errors]
    where = _path_text(path)
    lines = []
    for message in messages:
        text = str(message).rstrip(".")
        if text == "Unknown field":
            known = _known_keys(schema, path[:-1])
            text = f"unknown key{_nearest(str(path[-1]), known)}"
            if known:
                text += f" (known: {', '.join(known)})"
        else:
            text = text[:1].lower() + text[1:]
        lines.append(f"{where}: {text}" if where else text)
    return lines


def _known_keys(schema: Any, path: list[str | int]) -> list[str]:
    """The keys the schema accepts at `path` (the mapping holding the unknown key)."""
    current: Any = schema
    for step in path:
        if isinstance(step, int) or current is None:
            continue
        field = current.fields.get(step) if isinstance(current, Schema) else None
        while isinstance(field, fields.List):
            field = field.inner
        current = field.schema if isinstance(field, fields.Nested) else None
    return sorted(current.fields) if isinstance(current, Schema) else []


def _path_text(path: list[str | int]) -> str:
    text = ""
    for step in path:
        if isinstance(step, int):
            text += f"[{step}]"
        elif step == "_schema":
            continue
        else:
            text += f".{step}" if text else str(step)
    return text


def _nearest(word: str, choices: list[str]) -> str:
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _kind(value: Any) -> str:
    return {list: "a list", str: "a string", int: "a number", float: "a number"}.get(
        type(value), type(value).__name__
    )


def _reason(exc: BaseException) -> str:
    return getattr(exc, "strerror", None) or str(exc)
