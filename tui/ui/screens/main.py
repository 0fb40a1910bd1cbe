"""The main screen: charts, cycle table and detail, the lower panels, and
every key that moves through them.

Drawing is pull-based: a timer (``REFRESH_S``) and every key ask
:meth:`MainScreen.redraw`, which takes the model lock once, builds one
:class:`tui.ui.view.View` and hands it to each widget's ``show``. A source
producing thousands of cycles a second therefore costs one redraw per tick,
not one per cycle, and a key press redraws at once.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import ContentSwitcher, Footer, Static

from tui.escapes.locate import SourceQuery
from tui.sanitize import visible
from tui.ui.selection import Cursor
from tui.ui.view import View
from tui.ui.widgets.cpu import GCCPUChart
from tui.ui.widgets.cycle_table import CycleTable
from tui.ui.widgets.detail import CycleDetail
from tui.ui.widgets.escapes import EscapePanel
from tui.ui.widgets.findings_panel import ALLOCATION_PRESSURE, FindingChosen, FindingsPanel
from tui.ui.widgets.goroutines import GoroutineChart
from tui.ui.widgets.heap import HeapChart
from tui.ui.widgets.messages import CycleChosen
from tui.ui.widgets.output_panel import OutputPanel
from tui.ui.widgets.pause import PauseChart
from tui.ui.widgets.sched_panel import SchedPanel
from tui.ui.widgets.status import StatusBar

if TYPE_CHECKING:
    from tui.ui.app import GCTuiApp
    from tui.ingest.runner import Runner

REFRESH_S = 0.1
PANELS = ("findings", "sched", "output", "escapes")
PANEL_TITLES = ("1 findings", "2 scheduler", "3 output", "4 escapes")
MIN_SIZE = (60, 16)  # below this nothing useful fits: say so instead
# The widgets that draw a View (each has show(view)).
VIEW_WIDGETS = ("#pause", "#heap", "#cpu", "#goroutines", "#table", "#detail", "#sched", "#output")


class MainScreen(Screen[None]):
    """Everything at once; keys move the selected cycle and switch panels."""

    BINDINGS = [
        Binding("j,down", "move(1)", "Next cycle", id="cycle.next", show=False),
        Binding("k,up", "move(-1)", "Previous cycle", id="cycle.previous", show=False),
        Binding("g,home", "first", "First cycle", id="cycle.first", show=False),
        Binding("G,end", "last", "Last cycle", id="cycle.last", show=False),
        Binding("pagedown", "page(1)", "Page down", id="cycle.page_down", show=False),
        Binding("pageup", "page(-1)", "Page up", id="cycle.page_up", show=False),
        Binding("f", "follow", "Follow", id="cycle.follow"),
        Binding("colon", "jump", "Jump to gc N", id="cycle.jump"),
        Binding("n", "finding(1)", "Next finding", id="finding.next"),
        Binding("p", "finding(-1)", "Prev finding", id="finding.previous"),
        Binding("slash", "search", "Search output", id="output.search"),
        Binding("1", "panel(0)", "Findings", id="panel.findings", show=False),
        Binding("2", "panel(1)", "Scheduler", id="panel.scheduler", show=False),
        Binding("3", "panel(2)", "Output", id="panel.output", show=False),
        Binding("4,e", "escapes", "Escape hints", id="panel.escapes", show=False),
        Binding("w", "worst", "Worst pause", id="cycle.worst"),
        Binding("z", "zoom", "Zoom out/in", id="chart.zoom"),
        Binding("right_curly_bracket", "scroll('#detail', 1)", "Scroll detail down", id="detail.down", show=False),
        Binding("left_curly_bracket", "scroll('#detail', -1)", "Scroll detail up", id="detail.up", show=False),
        Binding("right_square_bracket", "scroll('#panels', 1)", "Scroll panel down", id="panel.down",
                show=False),
        Binding("left_square_bracket", "scroll('#panels', -1)", "Scroll panel up", id="panel.up", show=False),
        Binding("question_mark,f1", "help", "Help", id="app.help"),
        Binding("q", "app.quit", "Quit", id="app.quit"),
    ]

    # Keys belong to the screen: nothing (an escape-hint filter box, say)
    # takes focus until the user asks for it.
    AUTO_FOCUS = ""  # (None would mean the app's default, "*": the first focusable widget)

    def __init__(self) -> None:
        super().__init__()
        self.cursor = Cursor()
        self._drawn: tuple[object, ...] | None = None
        self._last_search = ""
        self._generation = 0
        self._notices_shown = 0

    @property
    def gapp(self) -> GCTuiApp:
        return self.app  # type: ignore[return-value]

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
                yield CycleDetail(id="detail")
                yield Static(id="panel-tabs")
                with ContentSwitcher(initial="findings", id="panels"):
                    yield FindingsPanel(id="findings")
                    yield SchedPanel(id="sched")
                    yield OutputPanel(id="output")
                    yield EscapePanel(id="escapes")
        yield Static(id="too-small")
        yield Footer()

    def on_mount(self) -> None:
        self._views = [self.query_one(wid) for wid in VIEW_WIDGETS]  # looked up once, drawn every tick
        self._escapes_started = False
        if self.gapp.src_dir or self.gapp.session.kind in ("process", "attach", "demo"):
            self._start_escapes()  # a program is known: analyse it now, in a worker
        self._show_tabs()
        self.set_interval(REFRESH_S, self.redraw)
        self.call_after_refresh(self.redraw, True)

    def on_resize(self) -> None:
        width, height = self.size
        small = width < MIN_SIZE[0] or height < MIN_SIZE[1]
        self.set_class(small, "-too-small")
        self.set_class(width < 110, "-narrow")
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
        self.query_one(FindingsPanel).set_findings(findings, earlier)
        for notice in notices:  # what a source wants the user to read (a rotation, a hint)
            severity = {"error": "error", "warning": "warning"}.get(notice.level, "information")
            self.notify(notice.text, severity=severity, timeout=8, markup=False)  # type: ignore[arg-type]
        self._show_waiting(count)
        if self._escapes_started and pid != self._escapes_pid:
            self._connect_profile()

    def _copy(self, session: Runner, force: bool):  # type: ignore[no-untyped-def]
        """Under the lock: hand the widgets a view of the model."""
        model = session.model
        store = model.cycles
        if session.generation != self._generation:  # a loaded file replaced the tail shown
            self._generation = session.generation
            self.cursor = Cursor(following=self.cursor.following, zoomed_out=self.cursor.zoomed_out)
            self._notices_shown = 0
        count = len(store.assist_share)  # the last column written: every row below is whole
        self.cursor.on_data(count)
        width = max(8, self._views[0].capacity)  # type: ignore[attr-defined]  # one cycle per pause bar
        state, rate = session.state(), round(session.lines_per_s())
        # Widgets copy what fits their size, so a size change is a change too;
        # the header changes with the source's state and rate, colours with the theme.
        sizes = tuple(widget.size for widget in self._views)
        key = (model.version, self.cursor.selected, self.cursor.following, self.cursor.zoomed_out, sizes,
               state, rate, self.app.theme)
        if key == self._drawn and not force:
            return [], None, None, count, model.env.pid
        self._drawn = key
        view = View(model, self.cursor.window(store, count, width), self.cursor.selected, count,
                    self.cursor.following, session.raw_line)
        for widget in self._views:
            widget.show(view)  # type: ignore[attr-defined]
        self.query_one(StatusBar).show(view, state=state, lines_per_s=session.lines_per_s())
        findings, earlier = self.gapp.findings.update(model, ended=session.ended is not None)
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
            text = session.waiting_for()
        notices = session.feeder.notices
        if notices and notices[-1].text not in text:
            text += "\n\n" + notices[-1].text
        waiting.update(Text(visible(text)))  # notices and errors quote compiler output

    def _show_tabs(self) -> None:
        current = self.query_one(ContentSwitcher).current or "findings"
        parts = []
        for name, title in zip(PANELS, PANEL_TITLES):
            parts.append(f"[reverse] {title} [/]" if name == current else f" {title} ")
        self.query_one("#panel-tabs", Static).update("".join(parts))

    # -- actions ----------------------------------------------------------------------

    def _count(self) -> int:
        return len(self.gapp.session.model.cycles.assist_share)

    def _after_move(self) -> None:
        self.redraw(True)

    def action_move(self, delta: int) -> None:
        self.cursor.following = False
        self.cursor.move(delta, self._count())
        self._after_move()

    def action_page(self, direction: int) -> None:
        rows = self.query_one(CycleTable).page_rows()
        self.action_move(direction * rows)

    def action_first(self) -> None:
        self.cursor.following = False
        self.cursor.first(self._count())
        self._after_move()

    def action_last(self) -> None:
        self.cursor.last(self._count())
        self._after_move()

    def action_follow(self) -> None:
        on = self.cursor.toggle_follow(self._count())
        self.notify("Following the newest cycle." if on else "Paused: the selection stays put.", timeout=2)
        self._after_move()

    def action_worst(self) -> None:
        """Select the longest stop-the-world pause of the selected run."""
        session = self.gapp.session
        with session.lock:
            store = session.model.cycles
            count = self._count()
            if not count:
                return
            sel = count - 1 if self.cursor.selected is None else self.cursor.selected
            lo, hi = store.segment_range(store.cols.segment[sel])
            pauses = store.cols.stw_ms[lo:min(hi, count)]
            worst = max((v for v in pauses if v == v), default=None)
            if worst is None:
                return
            index = lo + pauses.index(worst)
        self.cursor.following = False
        self.cursor.select(index, count)
        self._after_move()

    def action_scroll(self, selector: str, direction: int) -> None:
        """Page the cycle detail or the lower panel without the mouse."""
        target = self.query_one(selector)
        if selector == "#panels":
            current = self.query_one(ContentSwitcher).current
            target = self.query_one(f"#{current}")
        target.scroll_relative(y=direction * max(1, target.size.height - 2), animate=False)

    def action_zoom(self) -> None:
        self.cursor.zoomed_out = not self.cursor.zoomed_out
        self._after_move()

    def action_jump(self) -> None:
        from tui.ui.screens.prompt import Prompt

        def done(value: str | None) -> None:
            if not value:
                return
            try:
                n = int(value)
            except ValueError:
                self.notify(f"Not a cycle number: {value}", severity="warning", markup=False)
                return
            with self.gapp.session.lock:
                found = self.cursor.jump(self.gapp.session.model.cycles, n, self._count())
            if found is None:
                self.notify(f"There is no gc {n} in this log.", severity="warning")
            self._after_move()

        self.app.push_screen(Prompt("Jump to cycle (gc N):", "a cycle number", numeric=True), done)

    def action_search(self) -> None:
        from tui.ui.screens.prompt import Prompt

        def done(value: str | None) -> None:
            if value is None:
                return
            self._last_search = value
            self.action_panel(2)
            output = self.query_one(OutputPanel)
            found = output.search(value)
            if value and found is None:
                self.notify(f"No output line holds {value!r}.", severity="warning", markup=False)

        self.app.push_screen(Prompt("Search the program's output (Enter again for the next match):",
                                    "text", self._last_search), done)

    def action_panel(self, index: int) -> None:
        self.query_one(ContentSwitcher).current = PANELS[index]
        self._show_tabs()
        if PANELS[index] == "escapes":
            self._start_escapes()
        elif self.focused is not None:
            self.set_focus(None)  # keys go back to the screen when the escape list hides

    def _start_escapes(self) -> None:
        """Point the escape panel at the program's source (and its pprof)."""
        if self._escapes_started:
            return
        self._escapes_started = True
        app = self.gapp
        panel = self.query_one(EscapePanel)
        panel.set_source(SourceQuery.for_source(app.session.source, app.src_dir))
        self._escapes_pid: int | None = None
        self._connect_profile()

    def _connect_profile(self) -> None:
        """Rank hints by the program's allocation profile: at --http, or at
        the loopback ports of its PID, which a launched program only has once
        it started (so this is tried again when the PID arrives)."""
        app = self.gapp
        http = app.http or getattr(app.session.source, "http_base", None)
        pid = app.session.model.env.pid
        if (http or pid) and pid != self._escapes_pid:
            self._escapes_pid = pid
            self.query_one(EscapePanel).set_http(http, pid=pid)

    def action_escapes(self) -> None:
        """Panel 4; coming from an allocation finding, its top hint selected."""
        self.action_panel(3)
        panel = self.query_one(FindingsPanel)
        chosen = panel.findings[panel.chosen] if panel.chosen is not None else None
        if chosen is not None and chosen.id in ALLOCATION_PRESSURE:
            self.query_one(EscapePanel).focus_top(chosen.id)

    def action_finding(self, delta: int) -> None:
        panel = self.query_one(FindingsPanel)
        if not panel.findings:
            self.notify("No findings.", timeout=2)
            return
        current = panel.chosen
        index = (0 if delta > 0 else len(panel.findings) - 1) if current is None else current + delta
        self._choose_finding(index)

    def _choose_finding(self, index: int) -> None:
        self.action_panel(0)
        finding = self.query_one(FindingsPanel).choose(index)
        if finding is not None and finding.first_index is not None:
            self.cursor.following = False
            self.cursor.select(finding.first_index, self._count())
        self._after_move()

    def action_help(self) -> None:
        from tui.ui.screens.help import HelpScreen

        self.app.push_screen(HelpScreen(self.BINDINGS))  # type: ignore[arg-type]

    # -- mouse ------------------------------------------------------------------------

    def on_cycle_chosen(self, message: CycleChosen) -> None:
        self.cursor.following = False
        self.cursor.select(message.index, self._count())
        self._after_move()

    def on_finding_chosen(self, message: FindingChosen) -> None:
        self._choose_finding(message.index)
