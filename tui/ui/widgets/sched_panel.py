"""The scheduler panel (lower panel ``2``): goroutines, threads, run queues.

The collector's cost grows with what goroutines keep alive and its pauses
wait for every P to stop, so the scheduler's state belongs beside the GC
view. From the newest SCHED snapshot: the goroutine count over time, what
the waiting goroutines wait on (scheddetail's wait reasons, largest first),
threads, idle and spinning, and the run queues (global and per P), where a
backlog means goroutines are ready but no P is free to run them.
"""

from __future__ import annotations

from typing import Any, Callable, ClassVar

from rich.style import Style
from rich.text import Text
from textual import events
from textual.widget import Widget

from parsers.events import SchedSnapshot
from tui.sanitize import visible
from tui.ui import plot
from tui.ui.view import View
from tui.ui.widgets.goroutines import NO_DETAIL, GoroutineColumns, GoroutineSeries
from tui.ui.widgets.bars import append_bar_row
from tui.ui.widgets.rows_panel import join_lines
from tui.ui.widgets.messages import CycleChosen

WAITING = (
    "Waiting for SCHED lines. Run the program with "
    "GODEBUG=schedtrace=1000,scheddetail=1 to see goroutines, threads and run queues here."
)
AXIS_WIDTH = 7  # "12.3k" and a gap
REASON_BAR = 10


def pack(items: list[Text], width: int) -> list[Text]:
    """Items joined by `` · `` into as few lines as fit ``width`` (an item
    longer than the width gets a line of its own, cropped on screen)."""
    lines: list[Text] = []
    for item in items:
        if lines and len(lines[-1]) + 3 + len(item) <= width:
            lines[-1].append(" · ")
            lines[-1].append_text(item)
        else:
            line = Text(end="")
            line.append_text(item)
            lines.append(line)
    return lines


def tick_rates(new: SchedSnapshot, old: SchedSnapshot) -> list[float] | None:
    """Per-P ``schedticks`` per second between two snapshots of one run, None
    without them (before Go 1.25, or scheddetail mode). Ps kept after a
    GOMAXPROCS change keep their counters: the shorter list is compared."""
    if not new.schedticks or not old.schedticks or new.t_ms <= old.t_ms:
        return None
    seconds = (new.t_ms - old.t_ms) / 1000.0
    return [max(0, a - b) / seconds for a, b in zip(new.schedticks, old.schedticks)]


class SchedPanel(Widget):
    """Goroutines over time, wait reasons, threads, idle Ps and run queues."""

    ALLOW_MAXIMIZE = True  # `m` fills the screen with it

    DEFAULT_CSS = """
    SchedPanel { height: 1fr; }
    SchedPanel > .sched-panel--bar { color: $text-secondary; }
    SchedPanel > .sched-panel--queue { color: $warning; }
    SchedPanel:light > .sched-panel--queue { color: $foreground; background: $warning 40%; }
    SchedPanel > .sched-panel--selected { background: $foreground 20%; }
    SchedPanel > .sched-panel--label { color: $text-muted; }
    SchedPanel > .sched-panel--title { text-style: bold; }
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "sched-panel--bar",
        "sched-panel--queue",
        "sched-panel--selected",
        "sched-panel--label",
        "sched-panel--title",
    }

    def __init__(self, *, name: str | None = None, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._series = GoroutineSeries()
        self._columns = GoroutineColumns()
        self._snap: SchedSnapshot | None = None
        self._ticks: list[float] | None = None  # per-P schedticks per second, Go 1.25+
        self._chart_rows = range(0)  # content rows the chart was drawn on, for clicks

    def show(self, view: View) -> None:
        """Copy the goroutine series and the newest snapshot (immutable)."""
        width = max(1, self.size.width - AXIS_WIDTH) if self.size.width else 40
        self._columns = self._series.take(view, width)
        latest = view.model.latest_scheds(2)
        self._snap = latest[0] if latest else None
        self._ticks = tick_rates(latest[0], latest[1]) if len(latest) == 2 else None
        self.refresh()

    def _style(self, name: str) -> Style:
        return self.get_component_rich_style(f"sched-panel--{name}")

    def _facts(self, snap: SchedSnapshot, width: int, height: int) -> list[Text]:
        """The fixed lines, packed to the width: title, counts, Ps and queues;
        per-P queues and goroutines by status when there is height to spare."""
        label = self._style("label")
        facts = [Text("Scheduler", style=self._style("title"))]
        facts.append(Text(f"at {snap.t_ms / 1000:g}s", style=label))
        if self._columns.latest is not None:
            facts.append(Text(f"goroutines {self._columns.latest}"))
        idle, spinning = snap.idlethreads, snap.spinningthreads
        facts.append(Text(f"threads {snap.threads} ({idle} idle, {spinning} spinning)"))
        facts.append(Text(f"idle Ps {snap.idleprocs}/{snap.gomaxprocs}"))
        queued = self._style("queue")
        glob = snap.runqueue
        facts.append(Text.assemble("global runq ", (str(glob), queued if glob else Style())))
        per_p = snap.runq_per_p
        if per_p:
            local = sum(per_p)
            facts.append(
                Text.assemble("local runq Σ", (str(local), queued if local else Style()), f" max {max(per_p)}")
            )
        lines = pack(facts, width)
        if per_p and len(per_p) > 1 and height >= 12:
            lines.append(self._per_p_line("per-P runq ", list(per_p), str, width,
                                          queued if local else Style(), queued))
        if self._ticks and height >= 12:
            # A P whose ticks stand still while it is not idle runs one
            # goroutine that never yields (a tight loop, a long cgo call).
            lines.append(self._per_p_line("sched ticks/s per P ", self._ticks, plot.fmt_count, width))
        if snap.g_by_status and height >= 14:
            status = [Text(f"{visible(name)} {n}", style=label) for name, n in snap.g_by_status]
            status[0] = Text("by status: ", style=label) + status[0]
            lines += pack(status, width)[:1]
        return lines

    def _per_p_line(self, name: str, values: list[Any], fmt: Callable[[Any], str], width: int,
                    style: Style | None = None, bars: Style | None = None) -> Text:
        """One number a P after ``name`` while they fit the width, else one
        bar a P as far as they fit (a 128-P machine)."""
        label = self._style("label")
        line = Text(name, style=label, end="")
        numbers = " ".join(fmt(v) for v in values)
        room = max(0, width - len(line) - 1)
        if len(numbers) <= room:
            line.append(numbers, style=style or Style())
        else:
            line.append(plot.sparkline(values[:room], max(1, max(values))), style=bars or Style())
            if len(values) > room:
                line.append("…", style=label)
        return line

    def _reasons(self, snap: SchedSnapshot, rows: int, width: int) -> list[Text]:
        """The header and the ``rows`` biggest wait reasons, as plain text."""
        ranked = sorted(snap.g_by_wait_reason, key=lambda r: (-r[1], r[0]))[:rows]
        if not ranked:
            return []
        label = self._style("label")
        out = [Text("waiting goroutines by wait reason", style=self._style("title"), end="")]
        top = ranked[0][1]
        digits = len(str(top))
        bar_w = REASON_BAR if width >= 40 else 4
        for reason, n in ranked:
            line = Text(f"{n:>{digits}} ", end="")
            line.append(plot.hbar(n, top, bar_w), style=self._style("bar"))
            line.append(" ")
            line.append(visible(reason), style=label)  # program text: never markup
            out.append(line)
        return out

    def _chart(self, height: int, width: int) -> list[Text]:
        cols = self._columns
        if not any(c is not None for c in cols.counts):
            return [Text(NO_DETAIL, style=self._style("label"), end="")]
        plot_w = max(1, width - AXIS_WIDTH)
        counts = cols.counts[-plot_w:]
        shift = len(cols.counts) - len(counts)
        top = plot.nice_ceil(max((c for c in counts if c is not None), default=1.0))
        labels = plot.axis_labels(top, height, plot.fmt_count)
        bars = plot.bar_rows(counts, height, top)
        sel = None if cols.selected is None else cols.selected - shift
        bar = self._style("bar")
        sel_bg = Style(bgcolor=self._style("selected").bgcolor)
        out = []
        for r, row in enumerate(bars):
            axis = labels[r].rjust(AXIS_WIDTH - 1)[-(AXIS_WIDTH - 1) :] + " "
            line = Text(axis, style=self._style("label"), end="")
            append_bar_row(line, row, bar, sel, sel_bg)
            out.append(line)
        return out

    def render(self) -> Text:
        width, height = self.size.width, self.size.height
        snap = self._snap
        if snap is None:
            return Text(WAITING, style=self._style("label"))
        facts = self._facts(snap, width, height)[: max(1, height)]
        left = height - len(facts)
        has_counts = any(c is not None for c in self._columns.counts)
        reasons: list[Text] = []
        if snap.g_by_wait_reason and left >= 5:
            # Share the rest: the chart keeps at least three rows.
            room = min(len(snap.g_by_wait_reason), max(0, left - 4), max(1, (left - 1) // 2))
            reasons = self._reasons(snap, room, width)
        chart_h = left - len(reasons)
        chart = self._chart(chart_h, width)[:chart_h] if chart_h > 0 else []
        self._chart_rows = range(len(facts), len(facts) + len(chart)) if has_counts else range(0)
        return join_lines(facts + chart + reasons)

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None or offset.x < AXIS_WIDTH or offset.y not in self._chart_rows:
            return
        cols = self._columns
        plot_w = max(1, self.size.width - AXIS_WIDTH)
        i = offset.x - AXIS_WIDTH + max(0, len(cols.counts) - plot_w)
        if i < len(cols.rows) and cols.rows[i] is not None:
            self.post_message(CycleChosen(cols.rows[i]))  # type: ignore[arg-type]
