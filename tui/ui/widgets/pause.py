"""The stop-the-world pause of every cycle, as bars, with p50/p99/max beside.

A pause is what a Go service's tail latency feels: the two stop-the-world
phases of a cycle (sweep termination and mark termination, wall-clock ms).
One bar per cycle while the window fits; a column standing for many cycles
(zoomed out, or a burst on the time axis) is a bar to their mean with a
whisker to the worst, so a single long pause in a million cycles still
shows and a zoomed-out chart is not a solid block. The x-axis is time or
cycle number, as the view says. Pauses over
the ``stw-long`` thresholds take the warning and error colours, the same
numbers the findings use.
"""

from __future__ import annotations

from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual import events
from textual.widget import Widget

from tui.ui import plot
from tui.ui.axis import column_edges, fmt_span, marked_columns
from tui.ui.buckets import Bucket, ColumnBuckets, column_of, merge_buckets, percentiles, regroup
from tui.analysis.thresholds import Thresholds
from tui.ui.view import View
from tui.ui.widgets.bars import append_bar_row
from tui.ui.widgets.messages import CycleChosen

LABEL_WIDTH = 15  # "p99≈ 123.4ms", "STW in 12m30s" and a gap


class PauseChart(Widget):
    """STW pause per cycle (``stw_ms``), one column per cycle or bucket."""

    ALLOW_MAXIMIZE = True  # `m` fills the screen with it

    DEFAULT_CSS = """
    PauseChart { height: 4; }
    PauseChart > .pause-chart--bar { color: $primary; }
    PauseChart > .pause-chart--long { color: $warning; }
    PauseChart > .pause-chart--critical { color: $error; }
    PauseChart > .pause-chart--long-text { color: $text-warning; text-style: bold; }
    PauseChart > .pause-chart--critical-text { color: $text-error; text-style: bold; }
    PauseChart:light > .pause-chart--long-text { color: $foreground; background: $warning 50%; }
    PauseChart > .pause-chart--selected { background: $foreground 20%; }
    PauseChart > .pause-chart--label { color: $text-muted; }
    PauseChart > .pause-chart--marked { background: $accent 30%; }
    PauseChart > .pause-chart--title { text-style: bold; }
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "pause-chart--bar",
        "pause-chart--long",
        "pause-chart--critical",
        "pause-chart--long-text",
        "pause-chart--critical-text",
        "pause-chart--selected",
        "pause-chart--label",
        "pause-chart--marked",
        "pause-chart--title",
    }

    def __init__(
        self,
        thresholds: Thresholds | None = None,
        *,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.thresholds = thresholds or Thresholds()
        self._buckets: list[Bucket] = []
        self._selected: int | None = None
        self._stats: tuple[float | None, float | None, float | None] = (None, None, None)
        self._exact = True
        self._cache: ColumnBuckets | None = None
        self._pct_key: tuple[int, int] | None = None
        self._covers = ""  # what the stats are over: "512 cycles", "4m10s"
        self._marks: tuple[range, ...] = ()
        self.marked: list[bool] = []  # the columns last drawn tinted

    @property
    def capacity(self) -> int:
        """How many cycles fit one per column at the current size."""
        return max(1, self._bar_width(self.size.width, self.size.height))

    @staticmethod
    def _bar_width(width: int, height: int) -> int:
        label = LABEL_WIDTH if height > 1 else LABEL_WIDTH * 2
        return max(0, width - label)

    def show(self, view: View) -> None:
        """Copy the pause buckets and percentiles of ``view.rows`` (committed only)."""
        store = view.model.cycles
        rows = view.committed_rows
        col = store.column("stw_ms")
        if self._cache is None or self._cache.col is not col:
            self._cache = ColumnBuckets(col)
            self._pct_key = None
        width = self._bar_width(self.size.width, self.size.height) or 60
        edges = column_edges(store.cols.t_ms, rows, width, view.by_time) if view.by_time else None
        self._buckets = self._cache.over(rows, width, edges)
        self._marks = view.marks
        t = store.cols.t_ms
        self._covers = (f"in {fmt_span((t[rows.stop - 1] - t[rows.start]) / 1000)}" if view.by_time and rows
                        else f"{plot.fmt_count(len(rows))} cycles")
        key = (rows.start, rows.stop)
        if key != self._pct_key:  # a selection move in a fixed window sorts nothing
            (p50, p99), self._exact = percentiles(col, rows, (50, 99))
            present = [b.hi for b in self._buckets if b.count]
            self._stats = (p50, p99, max(present) if present else None)
            self._pct_key = key
        sel = view.selected
        self._selected = sel if sel is not None and sel in rows else None
        self.refresh()

    def _level_style(self, ms: float, bar: bool = True) -> Style:
        """The colour of a pause: warning and error past the stw-long thresholds
        (the findings' own comparison), else the bar colour (or plain text)."""
        th = self.thresholds
        text = "" if bar else "-text"  # a number must stay readable where a bar only needs a hue
        if ms > th.stw_long_critical_ms:
            return self.get_component_rich_style("pause-chart--critical" + text)
        if ms > th.stw_long_ms:
            return self.get_component_rich_style("pause-chart--long" + text)
        return self.get_component_rich_style("pause-chart--bar") if bar else Style()

    def _labels(self, height: int) -> list[Text]:
        p50, p99, top = self._stats
        approx = "" if self._exact else "≈"
        label = self.get_component_rich_style("pause-chart--label")

        def stat(name: str, v: float | None, approx: str = approx) -> Text:
            line = Text(f"{name + approx:<5}", style=label)
            style = self._level_style(v, bar=False) if v is not None else label
            line.append(f"{plot.fmt_stw(v) if v is not None else '-':>9}", style=style)
            return line

        if height == 1:
            line = stat("p99", p99)
            line.append(" ")
            line.append_text(stat("max", top, ""))
            return [line]
        lines = [
            # The title says what the numbers cover: the chart's span of cycles or time.
            Text(_title(self._covers), style=self.get_component_rich_style("pause-chart--title")),
            stat("p50", p50),
            stat("p99", p99),
            stat("max", top, ""),  # from every row's bucket: always exact
        ]
        return lines[-height:] if height < 4 else lines + [Text()] * (height - 4)

    def render(self) -> Text:
        width, height = self.size.width, self.size.height
        if height <= 0 or width <= 0:
            return Text()
        if not self._buckets:
            return Text("STW pause: no cycles yet", style=self.get_component_rich_style("pause-chart--label"))
        bar_w = self._bar_width(width, height)
        buckets = regroup(self._buckets, bar_w, merge_buckets)  # fewer columns after a resize
        marked = marked_columns([(b.first, b.stop) for b in buckets], self._marks)
        self.marked = marked
        labels = self._labels(height)
        top = max((b.hi for b in buckets if b.count), default=0.0)
        means = [b.mean if b.count else None for b in buckets]
        highs = [b.hi if b.count else None for b in buckets]
        bars = plot.envelope_rows(means, highs, height, top) if buckets else [""] * height
        sel_col = column_of([b.first for b in buckets], self._selected)
        selected = self.get_component_rich_style("pause-chart--selected")
        mark = Style(bgcolor=self.get_component_rich_style("pause-chart--marked").bgcolor)
        styles = [(self._level_style(b.hi) + (mark if m else Style())) if b.count else (mark if m else None)
                  for b, m in zip(buckets, marked)]
        out = Text(no_wrap=True, overflow="crop", end="")
        for r, row in enumerate(bars):
            append_bar_row(out, row, styles, sel_col, Style(bgcolor=selected.bgcolor))
            out.append(" " * (bar_w - len(row)))
            if r < len(labels):
                out.append(" " if bar_w else "")
                out.append_text(labels[r])
            if r < height - 1:
                out.append("\n")
        return out

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        buckets = regroup(self._buckets, self._bar_width(self.size.width, self.size.height), merge_buckets)
        if 0 <= offset.x < len(buckets):
            b = buckets[offset.x]
            # The worst pause of a bucket: where a click on a spike should land.
            self.post_message(CycleChosen(b.hi_row if b.count else b.first))


def _title(covers: str) -> str:
    """``STW in 12.2s``, ``STW 512 cycles`` (``cyc`` when that does not fit)."""
    text = f"STW {covers}"
    if len(text) > LABEL_WIDTH - 1:
        text = text.replace(" cycles", " cyc")
    return text[:LABEL_WIDTH - 1]
