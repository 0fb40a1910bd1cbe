"""The base of the lower panels that analyse a stretch of cycles (``5``
pauses, ``6`` MMU, ``7`` what-if): which rows, and when to recompute.

They answer for what the user is looking at: the last marked range when
there is one (``v``), else the cycles on the charts. The what-if over
200,000 cycles takes seconds (5.6 s on a busy 2-core machine), the MMU
half a second, so the analysis runs in a thread worker, never on the UI
thread: :meth:`show` (under the runner's lock) copies the rows it needs
(:meth:`CycleStore.copy_rows`, a few ms) and the worker analyses the copy
without any lock, so neither the screen nor the source thread waits for
it. Until the first numbers for a marked range (or
another model) land the panel says "computing…"; the charted window keeps
its last numbers while it grows or slides along with a live source.

Committed rows never change (a model only appends; a reload or another pod
is another model), so the numbers are keyed on the model, the rows and
the settings the analyses read (GOGC, the memory limit), not on the
model's version: a marked range is analysed once however many cycles
arrive after it. It runs only while the panel is shown, so a hidden panel
costs nothing per tick. While the charted window only grows or slides (a
live source, a move), one run at a time, and at most once per ten times
its own cost, so a big range does not keep a core busy. A panel that
skipped a change asks the screen (:class:`RowsPanel.Stale`) to draw again
when due, so the numbers catch up after the input ends.
"""

from __future__ import annotations

from dataclasses import replace
from time import monotonic
from typing import Generic, TypeVar

from rich.style import Style
from rich.text import Text
from textual.message import Message
from textual.widget import Widget
from textual.worker import Worker, WorkerState, get_current_worker

from tui.model import Model
from tui.ui.view import View

R = TypeVar("R")
# Recompute for new cycles at most once per this many times the last cost.
COST_FACTOR = 10.0


def analysed_rows(view: View) -> tuple[range, bool]:
    """The rows the analysis panels cover, and whether they are a marked range."""
    marks = [r for r in view.marks if r and r.stop <= view.count]
    if marks:
        return marks[-1], True
    return view.committed_rows, False  # as the charts read them


def join_lines(lines: list[Text]) -> Text:
    """Lines as one uncropped-by-wrapping text, as the panels render."""
    out = Text(no_wrap=True, overflow="crop", end="")
    for i, line in enumerate(lines):
        out.append_text(line)
        if i < len(lines) - 1:
            out.append("\n")
    return out


class RowsPanel(Widget, Generic[R]):
    """Computes ``analyse(model, rows)`` for the shown rows, in a thread, and draws it."""

    ALLOW_MAXIMIZE = True  # `m` fills the screen with it
    PREFIX = "rows-panel"
    TITLE = ""  # the panel's name on its title line
    WIDTH = 60  # the width its text is laid out for before it has a size

    class Stale(Message):
        """A change was skipped to bound the cost: draw again (the screen invalidates)."""

    class Computed(Message, bubble=False):
        """A worker's numbers for ``key``, with what they cost (seconds, the copy included)."""

        def __init__(self, key: tuple[object, ...], rows: range, marked: bool, result: object, cost: float,
                     failed: bool = False) -> None:
            super().__init__()
            self.key, self.rows, self.marked, self.result, self.cost = key, rows, marked, result, cost
            self.failed = failed

    def __init__(self, *, name: str | None = None, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._key: tuple[object, ...] | None = None  # what was last asked for (landed or in flight)
        self._model: Model | None = None  # held, so the id in the key cannot be reused
        self._inflight: tuple[object, ...] | None = None
        self._behind = False  # rows grew while a run was in flight: ask for them when it lands
        self.result: R | None = None
        self.rows = range(0)  # the rows ``result`` is for
        self.marked = False
        self.computing = False  # new rows asked for, their first numbers not in yet
        self.failed = False  # the analysis of ``rows`` raised (the app's notice says what)
        self._due = 0.0  # monotonic time the next recompute for new cycles is allowed
        self._stale_pending = False

    def show(self, view: View) -> None:
        """Under the runner's lock: when shown and the rows (or the model)
        changed, copy them and start a worker on the copy."""
        if not self.display:
            return
        rows, marked = analysed_rows(view)
        model = view.model
        key = (id(model), rows, marked, model.env.gogc, model.env.gomemlimit_b)
        if key == self._key:
            return
        # The charted window again, grown or slid along (new cycles, a
        # move): one run at a time, at most once per COST_FACTOR times its
        # cost, keeping its last numbers meanwhile. A marked range, or
        # another model: at once, saying "computing…" until it lands.
        moving = self._key is not None and self._key[0] == id(model) and not marked and not self._key[2]
        if moving and self._inflight is not None:
            self._behind = True  # the newest rows are asked for when the run in flight lands
            return
        now = monotonic()
        if moving and now < self._due:
            if not self._stale_pending:
                self._stale_pending = True
                self.set_timer(self._due - now, self._stale)
            return
        if not len(rows):  # nothing to analyse: no worker, nothing to wait for
            self._key, self._model, self._inflight = key, model, None
            self.result, self.rows, self.marked, self.computing, self.failed = None, rows, marked, False, False
            self.refresh()
            return
        self._key, self._model, self._inflight = key, model, key
        if not moving or self.result is None:
            self.computing = True
            self.refresh()
        copy = Model(cycles=model.cycles.copy_rows(rows.start, rows.stop), env=replace(model.env))
        # A failure is a notice (on_worker_state_changed), not the end of the app.
        self.run_worker(lambda: self._work(key, copy, rows, marked, now), thread=True, exclusive=True,
                        group=f"{self.PREFIX}-analysis", name=f"{self.TITLE} analysis", exit_on_error=False)

    def _work(self, key: tuple[object, ...], copy: Model, rows: range, marked: bool, t0: float) -> None:
        """In the worker's thread: analyse the copy (its rows start at 0).
        Whatever happens the panel hears back, so it never waits forever
        (an exception goes on to the worker, which reports it)."""
        result, failed = None, True
        try:
            result, failed = self.analyse(copy, range(len(rows))), False
        finally:
            if not get_current_worker().is_cancelled:
                self.post_message(self.Computed(key, rows, marked, result, monotonic() - t0, failed))

    def on_rows_panel_computed(self, message: Computed) -> None:
        if message.key == self._inflight:
            self._inflight = None
        if message.key == self._key:  # else newer rows were asked for since: theirs will land
            self.result = message.result  # type: ignore[assignment]
            self.rows, self.marked = message.rows, message.marked
            self.computing, self.failed = False, message.failed
            self._due = monotonic() + message.cost * COST_FACTOR
            self.refresh()
        if self._behind and self._inflight is None:
            self._behind = False
            self._stale()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A worker's state reaches its own node only: say what failed."""
        if event.state == WorkerState.ERROR and event.worker.error is not None:
            self.notify(f"{self.TITLE}: the analysis failed: {event.worker.error}", severity="error", timeout=10,
                        markup=False)

    def _stale(self) -> None:
        self._stale_pending = False
        self.post_message(self.Stale())

    def analyse(self, model: Model, rows: range) -> R:
        """The panel's numbers; runs in a worker thread on a copy of the rows."""
        raise NotImplementedError

    def lines(self, width: int) -> list[Text]:
        raise NotImplementedError

    def render(self) -> Text:
        if self.computing:
            line = Text(self.TITLE, style=self._style("title"), end="")
            line.append("  computing…", style=self._style("label"))
            return line
        if self.failed:
            line = Text(self.TITLE, style=self._style("title"), end="")
            line.append(f"  failed for these {len(self.rows)} cycles: see the notice", style=self._style("label"))
            return line
        return join_lines(self.lines(self.size.width or self.WIDTH))

    def _style(self, name: str) -> Style:
        return self.get_component_rich_style(f"{self.PREFIX}--{name}")

    def scope(self) -> str:
        """Which cycles the numbers are over, for the title line."""
        if self.marked:
            return f"marked range, {len(self.rows)} cycles"
        return f"{len(self.rows)} cycles charted"

    def title(self, text: str) -> Text:
        """The panel's title line: its name, then which cycles it covers."""
        line = Text(text, style=self._style("title"), end="")
        line.append(f"  {self.scope()}", style=self._style("label"))
        return line
