"""The framework rules themselves: Ruby's to_i, Rack/PHP nesting, each router's path rules."""

from __future__ import annotations

import pytest

from mockserver.core.frameworks.laravel import LARAVEL
from mockserver.core.frameworks.nested_params import MAX_DEPTH, nest
from mockserver.core.frameworks.rails import RAILS, RAILS_WITH_FORMAT, to_i


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("5", 5),
        ("2abc", 2),
        ("{page_size}", 0),
        ("", 0),
        ("  -3", -3),
        ("+7", 7),
        ("1_000", 1000),
        ("1e3", 1),
        ("0x1A", 0),
        (12, 12),
        (3.9, 3),
        (True, 0),
        (None, 0),
        ([1], 0),
        (float("nan"), 0),
    ],
)
def test_to_i_reads_numbers_as_ruby_does(value, expected) -> None:
    assert to_i(value) == expected


def test_nesting_follows_rack_and_php() -> None:
    pairs = [
        ("email", "first@example.com"),
        ("email", "last@example.com"),
        ("certificate[email]", "nested@example.com"),
        ("certificate[dates][from]", "2024-01-01"),
        ("tags[]", "a"),
        ("tags[]", "b"),
        ("broken[", "kept"),
        ("items[][name]", "one"),
        ("items[][name]", "two"),
        (None, "an undecodable part name"),
    ]
    assert nest(pairs) == {
        "email": "last@example.com",
        "certificate": {"email": "nested@example.com", "dates": {"from": "2024-01-01"}},
        "tags": ["a", "b"],
        "broken[": "kept",
        "items": [{"name": "one"}, {"name": "two"}],
    }


def test_a_name_nested_past_the_depth_limit_stays_flat() -> None:
    name = "a" + "[x]" * (MAX_DEPTH + 1)
    assert nest([(name, "v")]) == {name: "v"}


@pytest.mark.parametrize(
    ("framework", "path", "expected"),
    [
        (RAILS, "/v1/credentials/", "/v1/credentials"),
        (RAILS, "/v1//issuer//groups/9001/", "/v1/issuer/groups/9001"),
        (RAILS, "/users/certificates.json", "/users/certificates.json"),
        (RAILS_WITH_FORMAT, "/v1/credentials/12.json", "/v1/credentials/12"),
        (RAILS_WITH_FORMAT, "/v1/all_credentials.json/", "/v1/all_credentials"),
        (RAILS_WITH_FORMAT, "/v1/credentials/.json", "/v1/credentials/.json"),
        (LARAVEL, "/business/batches/", "/business/batches"),
        (LARAVEL, "/business//batches", "/business//batches"),
        (RAILS, "/", "/"),
    ],
)
def test_paths_as_each_router_reads_them(framework, path, expected) -> None:
    assert framework.normalize_path(path) == expected
