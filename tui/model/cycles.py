"""GC cycles in columns, with the per-cycle numbers the runtime does not print.

The runtime prints what happened; an engineer needs what it means. Four
derived numbers are computed once, on insert, and kept as float32 columns
because charts over a million cycles need them in bulk:

* ``interval_s``: time since the previous cycle started (same run only);
* ``alloc_rate_mb_s``: heap allocated since the previous cycle's mark ended
  (this cycle's heap at start minus the previous live heap) per second of
  that interval;
* ``gc_cpu``: this cycle's GC CPU time (idle mark workers left out, as the
  runtime does) over the CPU offered (x P) from the end of the previous
  cycle to the end of this one, as a fraction (:mod:`tui.model.gccpu`);
  NaN when that interval is under 10 ms, too short for the 1 ms clock.
  Unlike the printed ``N%``, which is cumulative since start;
* ``assist_share``: mutator assist CPU over all mark CPU (assist +
  background + idle workers).

The rest is cheap enough to derive when asked (overshoot, effective GOGC),
per row or vectorised over a range of rows. Vectorised code reads the
``array`` columns through zero-copy numpy views (:mod:`tui.model.arrays`).
A row costs 78 + 16 = 94 bytes. Segments (a restart, a second process in the
same log) cut every derivation: a cycle after a boundary has no interval.
"""

from __future__ import annotations

import math
from array import array
from bisect import bisect_left, bisect_right
from typing import Any, Iterator

from parsers.columns import COLUMNS, MISSING_U32, GCColumns
from parsers.events import GCCycle
from tui.model.arrays import floats, numpy, view
from tui.model.gccpu import per_cycle

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

    def append(self, cycle: GCCycle, segment: int, derive: bool = True) -> None:
        """Add one cycle (the live path). A caller adding a batch passes
        ``derive=False`` and calls :meth:`derive` once at the end: the
        derivation is vectorised, so one call per batch is what is cheap."""
        self.cols.append(cycle, segment)
        if derive:
            self.derive()

    def extend(self, cols: GCColumns) -> None:
        """Add a batch of parsed rows (the bulk path)."""
        self.cols.extend(cols)
        self.derive()

    def derive(self) -> None:
        """Derive the columns of every row not derived yet."""
        start, end = len(self.gc_cpu), len(self.cols)
        if start < end:
            self._derive(start, end)

    def _derive(self, start: int, end: int) -> None:
        """Derived columns of rows ``[start, end)``, vectorised over
        zero-copy views of the raw columns (row ``start - 1`` rides along
        as the first row's predecessor). GC CPU per cycle comes from
        :mod:`tui.model.gccpu`, the same code every span figure uses."""
        np = numpy()
        c = self.cols
        a = max(start - 1, 0)
        seg = view(c.segment, a, end)
        same = np.zeros(end - a, dtype=bool)
        same[1:] = seg[1:] == seg[:-1]
        t = floats(c.t_ms, a, end)
        dt = np.full(end - a, np.nan)
        dt[1:] = (t[1:] - t[:-1]) / 1000.0
        dt[~same] = np.nan
        live_prev = np.full(end - a, np.nan)
        live_prev[1:] = floats(c.heap_live_mb, a, end - 1)
        grown = np.maximum(floats(c.heap_start_mb, a, end) - live_prev, 0.0)
        with np.errstate(divide="ignore", invalid="ignore"):
            rate = np.where(dt > 0, grown / dt, np.nan)
            rate[np.isnan(grown)] = np.nan
            assist = floats(c.mark_assist_cpu_ms, a, end)
            mark = assist + floats(c.mark_bg_cpu_ms, a, end) + floats(c.mark_idle_cpu_ms, a, end)
            share = np.where(mark > 0, assist / mark, np.where(mark == 0, 0.0, np.nan))
        cut = start - a
        for col, values in ((self.interval_s, dt[cut:]), (self.alloc_rate_mb_s, rate[cut:]),
                            (self.assist_share, share[cut:]), (self.gc_cpu, per_cycle(self, start, end))):
            col.frombytes(values.astype(np.float32).tobytes())

    def copy_rows(self, lo: int, hi: int) -> CycleStore:
        """Rows ``[lo, hi)`` as a store of their own, for a thread that
        analyses them without the model's lock (a live source appends to
        these arrays, and a numpy view would pin them). The derived columns
        are copied, not derived again: the first row keeps its interval to
        the row before it. About 94 bytes a row, a few ms for 200,000."""
        out = CycleStore()
        for name in COLUMNS:
            setattr(out.cols, name, getattr(self.cols, name)[lo:hi])
        for name in DERIVED:
            setattr(out, name, getattr(self, name)[lo:hi])
        return out

    def overshoot_rows(self, lo: int, hi: int) -> Any:
        """Heap at end of mark above the goal, MB, for rows ``[lo, hi)`` (NaN: unknown)."""
        c = self.cols
        return floats(c.heap_end_mb, lo, hi) - floats(c.heap_goal_mb, lo, hi)

    def effective_gogc_rows(self, lo: int, hi: int) -> Any:
        """The GOGC each goal of rows ``[lo, hi)`` implies (NaN: unknown), see
        :meth:`effective_gogc`."""
        np = numpy()
        c = self.cols
        a = max(lo - 1, 0)
        seg = view(c.segment, a, hi)
        prev_live = np.full(hi - a, np.nan)
        prev_live[1:] = floats(c.heap_live_mb, a, hi - 1)
        prev_live[1:][seg[1:] != seg[:-1]] = np.nan
        prev_live[prev_live == 0] = np.nan
        roots = np.nan_to_num(floats(c.stacks_mb, a, hi) + floats(c.globals_mb, a, hi))
        base = prev_live + roots
        out = (floats(c.heap_goal_mb, a, hi) - base) / base * 100.0
        return out[lo - a:]

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
        (a memory limit, or a GOGC set low) set the goal.
        """
        value = float(self.effective_gogc_rows(i, i + 1)[0])
        return None if math.isnan(value) else value

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
