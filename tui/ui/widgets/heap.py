"""Heap goal against the heap the collector found, as braille lines.

The pacer's promise is that a cycle finishes before the heap passes its goal;
this chart shows whether it keeps it. Four series per cycle, in MB (MiB as
gctrace prints them): the goal, the heap when the cycle started, the heap
when marking ended (above the goal: overshoot), and the live heap marking
found (what GOGC grows the next goal from). A memory limit, when gctui knows
it, is a dashed line: a goal pressed flat against it means the limit, not
GOGC, is pacing the collector. Each dot column is one cycle, or a bucket of
cycles drawn as its envelope: a line along the bucket minima and one along
the maxima, so a zoomed-out sawtooth reads as a band, not a solid block.

The x-axis is time (h:m:s since the program started) or cycle number, as
the view says; the y-axis fits the values shown (in a storm the four lines
sit close together, and from zero they would merge) unless the view asks
for zero.
"""

from __future__ import annotations

import math
from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual import events
from textual.widget import Widget

from tui.ui import plot
from tui.ui.axis import carried, column_edges, fmt_hms, hms_decimals, marked_columns
from tui.ui.buckets import Bucket, ColumnBuckets, column_of, merge_buckets, regroup, stretch
from tui.ui.plot import Braille
from tui.ui.view import View
from tui.ui.widgets.messages import CycleChosen

# (column, legend name, narrow legend name, component class), drawn in this
# order so the live heap, the line that matters most, is on top.
SERIES = (
    ("heap_goal_mb", "goal", "goal", "heap-chart--goal"),
    ("heap_start_mb", "GC start", "start", "heap-chart--start"),
    ("heap_end_mb", "mark end", "end", "heap-chart--end"),
    ("heap_live_mb", "live", "live", "heap-chart--live"),
)
LIMIT = len(SERIES)  # series id of the memory-limit line
AXIS_WIDTH = 6  # "1023M" and a gap
LIMIT_SCALE = 2.0  # a limit more than this many times the heap is named, not drawn


class HeapChart(Widget):
    """Heap goal, heap at GC start, at mark end and live, over the view's rows."""

    ALLOW_MAXIMIZE = True  # `m` fills the screen with it

    DEFAULT_CSS = """
    HeapChart { height: 10; }
    HeapChart > .heap-chart--goal { color: $text-warning; }
    HeapChart > .heap-chart--start { color: $text-primary; }
    HeapChart > .heap-chart--end { color: $text-error; }
    HeapChart > .heap-chart--live { color: $text-success; }
    HeapChart > .heap-chart--limit { color: $foreground; }  /* red is the mark-end line; the limit is dashed */
    HeapChart > .heap-chart--selected { background: $foreground 20%; }
    HeapChart > .heap-chart--axis { color: $text-muted; }
    HeapChart > .heap-chart--marked { background: $accent 30%; }
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        *(s[3] for s in SERIES),
        "heap-chart--limit",
        "heap-chart--selected",
        "heap-chart--axis",
        "heap-chart--marked",
    }

    def __init__(self, *, name: str | None = None, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._series: list[list[Bucket]] = [[] for _ in SERIES]
        self._limit_mb: float | None = None
        self._cycle_numbers: tuple[int, int] | None = None
        self._selected: int | None = None
        self._selected_n: int | None = None
        self._caches: list[ColumnBuckets | None] = [None for _ in SERIES]
        self._times: tuple[float, float] | None = None  # first and last @T (s), on a time axis
        self._from_zero = False
        self._marks: tuple[range, ...] = ()
        self.marked_cells: set[int] = set()  # the plot's cell columns last drawn tinted (a marked range)

    @staticmethod
    def _layout(width: int, height: int) -> tuple[bool, bool, int, int, int]:
        """``(legend, x_axis, axis_width, plot_width, plot_height)`` for a size."""
        legend = height >= 4
        x_axis = height >= 7
        axis_w = AXIS_WIDTH if width >= 30 else 0
        return legend, x_axis, axis_w, max(0, width - axis_w), max(0, height - legend - x_axis)

    @property
    def capacity(self) -> int:
        """How many cycles fit one per dot column (two per cell) at this size."""
        return max(1, 2 * self._layout(self.size.width, self.size.height)[3])

    def show(self, view: View) -> None:
        """Copy bucketed heap columns over ``view.rows`` and the memory limit."""
        store = view.model.cycles
        rows = view.committed_rows
        dots = 2 * self._layout(self.size.width, self.size.height)[3] or 120
        t = store.cols.t_ms
        edges = column_edges(t, rows, dots, True) if view.by_time else None
        self._times = (t[rows.start] / 1000, t[rows.stop - 1] / 1000) if view.by_time and rows else None
        self._from_zero = view.heap_from_zero
        self._marks = view.marks
        for i, (name, *_rest) in enumerate(SERIES):
            col = store.column(name)
            cache = self._caches[i]
            if cache is None or cache.col is not col:
                cache = self._caches[i] = ColumnBuckets(col)
            self._series[i] = cache.over(rows, dots, edges)
        limit_b = view.model.env.gomemlimit_b
        self._limit_mb = limit_b / (1 << 20) if limit_b else None
        n = store.cols.n
        self._cycle_numbers = (n[rows.start], n[rows.stop - 1]) if rows else None
        sel = view.selected
        self._selected = sel if sel is not None and sel in rows else None
        self._selected_n = n[self._selected] if self._selected is not None else None
        self.refresh()

    def _style(self, owner: int) -> Style:
        if owner == LIMIT:
            return self.get_component_rich_style("heap-chart--limit")
        return self.get_component_rich_style(SERIES[owner][3])

    def _legend(self, width: int, limit_drawn: bool) -> Text:
        wide = width >= 52
        out = Text(no_wrap=True, overflow="crop", end="")
        for i, (_, label, short, _cls) in enumerate(SERIES):
            # The mark in the series' colour, the name in the text colour:
            # orange and green names would be unreadable on the light theme.
            out.append("━ ", style=self._style(i))
            out.append(label if wide else short)
            out.append(" ")
        if self._limit_mb is not None:
            mark = "┄ limit " if limit_drawn else "limit ↑ "
            out.append(mark + plot.fmt_mb(self._limit_mb), style=self._style(LIMIT))
        return out

    def render(self) -> Text:
        width, height = self.size.width, self.size.height
        legend, x_axis, axis_w, plot_w, plot_h = self._layout(width, height)
        series = self._fitted(plot_w)
        axis = self.get_component_rich_style("heap-chart--axis")
        present = [b.hi for s in series for b in s if b.count]
        if not present or plot_h <= 0 or plot_w <= 0:
            return Text("heap: no cycles yet", style=axis)
        data_top = max(present)
        limit_drawn = self._limit_mb is not None and self._limit_mb <= data_top * LIMIT_SCALE
        high = max(data_top, self._limit_mb if self._limit_mb is not None and limit_drawn else 0.0)
        low = 0.0
        if not self._from_zero:
            low = min(b.lo for s in series for b in s if b.count)
            if limit_drawn and self._limit_mb is not None:
                low = min(low, self._limit_mb)
        bottom, top = fitted_range(low, high, plot_h)
        canvas = Braille(plot_w, plot_h, bottom, top)
        if limit_drawn:
            canvas.hline(LIMIT, self._limit_mb)  # type: ignore[arg-type]
        # Fewer cycles than dot columns (a window narrower than the chart, a
        # young program): each cycle spans several dots, the line the width.
        index = stretch(len(series[0]), 2 * plot_w)
        for i, buckets in enumerate(series):
            lows, highs = carried(buckets)
            # The envelope: one line along the minima, one along the maxima.
            canvas.line(i, [lows[k] for k in index], [lows[k] for k in index])
            canvas.line(i, [highs[k] for k in index], [highs[k] for k in index])
        sel_k = column_of([b.first for b in series[0]], self._selected)
        sel_cells = {x // 2 for x, k in enumerate(index) if k == sel_k} if sel_k is not None else set()
        sel_cell = min(sel_cells) if sel_cells else None
        sel_bg = Style(bgcolor=self.get_component_rich_style("heap-chart--selected").bgcolor)
        marked = marked_columns([(b.first, b.stop) for b in series[0]], self._marks)
        self.marked_cells = {x // 2 for x, k in enumerate(index) if marked[k]}
        mark_bg = Style(bgcolor=self.get_component_rich_style("heap-chart--marked").bgcolor)

        out = Text(no_wrap=True, overflow="crop", end="")
        lines: list[Text] = []
        if legend:
            lines.append(self._legend(width, limit_drawn))
        labels = plot.axis_labels(top, plot_h, plot.fmt_mb, bottom) if axis_w else [""] * plot_h
        for r, row in enumerate(canvas.rows()):
            line = Text(end="")
            if axis_w:
                line.append(labels[r][-(axis_w - 1):].rjust(axis_w - 1) + " ", style=axis)
            owners = canvas.owners(r)
            keys = [(owners[x], x in sel_cells, x in self.marked_cells) for x in range(len(row))]
            for a, b, (owner, is_sel, is_marked) in plot.runs(keys):
                style = self._style(owner) if owner >= 0 else Style()
                if is_marked:
                    style += mark_bg
                line.append(row[a:b], style + sel_bg if is_sel else style)
            lines.append(line)
        if x_axis and self._cycle_numbers is not None:
            lines.append(self._x_axis(axis_w, plot_w, sel_cell, axis))
        for i, line in enumerate(lines):
            out.append_text(line)
            if i < len(lines) - 1:
                out.append("\n")
        return out

    def _x_axis(self, axis_w: int, plot_w: int, sel_cell: int | None, style: Style) -> Text:
        """First and last cycle numbers (or times, h:m:s) at the ends, the
        selected cycle under its column, and on a time axis the middle time."""
        first, last = self._cycle_numbers  # type: ignore[misc]
        cells = [" "] * plot_w
        taken = [False] * plot_w

        def put(at: int, text: str) -> None:
            span = range(at - 1, at + len(text) + 1)  # keep a gap to the next label
            if at < 0 or at + len(text) > plot_w or any(taken[i] for i in span if 0 <= i < plot_w):
                return
            for i, ch in enumerate(text):
                cells[at + i] = ch
                taken[at + i] = True

        if sel_cell is not None and sel_cell < plot_w and self._selected_n is not None:
            text = f"▲gc {self._selected_n}"
            if sel_cell + len(text) <= plot_w:
                put(sel_cell, text)
            else:  # near the right edge the label sits left of its marker
                put(sel_cell - len(text) + 1, f"gc {self._selected_n}▲")
        if self._times is not None:
            t0, t1 = self._times
            d = hms_decimals(t1 - t0)
            left, right = fmt_hms(t0, d), fmt_hms(t1, d)
            mid = fmt_hms((t0 + t1) / 2, d)
            put(plot_w // 2 - len(mid) // 2, mid)
        else:
            left, right = f"gc {first}", f"gc {last}"
        put(0, left)
        put(plot_w - len(right), right)
        return Text(" " * axis_w + "".join(cells), style=style, end="")

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        _, _, axis_w, plot_w, _ = self._layout(self.size.width, self.size.height)
        buckets = self._fitted(plot_w)[0]
        index = stretch(len(buckets), 2 * plot_w)
        dot = 2 * (offset.x - axis_w)
        if 0 <= dot < len(index):
            self.post_message(CycleChosen(buckets[index[dot]].first))

    def _fitted(self, plot_w: int) -> list[list[Bucket]]:
        """The copied series, folded to the dot columns there are now (a resize
        since ``show``)."""
        return [regroup(s, 2 * plot_w, merge_buckets) for s in self._series]


def fitted_range(low: float, high: float, rows: int) -> tuple[float, float]:
    """A y-axis ``(bottom, top)`` in round numbers around ``[low, high]``.

    A heap of 480–520 MB drawn from zero is four lines on one row; fitted, the
    goal, the start, the end and the live heap come apart. The bottom is a
    whole number of steps (a round step: 1, 2, 2.5, 5 x 10^k), so the axis
    labels stay readable; ``low`` of 0 is the zero-based axis.
    """
    if high <= low:
        return (0.0, plot.nice_ceil(high)) if low <= 0 else (max(0.0, low - 1), high + 1)
    if low <= 0:
        return 0.0, plot.nice_ceil(high)
    step = plot.nice_ceil((high - low) / max(1, min(rows, 4)))
    bottom = math.floor(low / step) * step
    top = bottom + plot.nice_ceil(high - bottom)
    if top < high:  # cannot happen with nice_ceil, but never cut the data
        top = high
    return bottom, top
