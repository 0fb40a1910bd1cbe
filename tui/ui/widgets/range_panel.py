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


def _signed(v: float) -> str:
    """A number with a sign and no exponent: ``+71.6``, ``-228``, ``+1,234``."""
    if abs(v) >= 100:
        return f"{v:+,.0f}"
    return f"{v:+.3g}" if abs(v) >= 0.01 else f"{v:+.2f}"


def _signed_mb(v: float) -> str:
    """MB with a sign, short: ``+71.6M``, ``-228M``, ``+1.2G``."""
    return ("-" if v < 0 else "+") + plot.fmt_mb(abs(v))


def _slope(v: float) -> str:
    return f"{_signed(v)} MB/min"


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
# Narrower than the table (80 and 100 columns: the panel is 31 and 39 wide):
# the ranges named above it as A and B, the rates per second or minute in
# the labels and MB as ``M`` in the numbers. (label, format), in ROWS' order.
NARROW_ROWS: tuple[tuple[str, Fmt], ...] = (
    ("STW p50", plot.fmt_stw), ("STW p99", plot.fmt_stw), ("STW max", plot.fmt_stw), ("GC CPU", plot.fmt_pct),
    ("cyc/min", _rate), ("alloc/s", plot.fmt_mb), ("live/min", _signed_mb),
)
N_LABEL_W = 8
N_COL_W = 8
N_CHANGE_W = 7


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
        width = self.content_size.width or 1000
        out = Text(no_wrap=True, overflow="ellipsis", end="")
        if self._pending is not None:
            n = self._pending
            said = (f"Marking a range from gc {n}: move, then v at its end (V clears)",
                    f"Marking a range from gc {n}: v ends it", f"Marking from gc {n}: v ends it")
            out.append(next((t for t in said if len(t) <= width), said[-1]), style=label)
            if self.stats:
                out.append("\n")
        if not self.stats:
            return out
        stats = self.stats[-2:]
        wide = LABEL_W + COL_W * len(stats) + (CHANGE_W if len(stats) == 2 else 0) <= width
        (self._table if wide else self._narrow)(out, stats, width, title, label)
        return out

    def _table(self, out: Text, stats: list[RangeStats], width: int, title: Style, label: Style) -> None:
        """A column per range, each titled by its cycles, then their change."""
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
            self._values(out, stats, field, fmt, signed, COL_W, CHANGE_W, _signed)

    def _narrow(self, out: Text, stats: list[RangeStats], width: int, title: Style, label: Style) -> None:
        """Each range on a line of its own (A, B), then narrow columns with the
        units in the labels: every number whole in a 31-column panel."""
        tags = "AB" if len(stats) == 2 else "A"
        for tag, s in zip(tags, stats):
            out.append(f"{tag} {_title(s)}", style=title)
            extra = f"  {len(s.rows):,} cyc {fmt_span(s.span_s)}"
            out.append(extra if len(tag) + 1 + len(_title(s)) + len(extra) <= width else "", style=label)
            out.append("\n")
        out.append(" " * N_LABEL_W)
        for tag in tags:
            out.append(tag.rjust(N_COL_W), style=title)
        if len(stats) == 2:
            out.append("change".rjust(N_CHANGE_W), style=title)
        for (name, fmt), (_name, field, _fmt, signed) in zip(NARROW_ROWS, ROWS):
            out.append("\n")
            out.append(name.ljust(N_LABEL_W), style=label)
            self._values(out, stats, field, fmt, signed, N_COL_W, N_CHANGE_W, _signed_mb)

    def _values(self, out: Text, stats: list[RangeStats], field: str, fmt: Fmt, signed: bool, col_w: int,
                change_w: int, fmt_diff: Fmt) -> None:
        values = [getattr(s, field) for s in stats]
        for v in values:
            out.append((fmt(v) if v is not None else "-").rjust(col_w))
        if len(values) == 2:
            if signed:
                d = difference(values[0], values[1])
                out.append(("" if d is None else fmt_diff(d)).rjust(change_w), style=self._change_style(d))
            else:
                out.append(change(values[0], values[1]).rjust(change_w))

    def _change_style(self, d: float | None) -> Style:
        return Style(bold=True) if d is not None and abs(d) > 0 else Style()
