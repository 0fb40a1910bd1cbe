"""Drawing helpers for the charts: block bars, braille lines, axis labels.

Kept free of Textual and Rich so every rule here is a one-line unit test:
the widgets turn these strings and per-cell series ids into styled text.
What goes into them (chart columns summarising many cycles) comes from
:mod:`tui.ui.buckets`.
"""

from __future__ import annotations


import math
from typing import Callable, Hashable, Sequence, TypeVar

INF = math.inf


# -- bars ---------------------------------------------------------------------

BARS = " ▁▂▃▄▅▆▇█"


def bar_rows(values: Sequence[float | None], height: int, top: float) -> list[str]:
    """Vertical bars ``height`` rows tall (top row first), in eighths of a cell.

    ``None`` or NaN is a blank column (no cycle there); any present value,
    however small, shows at least the lowest eighth so that a tiny pause is
    never mistaken for a missing one.
    """
    levels = []
    full = height * 8
    for v in values:
        if v is None or v != v:
            levels.append(0)
        elif top <= 0:
            levels.append(1)
        else:
            levels.append(min(full, max(1, round(v / top * full))))
    rows = []
    for r in range(height):
        base = (height - 1 - r) * 8
        rows.append("".join(BARS[min(8, max(0, lv - base))] for lv in levels))
    return rows


def envelope_rows(means: Sequence[float | None], highs: Sequence[float | None], height: int,
                  top: float) -> list[str]:
    """Bars to each column's mean with a whisker (``│``, ``╷`` at a partial
    top cell) up to its maximum: a column standing for many cycles shows
    what was typical and what was worst, where a bar to the maximum alone
    turns a zoomed-out chart into a solid block (issue 13). A column whose
    mean is its maximum (one cycle) is a plain bar.
    """
    bars = bar_rows(means, height, top)
    if top <= 0:
        return bars
    grid = [list(row) for row in bars]
    for x, (mean, high) in enumerate(zip(means, highs)):
        if mean is None or high is None or mean != mean or high != high:
            continue
        bar_top = min(height * 8, max(1, round(mean / top * height * 8)))
        high_lv = min(height * 8, max(1, round(high / top * height * 8)))
        first = -(-bar_top // 8)  # the first cell row (from the bottom) above the bar's cell
        for cell in range(first, -(-high_lv // 8)):
            r = height - 1 - cell
            grid[r][x] = "│" if high_lv >= (cell + 1) * 8 - 2 else "╷"
    return ["".join(row) for row in grid]


def sparkline(values: Sequence[float | None], top: float) -> str:
    """One row of block bars."""
    return bar_rows(values, 1, top)[0]


HBARS = " ▏▎▍▌▋▊▉█"


def hbar(value: float, top: float, width: int) -> str:
    """A horizontal bar ``width`` cells long at most, in eighths, padded.

    Any value above zero shows at least one eighth.
    """
    if width <= 0:
        return ""
    eighths = 0
    if top > 0 and value > 0:
        eighths = min(width * 8, max(1, round(value / top * width * 8)))
    full, part = divmod(eighths, 8)
    text = "█" * full + (HBARS[part] if part else "")
    return text.ljust(width)


# -- braille ------------------------------------------------------------------

# Dot bits of a braille cell, [dx][dy] with dy 0 at the top.
_DOT = ((0x01, 0x02, 0x04, 0x40), (0x08, 0x10, 0x20, 0x80))


class Braille:
    """A canvas of ``width`` x ``height`` cells, 2 x 4 dots each.

    Values map to dots linearly from ``y_lo`` (bottom dot) to ``y_hi`` (top
    dot). Each cell remembers the series that last drew in it, so a widget
    can colour cells per series: draw the background series first.
    """

    def __init__(self, width: int, height: int, y_lo: float, y_hi: float) -> None:
        self.width = max(0, width)
        self.height = max(0, height)
        self.y_lo = y_lo
        self.y_hi = y_hi
        self._bits = [0] * (self.width * self.height)
        self.owner = [-1] * (self.width * self.height)

    @property
    def dots_x(self) -> int:
        return self.width * 2

    @property
    def dots_y(self) -> int:
        return self.height * 4

    def y_dot(self, v: float) -> int:
        """Dot row of a value, 0 at the bottom, clamped to the canvas."""
        top = self.dots_y - 1
        span = self.y_hi - self.y_lo
        d = round((v - self.y_lo) / span * top) if span > 0 else 0
        return min(top, max(0, d))

    def dot(self, series: int, x: int, d: int) -> None:
        if not (0 <= x < self.dots_x and 0 <= d < self.dots_y):
            return
        from_top = self.dots_y - 1 - d
        i = (from_top // 4) * self.width + x // 2
        self._bits[i] |= _DOT[x % 2][from_top % 4]
        self.owner[i] = series

    def span(self, series: int, x: int, lo: float, hi: float) -> None:
        """Every dot from ``lo`` to ``hi`` in dot column ``x``."""
        for d in range(self.y_dot(lo), self.y_dot(hi) + 1):
            self.dot(series, x, d)

    def line(self, series: int, lows: Sequence[float | None], highs: Sequence[float | None]) -> None:
        """A line with one ``(low, high)`` per dot column (``None``: a gap).

        Each column draws its own span, stretched to meet the previous
        column's, so steps read as one line rather than scattered dots.
        """
        prev: tuple[int, int] | None = None
        for x, (lo, hi) in enumerate(zip(lows, highs)):
            if lo is None or hi is None or lo != lo or hi != hi:
                prev = None
                continue
            a, b = self.y_dot(lo), self.y_dot(hi)
            if prev is not None:
                if prev[1] < a:
                    a = prev[1] + 1
                elif prev[0] > b:
                    b = prev[0] - 1
            for d in range(a, b + 1):
                self.dot(series, x, d)
            prev = (self.y_dot(lo), self.y_dot(hi))

    def hline(self, series: int, v: float, dashed: bool = True) -> None:
        """A horizontal line at ``v`` (a limit): every other dot when dashed."""
        d = self.y_dot(v)
        for x in range(0, self.dots_x, 2 if dashed else 1):
            self.dot(series, x, d)

    def rows(self) -> list[str]:
        """The canvas as text, top row first (empty cells are spaces)."""
        out = []
        for r in range(self.height):
            cells = self._bits[r * self.width : (r + 1) * self.width]
            out.append("".join(chr(0x2800 + b) if b else " " for b in cells))
        return out

    def owners(self, r: int) -> list[int]:
        """The series id of each cell of row ``r`` (-1: empty)."""
        return self.owner[r * self.width : (r + 1) * self.width]


K = TypeVar("K", bound=Hashable)


def runs(keys: Sequence[K]) -> list[tuple[int, int, K]]:
    """``(start, end, key)`` for each run of equal keys (one style per run)."""
    out: list[tuple[int, int, K]] = []
    start = 0
    for i in range(1, len(keys) + 1):
        if i == len(keys) or keys[i] != keys[start]:
            if i > start:
                out.append((start, i, keys[start]))
            start = i
    return out


# -- axis labels ----------------------------------------------------------------

_NICE = (1.0, 1.2, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0)


def nice_ceil(v: float) -> float:
    """The smallest round number (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8 x 10^k) >= v.

    A chart's top: round enough to read, close enough not to waste rows.
    """
    if not v > 0 or v == INF:
        return 1.0
    scale = 10.0 ** math.floor(math.log10(v))
    for step in _NICE:
        if step * scale >= v * (1 - 1e-9):
            return step * scale
    return 10.0 * scale


def _short(v: float) -> str:
    """Up to three significant digits, no exponent, no trailing ``.0``."""
    if v >= 100:
        text = f"{v:.0f}"
    elif v >= 10:
        text = f"{v:.1f}"
    else:
        text = f"{v:.2f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def fmt_mb(v: float) -> str:
    """MB (MiB, as gctrace prints them) for an axis: ``512M``, ``1.5G``."""
    if v >= 1024 * 1024:
        return _short(v / (1024 * 1024)) + "T"
    if v >= 1024:
        return _short(v / 1024) + "G"
    return _short(v) + "M"


def fmt_ms(v: float) -> str:
    """A duration given in ms: ``40µs``, ``1.2ms``, ``350ms``, ``2.5s``."""
    if v >= 1000:
        return _short(v / 1000) + "s"
    if v >= 1 or v == 0:
        return _short(v) + "ms"
    return _short(v * 1000) + "µs"


def fmt_stw(v: float) -> str:
    """A stop-the-world pause, always in ms as gctrace and the cycle table
    print it (``0.065ms``, ``1.25ms``, ``350ms``): one unit per quantity, so
    the chart's ``p99`` and the table's column read the same way."""
    if v < 1:
        return f"{v:.3f}ms"
    if v < 10:
        return f"{v:.2f}ms"
    if v < 100:
        return f"{v:.1f}ms"
    return f"{v:.0f}ms"


def fmt_pct(fraction: float) -> str:
    """A share given as a fraction: ``0.034`` -> ``3.4%``."""
    return _short(fraction * 100) + "%"


def fmt_count(n: float) -> str:
    """A count for a narrow label: ``950``, ``12.3k``, ``1.2M``."""
    if n >= 1_000_000:
        return _short(n / 1_000_000) + "M"
    if n >= 10_000:
        return _short(n / 1000) + "k"
    return f"{n:.0f}"


def axis_labels(top: float, height: int, fmt: Callable[[float], str], bottom: float = 0.0) -> list[str]:
    """One label per row, right-aligned: the top, the bottom, and the middle
    when there are five or more rows; the other rows blank."""
    if height <= 0:
        return []
    labels = [""] * height
    labels[0] = fmt(top)
    if height > 1:
        labels[-1] = fmt(bottom)
    if height >= 5:
        mid = (height - 1) // 2
        labels[mid] = fmt(bottom + (top - bottom) * (height - 1 - mid) / (height - 1))
    w = max(len(s) for s in labels)
    return [s.rjust(w) for s in labels]
