"""Keys that drive the panels: switch, scroll, maximise, walk findings,
search the output like less, the escape hints and help."""

from __future__ import annotations

from bisect import bisect_right

from textual.widget import Widget
from textual.widgets import ContentSwitcher

from tui.escapes.locate import SourceQuery
from tui.ui.screens.base import GCScreen
from tui.ui.widgets.escapes import EscapePanel
from tui.ui.widgets.findings_panel import ALLOCATION_PRESSURE, FindingsPanel
from tui.ui.widgets.output_panel import OutputPanel

PANELS = ("findings", "sched", "output", "escapes", "pause-hist", "mmu", "whatif")
PANEL_TITLES = ("1 findings", "2 scheduler", "3 output", "4 escapes", "5 pauses", "6 MMU", "7 what-if")
# The tab line names the first four panels in full while one of them is
# shown (the analysis panels 5, 6, 7 are in the footer's palette and help);
# while an analysis panel is shown, the others shrink to their numbers, so
# the line still fits the right-hand column.
TABS_ALWAYS = 4
# What ``m`` maximises, and the order ``M`` walks: the lower panel shown, the
# cycle detail, the table, the heap chart, the pause chart.
MAXIMISE = ("panel", "#detail", "#table", "#heap", "#pause")


class PanelKeys(GCScreen):
    """Actions over the right-hand and lower panels."""

    _max_target = 0
    _last_search = ""
    _escapes_started = False
    _escapes_pid: int | None = None

    def _show_tabs(self) -> None:
        raise NotImplementedError

    # -- panels -------------------------------------------------------------------------

    def action_panel(self, index: int) -> None:
        self.query_one(ContentSwitcher).current = PANELS[index]
        if self.maximized is not None and MAXIMISE[self._max_target] == "panel":
            self.maximize(self._panel(), container=False)  # the maximised panel follows the switch
        self._show_tabs()
        if PANELS[index] == "escapes":
            self._start_escapes()
        elif self.focused is not None:
            self.set_focus(None)  # keys go back to the screen when the escape list hides

    def _panel(self) -> Widget:
        current = self.query_one(ContentSwitcher).current or "findings"
        return self.query_one(f"#{current}")

    def action_scroll(self, selector: str, direction: int) -> None:
        """Page the cycle detail or the lower panel without the mouse."""
        target = self._panel() if selector == "#panels" else self.query_one(selector)
        target.scroll_relative(y=direction * max(1, target.size.height - 2), animate=False)

    def _max_widget(self) -> Widget:
        name = MAXIMISE[self._max_target]
        return self._panel() if name == "panel" else self.query_one(name)

    def action_maximize(self) -> None:
        """Fill the screen with one panel (``m`` again or Escape restores)."""
        if self.maximized is not None:
            self.minimize()
        else:
            self.maximize(self._max_widget(), container=False)
        self._after_move()

    def action_maximize_next(self) -> None:
        """Maximise the next panel in turn: lower panel, detail, table, heap, pauses."""
        if self.maximized is not None:
            self._max_target = (self._max_target + 1) % len(MAXIMISE)
        self.maximize(self._max_widget(), container=False)
        self._after_move()

    def action_escape(self) -> None:
        """Restore a maximised panel, else end a search."""
        if self.maximized is not None:
            self.minimize()
            self._after_move()
        elif self.query_one(OutputPanel).pattern:
            self.query_one(OutputPanel).end_search()
            self._show_tabs()

    def action_pan(self, direction: int) -> None:
        self.action_panel(2)
        self.query_one(OutputPanel).pan(direction)

    # -- findings and search ----------------------------------------------------------

    def action_next(self, delta: int) -> None:
        """``n``/``N``: the next match while a search is on (as in less), else the next finding."""
        output = self.query_one(OutputPanel)
        if output.pattern:
            self.action_panel(2)
            found = output.step(delta)
            self._after_search(found)
        elif delta > 0:
            self.action_finding(1)

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

    def action_search(self) -> None:
        from tui.ui.screens.prompt import Prompt

        def done(value: str | None) -> None:
            if value is None:
                return
            self._last_search = value
            self.action_panel(2)
            output = self.query_one(OutputPanel)
            if not value:
                output.end_search()
                self._show_tabs()
                return
            found = output.search(value)
            if found is None:
                self.notify(f"No output line holds {value!r}.", severity="warning", markup=False, timeout=3)
            self._after_search(found)

        self.app.push_screen(Prompt("Search the program's output (n/N: next/previous match, Esc ends):",
                                    "text", self._last_search), done)

    def _after_search(self, entry: int | None) -> None:
        """Select the cycle nearest the matched line: the moment it was printed."""
        self._show_tabs()
        if entry is not None:
            self.select_near_entry(entry)

    def select_near_entry(self, entry: int) -> None:
        """Select the last cycle that started at or before output entry ``entry``'s line."""
        line = self.query_one(OutputPanel).line_no(entry)
        count = self._count()
        if line is None or not count:
            return
        with self.gapp.session.lock:
            line_nos = self.gapp.session.shown().cycles.cols.line_no
            index = max(0, bisect_right(line_nos, line, 0, count) - 1)
        self.cursor.following = False
        self.cursor.select(index, count)
        self._after_move()

    # -- escape hints -----------------------------------------------------------------

    def action_escapes(self) -> None:
        """Panel 4; coming from an allocation finding, its top hint selected."""
        self.action_panel(3)
        panel = self.query_one(FindingsPanel)
        chosen = panel.findings[panel.chosen] if panel.chosen is not None else None
        if chosen is not None and chosen.id in ALLOCATION_PRESSURE:
            self.query_one(EscapePanel).focus_top(chosen.id)

    def _start_escapes(self) -> None:
        """Point the escape panel at the program's source (and its pprof)."""
        if self._escapes_started:
            return
        self._escapes_started = True
        app = self.gapp
        panel = self.query_one(EscapePanel)
        panel.set_source(SourceQuery.for_source(app.session.source, app.src_dir))
        self._escapes_pid = None
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

    # -- help -------------------------------------------------------------------------

    def action_help(self) -> None:
        from tui.ui.screens.help import HelpScreen

        # The screen's keys: every mixin's, not only the main table's.
        self.app.push_screen(HelpScreen(self.BINDINGS))  # type: ignore[arg-type]
