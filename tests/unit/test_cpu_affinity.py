"""`--cpus`: the list syntax, which CPU `auto` picks, and what pinning does to a process's
threads (in a child process: pinning the test process would slow every test after it)."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections import Counter

import pytest

from mockserver.core import cpu_affinity


@pytest.mark.parametrize(
    ("text", "cpus"),
    [("0", {0}), ("2-3", {2, 3}), ("1,4-5", {1, 4, 5}), (" 0 , 2 ", {0, 2}), ("7-7", {7})],
)
def test_a_cpu_list_reads_as_linux_writes_it(text: str, cpus: set[int]) -> None:
    assert cpu_affinity.parse(text) == cpus
    assert cpu_affinity.parse(cpu_affinity.describe(cpus)) == cpus


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("", "'' is not a CPU number"),
        ("a", "'a' is not a CPU number"),
        ("3-1", "'3-1' is not a CPU range"),
        ("-1", "'-1' is not a CPU number"),
        ("8192", "'8192' is not a CPU range from 0 to 8191"),
        ("0,,1", "'' is not a CPU number"),
    ],
)
def test_a_wrong_cpu_list_says_which_part_is_wrong(text: str, words: str) -> None:
    problem = cpu_affinity.check(text)
    assert problem is not None and words in problem, problem


def test_auto_and_all_are_words_not_lists() -> None:
    assert cpu_affinity.check("auto") is None and cpu_affinity.check("all") is None
    assert cpu_affinity.check("Auto") is not None


def test_describe_folds_runs_into_ranges() -> None:
    assert cpu_affinity.describe({0, 1, 2, 3, 6, 8, 9}) == "0-3,6,8-9"
    assert cpu_affinity.describe({5}) == "5"


def test_auto_takes_the_cpu_fewest_other_servers_are_held_to() -> None:
    allowed = {0, 1, 2, 3}
    held = Counter({0: 2, 1: 1, 2: 1, 3: 3})
    assert cpu_affinity.choose(allowed, held, pick=min) == 1
    assert cpu_affinity.choose(allowed, held, pick=max) == 2
    # A CPU outside the allowed set never counts, however free.
    assert cpu_affinity.choose({2, 3}, Counter({2: 1})) == 3
    # Nobody held anywhere: chosen at random, so servers that cannot see one another spread.
    assert {cpu_affinity.choose(allowed, Counter()) for _ in range(200)} == allowed


def test_others_held_counts_processes_held_to_one_cpu_by_their_command_line() -> None:
    marker = f"cpu-probe-{uuid.uuid4().hex}"
    cpu = max(os.sched_getaffinity(0))
    sleeper = (
        "import os, sys, time; os.sched_setaffinity(0, {%d}); print(1, flush=True); time.sleep(60)"
    )
    held = subprocess.Popen(
        [sys.executable, "-c", sleeper % cpu, marker], stdout=subprocess.PIPE, text=True
    )
    free = subprocess.Popen(  # held to every CPU: not counted
        [sys.executable, "-c", "import time; print(1, flush=True); time.sleep(60)", marker],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert held.stdout is not None and free.stdout is not None
        held.stdout.readline()
        free.stdout.readline()
        counted = cpu_affinity.others_held(marker.encode())
        if len(os.sched_getaffinity(0)) > 1:
            assert counted == Counter({cpu: 1})
        else:  # one CPU: both are held to it
            assert counted == Counter({cpu: 2})
        assert cpu_affinity.others_held(f"cpu-probe-{uuid.uuid4().hex}".encode()) == Counter()
    finally:
        for process in (held, free):
            process.kill()
            process.wait(10)


def pinned_threads(setting: str) -> tuple[set[str], str]:
    """In a child with two threads started before the pin and one after: each thread's
    allowed CPUs as /proc writes them, and what `pin` returned."""
    script = """
import os, sys, threading
from mockserver.core import cpu_affinity
stop = threading.Event()
early = [threading.Thread(target=stop.wait) for _ in range(2)]
for thread in early: thread.start()
chosen = cpu_affinity.pin(sys.argv[1])
late = threading.Thread(target=stop.wait); late.start()
lists = set()
for task in os.listdir("/proc/self/task"):
    status = open(f"/proc/self/task/{task}/status").read()
    lists.add(status.split("Cpus_allowed_list:")[1].split()[0])
stop.set()
print(";".join(sorted(lists)), cpu_affinity.describe(chosen) if chosen else "-")
"""
    done = subprocess.run(
        [sys.executable, "-c", script, setting], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    lists, chosen = done.stdout.split()
    return set(lists.split(";")), chosen


def test_pinning_holds_every_thread_started_before_and_after() -> None:
    allowed = os.sched_getaffinity(0)
    cpu = max(allowed)
    lists, chosen = pinned_threads(str(cpu))
    assert lists == {str(cpu)} and chosen == str(cpu)
    lists, chosen = pinned_threads("auto")
    if len(allowed) > 1:
        assert len(lists) == 1 and lists == {chosen} and int(chosen) in allowed
    else:  # one CPU: nothing to choose, left as it is
        assert chosen == "-" and lists == {cpu_affinity.describe(allowed)}
    lists, chosen = pinned_threads("all")
    assert chosen == "-" and lists == {cpu_affinity.describe(allowed)}


def test_a_cpu_this_process_may_not_use_is_refused() -> None:
    allowed = os.sched_getaffinity(0)
    outside = cpu_affinity.MAX_CPU
    assert outside not in allowed
    with pytest.raises(cpu_affinity.StartupError, match=f"not {outside}"):
        cpu_affinity.pin(str(outside))
    assert os.sched_getaffinity(0) == allowed  # refused before anything changed
