"""memory-limit-bound's per-window numbers for all of a report's windows.

A 1 GB log has 300,000 windows of ten seconds; the rule's per-window work
(the paced cycles' effective GOGC and goals as lists, their medians, the
steps the goal held) cost ~80 us each. Here the same numbers come from one
pass per block of windows: running counts for the counts, one sort per
block for the medians. The rule then offers each window's score in order
and rebuilds the lists only for the window that won, so what it reports is
unchanged; the counts and medians are the same values (the middle value or
the mean of the two middle values of the same float64s).
"""

from __future__ import annotations

from typing import Any, Sequence

from parsers.columns import FORCED
from tui.analysis.thresholds import Thresholds
from tui.analysis.windows import block_ids, segmented_medians, window_blocks
from tui.model.arrays import floats, numpy, view
from tui.model.cycles import CycleStore

HOLD_SHARE = 0.9  # of the steps, the goal must stay where it was (see goal_holds)


def paced_windows(store: CycleStore, wins: Sequence[range], th: Thresholds,
                  gogc: float, limit_known: bool) -> list[tuple[int, bool, float]]:
    """For each window (contiguous, rising): ``(paced cycles, fires, score)``
    exactly as ``rules_heap.memory_limit_bound`` judges it from
    ``_paced_cycles``."""
    np = numpy()
    out: list[tuple[int, bool, float]] = []
    c = store.cols
    for block, lo, hi in window_blocks(wins):
        eff = store.effective_gogc_rows(lo, hi)
        goals = floats(c.heap_goal_mb, lo, hi)
        forced = (view(c.flags, lo, hi) & FORCED) != 0
        keep = ~np.isnan(eff) & ~forced & (goals >= th.memory_limit_bound_min_goal_mb)
        wid = block_ids(block, lo, hi)
        keep &= wid >= 0
        eff, goals, wid = eff[keep], goals[keep].astype(np.int64), wid[keep]
        del keep, forced
        sizes = np.bincount(wid, minlength=len(block))
        if limit_known:
            bound = np.bincount(wid[eff < gogc * th.memory_limit_bound_gogc_ratio], minlength=len(block))
            with np.errstate(divide="ignore", invalid="ignore"):
                score = bound / sizes * 100.0
            fires = score >= th.memory_limit_bound_share_pct
        else:
            med = segmented_medians(eff, wid, len(block))
            med_goal = segmented_medians(goals.astype(np.float64), wid, len(block))
            tolerance = np.maximum(1.0, med_goal * th.memory_limit_bound_flat_pct / 100.0)
            same = wid[1:] == wid[:-1]
            held_step = same & (np.abs(goals[1:] - goals[:-1]) <= tolerance[wid[1:]])
            held = np.bincount(wid[1:][held_step], minlength=len(block))
            steps = sizes - 1
            flat = (steps < 1) | (held >= HOLD_SHARE * steps)
            fires = flat & (med < gogc * th.memory_limit_bound_infer_ratio)
            score = -med
        out.extend(zip(sizes.tolist(), fires.tolist(), score.tolist()))
    return out


def goal_holds(goals: list[int], tolerance: float) -> bool:
    """Whether the heap goal holds its level from cycle to cycle, as one a
    memory limit sets does: in :data:`HOLD_SHARE` of the steps it moves by at
    most ``tolerance`` MB. Steps, not the window's whole spread: a real
    limited program's goal climbs to the limit at start-up, and settles on a
    new level when the runtime's other memory changes (48 MiB limit: 44 MB,
    then 31 MB), while a goal that GOGC derives from a moving live heap moves
    with it nearly every cycle. One window's verdict, as
    :func:`paced_windows` gives it for every window at once (the tests hold
    the two equal)."""
    steps = len(goals) - 1
    if steps < 1:
        return True
    held = sum(abs(b - a) <= tolerance for a, b in zip(goals, goals[1:]))
    return held >= HOLD_SHARE * steps
