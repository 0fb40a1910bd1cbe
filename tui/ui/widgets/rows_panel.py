"""The base of the lower panels that analyse a stretch of cycles (``5``
pauses, ``6`` MMU, ``7`` what-if): which rows, and when to recompute.

They answer for what the user is looking at: the last marked range when
there is one (``v``), else the cycles on the charts. The analysis runs in
:meth:`show`, under the runner's lock, so it reads whole rows; it runs only
while the panel is shown and when the rows or the model changed, so a
hidden panel costs nothing per tick. While cycles only arrive (a live
source, the same first row), it runs at most once per ten times its own
cost: the what-if over 200,000 cycles takes about a second, and doing that
every tick would hold the lock and freeze the screen. A panel that skipped a
change asks the screen (:class:`RowsPanel.Stale`) to draw again when due, so
the numbers catch up after the input ends.
"""

from __future__ import annotations

from time import monotonic
from typing import Generic, TypeVar

from rich.style import Style
from rich.text import Text
from textual.message import Message
from textual.widget import Widget

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
    stop = min(view.rows.stop, view.count)  # committed rows only, as the charts read them
    return range(min(view.rows.start, stop), stop), False


def join_lines(lines: list[Text]) -> Text:
    """Lines as one uncropped-by-wrapping text, as the panels render."""
    out = Text(no_wrap=True, overflow="crop", end="")
    for i, line in enumerate(lines):
        out.append_text(line)
        if i < len(lines) - 1:
            out.append("\n")
    return out


class RowsPanel(Widget, Generic[R]):
    """Computes ``analyse(model, rows)`` for the shown rows and draws it."""

    ALLOW_MAXIMIZE = True  # `m` fills the screen with it
    PREFIX = "rows-panel"

    class Stale(Message):
        """A change was skipped to bound the cost: draw again (the screen invalidates)."""

    def __init__(self, *, name: str | None = None, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._key: tuple[object, ...] | None = None
        self.result: R | None = None
        self.rows = range(0)
        self.marked = False
        self._due = 0.0  # monotonic time the next recompute for new cycles is allowed
        self._stale_pending = False

    def show(self, view: View) -> None:
        """Recompute when shown and the rows or the model changed."""
        if not self.display:
            return
        rows, marked = analysed_rows(view)
        key = (id(view.model), view.model.version, rows)
        if key == self._key:
            return
        now = monotonic()
        growing = self._key is not None and self.rows.start == rows.start and self.marked == marked
        if growing and now < self._due:
            if not self._stale_pending:
                self._stale_pending = True
                self.set_timer(self._due - now, self._stale)
            return
        self._key = key
        self.rows, self.marked = rows, marked
        self.result = self.analyse(view.model, rows) if len(rows) else None
        self._due = now + (monotonic() - now) * COST_FACTOR
        self.refresh()

    def _stale(self) -> None:
        self._stale_pending = False
        self.post_message(self.Stale())

    def analyse(self, model: Model, rows: range) -> R:
        raise NotImplementedError

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
