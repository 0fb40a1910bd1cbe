"""The marked ranges' numbers beside the charts, and their differences.

One range: its STW pause percentiles, GC CPU, cycles per minute, allocation
rate and live-heap slope. Two (a second ``v`` range, or ``c``: the stretch
before the marked one): both side by side, the later one's change. Hidden
while nothing is marked. The numbers come from :mod:`tui.ui.ranges`; they
are computed once per range, not per frame.
"""

from __future__ import annotations

from typing import Callable, ClassVar

from rich.style import Style
from rich.text import Text
from textual.widget import Widget

from tui.ui import plot
from tui.ui.axis import fmt_span
from tui.ui.ranges import RangeStats, change, difference, range_stats
from tui.ui.view import View

Fmt = Callable[[float], str]


def _rate(v: float) -> str:
    return f"{v:,.0f}" if v >= 100 else f"{v:.3g}"


def _mb_s(v: float) -> str:
    return f"{_rate(v)} MB/s"


def _slope(v: float) -> str:
    return f"{v:+.3g} MB/min"


# (label, RangeStats field, format, signed: compare by difference, not ratio)
ROWS: tuple[tuple[str, str, Fmt, bool], ...] = (
    ("STW p50", "stw_p50_ms", plot.fmt_stw, False),
    ("STW p99", "stw_p99_ms", plot.fmt_stw, False),
    ("STW max", "stw_max_ms", plot.fmt_stw, False),
    ("GC CPU", "gc_cpu", plot.fmt_pct, False),
    ("cycles/min", "cycles_per_min", _rate, False),
    ("alloc rate", "alloc_mb_s", _mb_s, False),
    ("live slope", "live_slope_mb_min", _slope, True),
)
LABEL_W = 11
COL_W = 13
CHANGE_W = 8


def _title(stats: RangeStats) -> str:
    return f"gc {stats.first_n}–{stats.last_n}"


class RangePanel(Widget):
    """The numbers of the marked range(s); hidden until one is marked."""

    DEFAULT_CSS = """
    RangePanel { height: auto; max-height: 12; padding: 0 0 0 1; display: none; text-wrap: nowrap;
                 text-overflow: ellipsis; }
    RangePanel.-shown { display: block; }
    RangePanel > .range-panel--title { text-style: bold; }
    RangePanel > .range-panel--label { color: $text-muted; }
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {"range-panel--title", "range-panel--label"}

    def __init__(self, *, name: str | None = None, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.stats: list[RangeStats] = []
        self._key: tuple[object, ...] = ()
        self._pending: int | None = None  # the cycle number a range being marked starts at

    def show(self, view: View) -> None:
        """Compute the marked ranges' numbers when the ranges changed."""
        store = view.model.cycles
        marks = tuple(r for r in view.marks if r and r.stop <= view.count)
        if marks != self._key:
            self._key = marks
            self.stats = [s for s in (range_stats(store, r) for r in marks) if s is not None]
        self._pending = store.cols.n[view.mark_from] if view.mark_from is not None else None
        self.set_class(bool(self.stats) or self._pending is not None, "-shown")
        self.refresh(layout=True)

    def render(self) -> Text:
        title = self.get_component_rich_style("range-panel--title")
        label = self.get_component_rich_style("range-panel--label")
        out = Text(no_wrap=True, overflow="ellipsis", end="")
        if self._pending is not None:
            out.append(f"Marking a range from gc {self._pending}: move, then v at its end (V clears)",
                       style=label)
            if self.stats:
                out.append("\n")
        if not self.stats:
            return out
        stats = self.stats[-2:]
        out.append(" " * LABEL_W)
        for s in stats:
            out.append(_title(s).rjust(COL_W), style=title)
        if len(stats) == 2:
            out.append("change".rjust(CHANGE_W), style=title)
        out.append("\n" + " " * LABEL_W, style=label)
        for s in stats:
            out.append(f"{len(s.rows):,} cyc {fmt_span(s.span_s)}".rjust(COL_W), style=label)
        for name, field, fmt, signed in ROWS:
            out.append("\n")
            out.append(name.ljust(LABEL_W), style=label)
            values = [getattr(s, field) for s in stats]
            for v in values:
                out.append((fmt(v) if v is not None else "-").rjust(COL_W))
            if len(values) == 2:
                if signed:
                    d = difference(values[0], values[1])
                    out.append(("" if d is None else f"{d:+.3g}").rjust(CHANGE_W), style=self._change_style(d))
                else:
                    out.append(change(values[0], values[1]).rjust(CHANGE_W))
        return out

    def _change_style(self, d: float | None) -> Style:
        return Style(bold=True) if d is not None and abs(d) > 0 else Style()
