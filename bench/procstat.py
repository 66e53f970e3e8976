"""A server's processes and their CPU time, from Linux /proc. Standard library only: bench/spiffarena/bench_spiff.py
imports it from SpiffArena's own interpreter."""

import os
from pathlib import Path


def family(master: int) -> list[int]:
    """The process `master` and its children (a gunicorn master, its workers, the scheduler process it started)."""
    pids = [master]
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == master:  # the parent pid
            pids.append(int(stat.parent.name))
    return pids


def cpu_seconds(pids: list[int]) -> float:
    """CPU time (user + system) the processes used so far: a measure of their own work that other load on the
    machine barely changes, unlike wall-clock time."""
    ticks = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        ticks += int(fields[11]) + int(fields[12])  # utime, stime
    return ticks / os.sysconf("SC_CLK_TCK")
