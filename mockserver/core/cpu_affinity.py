"""Which CPUs a server's threads may run on (`--cpus`): by default one.

The app is Python: one thread at a time holds the interpreter lock, whatever the cores. Left
free to run on every core, the threads wake one another across cores each time one waits on a
socket or a database (the lock passes to a thread on another core, and the first waits to get
it back). On the two-core machine here a server spent 1.5–2.8 ms of CPU per Accredible read on
SQLite and 2.8–3.0 ms on PostgreSQL, with 42–132 context switches each; held to one core,
0.6 and 1.0–1.2 ms with 4–8, and it answered 3.0 and 2.5 times the requests (`bench/cpus.py`,
bench/RESULTS.md "One core per server"). So `auto` (the default) holds a server to one of the
CPUs it may use: the one the fewest other mockserver servers on this machine are held to, at
random among equals, so that replicas started side by side spread over the cores. `all` keeps
every CPU it was given; a list (`0`, `2-3,6`) names them. Child processes (Granian's worker)
inherit the choice.

Only Linux lets a process choose its CPUs this way: elsewhere `auto` leaves them alone and a
list is refused at start.
"""

from __future__ import annotations

import os
import random
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from mockserver.core.startup import StartupError

AUTO = "auto"
ALL = "all"
# The highest CPU number a list may name (Linux's own ceiling).
MAX_CPU = 8191


def parse(text: str) -> set[int]:
    """A CPU list as Linux writes it (`0`, `0-3`, `1,4-5`); ValueError saying what is wrong."""
    cpus: set[int] = set()
    for part in text.split(","):
        first, dash, last = part.strip().partition("-")
        try:
            low = int(first)
            high = int(last) if dash else low
        except ValueError:
            raise ValueError(f"{part.strip()!r} is not a CPU number or a range of them") from None
        if not 0 <= low <= high <= MAX_CPU:
            raise ValueError(f"{part.strip()!r} is not a CPU range from 0 to {MAX_CPU}")
        cpus.update(range(low, high + 1))
    return cpus


def check(text: str) -> str | None:
    """The problem with a `--cpus` value, or None: `auto`, `all` or a CPU list."""
    if text in (AUTO, ALL):
        return None
    try:
        parse(text)
    except ValueError as error:
        return f"must be auto, all or a CPU list like 0 or 2-3: {error}"
    return None


def supported() -> bool:
    return hasattr(os, "sched_setaffinity") and Path("/proc/self/task").is_dir()


def pin(text: str) -> set[int] | None:
    """Hold this process's threads, present and future, to the CPUs `text` names; the CPUs
    chosen, or None when left as they were. StartupError for a list this process may not use."""
    if text == ALL or (text == AUTO and not supported()):
        return None
    if not supported():
        raise StartupError(f"--cpus {text}: only Linux lets a server choose its CPUs; use all")
    allowed = os.sched_getaffinity(0)
    if text == AUTO:
        if len(allowed) == 1:
            return None
        wanted = {choose(allowed, others_held())}
    else:
        wanted = parse(text)
        outside = sorted(wanted - allowed)
        if outside:
            raise StartupError(
                f"--cpus {text}: this server may run on CPUs {describe(allowed)} only, "
                f"not {describe(set(outside))}"
            )
    for task in Path("/proc/self/task").iterdir():  # threads already started, too
        try:
            os.sched_setaffinity(int(task.name), wanted)
        except (OSError, ValueError):
            pass  # a thread that ended meanwhile
    return wanted


def choose(
    allowed: set[int], held: Counter[int], pick: Callable[[list[int]], int] = random.choice
) -> int:
    """The allowed CPU the fewest other servers are held to; among equals, one at random, so
    that servers starting at the same instant, or in containers that cannot see one another
    (each its own pid 1), still tend to differ."""
    fewest = min(held.get(cpu, 0) for cpu in allowed)
    return pick(sorted(cpu for cpu in allowed if held.get(cpu, 0) == fewest))


def others_held(marker: bytes = b"mockserver") -> Counter[int]:
    """How many other processes on this machine whose command line has `marker` (other
    mockserver servers) are held to each single CPU."""
    held: Counter[int] = Counter()
    me = os.getpid()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == me:
            continue
        try:
            command = (entry / "cmdline").read_bytes()
            if marker not in command:
                continue
            for line in (entry / "status").read_text().splitlines():
                if line.startswith("Cpus_allowed_list:"):
                    cpus = parse(line.split(":", 1)[1].strip())
                    if len(cpus) == 1:
                        held[next(iter(cpus))] += 1
                    break
        except (OSError, ValueError):
            continue  # ended meanwhile, or not ours to read
    return held


def held_line() -> str | None:
    """The start-up line saying which CPUs this server runs on, when fewer than the machine
    has, so that an operator who sees one core busy knows why; None otherwise."""
    if not hasattr(os, "sched_getaffinity"):
        return None
    mine = os.sched_getaffinity(0)
    total = os.cpu_count() or len(mine)
    if len(mine) >= total:
        return None
    return f"runs on CPU {describe(mine)} of {total} (--cpus all lets it use every one)"


def describe(cpus: set[int]) -> str:
    """A CPU set as a list with ranges (`0-3,6`)."""
    parts: list[tuple[int, int]] = []
    for cpu in sorted(cpus):
        if parts and parts[-1][1] == cpu - 1:
            parts[-1] = (parts[-1][0], cpu)
        else:
            parts.append((cpu, cpu))
    return ",".join(str(a) if a == b else f"{a}-{b}" for a, b in parts)
