"""Marked ranges of cycles and what they say: the numbers an engineer quotes
when comparing "before the deploy" with "after".

``v`` marks a range (pressed at its first cycle and at its last); a second
range, or the stretch just before the first (``c``), is compared with it
side by side. The numbers are the ones the rest of gctui uses: STW pause
percentiles over the range, GC CPU as the runtime counts it
(:func:`tui.model.gccpu.span`), and three rates read from the gctrace
lines. Textual-free, so every figure is a unit test.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from tui.model.arrays import floats, numpy
from tui.model.cycles import CycleStore
from tui.model.gccpu import span
from tui.ui.buckets import percentiles


@dataclass(frozen=True, slots=True)
class RangeStats:
    """What a range of cycles (one run) says; None where it cannot say.

    Times in ms unless named ``_s``; heap in MB (MiB as gctrace prints them).
    """

    rows: range
    first_n: int
    last_n: int
    span_s: float
    stw_p50_ms: float | None
    stw_p99_ms: float | None
    stw_max_ms: float | None
    gc_cpu: float | None  # a fraction of the CPU offered
    cycles_per_min: float | None
    alloc_mb_s: float | None  # heap allocated between cycles, per second
    live_slope_mb_min: float | None  # least-squares slope of the live heap


def clip_to_run(store: CycleStore, a: int, b: int) -> range:
    """Rows from ``a`` to ``b`` (inclusive, either order) within ``a``'s run:
    a range never mixes runs, whose clocks both start at zero."""
    lo, hi = sorted((a, b))
    seg = store.cols.segment
    first, stop = store.segment_range(seg[a])
    return range(max(lo, first), min(hi + 1, stop))


def range_stats(store: CycleStore, rows: range) -> RangeStats | None:
    """The numbers of ``rows`` (committed rows of one run), or None if empty."""
    if not rows:
        return None
    c = store.cols
    lo, hi = rows.start, rows.stop
    t0, t1 = c.t_ms[lo] / 1000, c.t_ms[hi - 1] / 1000
    span_s = t1 - t0
    (p50, p99, top), _exact = percentiles(c.stw_ms, rows, (50, 99, 100))
    cpu = span(store, rows).share
    per_min = (len(rows) - 1) / span_s * 60 if span_s > 0 and len(rows) > 1 else None
    alloc = slope = None
    if len(rows) > 1 and span_s > 0:
        np = numpy()
        start = floats(c.heap_start_mb, lo + 1, hi)
        live_before = floats(c.heap_live_mb, lo, hi - 1)
        grown = start - live_before  # allocated between one cycle's mark end and the next start
        ok = ~np.isnan(grown)
        if ok.any():
            alloc = float(np.clip(grown[ok], 0, None).sum()) / span_s
        live = floats(c.heap_live_mb, lo, hi)
        t = floats(c.t_ms, lo, hi) / 60000.0
        keep = ~np.isnan(live)
        if keep.sum() >= 2 and np.ptp(t[keep]) > 0:
            slope = float(np.polyfit(t[keep], live[keep], 1)[0])
    return RangeStats(rows, c.n[lo], c.n[hi - 1], span_s, p50, p99, top, cpu, per_min, alloc, slope)


def previous_range(store: CycleStore, rows: range) -> range | None:
    """The stretch of as many cycles just before ``rows`` in its run (``c``
    compares a marked range with what came before it), or None at a run's start."""
    if not rows:
        return None
    first, _ = store.segment_range(store.cols.segment[rows.start])
    start = max(first, rows.start - len(rows))
    return range(start, rows.start) if start < rows.start else None


def change(before: float | None, after: float | None) -> str:
    """How ``after`` differs from ``before``: ``+12%``, ``-3.1%``, ``×4.2``."""
    if before is None or after is None or math.isnan(before) or math.isnan(after):
        return ""
    if before == 0:
        return "" if after == 0 else "new"
    ratio = after / before
    if ratio >= 3 or (ratio <= 1 / 3 and after > 0 and before > 0):
        return f"×{ratio:.2g}" if ratio >= 3 else f"÷{1 / ratio:.2g}"
    pct = (ratio - 1) * 100
    return f"{pct:+.0f}%" if abs(pct) >= 10 else f"{pct:+.1f}%"


def difference(before: float | None, after: float | None) -> float | None:
    """``after - before`` for a quantity with a sign (a heap slope), where a
    ratio means nothing."""
    if before is None or after is None or math.isnan(before) or math.isnan(after):
        return None
    return after - before
