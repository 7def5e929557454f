"""Hold a benchmarked server to a share of one CPU, as a container run with `--cpus 0.5` is.

Replicas of a shared sandbox run on machines (or containers) of their own, each with its CPU
budget. On a two-core machine that also runs PostgreSQL and wrk, two servers without a budget
measure the machine: once one server and PostgreSQL keep both cores busy, a second has nothing
to run on. With each server held to the same share of a core, the second server gets a share
of its own, and what the rates then show is whether the shared store holds the replicas back.

A cgroup of the kernel's CPU controller does it: cgroup v2 (`cpu.max`) where the controller is
there, else v1 (`cpu.cfs_quota_us`). Needs root (as the bench machine runs); BudgetError
otherwise, with the reason.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path

PERIOD_US = 100_000
V2 = Path("/sys/fs/cgroup")
V1 = Path("/sys/fs/cgroup/cpu")


class BudgetError(RuntimeError):
    """No CPU controller this process may use."""


class CpuBudget:
    """A cgroup holding the processes moved into it to `share` of one CPU (0 < share ≤ 1 and
    more: 2.0 is two CPUs' time). Remove it once they have ended."""

    def __init__(self, share: float) -> None:
        if share <= 0:
            raise BudgetError("a CPU budget must be more than 0")
        quota = max(1000, int(share * PERIOD_US))
        name = f"mockserver-bench-{uuid.uuid4().hex[:8]}"
        try:
            if _controls_cpu(V2):
                self.path = V2 / name
                self.path.mkdir()
                (self.path / "cpu.max").write_text(f"{quota} {PERIOD_US}")
            elif V1.is_dir():
                self.path = V1 / name
                self.path.mkdir()
                (self.path / "cpu.cfs_period_us").write_text(str(PERIOD_US))
                (self.path / "cpu.cfs_quota_us").write_text(str(quota))
            else:
                raise BudgetError("no cgroup CPU controller on this machine")
        except OSError as error:
            raise BudgetError(f"cannot make a CPU cgroup ({error}); run as root") from None
        self.share = share

    def hold(self, pid: int) -> None:
        """Move a process, with all its threads, into the budget."""
        (self.path / "cgroup.procs").write_text(str(pid))

    def remove(self) -> None:
        """Delete the cgroup; processes still in it go back to the root group first."""
        root = self.path.parent
        try:
            for pid in (self.path / "cgroup.procs").read_text().split():
                try:
                    (root / "cgroup.procs").write_text(pid)
                except OSError:
                    pass  # ended meanwhile
            os.rmdir(self.path)
        except OSError:
            pass  # already gone

    def __enter__(self) -> CpuBudget:
        return self

    def __exit__(self, *exc: object) -> None:
        self.remove()


def _controls_cpu(root: Path) -> bool:
    """Whether `root` is a cgroup v2 hierarchy whose children get the CPU controller."""
    control = root / "cgroup.subtree_control"
    return control.is_file() and "cpu" in control.read_text().split()
