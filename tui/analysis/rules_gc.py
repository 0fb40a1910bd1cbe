"""Rules about the collector's own cost: frequency, CPU, pauses, assists.

Each is judged over a sliding window of recent cycles (``window.*``
thresholds), not over the run so far: the runtime's printed ``N%`` is
cumulative since process start, so a storm starting after an hour of calm
barely moves it, and startup noise never leaves it. Sums over a window also
absorb the gctrace clock's 1 ms resolution: cycles 0 ms apart are common in
a storm, and only whole windows give honest rates.
"""

from __future__ import annotations

import math
from typing import Any, Iterator

from parsers.columns import FORCED, MISSING_U8, MISSING_U32
from tui.analysis.findings import Finding, Scope, cycles_text, rule
from tui.analysis.intervals import window_intervals
from tui.analysis.whatif_report import advice_quote
from tui.analysis.windows import Worst, fmt_ms, median, plural, window_blocks
from tui.model.arrays import numpy
from tui.model.gccpu import CPUSpan, window_spans


def _cpu_windows(scope: Scope) -> Iterator[tuple[range, CPUSpan, float, float]]:
    """The windows with enough cycles to judge, each with ``(gc_cpu,
    assist_ms, mark_ms)``: ``gc_cpu`` the figure the report and the chart
    give for the same span (:func:`tui.model.gccpu.span`: idle-time marking
    left out, as the runtime does, over P x the window's time to the end of
    its last cycle), ``mark_ms`` (assist + background + idle) what the
    assist share is measured against. Computed in one pass over the segment
    (:func:`window_spans`) and kept for the next rule as columns of numbers:
    250,000 windows on 1 GB."""
    np = numpy()
    th, model = scope.th, scope.model
    key = ("cpu_windows", th.window_s, th.window_cycles, th.window_min_cycles)
    if key not in scope.memo:  # gc-cpu-high and mark-assist-heavy judge the same windows
        wins = [r for r in scope.windows(th.window_s, th.window_cycles) if len(r) >= th.window_min_cycles]
        sums = np.array([(cpu.gc_ms, cpu.idle_ms, cpu.offered_ms, cpu.elapsed_ms, cpu.cycles, assist, mark)
                         for cpu, assist, mark in window_spans(model.cycles, wins)], dtype=np.float64)
        bounds = np.array([(r.start, r.stop) for r in wins], dtype=np.int64)
        scope.memo[key] = (bounds, sums)
    bounds, sums = scope.memo[key]
    for (a, b), (gc, idle, offered, elapsed, cycles, assist, mark) in zip(bounds.tolist(), sums.tolist()):
        yield range(a, b), CPUSpan(gc, idle, offered, elapsed, int(cycles)), assist, mark


@rule("gc-frequent", "GC runs too often")
def gc_frequent(scope: Scope) -> Finding | None:
    th, store = scope.th, scope.model.cycles
    w = Worst()
    wins = [rows for rows in scope.windows(th.window_s, th.window_cycles) if len(rows) >= 2]
    # Intervals that lie inside each window: the first cycle's began before it.
    for rows, (med, count, estimate) in zip(wins, window_intervals(store, wins)):
        if count < th.gc_frequent_min_cycles:
            continue
        w.seen(rows, th.window_cycles)
        if med < th.gc_frequent_interval_ms:
            w.offer(-med, (med, rows, count, estimate))
    if w.item is None:
        return None
    med, rows, count, estimate = w.item
    if estimate is None:
        every = f"{fmt_ms(med)} (median of {count} intervals, {cycles_text(scope, rows)})"
    else:  # most intervals read 0 on the 1 ms clock: span over cycles
        every = (f"{estimate.text()}, on average: the 1 ms clock cannot time them one by one "
                 f"({cycles_text(scope, rows)})")
    rates = list(store.values("alloc_rate_mb_s", range(rows.start + 1, rows.stop)))
    alloc = f" while the program allocated {median(rates):.0f} MB/s" if rates else ""
    goals = list(store.values("heap_goal_mb", rows))
    goal = f" against a {median(goals):.0f} MB heap goal" if goals else ""
    return scope.finding(
        "gc-frequent",
        "warning",
        f"A GC cycle started every {every}{alloc}{goal}, more often than every "
        f"{fmt_ms(th.gc_frequent_interval_ms)}{w.note(scope.full, th.window_s)}.",
        "Every cycle has a fixed cost, and cycles this close mean the heap goal is small next "
        "to the allocation rate: raise GOGC (or set GOMEMLIMIT and raise GOGC with it), or "
        "allocate less: profile allocations (go tool pprof -sample_index=alloc_space "
        "http://HOST/debug/pprof/heap) and reuse buffers (sync.Pool) on the hottest paths."
        + advice_quote(scope.model, rows, memo=scope.memo),
        rows,
        value=med,
    )


def _procs_text(procs: Any, rows: range) -> str:
    """The window's P count, or its range when GOMAXPROCS changed within it
    (each cycle's CPU is offered by its own Ps: tui.model.gccpu)."""
    np = numpy()
    seen = np.asarray(procs[rows.start:rows.stop])
    seen = seen[(seen != 0) & (seen != 0xFFFF)]
    if not len(seen):
        return plural(procs[rows[-1]], "P")
    lo, hi = int(seen.min()), int(seen.max())
    return plural(hi, "P") if lo == hi else f"{lo} to {hi} Ps"


@rule("gc-cpu-high", "GC uses a lot of CPU")
def gc_cpu_high(scope: Scope) -> Finding | None:
    th = scope.th
    w = Worst()
    for rows, cpu, _, _ in _cpu_windows(scope):
        if cpu.share is None or cpu.elapsed_ms < th.gc_cpu_high_min_s * 1000.0:
            continue
        w.seen(rows, th.window_cycles)
        pct = cpu.share * 100.0
        if pct > th.gc_cpu_high_warning_pct:
            w.offer(pct, (pct, rows))
    if w.item is None:
        return None
    pct, rows = w.item
    c = scope.model.cycles.cols
    last = rows[-1]
    printed = ""
    if c.cpu_pct[last] != MISSING_U8:
        printed = f" (the runtime's cumulative figure at gc {c.n[last]} says {c.cpu_pct[last]}%)"
    severity = "critical" if pct > th.gc_cpu_high_critical_pct else "warning"
    return scope.finding(
        "gc-cpu-high",
        severity,
        f"The GC took {pct:.0f}% of the CPU offered by {_procs_text(c.procs, rows)} over "
        f"{cycles_text(scope, rows)}, not counting idle-time marking{printed}"
        f"{w.note(scope.full, th.window_s)}.",
        "Make the collector's work smaller or rarer: raise GOGC or set GOMEMLIMIT so cycles "
        "come less often, allocate less (go tool pprof -sample_index=alloc_space "
        "http://HOST/debug/pprof/heap), and shrink pointer-heavy live data that every mark "
        "phase must scan (-sample_index=inuse_space)." + advice_quote(scope.model, rows, memo=scope.memo),
        rows,
        value=pct,
    )


@rule("stw-long", "Long stop-the-world pauses")
def stw_long(scope: Scope) -> Finding | None:
    th, c = scope.th, scope.model.cycles.cols
    rows = scope.recent_or_all()
    slow = [i for i in rows if c.stw_ms[i] > th.stw_long_ms]  # NaN compares False
    if not slow:
        return None
    worst = max(slow, key=lambda i: c.stw_ms[i])
    ms = c.stw_ms[worst]
    if math.isnan(c.stw_sweep_term_ms[worst]):
        parts = ""
    else:
        parts = (
            f" (sweep termination {fmt_ms(c.stw_sweep_term_ms[worst])} + mark termination "
            f"{fmt_ms(c.stw_mark_term_ms[worst])})"
        )
    when = "" if c.t_ms[worst] == MISSING_U32 else f" at {c.t_ms[worst] / 1000:.3f} s"
    return scope.finding(
        "stw-long",
        "critical" if ms > th.stw_long_critical_ms else "warning",
        f"{len(slow)} of {len(rows)} cycles stopped the world for longer than "
        f"{fmt_ms(th.stw_long_ms)}; the longest, gc {c.n[worst]}{when}, paused every "
        f"goroutine for {fmt_ms(ms)}{parts}.",
        "A stop-the-world phase waits for every goroutine to reach a safe point: look for "
        "CPU starvation (GOMAXPROCS above the container's CPU quota, a loaded machine), tight "
        "loops without calls (Go before 1.14 cannot preempt them), and huge numbers of "
        "goroutines; a runtime/trace (go tool trace) shows which phase waited.",
        slow,
        value=ms,
    )


@rule("mark-assist-heavy", "Allocating goroutines do the GC's marking")
def mark_assist_heavy(scope: Scope) -> Finding | None:
    th = scope.th
    w = Worst()
    for rows, span_cpu, assist, mark in _cpu_windows(scope):
        if mark <= 0 or span_cpu.share is None:
            continue
        w.seen(rows, th.window_cycles)
        cpu, share = span_cpu.share * 100.0, assist / mark * 100.0
        if share > th.mark_assist_heavy_pct and cpu >= th.mark_assist_heavy_min_gc_cpu_pct:
            w.offer(share, (share, cpu, rows))
    if w.item is None:
        return None
    share, cpu, rows = w.item
    return scope.finding(
        "mark-assist-heavy",
        "warning",
        f"Mark assists (goroutines made to help mark because they allocated during a "
        f"cycle) did {share:.0f}% of the mark CPU over {cycles_text(scope, rows)}, "
        f"while the GC took {cpu:.0f}% of the CPU{w.note(scope.full, th.window_s)}.",
        "Allocation outruns the background mark workers, so allocating goroutines stall to "
        "mark instead of doing their work (latency): allocate less on hot paths (go tool pprof "
        "-sample_index=alloc_space), and give the workers runway with a higher GOGC, or "
        "GOMEMLIMIT plus a higher GOGC." + advice_quote(scope.model, rows, memo=scope.memo),
        rows,
        value=share,
    )


@rule("heap-overshoot", "The heap overshoots its goal")
def heap_overshoot(scope: Scope) -> Finding | None:
    th, store = scope.th, scope.model.cycles
    w = Worst()
    np = numpy()
    wins = list(scope.windows(th.window_s, th.window_cycles))
    for rows, seen, over_count in zip(wins, *_overshoot_counts(scope, wins)):
        if seen < th.window_min_cycles:
            continue
        w.seen(rows, th.window_cycles)
        share = over_count / seen * 100.0
        if share > th.heap_overshoot_pct:
            w.offer(share, (share, rows, seen))
    if w.item is None:
        return None
    share, rows, seen = w.item
    mb = store.overshoot_rows(rows.start, rows.stop)  # NaN: not printed
    over = (np.flatnonzero(mb > th.heap_overshoot_min_mb) + rows.start).tolist()
    c = store.cols
    top = max(over, key=lambda i: store.overshoot_mb(i) or 0)
    return scope.finding(
        "heap-overshoot",
        "warning",
        f"{len(over)} of {seen} cycles ({share:.0f}%, {cycles_text(scope, rows)}) ended "
        f"mark more than {th.heap_overshoot_min_mb} MB above the heap goal, up to "
        f"{store.overshoot_mb(top)} MB over at gc {c.n[top]} ({c.heap_end_mb[top]} MB "
        f"for a {c.heap_goal_mb[top]} MB goal){w.note(scope.full, th.window_s)}.",
        "The heap grew past its goal while marking: allocation bursts outran the mark phase, "
        "so the process needs more memory than GOGC promises. Smooth or shrink allocation "
        "bursts, leave headroom below GOMEMLIMIT and container limits, and see whether mark "
        "assists are heavy too.",
        over,
        value=share,
    )


def _overshoot_counts(scope: Scope, wins: list[range]) -> tuple[list[int], list[int]]:
    """For each window (contiguous, rising): the cycles that print both the
    heap at the end of mark and the goal, and those of them that ended more
    than ``heap-overshoot.min_mb`` above the goal; from running counts over
    the segment, a block of rows at a time."""
    np = numpy()
    store, th = scope.model.cycles, scope.th
    seen: list[int] = []
    over: list[int] = []
    for block, lo, hi in window_blocks(wins):
        mb = store.overshoot_rows(lo, hi)
        counts = np.zeros((2, hi - lo + 1), dtype=np.int64)
        np.cumsum(~np.isnan(mb), out=counts[0, 1:])
        np.cumsum(mb > th.heap_overshoot_min_mb, out=counts[1, 1:])
        del mb
        starts = np.fromiter((w.start - lo for w in block), dtype=np.int64, count=len(block))
        stops = np.fromiter((w.stop - lo for w in block), dtype=np.int64, count=len(block))
        seen.extend((counts[0, stops] - counts[0, starts]).tolist())
        over.extend((counts[1, stops] - counts[1, starts]).tolist())
    return seen, over


@rule("forced-gc", "Forced collections")
def forced_gc(scope: Scope) -> Finding | None:
    th, c = scope.th, scope.model.cycles.cols
    rows = scope.recent_or_all()
    forced = [i for i in rows if c.flags[i] & FORCED]
    if not forced:
        return None
    t0, t1 = scope.t_s(rows[0]), scope.t_s(rows[-1])
    per_min = None
    if t0 is not None and t1 is not None and t1 > t0:
        per_min = len(forced) / (t1 - t0) * 60.0
    rate = "" if per_min is None else f", {per_min:.0f} per minute"
    warn = per_min is not None and len(forced) >= 3 and per_min > th.forced_gc_warning_per_min
    return scope.finding(
        "forced-gc",
        "warning" if warn else "info",
        f"{len(forced)} of {len(rows)} cycles ({cycles_text(scope, rows)}) were forced by "
        f"runtime.GC or debug.FreeOSMemory{rate}.",
        "A forced cycle is a full collection that the caller waits for, whatever GOGC says. "
        "Find who calls runtime.GC() or debug.FreeOSMemory() (your code or a dependency); "
        "the pacer usually does better on its own, and GOMEMLIMIT is the way to keep memory "
        "under a bound.",
        forced,
        value=per_min if per_min is not None else float(len(forced)),
    )
