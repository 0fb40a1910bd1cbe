"""GC cycles in columns, with the per-cycle numbers the runtime does not print.

The runtime prints what happened; an engineer needs what it means. Four
derived numbers are computed once, on insert, and kept as float32 columns
because charts over a million cycles need them in bulk:

* ``interval_s``: time since the previous cycle started (same run only);
* ``alloc_rate_mb_s``: heap allocated since the previous cycle's mark ended
  (this cycle's heap at start minus the previous live heap) per second of
  that interval;
* ``gc_cpu``: this cycle's GC CPU time (idle mark workers left out, as the
  runtime does) over the CPU the interval offered (interval x P), as a
  fraction: unlike the printed ``N%``, which is cumulative since start;
* ``assist_share``: mutator assist CPU over all mark CPU (assist +
  background + idle workers).

The rest is cheap enough to derive when asked (overshoot, effective GOGC).
A row costs 78 + 16 = 94 bytes. Segments (a restart, a second process in the
same log) cut every derivation: a cycle after a boundary has no interval.
"""

from __future__ import annotations

import math
from array import array
from bisect import bisect_left, bisect_right
from typing import Iterator

from parsers.columns import MISSING_U32, NAN, GCColumns
from parsers.events import GCCycle

DERIVED = ("interval_s", "alloc_rate_mb_s", "gc_cpu", "assist_share")


class CycleStore:
    """All cycles seen, in arrival order, plus derived columns."""

    def __init__(self) -> None:
        self.cols = GCColumns()
        self.interval_s = array("f")
        self.alloc_rate_mb_s = array("f")
        self.gc_cpu = array("f")
        self.assist_share = array("f")

    def __len__(self) -> int:
        return len(self.cols)

    def nbytes(self) -> int:
        """Bytes held per all columns, raw and derived."""
        derived = sum(len(getattr(self, d)) * 4 for d in DERIVED)
        return self.cols.nbytes() + derived

    # -- insert ----------------------------------------------------------------

    def append(self, cycle: GCCycle, segment: int) -> None:
        """Add one cycle (the live path)."""
        self.cols.append(cycle, segment)
        self._derive(len(self.cols) - 1, len(self.cols))

    def extend(self, cols: GCColumns) -> None:
        """Add a batch of parsed rows (the bulk path)."""
        start = len(self.cols)
        self.cols.extend(cols)
        self._derive(start, len(self.cols))

    def _derive(self, start: int, end: int) -> None:
        """Derived columns of rows ``[start, end)``. One pass with ``zip``
        over column slices (each row's previous row rides along), which is
        about twice as fast as indexing every column by row: this runs on
        every cycle of a file read in bulk."""
        c = self.cols
        lo = max(start - 1, 0)
        # Row i's own values, and those of row i - 1 (None before the first row).
        prev_t = [None] * (start == 0) + list(c.t_ms[lo : end - 1])
        prev_seg = [None] * (start == 0) + list(c.segment[lo : end - 1])
        prev_live = [None] * (start == 0) + list(c.heap_live_mb[lo : end - 1])
        rows = zip(
            c.t_ms[start:end], prev_t, c.segment[start:end], prev_seg, c.procs[start:end],
            c.heap_start_mb[start:end], prev_live, c.sweep_term_cpu_ms[start:end],
            c.mark_assist_cpu_ms[start:end], c.mark_bg_cpu_ms[start:end], c.mark_idle_cpu_ms[start:end],
            c.mark_term_cpu_ms[start:end],
        )
        interval, rate, cpu, share = [], [], [], []
        missing, nan, isnan = MISSING_U32, NAN, math.isnan
        for t, t_prev, seg, seg_prev, p, h0, live_prev, st_cpu, assist, bg, idle, mt_cpu in rows:
            mark_cpu = assist + bg + idle
            share.append(assist / mark_cpu if mark_cpu > 0 else (0.0 if mark_cpu == 0 else nan))
            if t_prev is None or seg != seg_prev or t == missing or t_prev == missing:
                interval.append(nan)
                rate.append(nan)
                cpu.append(nan)
                continue
            dt = (t - t_prev) / 1000.0
            interval.append(dt)
            if dt > 0 and h0 != missing and live_prev != missing:
                rate.append(max(h0 - live_prev, 0) / dt)
            else:
                rate.append(nan)
            # Idle mark workers only ran on Ps with nothing else to do; the
            # runtime leaves them out of its own GC CPU figure, and so do we.
            total = st_cpu + assist + bg + mt_cpu
            # Capped at 100%: the clock has 1 ms resolution, so a 2 ms interval
            # can read as 1 ms and double the share.
            cpu.append(min(total / (dt * 1000.0 * p), 1.0) if dt > 0 and p and not isnan(total) else nan)
        self.interval_s.extend(interval)
        self.alloc_rate_mb_s.extend(rate)
        self.gc_cpu.extend(cpu)
        self.assist_share.extend(share)

    # -- reading -----------------------------------------------------------------

    def cycle(self, i: int) -> GCCycle:
        """Row ``i`` as an event (without its raw line)."""
        return self.cols.cycle(i)

    def overshoot_mb(self, i: int) -> int | None:
        """Heap at end of mark above the goal (negative: finished under it)."""
        end, goal = self.cols.heap_end_mb[i], self.cols.heap_goal_mb[i]
        if end == MISSING_U32 or goal == MISSING_U32:
            return None
        return end - goal

    def effective_gogc(self, i: int) -> float | None:
        """The GOGC the goal implies: goal over the previous live heap, minus 100%.

        Go 1.18+ counts stacks and globals into the goal, so they are taken
        out first. A value far below the configured GOGC means something else
        (a memory limit) set the goal.
        """
        c = self.cols
        if i == 0 or c.segment[i] != c.segment[i - 1]:
            return None
        goal, prev_live = c.heap_goal_mb[i], c.heap_live_mb[i - 1]
        if goal == MISSING_U32 or prev_live in (MISSING_U32, 0):
            return None
        roots = 0
        if c.stacks_mb[i] != MISSING_U32:
            roots = c.stacks_mb[i] + c.globals_mb[i]
        return (goal - prev_live - roots) / (prev_live + roots) * 100.0 if prev_live + roots else None

    def index_of(self, n: int, segment: int | None = None) -> int | None:
        """Index of cycle number ``n`` (in ``segment``, default the last one)."""
        c = self.cols
        if not len(c):
            return None
        lo, hi = self.segment_range(c.segment[-1] if segment is None else segment)
        i = bisect_left(c.n, n, lo, hi)  # cycle numbers rise within a segment
        return i if i < hi and c.n[i] == n else None

    def segment_range(self, segment: int) -> tuple[int, int]:
        """``[start, end)`` indices of a segment's cycles."""
        seg = self.cols.segment
        return bisect_left(seg, segment), bisect_right(seg, segment)

    def nearest(self, t_s: float, segment: int | None = None) -> int | None:
        """Index of the cycle whose start is nearest to ``t_s`` (in a segment)."""
        c = self.cols
        if not len(c):
            return None
        lo, hi = self.segment_range(c.segment[-1] if segment is None else segment)
        if lo == hi:
            return None
        target = t_s * 1000.0
        a = bisect_left(c.t_ms, target, lo, hi)
        best = [i for i in (a - 1, a) if lo <= i < hi]
        return min(best, key=lambda i: abs(c.t_ms[i] - target))

    def in_time_range(self, t0_s: float, t1_s: float, segment: int | None = None) -> range:
        """Indices of cycles starting in ``[t0_s, t1_s]`` of a segment."""
        c = self.cols
        if not len(c):
            return range(0)
        lo, hi = self.segment_range(c.segment[-1] if segment is None else segment)
        first = bisect_left(c.t_ms, t0_s * 1000.0, lo, hi)
        return range(first, bisect_left(c.t_ms, t1_s * 1000.0 + 0.5, lo, hi))

    def last(self, count: int) -> range:
        """Indices of the newest ``count`` cycles."""
        n = len(self.cols)
        return range(max(0, n - count), n)

    def column(self, name: str) -> array:  # type: ignore[type-arg]
        """A raw or derived column by name."""
        if name in DERIVED:
            return getattr(self, name)  # type: ignore[no-any-return]
        return getattr(self.cols, name)  # type: ignore[no-any-return]

    def values(self, name: str, rows: range) -> Iterator[float]:
        """The present (non-missing) values of a column over ``rows``."""
        col = self.column(name)
        missing = MISSING_U32 if col.typecode == "I" else None
        for v in col[rows.start : rows.stop]:
            if v != v or v == missing:  # NaN or sentinel
                continue
            yield v


def buckets(
    store: CycleStore, name: str, rows: range, width: int, percentiles: bool = False
) -> list[tuple[int, int, float, float, float, float | None, float | None]]:
    """Summaries of a column for a chart ``width`` cells wide.

    Each bucket is ``(first_row, end_row, min, max, mean, p50, p99)`` over
    the present values of its rows (percentiles only when asked, since they
    sort). Empty buckets are left out. Costs one pass over ``rows``.
    """
    out: list[tuple[int, int, float, float, float, float | None, float | None]] = []
    total = len(rows)
    if total == 0 or width <= 0:
        return out
    col = store.column(name)
    missing = MISSING_U32 if col.typecode == "I" else None
    per = max(1, -(-total // width))
    for a in range(rows.start, rows.stop, per):
        b = min(a + per, rows.stop)
        vals = [v for v in col[a:b] if v == v and v != missing]
        if not vals:
            continue
        p50 = p99 = None
        if percentiles:
            vals.sort()
            p50 = vals[(len(vals) - 1) // 2]
            p99 = vals[min(len(vals) - 1, int(len(vals) * 0.99))]
        out.append((a, b, min(vals), max(vals), sum(vals) / len(vals), p50, p99))
    return out


def percentile(values: list[float], q: float) -> float | None:
    """Nearest-rank percentile (``q`` in 0..100) of unsorted ``values``."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100.0 * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]
