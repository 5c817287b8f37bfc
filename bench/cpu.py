"""CPU time spent by each part of a benchmark run (web, workers, PostgreSQL, the bench itself), read from /proc.

What a burst costs per event tells where the 2 cores go: ``ceiling`` = cores ÷ CPU seconds per event is the
most events per second the machine could answer if nothing waited.
"""
from __future__ import annotations

import os
from pathlib import Path

TICKS = os.sysconf("SC_CLK_TCK")


def process_cpu(pid: int) -> float:
    """User + system CPU seconds of ``pid`` (all its threads); 0 once it has exited."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / TICKS


def descendants(pid: int) -> list[int]:
    """``pid`` and every process below it."""
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        for task in Path(f"/proc/{current}/task").glob("*/children"):
            try:
                todo += [int(child) for child in task.read_text().split()]
            except OSError:
                pass
    return found


def postgres_pids() -> list[int]:
    """Every PostgreSQL server process on the machine."""
    pids = []
    for comm in Path("/proc").glob("[0-9]*/comm"):
        try:
            if comm.read_text().strip() == "postgres":
                pids.append(int(comm.parent.name))
        except OSError:
            pass
    return pids


def snapshot(parts: dict[str, list[int]]) -> dict[str, float]:
    """CPU seconds so far of each part (its processes and their children); ``bench`` is this process."""
    totals = {name: sum(process_cpu(p) for root in roots for p in descendants(root)) for name, roots in parts.items()}
    totals["postgres"] = sum(process_cpu(p) for p in postgres_pids())
    totals["bench (load + fake LINE)"] = process_cpu(os.getpid())
    return totals


def per_event(before: dict[str, float], after: dict[str, float], events: int) -> str:
    """"web 1.2 ms, workers 3.4 ms, … = 6.0 ms/event (ceiling 333 events/s on 2 cores)"."""
    spent = {name: after[name] - before.get(name, 0.0) for name in after}
    total = sum(spent.values())
    cores = os.cpu_count() or 1
    parts = ", ".join(f"{name} {seconds / events * 1000:.1f} ms" for name, seconds in spent.items())
    ceiling = cores / (total / events) if total else float("inf")
    return f"CPU per event: {parts} = {total / events * 1000:.1f} ms (ceiling {ceiling:.0f} events/s on {cores} cores)"
