"""Goroutine count over time, compact, beside the GC CPU bars.

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

from parsers.columns import MISSING_U32
from parsers.events import SchedSnapshot
from tui.ui import plot
from tui.ui.buckets import Bucket, ColumnBuckets, column_of
from tui.model.cycles import CycleStore
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
    averaged away); ``rows`` the cycle-store row nearest each column's first
    sample (what a click selects; ``None`` with no cycle); ``selected`` the
    column holding the selected cycle's time.
    """

    counts: list[float] = field(default_factory=list)
    rows: list[int | None] = field(default_factory=list)
    selected: int | None = None
    latest: int | None = None


def nearest_row(store: CycleStore, t_s: float, count: int) -> int | None:
    """The committed cycle (newest run) starting nearest ``t_s``."""
    if count <= 0:
        return None
    seg = store.cols.segment
    lo = bisect_left(seg, seg[count - 1], 0, count)
    t_ms = store.cols.t_ms
    target = t_s * 1000.0
    i = bisect_left(t_ms, target, lo, count)
    near = [j for j in (i - 1, i) if lo <= j < count]
    return min(near, key=lambda j: abs(t_ms[j] - target)) if near else None


class GoroutineSeries:
    """``model.goroutine_series()`` in arrays, rebuilt only when it grows."""

    def __init__(self) -> None:
        self._model: weakref.ref[Model] | None = None  # which model the arrays came from
        self._key: tuple[int, int] | None = None
        self.times = array("d")
        self._buckets: ColumnBuckets | None = None

    def take(self, view: View, width: int) -> GoroutineColumns:
        model = view.model
        key = (len(model.sched), len(model.http))
        if key != self._key or self._model is None or self._model() is not model:
            series = model.goroutine_series()
            self.times = array("d", (t for t, _ in series))
            self._buckets = ColumnBuckets(array("d", (n for _, n in series)))
            self._key = key
            self._model = weakref.ref(model)
        assert self._buckets is not None
        n = len(self.times)
        if not n:
            return GoroutineColumns()
        buckets: list[Bucket] = self._buckets.over(range(n), max(1, width))
        store = model.cycles
        rows = [nearest_row(store, self.times[b.first], view.count) for b in buckets]
        selected = None
        sel = view.selected
        if sel is not None and sel < view.count and store.cols.t_ms[sel] != MISSING_U32:
            i = bisect_right(self.times, store.cols.t_ms[sel] / 1000.0) - 1
            selected = column_of([b.first for b in buckets], i) if i >= 0 else None
        latest = int(self._buckets.col[-1])
        return GoroutineColumns([b.hi for b in buckets], rows, selected, latest)


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
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "goroutine-chart--bar",
        "goroutine-chart--selected",
        "goroutine-chart--label",
        "goroutine-chart--title",
    }

    def __init__(self, *, name: str | None = None, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._series = GoroutineSeries()
        self._columns = GoroutineColumns()
        self._snap: SchedSnapshot | None = None

    @staticmethod
    def _bar_width(width: int, height: int) -> int:
        return width if height > 1 else max(0, width - 24)

    def show(self, view: View) -> None:
        """Copy the bucketed goroutine counts and the newest snapshot."""
        width = self._bar_width(self.size.width, self.size.height) or 40
        self._columns = self._series.take(view, width)
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
        if not cols.counts:
            return Text.assemble(label, "\n", (NO_DETAIL, label_style), no_wrap=True, overflow="crop")
        bar_w = self._bar_width(width, height)
        counts = cols.counts[-bar_w:] if len(cols.counts) > bar_w else cols.counts
        shift = len(cols.counts) - len(counts)
        bar_h = max(1, height - 1)
        rows = plot.bar_rows(counts, bar_h, max(counts))
        bar = self.get_component_rich_style("goroutine-chart--bar")
        sel_bg = Style(bgcolor=self.get_component_rich_style("goroutine-chart--selected").bgcolor)
        sel = None if cols.selected is None else cols.selected - shift
        return labelled_bars(rows, bar, sel, sel_bg, label, height, bar_w)

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
