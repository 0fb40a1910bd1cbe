"""Lower panel 4: the compiler's escape hints, next to the GC they cause.

Grouped by file and function, heap moves first, with counts per kind; the
selected hint shows its source lines and the compiler's explanation. The
analysis (a ``go build`` of the package) runs in a thread worker and again
whenever the source changes (a watcher worker); with a pprof address the
allocation profile ranks the hints, refreshed while the panel is shown.
Everything that is not drawing lives in :mod:`tui.escapes`.

API for the app: ``set_source(SourceQuery)``, ``set_http(addr, pid=)``,
``set_profile(AllocSites)``, ``focus_top(finding_id=None)``; posts
:class:`EscapePanel.Analysed`.
"""

from __future__ import annotations

import subprocess
import threading
from collections.abc import Callable
from dataclasses import dataclass

from rich.text import Text
from textual import work
from textual.app import ComposeResult, SuspendNotSupported
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import Input, Static
from textual.worker import Worker, WorkerState

from tui.escapes.analyze import Analysis
from tui.escapes.cache import SHARED
from tui.escapes.editor import editor_command
from tui.escapes.fetch import fetch_for
from tui.escapes.grouping import Grouped, group, heap_moves, kind_filters, summary_line
from tui.escapes.locate import NoSource, SourceDir, SourceQuery, locate
from tui.escapes.ranking import INUSE, SAMPLE, AllocSites, Ranking, RankingError, rank
from tui.escapes.toolchain import CompileFailed, EscapeError, find_toolchain
from tui.escapes.watch import start_watching, watch_root
from tui.ui.widgets.escape_detail import hint_detail
from tui.ui.widgets.hintlist import HintList
from tui.sanitize import visible

PROFILE_REFRESH_S = 10.0
LEAK_FINDING = "live-heap-growing"  # a leak: rank by what stays live, not by what is allocated
NO_SOURCE_YET = "Escape hints need the program's Go source: gctui run --src DIR -- ..., or gctui escapes DIR."


@dataclass(frozen=True, slots=True)
class _Outcome:
    """What an analysis worker found: an analysis, or why there is none."""

    analysis: Analysis | None = None
    error: str | None = None
    detail: str = ""


class EscapePanel(Vertical):
    """The escape hints of the watched program's package."""

    ALLOW_MAXIMIZE = True  # `m` fills the screen with it

    COMPONENT_CLASSES = {"escapes--heap", "escapes--stack", "escapes--subject", "escapes--muted",
                         "escapes--share", "escapes--heading", "escapes--lineno", "escapes--current",
                         "escapes--caret", "escapes--error"}
    DEFAULT_CSS = """
    EscapePanel { height: 1fr; }
    EscapePanel > #escapes-status { height: auto; max-height: 3; color: $text-muted; padding: 0 1; }
    EscapePanel > #escapes-status.-error { color: $text-error; }
    EscapePanel > #escapes-filters { height: 1; }
    EscapePanel #escapes-kind { width: auto; padding: 0 1; color: $text-muted; }
    EscapePanel #escapes-path { width: 1fr; }
    EscapePanel > #escapes-body { height: 1fr; layout: vertical; }
    EscapePanel.-wide > #escapes-body { layout: horizontal; }
    EscapePanel #escapes-list { height: 1fr; width: 1fr; }
    EscapePanel #escapes-detail-scroll { height: 1fr; width: 1fr; border-top: solid $primary 30%; }
    EscapePanel.-wide #escapes-detail-scroll { border-top: none; border-left: solid $primary 30%; }
    EscapePanel #escapes-detail { padding: 0 1; }
    EscapePanel > .escapes--heap { color: $warning; text-style: bold; }
    EscapePanel:light > .escapes--heap { color: $foreground; background: $warning 40%; }
    EscapePanel Input > .input--placeholder { color: $foreground 70%; }
    EscapePanel > .escapes--stack { color: $success; text-style: bold; }
    EscapePanel > .escapes--subject { text-style: bold; }
    EscapePanel > .escapes--muted { color: $text-muted; }
    EscapePanel > .escapes--share { color: $text-error; text-style: bold; }
    EscapePanel > .escapes--heading { color: $primary; text-style: bold; }
    EscapePanel > .escapes--lineno { color: $text-muted; }
    EscapePanel > .escapes--current { background: $boost; text-style: bold; }
    EscapePanel > .escapes--caret { color: $accent; text-style: bold; }
    EscapePanel > .escapes--error { color: $text-error; }
    """
    BINDINGS = [
        Binding("o", "open_editor", "Open in $EDITOR", id="escapes.open"),
        Binding("t", "cycle_kind", "Kind filter", id="escapes.kind"),
        Binding("s", "filter_path", "Path filter", id="escapes.path"),
        Binding("r", "reanalyse", "Re-analyse", id="escapes.reanalyse"),
        Binding("H", "top", "Top allocation", id="escapes.top"),
        Binding("b", "toggle_measure", "Rank: allocated/in use", id="escapes.measure"),
        Binding("escape", "leave_filter", "Back to the list", id="escapes.leave_filter", show=False),
    ]

    class Analysed(Message):
        """An analysis ended: ``heap`` heap moves found, or ``error`` (one line)."""

        def __init__(self, heap: int, error: str | None) -> None:
            super().__init__()
            self.heap = heap
            self.error = error

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.source_query: SourceQuery | None = None
        self.source: SourceDir | None = None
        self.analysis: Analysis | None = None
        self.sites: AllocSites | None = None
        self.ranking: Ranking | None = None
        self.measure = SAMPLE  # rank by alloc_space, or inuse_space for a leak
        self.grouped: Grouped | None = None
        self.kind_filter = 0  # index into kind_filters(self.analysis)
        self.path_filter = ""
        self.status = NO_SOURCE_YET
        self.error_detail = ""
        self.http: str | None = None
        self.pid: int | None = None
        self.profile_error: str | None = None
        self._want_top = False
        self._stop = threading.Event()
        self._watch_stop: threading.Event | None = None
        self._watched: str | None = None

    def compose(self) -> ComposeResult:
        yield Static(Text(self.status), id="escapes-status")
        with Horizontal(id="escapes-filters"):
            yield Static(Text("kind: heap moves (t)"), id="escapes-kind")
            yield Input(placeholder="path or function filter (s)", id="escapes-path", compact=True)
        with Vertical(id="escapes-body"):
            yield HintList(id="escapes-list")
            with VerticalScroll(id="escapes-detail-scroll", can_focus=False):
                yield Static(id="escapes-detail")

    def on_mount(self) -> None:
        self.set_interval(PROFILE_REFRESH_S, self._refresh_profile)
        self._redraw()

    def on_unmount(self) -> None:
        self._stop.set()
        if self._watch_stop is not None:
            self._watch_stop.set()

    def on_resize(self) -> None:
        self.set_class(self.size.width >= 100, "-wide")

    # -- the API -----------------------------------------------------------------------

    def set_source(self, query: SourceQuery) -> None:
        """Find the package of ``query`` and analyse it (in a worker)."""
        self.source_query = query
        self._analyse(query)

    def set_http(self, addr: str | None = None, pid: int | None = None) -> None:
        """Rank by the allocation profile at ``addr`` (host:port), or at the
        loopback ports ``pid`` listens on; fetched now and every 10 s while shown."""
        self.http, self.pid = addr, pid
        self._refresh_profile(force=True)

    def set_profile(self, sites: AllocSites | None) -> None:
        """Rank by an allocation profile already read (None: unranked)."""
        self.sites = sites
        self.profile_error = None
        self._rerank()

    def focus_top(self, finding_id: str | None = None) -> None:
        """Select the highest-ranked hint (the first heap move without a
        profile) and focus the list; if the analysis is still running, do so
        when it ends. Coming from ``live-heap-growing``, rank by the bytes
        still in use (what a leak keeps), else by the bytes allocated."""
        measure = INUSE if finding_id == LEAK_FINDING else SAMPLE if finding_id else self.measure
        if measure != self.measure:
            self.measure = measure
            self._rerank()
        self._want_top = True
        self.query_one(HintList).focus()
        self._apply_top()

    # -- workers -----------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="escapes-analysis", exit_on_error=False)
    def _analyse(self, query: SourceQuery) -> _Outcome:
        found = locate(query)
        if isinstance(found, NoSource):
            return _Outcome(error=found.message)
        self.app.call_from_thread(self._analysing, found)
        try:
            return _Outcome(SHARED.get(found, find_toolchain(), stop=self._stop))
        except EscapeError as err:
            return _Outcome(error=str(err), detail=err.detail if isinstance(err, CompileFailed) else "")

    @work(thread=True, exclusive=True, group="escapes-profile", exit_on_error=False)
    def _fetch_profile(self, addr: str | None, pid: int | None) -> AllocSites | str:
        try:
            return fetch_for(addr, pid)
        except RankingError as err:
            return str(err)

    def _from_thread(self, callback: Callable[..., object], *args: object, **kwargs: object) -> None:
        try:
            self.app.call_from_thread(callback, *args, **kwargs)
        except Exception:  # the app is closing: nothing left to tell
            pass

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        worker = event.worker
        if worker.group not in ("escapes-analysis", "escapes-profile"):
            return
        event.stop()  # handled here: the app's handler would report it twice
        profile = worker.group == "escapes-profile"
        if event.state == WorkerState.ERROR and not profile:
            self._show_error(f"the analysis failed: {worker.error}")
        elif event.state == WorkerState.SUCCESS and not profile:
            self._analysed(worker.result)  # type: ignore[arg-type]
        elif event.state in (WorkerState.SUCCESS, WorkerState.ERROR) and profile:
            result = worker.result if event.state == WorkerState.SUCCESS else f"reading it failed: {worker.error}"
            if isinstance(result, AllocSites):
                self.set_profile(result)
            else:  # the hints stay; the status line says why they are not ranked
                self.profile_error = str(result)
                self._summarise()

    def _analysing(self, source: SourceDir) -> None:
        self.source = source
        if self.analysis is None:
            self.status = f"Running the compiler on {visible(source.path)} ({visible(source.how)})…"
            self._redraw()
        root = watch_root(source.path)
        if root != self._watched:
            if self._watch_stop is not None:
                self._watch_stop.set()
            self._watched = root
            self._watch_stop = start_watching(
                root, lambda _paths: self._from_thread(self._changed),
                lambda error: self._from_thread(self.notify, error, severity="warning", markup=False))

    def _analysed(self, outcome: _Outcome) -> None:
        if outcome.analysis is None:
            self.analysis, self.ranking = None, None
            self._show_error(outcome.error or "no analysis", outcome.detail)
            self.post_message(self.Analysed(0, outcome.error))
            return
        self.analysis, self.error_detail = outcome.analysis, ""
        self._rerank()
        self.post_message(self.Analysed(heap_moves(self.analysis), None))

    def _changed(self) -> None:
        if self.source_query is not None:
            self._analyse(self.source_query)

    def _refresh_profile(self, force: bool = False) -> None:
        if (self.http or self.pid) and (force or self.display):
            self._fetch_profile(self.http, self.pid)

    # -- drawing -----------------------------------------------------------------------

    def _rerank(self) -> None:
        analysis = self.analysis
        self.ranking = rank(analysis, self.sites, self.measure) if analysis is not None and self.sites else None
        self._regroup()

    def _regroup(self) -> None:
        """Rebuild the rows after new data or a filter change, keeping the
        selected hint when it is still shown."""
        hints = self.query_one(HintList)
        analysis = self.analysis
        if analysis is None:
            self.grouped = None
            hints.set_rows((), None, None, None, self.status)
            self._redraw()
            return
        filters = kind_filters(analysis)
        self.kind_filter %= len(filters)
        label, kinds = filters[self.kind_filter]
        before = hints.hint_index
        keep = analysis.hints[before].hint if before is not None and before < len(analysis.hints) else None
        self.grouped = group(analysis, self.ranking, kinds=kinds, path_filter=self.path_filter)
        rows = self.grouped.rows
        cursor = next((n for n, r in enumerate(rows) if r.index is not None and keep is not None
                       and analysis.hints[r.index].hint == keep), None)
        empty = (f"No {label} here." if not self.path_filter
                 else f"No {label} in a file or function matching {self.path_filter!r}.")
        hints.set_rows(rows, analysis, self.ranking, cursor if cursor is not None else self.grouped.top, empty)
        self.query_one("#escapes-kind", Static).update(Text(f"kind: {label} (t)"))
        self._apply_top()
        self._summarise()

    def _apply_top(self) -> None:
        if self._want_top and self.grouped is not None and self.grouped.top is not None:
            self.query_one(HintList).select_row(self.grouped.top)

    def _summarise(self) -> None:
        if self.analysis is not None:
            self.status = summary_line(self.analysis, self.ranking, self.profile_error)
            self._redraw()

    def _show_error(self, message: str, detail: str = "") -> None:
        self.status, self.error_detail = message, detail
        self.grouped = None
        self.query_one(HintList).set_rows((), None, None, None, "")
        self._redraw(error=True)

    def _redraw(self, error: bool = False) -> None:
        status = self.query_one("#escapes-status", Static)
        status.update(Text(visible(self.status)))  # paths and compiler words: never markup
        status.set_class(error, "-error")
        self._show_detail(self.query_one(HintList).hint_index)

    def _show_detail(self, index: int | None) -> None:
        detail = self.query_one("#escapes-detail", Static)
        if self.analysis is not None and index is not None:
            detail.update(hint_detail(self.analysis, index, self.ranking, self.get_component_rich_style))
        elif self.error_detail:
            detail.update(Text(visible(self.error_detail), style=self.get_component_rich_style("escapes--error")))
        else:
            detail.update("")

    def on_hint_list_highlighted(self, message: HintList.Highlighted) -> None:
        if message.by_user:
            self._want_top = False
        self._show_detail(message.index)

    # -- actions -----------------------------------------------------------------------

    def action_cycle_kind(self) -> None:
        self.kind_filter += 1
        self._regroup()

    def action_filter_path(self) -> None:
        self.query_one("#escapes-path", Input).focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "escapes-path":
            self.path_filter = event.value.strip()
            self._regroup()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "escapes-path":
            self.query_one(HintList).focus()

    def key_escape(self) -> None:
        if self.query_one("#escapes-path", Input).has_focus:
            self.query_one(HintList).focus()

    def action_reanalyse(self) -> None:
        if self.source_query is None:
            self.notify(NO_SOURCE_YET, severity="warning")
            return
        self._analyse(self.source_query)
        self._refresh_profile(force=True)

    def action_top(self) -> None:
        self.focus_top()

    def action_toggle_measure(self) -> None:
        self.measure = INUSE if self.measure == SAMPLE else SAMPLE
        if self.sites is None:
            self.notify("No allocation profile yet: run the program with --http ADDR serving net/http/pprof.",
                        severity="warning")
        self._rerank()

    def action_open_editor(self) -> None:
        index = self.query_one(HintList).hint_index
        if self.analysis is None or index is None:
            self.notify("No hint selected.", severity="warning")
            return
        placed = self.analysis.hints[index]
        if placed.path is None:
            self.notify("This hint is in compiler-generated code: there is no file to open.", severity="warning")
            return
        command = editor_command(placed.path, placed.hint.line, placed.hint.column)
        try:
            with self.app.suspend():
                subprocess.call(command)
        except SuspendNotSupported:
            self.notify(f"This terminal cannot hand over to an editor: open {placed.path}:{placed.hint.line}",
                        severity="warning", markup=False)
        except OSError as err:
            self.notify(f"Cannot run {command[0]}: {err.strerror or err}. Set $EDITOR.", severity="error",
                        markup=False)
