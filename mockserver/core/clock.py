"""The server's one notion of "now".

Every expiry (tokens, presigned links, the 48-hour SEEK Pass window) reads this clock, so
QA can freeze it, set it or jump it forward and watch time-driven behaviour happen at once
instead of waiting for it.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta


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
        moment = moment.astimezone(UTC)
        with self._lock:
            if self._frozen_at is not None:
                self._frozen_at = moment
            else:
                self._offset = moment - datetime.now(UTC)

    def advance(self, seconds: float) -> None:
        if seconds < 0:
            raise ValueError("the clock only moves forward")
        with self._lock:
            if self._frozen_at is not None:
                self._frozen_at += timedelta(seconds=seconds)
            else:
                self._offset += timedelta(seconds=seconds)

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
