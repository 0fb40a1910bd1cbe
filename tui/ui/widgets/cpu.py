"""How much of the CPU the collector took, window by window.

The ``N%`` gctrace prints is cumulative since the program started, so it
hides a storm behind an hour of calm. This chart shows each column's own
share instead: the GC CPU of its cycles (idle mark workers left out, as the
runtime does) over the CPU the column's stretch of time offered, from the
end of the cycle before it to the end of its last (``tui.model.gccpu.spans``,
the figure the report and the findings use). A column is a stretch of time,
not an average of per-cycle shares: cycles in the same millisecond have no
share of their own, but a stretch of them does. Bars over the
``gc-cpu-high`` thresholds take the warning and error colours.
"""

from __future__ import annotations

import math
from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual import events
from textual.widget import Widget

from tui.model.cycles import CycleStore
from tui.ui import plot
from tui.model.gccpu import spans
from tui.ui.axis import column_edges, marked_columns
from tui.ui.buckets import Share, column_of, merge_shares, regroup
from tui.analysis.thresholds import Thresholds
from tui.ui.view import View
from tui.ui.widgets.bars import labelled_bars
from tui.ui.widgets.messages import CycleChosen

MIN_TOP = 0.05  # the bars' full height is at least 5%: 0.3% should look small


class GCCPUChart(Widget):
    """Per-window GC CPU share as bars, with the current and highest share."""

    DEFAULT_CSS = """
    GCCPUChart { height: 3; }
    GCCPUChart > .gc-cpu-chart--bar { color: $primary; }
    GCCPUChart > .gc-cpu-chart--high { color: $warning; }
    GCCPUChart > .gc-cpu-chart--critical { color: $error; }
    GCCPUChart > .gc-cpu-chart--high-text { color: $text-warning; text-style: bold; }
    GCCPUChart > .gc-cpu-chart--critical-text { color: $text-error; text-style: bold; }
    GCCPUChart:light > .gc-cpu-chart--high-text { color: $foreground; background: $warning 50%; }
    GCCPUChart > .gc-cpu-chart--selected { background: $foreground 20%; }
    GCCPUChart > .gc-cpu-chart--label { color: $text-muted; }
    GCCPUChart > .gc-cpu-chart--title { text-style: bold; }
    GCCPUChart > .gc-cpu-chart--marked { background: $accent 30%; }
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "gc-cpu-chart--bar",
        "gc-cpu-chart--high",
        "gc-cpu-chart--critical",
        "gc-cpu-chart--high-text",
        "gc-cpu-chart--critical-text",
        "gc-cpu-chart--selected",
        "gc-cpu-chart--label",
        "gc-cpu-chart--title",
        "gc-cpu-chart--marked",
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
        self._shares: list[Share] = []
        self._selected: int | None = None
        self._following = True
        self._marks: tuple[range, ...] = ()
        self.marked: list[bool] = []  # the columns last drawn tinted (a marked range)

    @staticmethod
    def _bar_width(width: int, height: int) -> int:
        return width if height > 1 else max(0, width - 22)

    @property
    def capacity(self) -> int:
        """How many cycles fit one per column at the current size."""
        return max(1, self._bar_width(self.size.width, self.size.height))

    def show(self, view: View) -> None:
        """Copy the weighted GC CPU share of each column's rows."""
        store = view.model.cycles
        rows = view.committed_rows
        width = self._bar_width(self.size.width, self.size.height) or 40
        self._shares = column_shares(store, rows, width, view.by_time)
        sel = view.selected
        self._selected = sel if sel is not None and sel in rows else None
        self._following = view.following
        self._marks = view.marks
        self.refresh()

    def _level_style(self, share: float, bar: bool = True) -> Style:
        """The colour of a share: warning and error past the gc-cpu-high thresholds
        (the findings' own comparison), else the bar colour (or plain text)."""
        th = self.thresholds
        text = "" if bar else "-text"  # a number must stay readable where a bar only needs a hue
        if share * 100 > th.gc_cpu_high_critical_pct:
            return self.get_component_rich_style("gc-cpu-chart--critical" + text)
        if share * 100 > th.gc_cpu_high_warning_pct:
            return self.get_component_rich_style("gc-cpu-chart--high" + text)
        return self.get_component_rich_style("gc-cpu-chart--bar") if bar else Style()

    def _label(self, shares: list[Share], sel_col: int | None, width: int) -> Text:
        label = self.get_component_rich_style("gc-cpu-chart--label")
        present = [s.value for s in shares if s.weight > 0]
        # Following: the newest window; walking history: the selected one's.
        pick = shares[sel_col] if not self._following and sel_col is not None else None
        if pick is None:
            pick = next((s for s in reversed(shares) if s.weight > 0), None)
        title = self.get_component_rich_style("gc-cpu-chart--title")
        out = Text("GC CPU " if width >= 26 else "GC ", style=title, end="")
        out.append("now " if self._following else "sel ", style=label)
        if pick is not None and pick.weight > 0:
            out.append(plot.fmt_pct(pick.value), style=self._level_style(pick.value, bar=False))
        else:
            out.append("-", style=label)
        out.append("  max ", style=label)
        if present:
            top = max(present)
            out.append(plot.fmt_pct(top), style=self._level_style(top, bar=False))
        else:
            out.append("-", style=label)
        return out

    def render(self) -> Text:
        width, height = self.size.width, self.size.height
        if width <= 0 or height <= 0:
            return Text()
        bar_w = self._bar_width(width, height)
        shares = regroup(self._shares, bar_w, merge_shares)
        sel_col = column_of([s.first for s in shares], self._selected)
        label = self._label(shares, sel_col, width)
        bar_h = height - 1 if height > 1 else 1
        values = [s.value if s.weight > 0 else None for s in shares]
        top = max([MIN_TOP, *(v for v in values if v is not None and not math.isnan(v))])
        rows = plot.bar_rows(values, bar_h, top)
        sel_bg = Style(bgcolor=self.get_component_rich_style("gc-cpu-chart--selected").bgcolor)
        mark = Style(bgcolor=self.get_component_rich_style("gc-cpu-chart--marked").bgcolor)
        marked = self.marked = marked_columns([(s.first, s.stop) for s in shares], self._marks)
        styles = [(self._level_style(v) if v is not None else Style()) + (mark if m else Style())
                  for v, m in zip(values, marked)]
        return labelled_bars(rows, styles, sel_col, sel_bg, label, height, bar_w)

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        shares = regroup(self._shares, self._bar_width(self.size.width, self.size.height), merge_shares)
        if 0 <= offset.x < len(shares):
            self.post_message(CycleChosen(shares[offset.x].first))


def column_shares(store: CycleStore, rows: range, width: int, by_time: bool = False) -> list[Share]:
    """Each chart column's GC CPU over its stretch of time; ``weight`` is the
    CPU that stretch offered (ms x P), so merging columns stays exact.

    On a time axis a column no cycle ended in is a gap: its CPU is charged
    to the next cycle's interval, which the next column shows."""
    edges = column_edges(store.cols.t_ms, rows, width, by_time)
    full = [a for a, b in zip(edges, edges[1:]) if b > a] + edges[-1:]  # spans() needs rising edges
    cpus = iter(spans(store, full))
    out = []
    for a, b in zip(edges, edges[1:]):
        if b == a:
            out.append(Share(a, b, math.nan, 0.0))
            continue
        cpu = next(cpus)
        share = cpu.share
        out.append(Share(a, b, math.nan if share is None else share, cpu.offered_ms))
    return out
