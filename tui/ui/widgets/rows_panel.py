"""The base of the lower panels that analyse a stretch of cycles (``5``
pauses, ``6`` MMU, ``7`` what-if): which rows, and when to recompute.

They answer for what the user is looking at: the last marked range when
there is one (``v``), else the cycles on the charts. The analysis runs in
:meth:`show`, under the runner's lock, so it reads whole rows; it runs only
while the panel is shown and when the rows or the model changed, so a
hidden panel costs nothing per tick.
"""

from __future__ import annotations

from typing import Generic, TypeVar

from rich.style import Style
from rich.text import Text
from textual.widget import Widget

from tui.model import Model
from tui.ui.view import View

R = TypeVar("R")


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

    def __init__(self, *, name: str | None = None, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._key: tuple[object, ...] | None = None
        self.result: R | None = None
        self.rows = range(0)
        self.marked = False

    def show(self, view: View) -> None:
        """Recompute when shown and the rows or the model changed."""
        if not self.display:
            return
        rows, marked = analysed_rows(view)
        key = (id(view.model), view.model.version, rows)
        if key == self._key:
            return
        self._key = key
        self.rows, self.marked = rows, marked
        self.result = self.analyse(view.model, rows) if len(rows) else None
        self.refresh()

    def analyse(self, model: Model, rows: range) -> R:
        raise NotImplementedError

    def _style(self, name: str) -> Style:
        return self.get_component_rich_style(f"{self.PREFIX}--{name}")

    def scope(self) -> str:
        """Which cycles the numbers are over, for the title line."""
        if self.marked:
            return f"marked range, {len(self.rows)} cycles"
        return f"{len(self.rows)} cycles charted"
