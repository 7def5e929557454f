"""The server's one notion of "now".

Every expiry (tokens, presigned links, the 48-hour SEEK Pass window) reads this clock, so
QA can freeze it, set it or jump it forward and watch time-driven behaviour happen at once
instead of waiting for it.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

# The span the clock may be set or advanced into. Providers add hours, days and years to "now"
# (token lifetimes, expiries, retry times); a clock near year 9999 would make those sums
# overflow Python's datetime and every request touching them fail. 2900 leaves ample room.
EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
LATEST = datetime(2900, 1, 1, tzinfo=UTC)


def within_range(moment: datetime) -> datetime:
    """`moment`, or the ValueError the control plane answers 400 with."""
    if not EARLIEST <= moment <= LATEST:
        raise ValueError(
            f"the server clock must stay between {utc_iso(EARLIEST)} and {utc_iso(LATEST)}, "
            f"not {utc_iso(moment)}"
        )
    return moment


def utc_iso(moment: datetime) -> str:
    """Render a moment the way the providers' JSON does: UTC with a trailing Z."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class Clock:
    """Wall-clock time plus an offset, optionally frozen at one instant."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._offset = timedelta(0)
        self._frozen_at: datetime | None = None

    def now(self) -> datetime:
        with self._lock:
            if self._frozen_at is not None:
                return self._frozen_at
            return datetime.now(UTC) + self._offset

    def timestamp(self) -> float:
        return self.now().timestamp()

    @property
    def frozen(self) -> bool:
        return self._frozen_at is not None

    def freeze(self, at: datetime | None = None) -> None:
        """Stop time at `at` (default: the current mock time)."""
        moment = at or self.now()
        with self._lock:
            self._frozen_at = moment.astimezone(UTC)

    def unfreeze(self) -> None:
        """Let time run again from where it was frozen, keeping the jump already made."""
        with self._lock:
            if self._frozen_at is not None:
                self._offset = self._frozen_at - datetime.now(UTC)
                self._frozen_at = None

    def set(self, moment: datetime) -> None:
        """Jump to `moment`; a frozen clock stays frozen there."""
        try:
            moment = within_range(moment.astimezone(UTC))
        except OverflowError:  # 0001-01-01 in a zone east of UTC
            raise ValueError(f"{moment.isoformat()} is outside what the clock can hold") from None
        with self._lock:
            if self._frozen_at is not None:
                self._frozen_at = moment
            else:
                self._offset = moment - datetime.now(UTC)

    def advance(self, seconds: float) -> None:
        if seconds < 0:
            raise ValueError("the clock only moves forward")
        if seconds > (LATEST - self.now()).total_seconds():
            raise ValueError(
                f"advancing {seconds:g} s would take the server clock past {utc_iso(LATEST)}"
            )
        step = timedelta(seconds=seconds)
        with self._lock:
            if self._frozen_at is not None:
                self._frozen_at += step
            else:
                self._offset += step

    def reset(self) -> None:
        """Back to real time, unfrozen."""
        with self._lock:
            self._offset = timedelta(0)
            self._frozen_at = None

    def state(self) -> dict[str, float | None]:
        """What another server needs to show the same time (see core/shared.py)."""
        with self._lock:
            return {
                "offset_seconds": self._offset.total_seconds(),
                "frozen_at": self._frozen_at.timestamp() if self._frozen_at else None,
            }

    def load_state(self, state: dict[str, float | None]) -> None:
        frozen_at = state.get("frozen_at")
        with self._lock:
            self._offset = timedelta(seconds=float(state.get("offset_seconds") or 0))
            self._frozen_at = (
                datetime.fromtimestamp(float(frozen_at), UTC) if frozen_at is not None else None
            )

    def describe(self) -> dict:
        now = self.now()
        return {
            "now": utc_iso(now),
            "epoch": now.timestamp(),
            "frozen": self.frozen,
            "offset_seconds": round((now - datetime.now(UTC)).total_seconds(), 3),
        }
