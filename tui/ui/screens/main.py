"""The main screen: charts, cycle table and detail, the lower panels, and
every key that moves through them.

Drawing is pull-based: a timer (``REFRESH_S``) and every key ask
:meth:`MainScreen.redraw`, which takes the model lock once, builds one
:class:`tui.ui.view.View` and hands it to each widget's ``show``. A source
producing thousands of cycles a second therefore costs one redraw per tick,
not one per cycle, and a key press redraws at once.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import ContentSwitcher, Footer, Static

from tui.sanitize import visible
from tui.ui import loading
from tui.ui.loading import FRAME_S
from tui.ui.screens.chart_keys import CHART_BINDINGS, ChartKeys
from tui.ui.screens.cycle_keys import CycleKeys
from tui.ui.screens.keys import MAIN_BINDINGS
from tui.ui.screens.panel_keys import PANEL_TITLES, PANELS, TABS_ALWAYS, PanelKeys
from tui.ui.screens.session_keys import SESSION_BINDINGS, SessionKeys
from tui.ui.screens.sources import SourceKeys
from tui.ui.selection import Cursor
from tui.ui.view import View
from tui.ui.widgets.cpu import GCCPUChart
from tui.ui.widgets.cycle_table import CycleTable
from tui.ui.widgets.detail import CycleDetail
from tui.ui.widgets.escapes import EscapePanel
from tui.ui.widgets.findings_panel import FindingChosen, FindingsPanel
from tui.ui.widgets.goroutines import GoroutineChart
from tui.ui.widgets.heap import HeapChart
from tui.ui.widgets.messages import CycleChosen
from tui.ui.widgets.mmu_panel import MMUPanel
from tui.ui.widgets.output_panel import OutputLineChosen, OutputPanel
from tui.ui.widgets.pause import PauseChart
from tui.ui.widgets.pause_hist_panel import PauseHistogramPanel
from tui.ui.widgets.range_panel import RangePanel
from tui.ui.widgets.rows_panel import RowsPanel
from tui.ui.widgets.sched_panel import SchedPanel
from tui.ui.widgets.status import StatusBar
from tui.ui.widgets.whatif_panel import WhatIfPanel

if TYPE_CHECKING:
    from tui.ingest.runner import Runner

REFRESH_S = 0.1
MIN_SIZE = (60, 16)  # below this nothing useful fits: say so instead
# The widgets that draw a View (each has show(view)).
VIEW_WIDGETS = ("#pause", "#heap", "#cpu", "#goroutines", "#table", "#detail", "#sched", "#output", "#range",
                "#pause-hist", "#mmu", "#whatif")


def pods_text(pods: int, chosen: str | None) -> str:
    """The header's word on a multi-pod stream: its rows interleave processes
    (their intervals and trends are not one program's) until one is chosen."""
    if pods < 2:
        return ""
    return f"one of {pods} pods (s)" if chosen is not None else f"{pods} pods interleaved: s shows one"


class MainScreen(SessionKeys, CycleKeys, ChartKeys, PanelKeys, SourceKeys):
    """Everything at once; keys move the selected cycle and switch panels."""

    BINDINGS = [*MAIN_BINDINGS, *CHART_BINDINGS, *SESSION_BINDINGS]

    # Keys belong to the screen: nothing (an escape-hint filter box, say)
    # takes focus until the user asks for it.
    AUTO_FOCUS = ""  # (None would mean the app's default, "*": the first focusable widget)

    def __init__(self) -> None:
        super().__init__()
        self._drawn: tuple[object, ...] | None = None
        self._generation = 0
        self._notices_shown = 0
        self._load_t0: float | None = None  # when this screen first saw the file loading
        self._progress_shown = False  # the header shows a load's or a scan's progress

    def compose(self) -> ComposeResult:
        yield StatusBar(id="status")
        with Horizontal(id="main"):
            with Vertical(id="left"):
                yield PauseChart(self.gapp.thresholds, id="pause")
                yield HeapChart(id="heap")
                with Horizontal(id="small-charts"):
                    yield GCCPUChart(self.gapp.thresholds, id="cpu")
                    yield GoroutineChart(id="goroutines")
                yield CycleTable(id="table", long_pause_ms=self.gapp.thresholds.stw_long_ms)
                yield Static(id="waiting")
            with Vertical(id="right"):
                yield RangePanel(id="range")
                yield CycleDetail(id="detail")
                yield Static(id="panel-tabs")
                with ContentSwitcher(initial="findings", id="panels"):
                    yield FindingsPanel(id="findings")
                    yield SchedPanel(id="sched")
                    yield OutputPanel(id="output")
                    yield EscapePanel(id="escapes")
                    yield PauseHistogramPanel(id="pause-hist")
                    yield MMUPanel(id="mmu")
                    yield WhatIfPanel(id="whatif")
        yield Static(id="too-small")
        yield Footer()

    def on_mount(self) -> None:
        self._views = [self.query_one(wid) for wid in VIEW_WIDGETS]  # looked up once, drawn every tick
        if self.gapp.src_dir or self.gapp.session.kind in ("process", "attach", "demo"):
            self._start_escapes()  # a program is known: analyse it now, in a worker
        self._show_tabs()
        self.set_interval(REFRESH_S, self.redraw)
        self.set_interval(FRAME_S, self.show_progress)
        self.call_after_refresh(self.redraw, True)

    def on_resize(self) -> None:
        width, height = self.size
        small = width < MIN_SIZE[0] or height < MIN_SIZE[1]
        self.set_class(small, "-too-small")
        self.set_class(width >= 180, "-wide")
        self.set_class(height < 32, "-short")
        if small:
            self.query_one("#too-small", Static).update(
                f"The terminal is {width}×{height}: gctui needs at least {MIN_SIZE[0]}×{MIN_SIZE[1]} "
                "(120×40 shows everything). Make it bigger, or press q to quit.")
        self.call_after_refresh(self.redraw, True)

    # -- drawing ---------------------------------------------------------------------

    @property
    def drawn_key(self) -> tuple[object, ...] | None:
        """What the widgets last drew (None: something changed since)."""
        return self._drawn

    def invalidate(self) -> None:
        """Something besides the model changed (the full findings scan): redraw on the next tick."""
        self._drawn = None

    def redraw(self, force: bool = False) -> None:
        """Copy the model into the widgets if anything changed.

        Never waits for the model lock: while the source thread or the full
        findings scan holds it, this tick is skipped and the next one draws
        (the UI stays responsive; a key's effect shows a tick later)."""
        session = self.gapp.session
        if not session.lock.acquire(blocking=False):
            self._drawn = None
            return
        try:
            notices, findings, earlier, count, pid = self._copy(session, force)
        finally:
            session.lock.release()
        if findings is None:
            return
        self.query_one(FindingsPanel).set_findings(findings, earlier, runs=len(session.shown().segments))
        for notice in notices:  # what a source wants the user to read (a rotation, a hint)
            severity = {"error": "error", "warning": "warning"}.get(notice.level, "information")
            self.notify(notice.text, severity=severity, timeout=4, markup=False)  # type: ignore[arg-type]
        self._show_waiting(count)
        if self._escapes_started and pid != self._escapes_pid:
            self._connect_profile()

    def _copy(self, session: Runner, force: bool):  # type: ignore[no-untyped-def]
        """Under the lock: hand the widgets a view of the model."""
        model = session.shown()
        store = model.cycles
        if session.generation != self._generation:  # a loaded file replaced the tail shown
            self._generation = session.generation
            self.cursor = Cursor(following=self.cursor.following, zoomed_out=self.cursor.zoomed_out)
            self._notices_shown = 0
            self.marks, self.mark_from = (), None  # rows of the model that was replaced
        count = len(store.assist_share)  # the last column written: every row below is whole
        self.cursor.on_data(count)
        width = max(8, self._views[0].capacity)  # type: ignore[attr-defined]  # one cycle per pause bar
        state, rate = session.state(), round(session.lines_per_s())
        # Widgets copy what fits their size, so a size change is a change too;
        # the header changes with the source's state and rate, colours with the theme.
        sizes = tuple(widget.size for widget in self._views)
        key = (model.version, self.cursor.selected, self.cursor.following, self.cursor.zoomed_out, sizes,
               state, rate, self.app.theme, self.by_time, self.heap_from_zero, self.marks, self.mark_from)
        if key == self._drawn and not force:
            return [], None, None, count, model.env.pid
        self._drawn = key
        view = View(model, self.cursor.window(store, count, width), self.cursor.selected, count,
                    self.cursor.following, session.raw_line, by_time=self.by_time,
                    heap_from_zero=self.heap_from_zero, marks=self.marks, mark_from=self.mark_from,
                    sources=session.sources if session.chosen is None and len(session.sources) > 1 else {})
        for widget in self._views:
            widget.show(view)  # type: ignore[attr-defined]
        self.query_one(StatusBar).show(view, state=self.progress() or state, lines_per_s=session.lines_per_s(),
                                       pods=pods_text(len(session.sources), session.chosen))
        findings, earlier = self.gapp.findings.update(
            model, ended=session.ended is not None, sources=session.sources if session.chosen is None else None)
        notices = session.feeder.notices[self._notices_shown:]
        self._notices_shown += len(notices)
        return notices, findings, earlier, count, model.env.pid

    def _show_waiting(self, count: int) -> None:
        waiting = self.query_one("#waiting", Static)
        session = self.gapp.session
        self.set_class(count == 0, "-empty")
        if count:
            return
        if session.ended is not None:
            lines = session.model.lines
            text = (f"The input ended after {lines:,} lines without a GC cycle. Was GODEBUG=gctrace=1 set? "
                    "Its output goes to stderr. Press 3 to see what the program printed." if lines
                    else "The input ended before any line arrived.")
            if session.error:
                text = session.error
        else:
            progress = self.progress()
            text = self._reading(progress) if progress and session.loading is not None else session.waiting_for()
        notices = session.feeder.notices
        if notices and notices[-1].text not in text:
            text += "\n\n" + notices[-1].text
        waiting.update(Text(visible(text)))  # notices and errors quote compiler output

    def progress(self) -> str | None:
        """The moving line of a file being loaded or summarised (None: neither)."""
        session, now = self.gapp.session, time.monotonic()
        load = session.load_bytes
        if load is not None:
            if self._load_t0 is None:
                self._load_t0 = now
            return loading.reading(*load, now - self._load_t0)
        self._load_t0 = None
        since = self.gapp.summarising_since
        if since is not None:
            return loading.summarising(len(session.shown().cycles), now - since)
        return None

    def show_progress(self) -> None:
        """Between redraws (a tick that copies the model waits for its lock,
        which a findings scan holds): the header's moving line, and the
        waiting text while nothing is drawn."""
        progress = self.progress()
        if progress is None:
            if self._progress_shown:  # done: say what the source does now, not the last step
                self._progress_shown = False
                self.query_one(StatusBar).set_state(self.gapp.session.state())
            return
        self._progress_shown = True
        self.query_one(StatusBar).set_state(progress)
        if self.has_class("-empty") and self.gapp.session.loading is not None:
            self.query_one("#waiting", Static).update(Text(visible(self._reading(progress))))

    def _reading(self, progress: str) -> str:
        return f"Reading {self.gapp.session.source.description}\n\n{progress}"

    def _show_tabs(self) -> None:
        """The panel tabs, and while a search is on, where it stands (``/gc: 3/17``)."""
        current = self.query_one(ContentSwitcher).current or "findings"
        line = Text(no_wrap=True, overflow="ellipsis")
        analysis = PANELS.index(current) >= TABS_ALWAYS
        for i, (name, title) in enumerate(zip(PANELS, PANEL_TITLES)):
            if name != current and analysis:
                title = title.split()[0]  # just the key
            elif name != current and i >= TABS_ALWAYS:
                continue
            line.append(f" {title} ", "reverse" if name == current else "")
        output = self.query_one(OutputPanel)
        if output.pattern:
            at, total = output.position()
            line.append(f"  /{visible(output.pattern)}: ", "bold")
            line.append(f"{at}/{total}" if total else "no match", "bold")
            line.append("  n/N Esc", "italic")
        self.query_one("#panel-tabs", Static).update(line)

    # -- mouse ------------------------------------------------------------------------

    def on_cycle_chosen(self, message: CycleChosen) -> None:
        self.cursor.following = False
        self.cursor.select(message.index, self._count())
        self._after_move()

    def on_rows_panel_stale(self, message: RowsPanel.Stale) -> None:
        self.invalidate()

    def on_finding_chosen(self, message: FindingChosen) -> None:
        self._choose_finding(message.index)

    def on_output_line_chosen(self, message: OutputLineChosen) -> None:
        self.query_one(OutputPanel).choose(message.entry)
        self.select_near_entry(message.entry)
