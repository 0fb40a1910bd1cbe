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
from dataclasses import replace
from typing import Any, Iterator

from parsers.columns import FORCED, MISSING_U32
from tui.analysis.findings import Finding, Scope, cycles_text, rule
from tui.analysis.whatif_report import limit_quote
from tui.analysis.thresholds import Thresholds
from tui.analysis.fits import MARGIN, MAYBE, YES, leak_screen
from tui.analysis.paced import paced_windows
from tui.analysis.windows import MAX_FIT_POINTS, Worst, linear_fit, median, up_share
from tui.model.arrays import floats, numpy, view


@rule("live-heap-growing", "The live heap keeps growing")
def live_heap_growing(scope: Scope) -> Finding | None:
    th, c = scope.th, scope.model.cycles.cols
    w = Worst()
    warm = warm_up_end(scope)
    fired: list[tuple[float, range]] = []  # (MB/min, window) of the windows that fired, in order
    exact: dict[range, tuple[tuple[float, float, int, int], list[int]]] = {}
    for group in _leak_window_groups(scope):
        wins = list(group)
        whole = _whole_windows(scope, wins, warm)
        verdict_col, slope_col = _screen(scope, [r for r, ok in zip(wins, whole) if ok])
        verdicts, slopes = verdict_col.tolist(), slope_col.tolist()
        del verdict_col, slope_col
        screened = 0
        for rows, ok in zip(wins, whole):
            if ok:  # every row of the window counts (the common case): screened
                verdict, approx = verdicts[screened], slopes[screened]
                screened += 1
                if len(rows) < th.live_heap_growing_min_cycles:
                    continue
                if c.t_ms[rows[-1]] / 1000.0 - c.t_ms[rows[0]] / 1000.0 < th.live_heap_growing_min_s:
                    continue
                w.seen(rows, MAX_FIT_POINTS)
                if verdict != MAYBE:
                    if verdict == YES:
                        fired.append((approx, rows))
                    continue
                idx = list(rows)
            else:
                idx = [i for i in rows if i >= warm and c.heap_live_mb[i] != MISSING_U32 and c.t_ms[i] != MISSING_U32]
                if len(idx) < th.live_heap_growing_min_cycles:
                    continue
                if c.t_ms[idx[-1]] / 1000.0 - c.t_ms[idx[0]] / 1000.0 < th.live_heap_growing_min_s:
                    continue
                w.seen(rows, MAX_FIT_POINTS)
            fit = _leak_fit(c, idx, th)
            if fit is not None:
                exact[rows] = fit, idx
                fired.append((fit[0], rows))
    # The screen's slope may differ from the fit's in the last bits: every
    # window that could be the steepest gets the exact fit.
    top = max((score for score, _ in fired), default=0.0)
    near = top - (MARGIN * (abs(top) + 1.0) + 1e-12)
    for n, (score, rows) in enumerate(fired):
        if rows not in exact and score >= near:
            idx = list(rows)
            fit = _leak_fit(c, idx, th)
            assert fit is not None  # the screen was sure it fires
            exact[rows] = fit, idx
            fired[n] = fit[0], rows
    for score, rows in fired:
        w.offer(score, rows)
    if w.item is None:
        return None
    (per_min, r2, rises, parts), idx = exact[w.item]
    first, last = c.heap_live_mb[idx[0]], c.heap_live_mb[idx[-1]]
    return scope.finding(
        "live-heap-growing",
        "warning",
        f"The live heap (what survives each collection) grew {per_min:.1f} MB/min over "
        f"{len(idx)} cycles, {cycles_text(scope, idx)} (r² {r2:.2f}): {first} MB → {last} MB, "
        f"rising in {rises} of {parts - 1} steps between stretches of the window"
        f"{w.note(scope.full, th.live_heap_growing_window_s, _scales_text(th.live_heap_growing_window_s))}.",
        "Something keeps references alive: take two heap profiles some time apart and compare "
        "them (go tool pprof -sample_index=inuse_space -base old.pb.gz new.pb.gz, from "
        "http://HOST/debug/pprof/heap) and look for maps, caches, slices or goroutines that "
        "only grow.",
        idx,
        value=per_min,
    )


def _leak_fit(c: Any, idx: list[int], th: Thresholds) -> tuple[float, float, int, int] | None:
    """The leak test on the rows ``idx``: ``(MB/min, r², rises, stretches)``
    when it fires, else None."""
    xs = [c.t_ms[i] / 1000.0 for i in idx]
    ys = [float(c.heap_live_mb[i]) for i in idx]
    slope, r2 = linear_fit(xs, ys)
    per_min = slope * 60.0
    ups = up_share(ys) * 100.0
    parts = part_medians(xs, ys, th.live_heap_growing_parts)
    rises = sum(b > a for a, b in zip(parts, parts[1:]))
    # A line that fits, mostly rises, or a rise in every stretch.
    steady = r2 >= th.live_heap_growing_r2 or ups >= th.live_heap_growing_up_pct or rises == len(parts) - 1
    # Every part but one rose, and by more than MiB truncation can fake.
    several = rises >= len(parts) - 2 and rises >= 2 and parts[-1] > parts[0]
    big = parts[-1] - parts[0] > th.live_heap_growing_min_rise_mb
    if per_min > th.live_heap_growing_mb_per_min and steady and several and big:
        return per_min, r2, rises, len(parts)
    return None


def _whole_windows(scope: Scope, wins: list[range], warm: int) -> list[bool]:
    """For each fit window, whether every row from its first to its last is
    usable (past the warm-up, with a live heap and a clock): then its points
    are just its rows, and the vectorised screen can judge it."""
    np = numpy()
    if not wins:
        return []
    c, rows = scope.model.cycles.cols, scope.rows
    lo, hi = rows.start, rows.stop
    bad = (view(c.heap_live_mb, lo, hi) == MISSING_U32) | (view(c.t_ms, lo, hi) == MISSING_U32)
    bad[: max(0, min(warm, hi) - lo)] = True
    where = np.flatnonzero(bad) + lo  # few: the warm-up, and lines without a heap or clock
    del bad
    starts = np.fromiter((r.start for r in wins), dtype=np.int64, count=len(wins))
    stops = np.fromiter((r[-1] + 1 for r in wins), dtype=np.int64, count=len(wins))
    return (np.searchsorted(where, stops) == np.searchsorted(where, starts)).tolist()  # type: ignore[no-any-return]


def _screen(scope: Scope, wins: list[range]) -> tuple[Any, Any]:
    """The screen's verdicts on these windows (all rows usable) and their
    slopes, as arrays (see :func:`tui.analysis.fits.leak_screen`)."""
    c = scope.model.cycles.cols
    return leak_screen(view(c.t_ms), view(c.heap_live_mb), wins, scope.th)


def _scales_text(window_s: float) -> str:
    """The report's fit windows: ``windows of 600, 60 or 20 s``."""
    scales = [window_s, *(s for s in REPORT_LEAK_SCALES_S if s < window_s)]
    return "windows of " + ", ".join(f"{s:g}" for s in scales[:-1]) + (" or " if len(scales) > 1 else "") + f"{scales[-1]:g} s"


def part_medians(xs: list[float], ys: list[float], parts: int) -> list[float]:
    """The median of ``ys`` in each of ``parts`` equal stretches of time
    (stretches without a point are left out). A leak rises from stretch to
    stretch; a warm-up ramp or a single step rises once."""
    t0, t1 = xs[0], xs[-1]
    width = (t1 - t0) / parts or 1.0
    buckets: list[list[float]] = [[] for _ in range(parts)]
    for x, y in zip(xs, ys):
        buckets[min(parts - 1, int((x - t0) / width))].append(y)
    return [median(b) for b in buckets if b]


def warm_up_end(scope: Scope) -> int:
    """First row after the run's warm-up: while a program builds its working
    set, its live heap rises cycle after cycle from process start. The
    warm-up is that first unbroken rise (ended by the first cycle that does
    not rise), if it ended within ``live-heap-growing.warmup_s``; a log that
    starts mid-run (its first cycle is not gc 1) has none."""
    c, rows = scope.model.cycles.cols, scope.rows
    if not len(rows) or c.n[rows.start] != 1:
        return rows.start
    limit = scope.th.live_heap_growing_warmup_s * 1000.0
    prev = c.heap_live_mb[rows.start]
    for i in range(rows.start + 1, rows.stop):
        live, t = c.heap_live_mb[i], c.t_ms[i]
        if t == MISSING_U32 or t > limit or live == MISSING_U32:
            return rows.start
        if live <= prev:
            return i - 1  # the top of the ramp is the first steady value
        prev = live
    return rows.start


# A report also looks at shorter stretches: a leak that ran for a minute and
# stopped (the cache was dropped, the process restarted its worker) leaves the
# whole run's second half flat, which a single long window would call healthy.
REPORT_LEAK_SCALES_S = (60.0, 20.0)


def _leak_windows(scope: Scope) -> Iterator[range]:
    """The fit windows: live, the newest; in a report, back to back at each
    scale, and at the shorter scales also shifted by quarters of a window,
    so a leak that straddles a boundary is seen whole in one of them."""
    for group in _leak_window_groups(scope):
        yield from group


def _leak_window_groups(scope: Scope) -> Iterator[Iterator[range]]:
    """:func:`_leak_windows` one scale and shift at a time (each group's
    windows rise): a 1 GB log has 870,000 of them, judged a group at a time."""
    th = scope.th
    yield scope.windows(th.live_heap_growing_window_s, MAX_FIT_POINTS, sample=True)
    if not scope.full:
        return
    t = scope.model.cycles.cols.t_ms
    rows = scope.rows
    for seconds in (s for s in REPORT_LEAK_SCALES_S if s < th.live_heap_growing_window_s):
        for quarter in range(4):
            if not len(rows) or t[rows.start] == MISSING_U32:
                break
            start = bisect.bisect_left(t, t[rows.start] + quarter * seconds * 250.0, rows.start, rows.stop)
            shifted = replace(scope, rows=range(start, rows.stop))
            yield shifted.windows(seconds, MAX_FIT_POINTS, sample=True)


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
    env = scope.model.env
    gogc = configured_gogc(scope)
    limit_b = env.gomemlimit_b
    gogc_text = "GOGC=off" if math.isinf(gogc) else f"GOGC={gogc:g}"
    w = Worst()
    wins = list(scope.windows(th.window_s, th.window_cycles))
    # Each window's count, verdict and score, all at once (tui.analysis.paced).
    for rows, (paced, fires, score) in zip(wins, paced_windows(store, wins, th, gogc, limit_b is not None)):
        if paced < th.window_min_cycles:
            continue
        w.seen(rows, th.window_cycles)
        # With the limit known the verdict compares the goal with it; unknown,
        # a goal that follows the live heap rules a limit out.
        if fires and (limit_b is not None or not _goal_follows_live(scope, rows)):
            w.offer(score, rows)
    if w.item is None:
        return None
    rows = w.item
    eff, goals, bases = _paced_cycles(scope, rows)
    med = median(eff)
    # A goal at a constant share above the live heap is what a low GOGC
    # sets too; MiB truncation moves the share by about 1 MB / base.
    wobble = max(5.0, 200.0 * (1.0 + max(med, 0.0) / 100.0) / max(min(bases), 1.0))
    constant = max(eff) - min(eff) <= wobble
    goal = median(goals)
    where = cycles_text(scope, rows)
    note = w.note(scope.full, th.window_s)
    if limit_b is not None:
        limit_mb = limit_b / (1 << 20)
        message = (
            f"With GOMEMLIMIT={limit_mb:.0f}MiB and {gogc_text}, the heap goal ({goal:.0f} MB, "
            f"{goal / limit_mb * 100:.0f}% of the limit) was set by the memory limit over "
            f"{where}: effective GOGC {median(eff):.0f}%{note}."
        )
        severity = "warning"
        advice = LIMIT_ADVICE + limit_quote(scope.model, rows, memo=scope.memo)
    elif constant:
        settings = gogc_text if env.gogc else "GOGC and GOMEMLIMIT unknown"
        message = (
            f"The heap goal held at {goal:.0f} MB over {where}, a steady {median(eff):.0f}% above "
            f"the live heap ({settings}): a low GOGC (the GOGC variable or debug.SetGCPercent) "
            f"or a memory limit (GOMEMLIMIT or debug.SetMemoryLimit) sets the goal{note}."
        )
        severity = "info"
        advice = (
            "Either way the GC runs with little headroom (check GC CPU). If GOGC is low, raise "
            "it; if a memory limit binds, raise the limit or shrink the live heap (go tool pprof "
            "-sample_index=inuse_space http://HOST/debug/pprof/heap). gctui run knows both "
            "settings when it starts the program."
        )
    else:
        message = (
            f"The heap goal held flat at {goal:.0f} MB over {where} while the effective GOGC "
            f"(goal over live heap) moved around {median(eff):.0f}% against {gogc_text}"
            f"{'' if env.gogc else ' (assumed)'}: probably a memory limit "
            f"(GOMEMLIMIT or debug.SetMemoryLimit) sets the goal{note}."
        )
        severity = "info"
        advice = LIMIT_ADVICE + limit_quote(scope.model, rows, memo=scope.memo)  # the limit estimated from the goal
    return scope.finding("memory-limit-bound", severity, message, advice, rows, value=goal)


LIMIT_ADVICE = (
    "The memory limit, not GOGC, decides when the GC runs: there is little headroom, and "
    "if the live heap grows toward the limit the GC runs ever more often (check GC CPU). "
    "Raise the limit, shrink the live heap (go tool pprof -sample_index=inuse_space "
    "http://HOST/debug/pprof/heap), or set a GOGC so cycles are not all limit-driven."
)


# A goal that rises with the live heap by at least this (MB per MB) is set by
# GOGC, whatever share it keeps; a limit holds it while the live heap moves.
FOLLOW_SLOPE = 0.5
FOLLOW_MIN_RANGE_MB = 4.0  # less spread in the live heap than this tells nothing (MiB truncation)


def _goal_follows_live(scope: Scope, rows: range) -> bool:
    """The window's goals rise and fall with the live heap they were set
    from, always above it: GOGC paces it (the demo's GOGC=10 act, a level goal from cycle to
    cycle that still doubles with the cache), not a memory limit."""
    np = numpy()
    eff, goals, bases = _paced_cycles(scope, rows)
    if len(bases) < 3 or min(eff) <= 0.0:  # a goal at or under the live heap: only a limit sets that
        return False
    b, g = np.asarray(bases), np.asarray(goals, dtype=np.float64)
    spread = float(b.max() - b.min())
    if spread < FOLLOW_MIN_RANGE_MB:
        return False
    slope = float(np.cov(b, g, bias=True)[0, 1] / np.var(b))
    return slope >= FOLLOW_SLOPE


def _paced_cycles(scope: Scope, rows: range) -> tuple[list[float], list[int], list[float]]:
    """``(effective GOGC, goal MB, live + roots MB)`` of the window's cycles
    that say something about pacing: a forced cycle's goal says nothing about
    what triggers cycles, and a goal under ``min_goal_mb`` is too truncated
    to give an effective GOGC. Each such cycle is dropped on its own; one
    small start-up goal must not silence a whole window."""
    np = numpy()
    store, th = scope.model.cycles, scope.th
    c = store.cols
    lo, hi = rows.start, rows.stop
    eff = store.effective_gogc_rows(lo, hi)
    goals = floats(c.heap_goal_mb, lo, hi)
    forced = (view(c.flags, lo, hi) & FORCED) != 0
    keep = ~np.isnan(eff) & ~forced & (goals >= th.memory_limit_bound_min_goal_mb)
    bases = goals / (1.0 + eff / 100.0)
    return eff[keep].tolist(), goals[keep].astype(int).tolist(), bases[keep].tolist()


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
    rss_mb, goal_mb, t1 = best[-1]
    return scope.finding(
        "rss-heap-gap",
        "warning",
        f"The process's resident memory (RSS) was {rss_mb:.0f} MB, {rss_mb / max(goal_mb, 1):.1f}× the "
        f"{goal_mb:.0f} MB heap goal, in {len(best)} samples in a row: {rss_mb - goal_mb:.0f} MB that the "
        f"Go heap does not account for.",
        "Look outside the heap: goroutine stacks, cgo and C libraries, mmap'd files, memory "
        "the runtime has not returned to the OS yet (the scavenger), fragmentation. Compare "
        "/debug/pprof/heap with runtime/metrics /memory/classes/..., and count goroutines; "
        "note GOMEMLIMIT counts all runtime memory but not C allocations.",
        value=rss_mb - goal_mb,
        t0_s=best[0][2],
        t1_s=t1,
    )
