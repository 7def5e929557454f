"""`mockserver serve` holds its threads to one CPU unless told otherwise (`--cpus`;
core/cpu_affinity.py says why), says so at start, and Granian's worker inherits the choice.
Real processes: every thread's allowed CPUs read from /proc."""

from __future__ import annotations

import os
from pathlib import Path

import requests

from mockserver.core.cpu_affinity import describe
from tests.e2e.live import LiveServer

ALLOWED = os.sched_getaffinity(0)
READ = {"Authorization": "Token token=accredible-demo-key"}


def thread_cpus(pid: int) -> set[str]:
    """Each thread's allowed CPUs, as /proc writes them."""
    found = set()
    for task in Path(f"/proc/{pid}/task").iterdir():
        status = (task / "status").read_text()
        found.add(status.split("Cpus_allowed_list:")[1].split()[0])
    return found


def children(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(child) for child in (task / "children").read_text().split()]
    return found


def answers(server: LiveServer) -> None:
    reply = requests.get(
        f"{server.base_url}/accredible/v1/issuer/details", headers=READ, timeout=30
    )
    assert reply.status_code == 200, reply.text


def held_line(cpus: str) -> str:
    return f"runs on CPU {cpus} of {os.cpu_count()} (--cpus all lets it use every one)"


def start_line(server: LiveServer) -> list[str]:
    return [line.strip() for line in server.output if "runs on CPU" in line]


def test_by_default_every_thread_runs_on_one_cpu_and_the_start_lines_say_which() -> None:
    server = LiveServer().start()
    try:
        answers(server)  # request threads exist by now
        assert server.process is not None
        cpus = thread_cpus(server.process.pid)
        assert len(cpus) == 1, cpus
        (cpu,) = cpus
        if len(ALLOWED) > 1:
            assert "-" not in cpu and "," not in cpu and int(cpu) in ALLOWED
            assert start_line(server) == [held_line(cpu)]
        else:  # one CPU to run on: nothing chosen, nothing said
            assert cpu == describe(ALLOWED) and start_line(server) == []
    finally:
        server.stop()


def test_all_keeps_every_cpu_and_a_list_names_them() -> None:
    chosen = max(ALLOWED)
    free = LiveServer(args=["--cpus", "all"]).start()
    named = LiveServer(env={"MOCKSERVER_CPUS": str(chosen)}).start()
    try:
        answers(free)
        answers(named)
        assert free.process is not None and named.process is not None
        assert thread_cpus(free.process.pid) == {describe(ALLOWED)}
        restricted = len(ALLOWED) < (os.cpu_count() or 1)  # by a cgroup or taskset around us
        assert start_line(free) == ([held_line(describe(ALLOWED))] if restricted else [])
        assert thread_cpus(named.process.pid) == {str(chosen)}
    finally:
        free.stop()
        named.stop()


def test_granians_worker_runs_on_the_cpu_its_parent_chose() -> None:
    chosen = max(ALLOWED)
    server = LiveServer(args=["--http", "granian", "--cpus", str(chosen)]).start()
    try:
        answers(server)
        assert server.process is not None
        workers = children(server.process.pid)
        assert workers, "no worker process"
        for pid in [server.process.pid, *workers]:
            assert thread_cpus(pid) == {str(chosen)}, pid
    finally:
        server.stop()
