from datetime import UTC, datetime, timedelta

import pytest

from mockserver.core.clock import Clock, utc_iso


def test_frozen_clock_stands_still_and_advances_exactly() -> None:
    clock = Clock()
    start = datetime(2026, 1, 1, tzinfo=UTC)
    clock.freeze(start)
    assert clock.now() == start
    clock.set(start + timedelta(hours=1))
    assert clock.now() == start + timedelta(hours=1)
    clock.set(start)
    clock.advance(48 * 3600)
    assert clock.now() == start + timedelta(hours=48)
    assert clock.describe()["frozen"] is True


def test_unfreeze_keeps_the_jump_and_runs_on() -> None:
    clock = Clock()
    clock.freeze()
    clock.advance(3600)
    frozen_at = clock.now()
    clock.unfreeze()
    assert not clock.frozen
    assert clock.now() >= frozen_at
    assert clock.now() - datetime.now(UTC) > timedelta(minutes=59)


def test_reset_returns_to_real_time_and_backwards_is_refused() -> None:
    clock = Clock()
    clock.advance(86400)
    clock.reset()
    assert abs((clock.now() - datetime.now(UTC)).total_seconds()) < 5
    with pytest.raises(ValueError):
        clock.advance(-1)


def test_utc_iso_has_a_z() -> None:
    assert utc_iso(datetime(2026, 3, 4, 5, 6, 7, tzinfo=UTC)) == "2026-03-04T05:06:07Z"
