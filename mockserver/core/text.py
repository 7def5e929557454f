"""Small text checks the providers share."""

from __future__ import annotations


def ascii_digits(text: str) -> bool:
    """Whether `text` is made only of 0-9. (`str.isdigit` also accepts "²" and other digits
    that `int()` refuses: a path id of "²" once made a 500 that schemathesis found.)"""
    return bool(text) and text.isascii() and text.isdigit()
