"""A reset waits for a scheduler pass under way and holds the next one off (issue 18: a VEC
batch a pass had read came back after a reset, when the pass wrote it)."""

from __future__ import annotations

import threading
import time

from mockserver.core.scheduler import Scheduler


def test_paused_waits_for_the_pass_under_way_and_holds_off_the_next() -> None:
    scheduler = Scheduler(interval=0.01)
    inside = threading.Event()
    release = threading.Event()
    passes: list[float] = []

    def slow_job() -> None:
        passes.append(time.monotonic())
        inside.set()
        release.wait(5)

    scheduler.add("slow", slow_job)
    scheduler.start()
    try:
        assert inside.wait(5)
        entered: list[float] = []
        held_off: list[bool] = []

        def reset() -> None:
            with scheduler.paused():
                entered.append(time.monotonic())
                count = len(passes)
                time.sleep(0.1)  # several intervals: no pass may start meanwhile
                held_off.append(len(passes) == count)

        resetting = threading.Thread(target=reset)
        resetting.start()
        time.sleep(0.1)
        assert entered == []  # still waiting for the pass under way
        release.set()
        resetting.join(5)
        assert len(entered) == 1 and entered[0] > passes[0]
        assert held_off == [True]
        time.sleep(0.1)
        assert len(passes) > 1  # and the passes go on afterwards
    finally:
        release.set()
        scheduler.stop()
