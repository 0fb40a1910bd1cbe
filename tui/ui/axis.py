"""The charts' x-axis: cycles or time, and where each chart column begins.

A chart column is a bucket of cycle rows. By cycle number (the old axis)
every column holds as many cycles as the next; by time every column holds
the same stretch of seconds, so a 15-second storm of a thousand cycles and
a 20-second leak at one cycle a second get the width their duration earns
(issue 13). Columns a time axis leaves empty are gaps: no cycle started in
that stretch. Textual-free, like :mod:`tui.ui.plot`.
"""

from __future__ import annotations

import math
from array import array
from bisect import bisect_left
from typing import Sequence

from tui.ui.buckets import Bucket, bucket_bounds


def time_edges(t_ms: array, rows: range, width: int) -> list[int]:  # type: ignore[type-arg]
    """Edges of ``width`` columns of equal time over ``rows`` (one run: the
    ``@T`` stamps rise within it). Column ``k`` holds the rows starting in
    ``[t0 + k·dt, t0 + (k+1)·dt)``; the last row always falls in the last.

    Falls back to equal counts when the rows span no time (every cycle in
    the same millisecond) or when there are no rows.
    """
    start, stop = rows.start, rows.stop
    if stop - start < 2 or width <= 0:
        return bucket_bounds(start, stop, width)
    t0, t1 = t_ms[start], t_ms[stop - 1]
    if t1 <= t0:
        return bucket_bounds(start, stop, width)
    dt = (t1 - t0 + 1) / width  # +1 ms: the newest cycle lands inside the last column
    edges = [start]
    for k in range(1, width):
        edges.append(bisect_left(t_ms, t0 + k * dt, edges[-1], stop))
    edges.append(stop)
    return edges


def column_edges(t_ms: array, rows: range, width: int, by_time: bool) -> list[int]:  # type: ignore[type-arg]
    """The chart columns' edges on the axis the user chose."""
    return time_edges(t_ms, rows, width) if by_time else bucket_bounds(rows.start, rows.stop, width)


def carried(buckets: Sequence[Bucket]) -> tuple[list[float | None], list[float | None]]:
    """Each column's ``(low, high)`` for a line chart, a gap column holding the
    value before it: a heap goal or live heap stands until the next cycle
    changes it, so a quiet stretch on a time axis is a flat line, not a hole."""
    lows: list[float | None] = []
    highs: list[float | None] = []
    last: float | None = None
    for b in buckets:
        if b.count:
            lows.append(b.lo)
            highs.append(b.hi)
            last = b.mean if b.count > 1 else b.hi
        else:
            lows.append(last)
            highs.append(last)
    return lows, highs


def fmt_hms(seconds: float, decimals: int = 0) -> str:
    """Time since the program started, as ``h:mm:ss`` (``1:02:03``,
    ``0:00:07``), with ``decimals`` of a second for an axis spanning less
    than a few seconds (``0:00:29.45``), where whole seconds would repeat."""
    seconds = max(0.0, seconds)
    s = int(math.floor(seconds))
    text = f"{s // 3600}:{s // 60 % 60:02d}:{s % 60:02d}"
    if decimals > 0:
        text += f"{seconds - s:.{decimals}f}"[1:]
    return text


def hms_decimals(span_s: float) -> int:
    """How many decimals of a second an axis spanning ``span_s`` needs so its
    labels differ."""
    return 0 if span_s >= 20 else 1 if span_s >= 2 else 2


def fmt_span(seconds: float) -> str:
    """A length of time for a label: ``850ms``, ``42s``, ``12m30s``, ``3h05m``."""
    if seconds < 1:
        return f"{seconds * 1000:.0f}ms"
    if seconds < 60:
        return f"{seconds:.3g}s"
    s = int(round(seconds))
    if s < 3600:
        return f"{s // 60}m{s % 60:02d}s"
    return f"{s // 3600}h{s // 60 % 60:02d}m"


def column_times(t_ms: array, rows: range, edges: Sequence[int], by_time: bool,  # type: ignore[type-arg]
                 run: range) -> list[float]:
    """The ms each chart column begins at, and where the last one ends, for
    samples that are not cycles (goroutine counts): the same stretch of time
    the cycle charts above give that column.

    On a time axis the columns are equal stretches from the first row's
    ``@T`` (as :func:`time_edges` cuts them); by cycle number a column runs
    from its first cycle's start to the next column's. A window that starts
    (ends) with its ``run`` also takes what came before its first cycle
    (after its last), so the newest count is drawn while following.
    """
    cols = len(edges) - 1
    if cols <= 0 or not rows:
        return []
    t0, t1 = t_ms[rows.start], t_ms[rows.stop - 1]
    if by_time and len(rows) >= 2 and t1 > t0:
        dt = (t1 - t0 + 1) / cols
        cuts = [t0 + k * dt for k in range(cols + 1)]
    else:
        end = t_ms[rows.stop] if rows.stop < run.stop else t1 + 1
        cuts = [float(t_ms[e]) for e in edges[:-1]] + [float(end)]
    if rows.start <= run.start:
        cuts[0] = -math.inf
    if rows.stop >= run.stop:
        cuts[-1] = math.inf
    return cuts


def marked_columns(spans: Sequence[tuple[int, int]], marks: Sequence[range]) -> list[bool]:
    """Which chart columns (each the rows ``[first, stop)``) a marked range
    covers: one holding a marked row, or an empty one (a quiet stretch on a
    time axis) between two marked rows, so a range is one unbroken tint on
    every chart."""
    if not marks:
        return [False] * len(spans)
    return [any((a < m.stop and b > m.start) if b > a else m.start < a < m.stop for m in marks)
            for a, b in spans]
