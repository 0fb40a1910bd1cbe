"""Rules about memory: a live heap that only grows, a goal held down by the
memory limit, and resident memory the heap does not explain.

The live heap (the third number of ``A->B->C MB``) is what survived a mark:
for a healthy program it is flat once warmed up, so a steady rise is the
classic leak. Growth is judged by a least-squares line over a long window
plus a check that the newer half is still rising, so the ramp while a
program builds its working set at startup is not mistaken for a leak.
"""

from __future__ import annotations

import bisect
import math
from typing import Iterator

from parsers.columns import FORCED, MISSING_U32
from tui.analysis.findings import Finding, Scope, cycles_text, rule
from tui.analysis.windows import MAX_FIT_POINTS, Worst, linear_fit, median, up_share


@rule("live-heap-growing", "The live heap keeps growing")
def live_heap_growing(scope: Scope) -> Finding | None:
    th, c = scope.th, scope.model.cycles.cols
    w = Worst()
    for rows in _leak_windows(scope):
        idx = [i for i in rows if c.heap_live_mb[i] != MISSING_U32 and c.t_ms[i] != MISSING_U32]
        if len(idx) < th.live_heap_growing_min_cycles:
            continue
        xs = [c.t_ms[i] / 1000.0 for i in idx]
        ys = [float(c.heap_live_mb[i]) for i in idx]
        if xs[-1] - xs[0] < th.live_heap_growing_min_s:
            continue
        w.windows += 1
        slope, r2 = linear_fit(xs, ys)
        per_min = slope * 60.0
        half = len(idx) // 2
        still_rising = linear_fit(xs[half:], ys[half:])[0] > 0
        ups = up_share(ys) * 100.0
        steady = r2 >= th.live_heap_growing_r2 or ups >= th.live_heap_growing_up_pct
        if per_min > th.live_heap_growing_mb_per_min and steady and still_rising:
            w.offer(per_min, (per_min, r2, idx))
    if w.item is None:
        return None
    per_min, r2, idx = w.item
    first, last = c.heap_live_mb[idx[0]], c.heap_live_mb[idx[-1]]
    return scope.finding(
        "live-heap-growing",
        "warning",
        f"The live heap (what survives each collection) grew {per_min:.1f} MB/min over "
        f"{len(idx)} cycles, {cycles_text(scope, idx)} (r² {r2:.2f}): {first} MB → {last} MB"
        f"{w.note(scope.full, th.live_heap_growing_window_s)}.",
        "Something keeps references alive: take two heap profiles some time apart and compare "
        "them (go tool pprof -sample_index=inuse_space -base old.pb.gz new.pb.gz, from "
        "http://HOST/debug/pprof/heap) and look for maps, caches, slices or goroutines that "
        "only grow.",
        idx,
        value=per_min,
    )


# A report also looks at shorter stretches: a leak that ran for a minute and
# stopped (the cache was dropped, the process restarted its worker) leaves the
# whole run's second half flat, which a single long window would call healthy.
REPORT_LEAK_SCALES_S = (60.0, 20.0)


def _leak_windows(scope: Scope) -> Iterator[range]:
    th = scope.th
    scales = [th.live_heap_growing_window_s]
    if scope.full:
        scales += [s for s in REPORT_LEAK_SCALES_S if s < th.live_heap_growing_window_s]
    for seconds in scales:
        yield from scope.windows(seconds, MAX_FIT_POINTS, sample=True)


def configured_gogc(scope: Scope) -> float:
    """GOGC as the program was started: inf for ``off``, 100 when unknown."""
    text = (scope.model.env.gogc or "").strip().lower()
    if text == "off":
        return math.inf
    try:
        return float(text) if text else 100.0
    except ValueError:
        return 100.0


@rule("memory-limit-bound", "The memory limit sets the heap goal")
def memory_limit_bound(scope: Scope) -> Finding | None:
    th, store = scope.th, scope.model.cycles
    c = store.cols
    gogc = configured_gogc(scope)
    limit_b = scope.model.env.gomemlimit_b
    gogc_text = "GOGC=off" if math.isinf(gogc) else f"GOGC={gogc:g}"
    w = Worst()
    for rows in scope.windows(th.window_s, th.window_cycles):
        # A forced cycle's goal says nothing about what triggers cycles, and
        # goals under a few MB are too truncated to give an effective GOGC.
        eff, goals = [], []
        for i in rows:
            e = store.effective_gogc(i)
            if e is not None and not c.flags[i] & FORCED:
                eff.append(e)
                goals.append(c.heap_goal_mb[i])
        if len(eff) < th.window_min_cycles:
            continue
        w.windows += 1
        big = min(goals) >= th.memory_limit_bound_min_goal_mb
        if limit_b is not None:  # known: cycles whose goal GOGC alone cannot explain
            bound = sum(e < gogc * th.memory_limit_bound_gogc_ratio for e in eff)
            score = bound / len(eff) * 100.0
            fires = big and score >= th.memory_limit_bound_share_pct
        else:  # inferred: a flat goal well below what GOGC would set (any, for off)
            spread = max(goals) - min(goals)
            flat = spread <= max(1.0, median(goals) * th.memory_limit_bound_flat_pct / 100.0)
            score = -median(eff)
            fires = big and flat and median(eff) < gogc * th.memory_limit_bound_infer_ratio
        if fires:
            w.offer(score, (rows, eff, goals))
    if w.item is None:
        return None
    rows, eff, goals = w.item
    goal = median(goals)
    where = cycles_text(scope, rows)
    if limit_b is not None:
        limit_mb = limit_b / (1 << 20)
        message = (
            f"With GOMEMLIMIT={limit_mb:.0f}MiB and {gogc_text}, the heap goal ({goal:.0f} MB, "
            f"{goal / limit_mb * 100:.0f}% of the limit) was set by the memory limit over "
            f"{where}: effective GOGC {median(eff):.0f}%{w.note(scope.full, th.window_s)}."
        )
        severity = "warning"
    else:
        message = (
            f"The heap goal held flat at {goal:.0f} MB over {where} while the effective GOGC "
            f"(goal over live heap) was only {median(eff):.0f}% against {gogc_text}"
            f"{'' if scope.model.env.gogc else ' (assumed)'}: probably a memory limit "
            f"(GOMEMLIMIT or debug.SetMemoryLimit) sets the goal{w.note(scope.full, th.window_s)}."
        )
        severity = "info"
    return scope.finding(
        "memory-limit-bound",
        severity,
        message,
        "The memory limit, not GOGC, decides when the GC runs: there is little headroom, and "
        "if the live heap grows toward the limit the GC runs ever more often (check GC CPU). "
        "Raise the limit, shrink the live heap (go tool pprof -sample_index=inuse_space "
        "http://HOST/debug/pprof/heap), or set a GOGC so cycles are not all limit-driven.",
        rows,
        value=goal,
    )


@rule("rss-heap-gap", "Memory outside the heap")
def rss_heap_gap(scope: Scope) -> Finding | None:
    """RSS far above the heap goal, from gctui's own process samples.

    Samples belong to the process gctui runs now, so only the current
    segment is judged. The goal compared is that of the newest cycle that
    started at or before each sample.
    """
    th, model = scope.th, scope.model
    if scope.segment != model.segment or not model.process or not len(scope.rows):
        return None
    c = model.cycles.cols
    lo, hi = scope.rows.start, scope.rows.stop
    samples = model.process if scope.full else model.process[-th.rss_heap_gap_samples :]
    best: list[tuple[float, float, float | None]] = []  # the longest run of gaps
    run: list[tuple[float, float, float | None]] = []
    for s in samples:
        i = hi - 1
        if s.t_s is not None and c.t_ms[hi - 1] != MISSING_U32:
            i = bisect.bisect_right(c.t_ms, s.t_s * 1000.0, lo, hi) - 1
        goal = c.heap_goal_mb[i] if i >= lo else MISSING_U32
        rss = s.rss_b / (1 << 20)
        gap = goal != MISSING_U32 and rss > th.rss_heap_gap_ratio * goal
        if gap and rss - goal > th.rss_heap_gap_min_mb:
            run.append((rss, float(goal), s.t_s))
            if len(run) > len(best):
                best = list(run)
        else:
            run = []
    if not best or len(best) < th.rss_heap_gap_samples:
        return None
    rss, goal, t1 = best[-1]
    return scope.finding(
        "rss-heap-gap",
        "warning",
        f"The process's resident memory (RSS) was {rss:.0f} MB, {rss / max(goal, 1):.1f}× the "
        f"{goal:.0f} MB heap goal, in {len(best)} samples in a row: {rss - goal:.0f} MB that the "
        f"Go heap does not account for.",
        "Look outside the heap: goroutine stacks, cgo and C libraries, mmap'd files, memory "
        "the runtime has not returned to the OS yet (the scavenger), fragmentation. Compare "
        "/debug/pprof/heap with runtime/metrics /memory/classes/..., and count goroutines; "
        "note GOMEMLIMIT counts all runtime memory but not C allocations.",
        value=rss - goal,
        t0_s=best[0][2],
        t1_s=t1,
    )
