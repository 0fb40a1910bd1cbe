"""Time between GC cycles, honest about the clock's 1 ms resolution.

The gctrace ``@T`` stamp is whole milliseconds (truncated), so in a GC storm
most cycles share a millisecond with the one before and their own interval
reads 0: a median of such intervals says "every 0.00 ms". What the stamps
do measure well is a stretch of many cycles: span ÷ cycles. So wherever the
intervals of a window are below :data:`COARSE_MS`, the window's intervals
are estimated as its span over its count, and the text says so:
``0.25 ms (16,205 cycles in 4.0 s)``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable, Sequence

from parsers.columns import MISSING_U32
from tui.analysis.windows import block_ids, segmented_medians, window_blocks, windows
from tui.model.arrays import floats, numpy
from tui.model.cycles import CycleStore
from tui.model.gccpu import CLOCK_RESOLUTION_MS

# A window whose median interval is under one clock tick has most of its
# cycles in the same millisecond as the one before (intervals of 0).
COARSE_MS = CLOCK_RESOLUTION_MS


@dataclass(frozen=True, slots=True)
class Estimate:
    """The mean interval of a window of ``cycles`` cycles spanning ``span_s``."""

    cycles: int
    span_s: float

    @property
    def mean_ms(self) -> float:
        return self.span_s * 1000.0 / (self.cycles - 1) if self.cycles > 1 else float("nan")

    def text(self) -> str:
        return f"{fmt_interval_ms(self.mean_ms)} ({self.cycles:,} cycles in {self.span_s:.1f} s)"


def fmt_interval_ms(ms: float) -> str:
    """A short interval with the digits it needs: 0.25 ms, 0.0031 ms, 12 ms."""
    if ms >= 10:
        return f"{ms:.0f} ms"
    if ms >= 1:
        return f"{ms:.1f} ms"
    return f"{ms:.2g} ms"


def window_interval(store: CycleStore, rows: Sequence[int]) -> tuple[float, int, Estimate | None]:
    """``(median_ms, intervals, estimate)`` of the intervals inside ``rows``
    (the first row's began before the window). ``estimate`` is set, and the
    median replaced by span ÷ cycles, when the median is below the clock's
    resolution (see the module docstring)."""
    np = numpy()
    lo, hi = rows[0], rows[-1] + 1
    raw = floats(store.interval_s, lo + 1, hi)
    raw = raw[~np.isnan(raw)] * 1000.0
    if not len(raw):
        return float("nan"), 0, None
    med = float(np.median(raw))
    if med >= COARSE_MS:
        return med, len(raw), None
    t = store.cols.t_ms
    est = Estimate(hi - lo, (t[hi - 1] - t[lo]) / 1000.0)
    return est.mean_ms, len(raw), est




def window_intervals(store: CycleStore, wins: Sequence[range]) -> list[tuple[float, int, Estimate | None]]:
    """:func:`window_interval` of each of ``wins`` (contiguous windows that
    do not overlap, rising, as a report's are), the medians of a block of
    windows from one sort: a 1 GB log has half a million windows, and a
    numpy median each cost ~40 us. The numbers are the same: the middle
    value, or the mean of the two middle values, of the same float64s."""
    np = numpy()
    out: list[tuple[float, int, Estimate | None]] = []
    t = store.cols.t_ms
    for block, lo, hi in window_blocks(wins):
        raw = floats(store.interval_s, lo, hi) * 1000.0
        wid = block_ids(block, lo, hi, skip_first=True)  # the first row's interval began before it
        keep = (wid >= 0) & ~np.isnan(raw)
        vals, wid = raw[keep], wid[keep]
        del raw, keep
        counts = np.bincount(wid, minlength=len(block))
        meds = segmented_medians(vals, wid, len(block)).tolist()
        del vals
        for w, med, count in zip(block, meds, counts.tolist()):
            if not count:
                out.append((float("nan"), 0, None))
            elif med >= COARSE_MS:
                out.append((med, count, None))
            else:
                a, b = w.start, w.stop
                est = Estimate(b - a, (t[b - 1] - t[a]) / 1000.0)
                out.append((est.mean_ms, count, est))
    return out


def estimated_intervals(
    store: CycleStore, segments: Iterable[range], window_s: float
) -> tuple[Any, list[Estimate]]:
    """Every cycle's interval in seconds (NaN-free, a float64 array), the
    intervals of windows (``window_s`` long) whose median is below the
    clock's resolution replaced by their span ÷ cycles; and those windows."""
    np = numpy()
    parts: list[Any] = []
    estimates: list[Estimate] = []
    t = store.cols.t_ms
    for rows in segments:
        if not len(rows):
            continue
        raw = floats(store.interval_s, rows.start, rows.stop)
        if t[rows.stop - 1] == MISSING_U32:
            parts.append(raw[~np.isnan(raw)])
            continue
        wins = [w for w in windows(t, rows, window_s, len(rows), False, True) if len(w) > 1]
        for w, (_, _, est) in zip(wins, window_intervals(store, wins)):
            if est is not None:  # in place: the windows tile the segment in order
                estimates.append(est)
                part = raw[w.start - rows.start : w.stop - rows.start]
                part[~np.isnan(part)] = est.mean_ms / 1000.0
        parts.append(raw[~np.isnan(raw)])
        del raw
    values = (parts[0] if len(parts) == 1 else np.concatenate(parts)) if parts else np.empty(0)
    return values, estimates
