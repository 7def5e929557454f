"""Durations as people write them, for every control input that takes one: a number of
seconds, or a number with a unit (`90s`, `15m`, `48h`, `2d`, `2w`)."""

from __future__ import annotations

import math
import re
from typing import Any

UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
MAX_SECONDS = 100 * 365 * 86400  # a century either way: beyond it a clock means nothing
ALLOWED = "seconds as a number, or a number with a unit: 90s, 15m, 48h, 2d, 2w"
_FORM = re.compile(r"^([+-]?\d+(?:\.\d+)?)\s*([smhdw]?)$")


def parse_duration(value: Any, *, allow_negative: bool = True) -> float:
    """Seconds; ValueError naming the allowed forms when `value` is not one of them."""
    if isinstance(value, bool):
        raise ValueError(f"a duration is {ALLOWED}; not {value!r}")
    if isinstance(value, int | float):
        seconds = float(value)
    else:
        match = _FORM.match(str(value).strip().lower())
        if match is None:
            raise ValueError(f"a duration is {ALLOWED}; not {str(value)[:40]!r}")
        seconds = float(match.group(1)) * UNITS.get(match.group(2) or "s", 1)
    if not math.isfinite(seconds) or abs(seconds) > MAX_SECONDS:
        raise ValueError(f"a duration is at most {MAX_SECONDS} seconds (a century)")
    if seconds < 0 and not allow_negative:
        raise ValueError(f"a duration here may not be negative; {ALLOWED}")
    return seconds
