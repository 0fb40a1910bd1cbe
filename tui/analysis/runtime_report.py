"""The ``runtime`` key of ``report --json``: what Go 1.25+ prints beside the
gc lines, summed up, and every GOMAXPROCS change with where it happened.

Kept apart from :mod:`tui.analysis.report` (which lists the classic
numbers) so that each stays small; :func:`runtime_summary` is its one entry.
"""

from __future__ import annotations

from typing import Any

from parsers.columns import LEAK_CHECK
from tui.model import Model
from tui.model.arrays import numpy, view
from tui.model.extras import procs_changes


def runtime_summary(model: Model) -> dict[str, Any]:
    """Scan statistics, finalizer queues, leak checks and GOMAXPROCS changes.

    Changes are per run (a restart with another P count is not one):
    ``gomaxprocs_changes`` from the gc lines' ``N P`` (``cycle``, ``t_s``,
    ``from``, ``to``), ``sched_gomaxprocs_changes`` from SCHED lines'
    ``gomaxprocs=`` (``sched_ms`` on the SCHED clock)."""
    store = model.cycles
    c = store.cols
    changes: list[dict[str, Any]] = []
    for info in model.segments:
        lo, hi = store.segment_range(info.index)
        for ch in procs_changes(store, range(lo, hi)):
            t = c.t_ms[ch.index]
            changes.append({"cycle": c.n[ch.index], "segment": info.index,
                            "t_s": None if t == 0xFFFFFFFF else t / 1000.0, "from": ch.before, "to": ch.after})
    sched_changes = []
    segs = model.sched_segment
    for ch in model.extras.sched_changes(model.sched):
        if ch.index < len(segs) and ch.index > 0 and segs[ch.index - 1] != segs[ch.index]:
            continue  # the first snapshot of a new run
        sched_changes.append({"sched_ms": ch.t_ms, "from": ch.before, "to": ch.after})
    extras = model.extras
    return {
        "leak_check_cycles": int(numpy().count_nonzero(view(c.flags) & LEAK_CHECK)),
        "scan_stats_cycles": len(extras.scan),
        "finalizer_queue": _queue([q.finalizers for _, q in sorted(extras.finalizers.items())]),
        "cleanup_queue": _queue([q.cleanups for _, q in sorted(extras.finalizers.items())]),
        "gomaxprocs_changes": changes,
        "sched_gomaxprocs_changes": sched_changes,
    }


def _queue(values: list[int]) -> dict[str, int] | None:
    if not values:
        return None
    return {"cycles": len(values), "max": max(values), "last": values[-1]}
