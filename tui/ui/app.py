"""The Textual app: one session, one main screen, the source in a worker.

The app owns the :class:`tui.ingest.runner.Runner` (source, feeder, model and
their lock) and the findings; the main screen draws them. The source runs in
a thread worker for the app's whole life; when the source cannot start, the
error is shown on screen and in a notification, never as a traceback.
"""

from __future__ import annotations

import time
from typing import Iterable, Type

from dataclasses import replace

from textual import work
from textual.binding import Binding
from textual.app import App, SystemCommand
from textual.driver import Driver
from textual.drivers.linux_driver import LinuxDriver
from textual.message import Message
from textual.notifications import SeverityLevel
from textual.dom import DOMNode
from textual.screen import Screen
from textual.worker import Worker, WorkerState

from tui.analysis.findings import evaluate
from tui.analysis.live_findings import LiveFindings, per_source
from tui.ui.screens.main import MainScreen
from tui.ingest.runner import Runner
from tui.analysis.thresholds import Thresholds
from tui.ingest.ending import Ending
from tui.sanitize import visible
from tui.ui.terminal import TerminalDriver, give_back, saved_terminal


class GCTuiApp(App[int]):
    """gctui: the Go garbage collector, live, cycle by cycle."""

    CSS_PATH = "app.tcss"
    TITLE = "gctui"
    ENABLE_COMMAND_PALETTE = True

    def __init__(self, session: Runner, *, thresholds: Thresholds | None = None,
                 full_scan: bool = False, src_dir: str | None = None, http: str | None = None) -> None:
        """``full_scan``: the model already holds a whole file (run the full
        findings scan once at start, not only at the end)."""
        super().__init__()
        self.session = session
        self.thresholds = thresholds or Thresholds()
        self.findings = LiveFindings(self.thresholds)
        self.full_scan = full_scan
        self.src_dir = src_dir  # the program's Go source, for the escape hints
        self.http = http  # where it serves net/http/pprof, to rank them
        self._scanned_at_end = False
        self._scanned_generation = 0
        self.scans_done = 0  # full findings scans shown so far
        self.settled = False  # the input ended and its findings scan is shown
        self.summarising_since: float | None = None  # when the running findings scans began
        self._scans_running = 0

    def on_mount(self) -> None:
        self.push_screen(MainScreen())
        if not self.session.started:
            self.run_source()
        self.set_interval(0.25, self._check_scan)  # a loaded file says "summarising" at once

    class EndRequested(Message):
        """A signal or a closed terminal (:mod:`tui.ingest.ending`): quit."""

    def on_gctui_app_end_requested(self, message: EndRequested) -> None:
        self.action_quit()

    def get_driver_class(self) -> Type[Driver]:
        driver = super().get_driver_class()
        return TerminalDriver if driver is LinuxDriver else driver

    @work(thread=True, exclusive=True, group="source", exit_on_error=False)
    def run_source(self) -> None:
        self.session.run()

    @work(thread=True, exclusive=True, group="findings", exit_on_error=False)
    def scan_findings(self, at_end: bool = False) -> None:
        """Every window of every run: the findings a report would show."""
        session = self.session
        with session.lock:  # a live model is still growing: scan a still picture
            pods = dict(session.sources) if session.chosen is None else {}
            if len(pods) > 1:  # the whole stream of many pods: each pod's own
                found = per_source(pods, self.thresholds, full=True, stop=session.stop.is_set)
            else:
                found = evaluate(session.shown(), self.thresholds, full=True, stop=session.stop.is_set)
            # Stored here, under the lock the scan holds already: the UI's
            # thread never waits for it (a second scan, at the end of the
            # input, may hold it for seconds while the screen must move).
            if not session.stop.is_set():  # a scan cut short by a quit is not shown
                self.findings.set_full(found)
        if not session.stop.is_set():
            self.call_from_thread(self._full_findings, at_end)

    def _full_findings(self, at_end: bool) -> None:
        self.scans_done += 1
        self._scan_ended()
        self.settled = self.settled or at_end
        for screen in self.screen_stack:
            if isinstance(screen, MainScreen):
                screen.invalidate()  # its next tick redraws, whichever screen is on top
                screen.show_progress()  # the header stops saying "summarising" now

    def _check_scan(self) -> None:
        """Run the full scan when a whole file has been loaded (the session
        swapped its model in) and again when the input ends."""
        session = self.session
        if self.full_scan and session.generation != self._scanned_generation and session.loading is None:
            self._scanned_generation = session.generation
            with session.lock:
                self.findings.forget()  # what the tail model saw does not hold for the whole file
            self._summarise()
            self.scan_findings()
        elif session.ended is not None and not self._scanned_at_end:
            self._scanned_at_end = True
            self._summarise()
            self.scan_findings(at_end=True)

    def _summarise(self) -> None:
        """A full scan starts: the header says so now, before the scan takes
        the model's lock and the screen's redraws wait for it."""
        self._scans_running += 1
        if self.summarising_since is None:
            self.summarising_since = time.monotonic()
        for screen in self.screen_stack:
            if isinstance(screen, MainScreen):
                screen.show_progress()

    def _scan_ended(self) -> None:
        """A full scan finished or failed: the header stops saying
        "summarising" when it was the last one running."""
        self._scans_running = max(0, self._scans_running - 1)
        if not self._scans_running:
            self.summarising_since = None

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR and event.worker.group == "findings":
            self._scan_ended()
        if event.state == WorkerState.ERROR and event.worker.error is not None:
            self.notify(f"{event.worker.name} failed: {event.worker.error}", severity="error", timeout=10,
                        markup=False)

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """Every key's action is also in the command palette, by name."""
        yield from super().get_system_commands(screen)
        if isinstance(screen, MainScreen):
            from tui.ui.widgets.escapes import EscapePanel

            panel = screen.query_one(EscapePanel)
            for target, bindings, where in ((screen, screen.BINDINGS, ""),
                                            (panel, EscapePanel.BINDINGS, " (escape hints)")):
                for binding in bindings:
                    if not binding.description:  # type: ignore[union-attr]
                        continue
                    yield SystemCommand(binding.description + where,  # type: ignore[union-attr]
                                        "key: " + _keys_shown(self, binding),  # type: ignore[arg-type]
                                        _runner(target, binding.action))  # type: ignore[union-attr]

    def notify(self, message: str, *, title: str = "", severity: SeverityLevel = "information",
               timeout: float | None = None, markup: bool = True) -> None:
        """Every toast, from any widget or screen, passes here: notices quote
        compiler output and crash text, so control characters are made
        visible (a title escape in a toast would retitle the terminal)."""
        super().notify(visible(message), title=visible(title), severity=severity, timeout=timeout,
                       markup=markup)

    def action_quit(self) -> None:  # type: ignore[override]
        self.session.close()
        self.exit(0)

    def on_unmount(self) -> None:
        self.session.close()


def _keys_shown(app: App[int], binding: Binding) -> str:
    """``? or f1``, not ``question_mark,f1``: each key as the footer shows it."""
    keys = binding.key.split(",")
    return " or ".join(app.get_key_display(replace(binding, key=key, key_display=binding.key_display if not i
                                                   else None)) for i, key in enumerate(keys))


def _runner(target: DOMNode, action: str):  # type: ignore[no-untyped-def]
    async def run() -> None:
        if isinstance(target, Screen):
            await target.run_action(action)
            return
        screen = target.screen
        if isinstance(screen, MainScreen):
            screen.action_panel(3)  # an escape-panel action: show the panel first
        await target.app.run_action(action, target)

    return run


def run_app(session: Runner, *, thresholds: Thresholds | None = None, full_scan: bool = False,
            src_dir: str | None = None, http: str | None = None) -> int:
    """Run the app until the user quits, a signal comes or the terminal
    closes (:mod:`tui.ingest.ending`); stop the source and wait for it briefly."""
    app = GCTuiApp(session, thresholds=thresholds, full_scan=full_scan, src_dir=src_dir, http=http)

    def end() -> None:  # from the ending's thread: nothing here may wait for the event loop
        session.close()
        app.post_message(GCTuiApp.EndRequested())

    # A big file is parsed by worker processes. Multiprocessing's resource
    # tracker is started on first use with the stderr descriptor, which
    # Textual replaces by one without a file number: start it now.
    from multiprocessing import resource_tracker

    resource_tracker.ensure_running()
    modes = saved_terminal()
    with Ending(end, restore=lambda: give_back(modes)):
        app.run()
        session.close()
        session.done.wait(5.0)  # the source stops its child process before we go
    return app.return_code or 0
