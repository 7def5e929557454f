from mockserver.core.errors import ValidationFailed, flatten_marshmallow


def test_nested_marshmallow_errors_become_field_paths() -> None:
    flat = flatten_marshmallow(
        {
            "items": {0: {"fields": {"name": ["required"]}}, 2: {"id": ["dup", "blank"]}},
            "top": ["bad"],
            "_schema": ["whole"],
        }
    )
    assert flat == {
        "items[0].fields.name": ["required"],
        "items[2].id": ["dup", "blank"],
        "top": ["bad"],
        "": ["whole"],
    }


def test_summary_names_the_first_error_and_counts_the_rest() -> None:
    failed = ValidationFailed({"a.b": ["x is wrong", "y"], "c": ["z"]})
    assert failed.summary() == "a.b: x is wrong (and 2 more errors)"
    assert ValidationFailed({"a": ["one"]}).summary() == "a: one"
