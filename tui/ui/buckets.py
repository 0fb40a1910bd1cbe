"""Cycle columns summarised into chart columns, cheaply, for any range.

A chart is a few dozen columns wide and may stand for a million cycles. Each
chart column is a bucket of rows: its min, max (and the row holding it, so
a click on a spike selects the cycle that made it), mean and count, with
missing values (NaN, the unsigned sentinels) left out.

No Python object is built per row: a bucket is an array slice whose
min/max/sum run in C. Over a big range (a zoomed-out segment)
:class:`ColumnBuckets` also keeps per-block summaries of committed rows,
which never change once written, so redrawing a million rows costs a few
thousand block lookups instead of a million reads. Textual-free, like the
drawing helpers in :mod:`tui.ui.plot`.
"""

from __future__ import annotations

import math
from array import array
from dataclasses import dataclass
from itertools import compress, repeat
from operator import eq, mul, ne
from typing import Callable, Sequence, TypeVar

INF = math.inf
BLOCK = 256  # rows per cached block summary
_BLOCK_MIN = 4  # use blocks only when a bucket spans at least this many blocks

# An empty summary: (lo, hi, total, count, hi_row).
_EMPTY = (INF, -INF, 0.0, 0, -1)


@dataclass(frozen=True, slots=True)
class Bucket:
    """One chart column: rows ``[first, stop)`` of a column, summarised.

    ``count`` is how many rows had a value (0: a gap, and ``lo``/``hi``/
    ``mean`` are NaN); ``hi_row`` is the row holding the maximum, so a click
    on a column of maxima selects the cycle that made the peak.
    """

    first: int
    stop: int
    lo: float
    hi: float
    mean: float
    count: int
    hi_row: int


@dataclass(frozen=True, slots=True)
class Share:
    """One chart column of a weighted mean: ``value`` = sum(w*x) / sum(w).

    Used for GC CPU, where each cycle's share counts for as long as its
    interval lasted; ``weight`` is that total (0: a gap, ``value`` NaN).
    """

    first: int
    stop: int
    value: float
    weight: float


def missing_of(col: array) -> int | None:
    """The sentinel an unsigned column uses for "not printed" (its max).

    Float columns use NaN, which needs no sentinel (``None``).
    """
    if col.typecode in "BHILQ":
        return int(2 ** (8 * col.itemsize) - 1)
    return None


def bucket_bounds(start: int, stop: int, width: int, align: int = 1) -> list[int]:
    """Edges of ``min(width, rows)`` buckets over ``[start, stop)``.

    Rows are spread as evenly as integers allow (sizes differ by at most one),
    so the chart fills its width. With ``align`` > 1 the inner edges move to
    the nearest multiple of ``align`` (the block cache's grid); callers only
    ask for that when every bucket is at least two blocks wide, so no bucket
    empties.
    """
    total = stop - start
    n = min(width, total)
    if n <= 0:
        return []
    edges = [start + total * k // n for k in range(n + 1)]
    if align > 1:
        for k in range(1, n):
            edges[k] = min(max(round(edges[k] / align) * align, start), stop)
    return edges


def _summary(col: array, a: int, b: int, missing: int | float | None) -> tuple:
    """``(lo, hi, total, count, hi_row)`` of the present values in ``col[a:b]``."""
    sl = col[a:b]
    if missing is None:
        total = sum(sl)
        vals: Sequence[float] = sl
        if total != total:  # a NaN somewhere: keep the values equal to themselves
            vals = list(compress(sl, map(eq, sl, sl)))
            total = sum(vals)
    else:
        vals = sl
        if sl.count(missing):
            vals = list(compress(sl, map(ne, sl, repeat(missing))))
        total = sum(vals)
    if not vals:
        return _EMPTY
    hi = max(vals)
    return (min(vals), hi, float(total), len(vals), a + sl.index(hi))


def _merge(parts: list[tuple]) -> tuple:
    lo, hi, total, count, hi_row = _EMPTY
    for p_lo, p_hi, p_total, p_count, p_row in parts:
        if not p_count:
            continue
        lo = min(lo, p_lo)
        if p_hi > hi:
            hi, hi_row = p_hi, p_row
        total += p_total
        count += p_count
    return (lo, hi, total, count, hi_row)


class ColumnBuckets:
    """Bucket summaries of one append-only column (min, max, mean per bucket).

    Keep one per column per widget: block summaries of rows already seen are
    reused on the next call. Only pass ranges of committed rows (the caller
    clamps to the view's ``count``): a summarised block is never looked at
    again, so a row must not change after it was read.
    """

    def __init__(
        self, col: array, missing: int | None | str = "auto", block: int = BLOCK
    ) -> None:
        self.col = col
        self.missing: int | None = missing_of(col) if isinstance(missing, str) else missing
        self.block = block
        self._lo = array("d")
        self._hi = array("d")
        self._total = array("d")
        self._count = array("q")
        self._hi_row = array("q")

    def over(self, rows: range, width: int, edges: Sequence[int] | None = None) -> list[Bucket]:
        """``min(width, len(rows))`` buckets covering ``rows`` in order, or one
        per ``[edges[k], edges[k+1])`` when given (a time axis: some empty)."""
        start, stop = rows.start, rows.stop
        blocked = stop - start >= width * self.block * _BLOCK_MIN
        if blocked:
            self._summarise_blocks(stop)
        if edges is None:
            edges = bucket_bounds(start, stop, width, self.block if blocked else 1)
        out = []
        for a, b in zip(edges, edges[1:]):
            s = self._range(a, b) if blocked else _summary(self.col, a, b, self.missing)
            lo, hi, total, count, hi_row = s
            if count:
                out.append(Bucket(a, b, lo, hi, total / count, count, hi_row))
            else:
                out.append(Bucket(a, b, math.nan, math.nan, math.nan, 0, a))
        return out

    def _summarise_blocks(self, stop: int) -> None:
        """Summarise every whole block below ``stop`` not summarised yet."""
        B = self.block
        for k in range(len(self._count), stop // B):
            lo, hi, total, count, hi_row = _summary(self.col, k * B, (k + 1) * B, self.missing)
            self._lo.append(lo)
            self._hi.append(hi)
            self._total.append(total)
            self._count.append(count)
            self._hi_row.append(hi_row)

    def _range(self, a: int, b: int) -> tuple:
        """Summary of ``[a, b)``: partial blocks at the ends, cached ones between."""
        B = self.block
        fb, lb = -(-a // B), b // B
        if fb >= lb:
            return _summary(self.col, a, b, self.missing)
        parts = []
        if a < fb * B:
            parts.append(_summary(self.col, a, fb * B, self.missing))
        hi = max(self._hi[fb:lb])
        row = self._hi_row[self._hi.index(hi, fb, lb)] if hi > -INF else -1
        parts.append((min(self._lo[fb:lb]), hi, sum(self._total[fb:lb]), sum(self._count[fb:lb]), row))
        if lb * B < b:
            parts.append(_summary(self.col, lb * B, b, self.missing))
        return _merge(parts)


def _weighted(values: array, weights: array, a: int, b: int) -> tuple[float, float]:
    """``(sum w, sum w*x)`` over rows where both value and weight are present."""
    w = weights[a:b]
    prods = list(map(mul, values[a:b], w))
    sp = sum(prods)
    if sp == sp:
        return float(sum(w)), float(sp)
    keep = list(map(eq, prods, prods))  # NaN in either makes the product NaN
    return float(sum(compress(w, keep))), float(sum(compress(prods, keep)))


class WeightedBuckets:
    """Per-bucket weighted means of a float column, with cached block sums.

    Same contract as :class:`ColumnBuckets`: committed rows only.
    """

    def __init__(self, values: array, weights: array, block: int = BLOCK) -> None:
        self.values = values
        self.weights = weights
        self.block = block
        self._w = array("d")
        self._wx = array("d")

    def over(self, rows: range, width: int) -> list[Share]:
        start, stop = rows.start, rows.stop
        B = self.block
        blocked = stop - start >= width * B * _BLOCK_MIN
        if blocked:
            for k in range(len(self._w), stop // B):
                w, wx = _weighted(self.values, self.weights, k * B, (k + 1) * B)
                self._w.append(w)
                self._wx.append(wx)
        out = []
        edges = bucket_bounds(start, stop, width, B if blocked else 1)
        for a, b in zip(edges, edges[1:]):
            fb, lb = -(-a // B), b // B
            if not blocked or fb >= lb:
                w, wx = _weighted(self.values, self.weights, a, b)
            else:
                w, wx = sum(self._w[fb:lb]), sum(self._wx[fb:lb])
                for pa, pb in ((a, fb * B), (lb * B, b)):
                    if pa < pb:
                        pw, pwx = _weighted(self.values, self.weights, pa, pb)
                        w, wx = w + pw, wx + pwx
            out.append(Share(a, b, wx / w if w > 0 else math.nan, w))
        return out


def percentiles(
    col: array, rows: range, qs: Sequence[float], limit: int = 65536
) -> tuple[list[float | None], bool]:
    """Nearest-rank percentiles (``qs`` in 0..100) of a column over ``rows``.

    Exact up to ``limit`` rows; past that, taken from every k-th row (one
    strided slice, sorted), so a million-cycle segment costs a 64k sort.
    The flag says whether the answer is exact, so a label can say "≈".
    """
    n = len(rows)
    step = max(1, -(-n // limit))
    sl = col[rows.start : rows.stop : step]
    missing = missing_of(col)
    if missing is None:
        vals = sorted(compress(sl, map(eq, sl, sl)))
    else:
        vals = sorted(compress(sl, map(ne, sl, repeat(missing))))
    out: list[float | None] = []
    for q in qs:
        if not vals:
            out.append(None)
            continue
        rank = max(1, math.ceil(q / 100.0 * len(vals)))
        out.append(vals[min(rank, len(vals)) - 1])
    return out, step == 1


T = TypeVar("T")


def regroup(items: list[T], width: int, merge: Callable[[list[T]], T]) -> list[T]:
    """Fold a list of chart columns into at most ``width`` (after a resize)."""
    if width <= 0:
        return []
    if len(items) <= width:
        return items
    edges = bucket_bounds(0, len(items), width)
    return [merge(items[a:b]) for a, b in zip(edges, edges[1:])]


def merge_buckets(group: list[Bucket]) -> Bucket:
    """One bucket standing for several adjacent ones."""
    present = [b for b in group if b.count]
    if not present:
        return Bucket(group[0].first, group[-1].stop, math.nan, math.nan, math.nan, 0, group[0].first)
    top = max(present, key=lambda b: b.hi)
    count = sum(b.count for b in present)
    mean = sum(b.mean * b.count for b in present) / count
    lo = min(b.lo for b in present)
    return Bucket(group[0].first, group[-1].stop, lo, top.hi, mean, count, top.hi_row)


def merge_shares(group: list[Share]) -> Share:
    w = sum(s.weight for s in group)
    wx = sum(s.value * s.weight for s in group if s.weight > 0)
    return Share(group[0].first, group[-1].stop, wx / w if w > 0 else math.nan, w)


def stretch(n: int, width: int) -> list[int]:
    """Which of ``n`` items each of ``width`` columns shows, spreading fewer
    items than columns evenly (a line chart spans its whole axis)."""
    if n <= 0 or width <= 0:
        return []
    if n >= width:
        return list(range(width))
    return [x * n // width for x in range(width)]


def column_of(edges_first: Sequence[int], row: int | None) -> int | None:
    """Which column (given each column's first row, rising) holds ``row``."""
    if row is None or not edges_first or row < edges_first[0]:
        return None
    lo, hi = 0, len(edges_first)
    while lo < hi:
        mid = (lo + hi) // 2
        if edges_first[mid] <= row:
            lo = mid + 1
        else:
            hi = mid
    return lo - 1
