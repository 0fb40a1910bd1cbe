"""Goroutine count over time, compact, beside the GC CPU bars, on the
x-axis of the charts above it (time or cycle number, the same window).

Goroutines that pile up hold their stacks and everything they reference,
so a heap that will not shrink often has a goroutine count that will not
either. The counts come from scheddetail's G lines (or a pprof poll); with
plain schedtrace there are threads and idle Ps but no count, and with no
schedtrace at all the chart says how to turn it on.

:class:`GoroutineSeries` (the bucketing and the column-to-cycle mapping) is
shared with the scheduler panel's larger chart.
"""

from __future__ import annotations

import weakref
from array import array
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual import events
from textual.widget import Widget

from parsers.events import SchedSnapshot
from tui.ui import plot
from tui.ui.axis import column_edges, column_times, marked_columns
from tui.ui.buckets import bucket_bounds, column_of
from tui.model import Model
from tui.ui.view import View
from tui.ui.widgets.bars import labelled_bars
from tui.ui.widgets.messages import CycleChosen

NO_SCHEDTRACE = "no schedtrace: run with GODEBUG=schedtrace=1000,scheddetail=1"
NO_DETAIL = "goroutine counts need scheddetail=1"


@dataclass(frozen=True, slots=True)
class GoroutineColumns:
    """One frame of the goroutine chart, copied out of the model.

    ``counts`` is the highest count in each column (a pile-up must not be
    averaged away; ``None``: no sample in that stretch); ``rows`` the cycle
    row each column's click selects (``None`` with no cycle); ``spans`` each
    column's cycle rows ``[first, stop)``, as the charts above cut them (a
    marked range tints the same columns); ``selected`` the column holding
    the selected cycle.
    """

    counts: list[float | None] = field(default_factory=list)
    rows: list[int | None] = field(default_factory=list)
    selected: int | None = None
    latest: int | None = None
    spans: list[tuple[int, int]] = field(default_factory=list)


class GoroutineSeries:
    """The model's goroutine counts (scheddetail and pprof) in arrays sorted
    by run and time, rebuilt only when they grow, and cut into the columns
    of the view's x-axis: the stretch of time (or of cycles) each column of
    the cycle charts covers, so a goroutine pile-up sits under the pauses
    and the heap of the same moment (the counts' ``SCHED Nms`` clock is the
    one gctrace's ``@T`` counts on)."""

    def __init__(self) -> None:
        self._model: weakref.ref[Model] | None = None  # which model the arrays came from
        self._key: tuple[int, int] | None = None
        self.runs = array("l")
        self.times = array("d")  # ms since the program started
        self.counts = array("d")

    def _load(self, model: Model) -> None:
        key = (len(model.sched), len(model.http))
        if key == self._key and self._model is not None and self._model() is model:
            return
        samples = model.goroutine_samples()
        self.runs = array("l", (s[0] for s in samples))
        self.times = array("d", (s[1] for s in samples))
        self.counts = array("d", (s[2] for s in samples))
        self._key = key
        self._model = weakref.ref(model)

    def take(self, view: View, width: int) -> GoroutineColumns:
        self._load(view.model)
        if not self.counts:
            return GoroutineColumns()
        store = view.model.cycles
        rows = view.committed_rows
        if not rows:  # no cycle yet: the counts one per column, newest last
            n = len(self.counts)
            edges = bucket_bounds(max(0, n - max(1, width)), n, max(1, width))
            return GoroutineColumns([max(self.counts[a:b]) for a, b in zip(edges, edges[1:])],
                                    [None] * (len(edges) - 1), None, int(self.counts[-1]))
        run_no = store.cols.segment[rows.start]
        first, last = store.segment_range(run_no)
        edges = column_edges(store.cols.t_ms, rows, max(1, width), view.by_time)
        cuts = column_times(store.cols.t_ms, rows, edges, view.by_time, range(first, min(last, view.count)))
        lo, hi = bisect_left(self.runs, run_no), bisect_right(self.runs, run_no)
        counts: list[float | None] = []
        at = bisect_left(self.times, cuts[0], lo, hi)
        # A count stands until the next snapshot: a column between two
        # (snapshots a second apart, columns a fraction of one) shows the
        # one before it, as the heap chart carries its lines; nothing is
        # drawn before the run's first snapshot.
        carry: float | None = self.counts[at - 1] if at > lo else None
        for end in cuts[1:]:
            stop_at = bisect_left(self.times, end, at, hi)
            if stop_at > at:
                counts.append(max(self.counts[at:stop_at]))
                carry = self.counts[stop_at - 1]
            else:
                counts.append(carry)
            at = stop_at
        spans = list(zip(edges, edges[1:]))
        clicks: list[int | None] = [min(a, rows.stop - 1) for a, _ in spans]
        selected = column_of(edges[:-1], view.selected if view.selected in rows else None)
        latest = int(self.counts[hi - 1]) if hi > lo else None
        return GoroutineColumns(counts, clicks, selected, latest, spans)


FLAT_EIGHTHS = 2  # how tall a count that never moved draws: a level line, "▂"


def bar_top(present: list[float], height: int) -> float:
    """The count a full-height bar stands for: the highest shown, unless
    the count never moved. Bars to the top of the chart then read as a
    wall (as if it had climbed to its peak); a level line low down, with
    the count in the label, says "steady" (its value is the label's)."""
    top = max(present)
    if top > 0 and min(present) == top:
        return top * height * 8 / FLAT_EIGHTHS
    return top


def sched_summary(snap: SchedSnapshot | None, latest: int | None, width: int = 1000) -> str:
    """``goroutines 2782 · threads 5 · idle P 0/2``: the known parts, shortened to fit."""
    count = [f"goroutines {latest}"] if latest is not None else []
    threads = [f"threads {snap.threads}"] if snap is not None else []
    idle = [f"idle P {snap.idleprocs}/{snap.gomaxprocs}"] if snap is not None else []
    for parts in (count + threads + idle, count + idle, count):
        text = " · ".join(parts)
        if len(text) <= width:
            return text
    return text


class GoroutineChart(Widget):
    """Goroutine count over time as bars, with the latest count, threads, idle Ps."""

    DEFAULT_CSS = """
    GoroutineChart { height: 3; }
    GoroutineChart > .goroutine-chart--bar { color: $text-secondary; }
    GoroutineChart > .goroutine-chart--selected { background: $foreground 20%; }
    GoroutineChart > .goroutine-chart--label { color: $text-muted; }
    GoroutineChart > .goroutine-chart--title { text-style: bold; }
    GoroutineChart > .goroutine-chart--marked { background: $accent 30%; }
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "goroutine-chart--bar",
        "goroutine-chart--selected",
        "goroutine-chart--label",
        "goroutine-chart--title",
        "goroutine-chart--marked",
    }

    def __init__(self, *, name: str | None = None, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._series = GoroutineSeries()
        self._columns = GoroutineColumns()
        self._snap: SchedSnapshot | None = None
        self._marks: tuple[range, ...] = ()
        self.marked: list[bool] = []  # the columns last drawn tinted (a marked range)

    @staticmethod
    def _bar_width(width: int, height: int) -> int:
        return width if height > 1 else max(0, width - 24)

    def show(self, view: View) -> None:
        """Copy the goroutine counts of the view's columns and the newest snapshot."""
        width = self._bar_width(self.size.width, self.size.height) or 40
        self._columns = self._series.take(view, width)
        self._marks = view.marks
        self._snap = view.model.latest_sched()
        self.refresh()

    def render(self) -> Text:
        width, height = self.size.width, self.size.height
        label_style = self.get_component_rich_style("goroutine-chart--label")
        cols = self._columns
        if self._snap is None and not cols.counts:
            return Text(NO_SCHEDTRACE, style=label_style, overflow="fold")
        label = Text(sched_summary(self._snap, cols.latest, width if height > 1 else 24), end="")
        title = self.get_component_rich_style("goroutine-chart--title")
        label.stylize(title, 0, max(0, label.plain.find(" ")))
        present = [c for c in cols.counts if c is not None]
        if not present:
            return Text.assemble(label, "\n", (NO_DETAIL, label_style), no_wrap=True, overflow="crop")
        bar_w = self._bar_width(width, height)
        counts = cols.counts[-bar_w:] if len(cols.counts) > bar_w else cols.counts
        shift = len(cols.counts) - len(counts)
        rows = plot.bar_rows(counts, max(1, height - 1), bar_top(present, max(1, height - 1)))
        bar = self.get_component_rich_style("goroutine-chart--bar")
        mark = Style(bgcolor=self.get_component_rich_style("goroutine-chart--marked").bgcolor)
        marked = marked_columns(cols.spans[shift:], self._marks) if cols.spans else [False] * len(counts)
        self.marked = marked
        styles = [bar + mark if m else bar for m in marked]
        sel_bg = Style(bgcolor=self.get_component_rich_style("goroutine-chart--selected").bgcolor)
        sel = None if cols.selected is None else cols.selected - shift
        return labelled_bars(rows, styles, sel, sel_bg, label, height, bar_w)

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        cols = self._columns
        bar_w = self._bar_width(self.size.width, self.size.height)
        shift = max(0, len(cols.counts) - bar_w)
        i = offset.x + shift
        if 0 <= offset.x < bar_w and i < len(cols.rows) and cols.rows[i] is not None:
            self.post_message(CycleChosen(cols.rows[i]))  # type: ignore[arg-type]
