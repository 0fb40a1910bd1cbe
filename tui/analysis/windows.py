"""Time windows over rows, and the few statistics the findings rules need.

Rules judge "sustained" behaviour over a window of recent rows (cycles or
scheduler snapshots) chosen by time, so these helpers only ever touch the
rows of one window: binary searches find its ends, never a scan from the
start of the run. Plain Python on purpose: a window holds at most a few
thousand rows, and the model's arrays are read in place.
"""

from __future__ import annotations

import math
from array import array
from bisect import bisect_left, bisect_right
from typing import Any, Iterator, Sequence

from parsers.columns import MISSING_U32

MAX_FIT_POINTS = 500  # a trend window is thinned to about this many rows for a fit


def windows(
    t_ms: Sequence[int], rows: range, seconds: float, max_rows: int, sample: bool, full: bool
) -> Iterator[range]:
    """Windows over ``rows``, whose times ``t_ms[i]`` (ms) rise.

    ``t_ms`` is the column of times itself (an ``array``, a list or a numpy
    array), searched with :mod:`bisect` in C: a full report finds hundreds
    of thousands of windows.

    A window spans at most ``seconds``. Live (``full`` false) there is one,
    the newest; a full report gets back-to-back windows over every row.
    Without ``sample`` a window also holds at most ``max_rows`` rows (the
    newest); with it the whole time span is kept and thinned to about
    ``max_rows`` evenly spaced rows (a ``range`` with a step, newest row
    kept), which is what a trend fit over minutes needs. Rows without a
    time (``MISSING_U32``, Go 1.4 lines) are windowed by count instead.
    """
    lo, hi = rows.start, rows.stop
    if lo >= hi:
        return
    span = seconds * 1000.0
    timed = t_ms[hi - 1] != MISSING_U32

    def end_of(start: int) -> int:  # first index past ``start``'s window
        if not timed:
            return min(hi, start + max_rows)
        return bisect_right(t_ms, t_ms[start] + span, start, hi)

    def start_of(end: int) -> int:  # first index of the window ending at ``end``
        if not timed:
            return max(lo, end - max_rows)
        return bisect_left(t_ms, t_ms[end - 1] - span, lo, end)

    def shaped(a: int, b: int) -> range:
        if not sample:
            return range(max(a, b - max_rows), b)
        step = max(1, math.ceil((b - a) / max_rows))
        return range(b - 1 - (b - 1 - a) // step * step, b, step)  # keeps the newest

    if not full:
        yield shaped(start_of(hi), hi)
        return
    a = lo
    while a < hi:
        b = end_of(a) if sample else min(end_of(a), a + max_rows)
        yield shaped(a, max(b, a + 1))
        a = max(b, a + 1)


def report_windows(memo: dict[Any, Any], t_ms: Sequence[int], rows: range, seconds: float,
                   max_rows: int) -> Iterator[range]:
    """:func:`windows` of a full report without sampling (``full=True``,
    ``sample=False``), found once per evaluation (``memo``: five rules walk
    the same half a million windows of a 1 GB log, and finding them costs a
    few us each) and kept there as columns of numbers."""
    key = ("report_windows", rows, seconds, max_rows, len(t_ms))
    found = memo.get(key)
    if found is None:
        starts, stops = array("q"), array("q")
        for w in windows(t_ms, rows, seconds, max_rows, False, True):
            starts.append(w.start)
            stops.append(w.stop)
        found = memo[key] = (starts, stops)
    return map(range, *found)


class Worst:
    """The worst of the windows that crossed a threshold, and how many did.

    Live there is one window; in a full report a rule offers each window
    that fired and keeps the worst, and the message says how many others
    did (``note``), so one bad minute and a bad hour read differently.
    """

    __slots__ = ("score", "item", "fired", "windows", "by_count", "max_rows")

    def __init__(self) -> None:
        self.score = -math.inf
        self.item: Any = None
        self.fired = 0
        self.windows = 0  # windows with enough data to judge
        self.by_count = 0  # of those, windows cut at max_rows cycles, not by time
        self.max_rows = 0

    def seen(self, rows: Sequence[int], max_rows: int) -> None:
        """Count a window with enough data to judge, and whether it was cut
        by its cycle count (a storm) rather than by time."""
        self.windows += 1
        self.max_rows = max_rows
        if isinstance(rows, range) and rows.step == 1 and len(rows) >= max_rows:
            self.by_count += 1

    def offer(self, score: float, item: Any) -> None:
        self.fired += 1
        if score >= self.score:  # on a tie the newer window wins
            self.score, self.item = score, item

    def note(self, full: bool, seconds: float, what: str | None = None) -> str:
        """In a report, how many windows crossed the threshold; else nothing.
        ``what`` names the windows when neither time nor count alone does."""
        if not full or self.windows <= 1:
            return ""
        if what is not None:
            pass
        elif self.by_count == self.windows:
            what = f"windows of {self.max_rows:,} cycles"
        elif self.by_count:
            what = f"windows (of up to {seconds:g} s or {self.max_rows:,} cycles)"
        else:
            what = f"{seconds:g}-second windows"
        return f" (the worst window; {self.fired} of {self.windows} {what} crossed the threshold)"


def plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


# -- statistics ---------------------------------------------------------------------


def median(values: Sequence[float]) -> float:
    s = sorted(values)
    mid = len(s) // 2
    return s[mid] if len(s) % 2 else (s[mid - 1] + s[mid]) / 2.0


def linear_fit(xs: Sequence[float], ys: Sequence[float]) -> tuple[float, float]:
    """Least-squares ``(slope, r²)`` of ys on xs; r² is 0 for a flat or single point."""
    n = len(xs)
    if n < 2:
        return 0.0, 0.0
    mx, my = sum(xs) / n, sum(ys) / n
    sxx = sum((x - mx) ** 2 for x in xs)
    syy = sum((y - my) ** 2 for y in ys)
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys))
    if sxx == 0:
        return 0.0, 0.0
    slope = sxy / sxx
    return slope, (sxy * sxy / (sxx * syy) if syy else 0.0)


def up_share(ys: Sequence[float]) -> float:
    """Of the steps where ``ys`` changed, the share that went up (0..1)."""
    ups = downs = 0
    for a, b in zip(ys, ys[1:]):
        ups += b > a
        downs += b < a
    return ups / (ups + downs) if ups + downs else 0.0


def fmt_ms(ms: float) -> str:
    """A duration the way a person reads it: 0.42 ms, 3.1 ms, 120 ms."""
    return f"{ms:.2f} ms" if ms < 1 else f"{ms:.1f} ms" if ms < 10 else f"{ms:.0f} ms"


# Rows a block of windows may span when its windows are judged at once.
BLOCK_ROWS = 1 << 20


def window_blocks(wins: Sequence[range], max_rows: int | None = None) -> Iterator[tuple[Sequence[range], int, int]]:
    """Contiguous, rising windows (a report's) in blocks of at most
    ``max_rows`` rows (a longer window is a block alone): ``(windows, lo,
    hi)``. A 1 GB log has half a million windows; numpy judges a block of
    them at once, and the block bounds the temporaries."""
    max_rows = BLOCK_ROWS if max_rows is None else max_rows  # read now: tests shrink it
    k = 0
    while k < len(wins):
        j = k + 1
        while j < len(wins) and wins[j].stop - wins[k].start <= max_rows:
            j += 1
        block = wins[k:j]
        yield block, block[0].start, block[-1].stop
        k = j


def block_ids(block: Sequence[range], lo: int, hi: int, skip_first: bool = False) -> Any:
    """Each row's window in ``block`` (rows ``[lo, hi)``, as
    :func:`window_blocks` gives them), -1 for a row in none; ``skip_first``
    leaves each window's first row out (its interval began before it)."""
    from tui.model.arrays import numpy

    np = numpy()
    wid = np.full(hi - lo, -1, dtype=np.int64)
    for n, w in enumerate(block):
        wid[w.start + skip_first - lo : w.stop - lo] = n
    return wid


def segmented_medians(values: Any, wid: Any, count: int) -> Any:
    """The median of ``values`` in each of ``count`` groups (``wid`` gives
    each value's group, rising), as :func:`tui.analysis.windows.median`
    computes it; NaN for an empty group."""
    from tui.model.arrays import numpy

    np = numpy()
    out = np.full(count, np.nan)
    if not len(values):
        return out
    ordered = values[np.lexsort((values, wid))]
    sizes = np.bincount(wid, minlength=count)
    starts = np.zeros(count, dtype=np.int64)
    np.cumsum(sizes[:-1], out=starts[1:])
    mid = np.minimum(starts + sizes // 2, len(ordered) - 1)
    upper, lower = ordered[mid], ordered[np.maximum(mid - 1, 0)]
    med = np.where(sizes % 2 == 1, upper, (lower + upper) / 2.0)
    present = sizes > 0
    out[present] = med[present]
    return out
