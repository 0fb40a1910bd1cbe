"""Keys that change what the charts show: the x-axis (time or cycles), the
heap chart's zero, and marked ranges of cycles to read and compare.

The state lives here, on the screen, and reaches the widgets through the
:class:`tui.ui.view.View` the screen builds each frame.
"""

from __future__ import annotations

from textual.binding import Binding, BindingType

from tui.ui.ranges import clip_to_run, previous_range
from tui.ui.screens.base import GCScreen

CHART_BINDINGS: list[BindingType] = [
    Binding("v", "mark", "Mark range", id="range.mark"),
    Binding("c", "compare", "Compare with before", id="range.compare", show=False),
    Binding("V", "clear_marks", "Clear ranges", id="range.clear", show=False),
    Binding("t", "time_axis", "Time/cycle axis", id="chart.time_axis", show=False),
    Binding("0", "heap_zero", "Heap axis from 0", id="chart.heap_zero", show=False),
]
MAX_MARKS = 2  # a range and the one it is compared with


class ChartKeys(GCScreen):
    """Actions over the charts' axes and the marked ranges."""

    by_time = True
    heap_from_zero = False
    marks: tuple[range, ...] = ()
    mark_from: int | None = None

    def action_time_axis(self) -> None:
        """Time as the x-axis (a storm as wide as its seconds) or cycle number."""
        self.by_time = not self.by_time
        self.notify("x-axis: time (h:m:s)" if self.by_time else "x-axis: cycle number", timeout=2)
        self._after_move()

    def action_heap_zero(self) -> None:
        """The heap chart's y-axis from zero, or fitted to the heap shown."""
        self.heap_from_zero = not self.heap_from_zero
        self.notify("Heap axis from 0" if self.heap_from_zero else "Heap axis fits the data", timeout=2)
        self._after_move()

    def action_mark(self) -> None:
        """``v`` at a range's first cycle, ``v`` again at its last: the range's
        numbers appear beside the charts; a second range is compared with it."""
        sel = self.cursor.selected
        if sel is None:
            return
        if self.mark_from is None:
            self.mark_from = sel
            self.cursor.following = False  # the range's end is chosen by moving, not by new cycles
        else:
            with self.gapp.session.lock:
                rows = clip_to_run(self.gapp.session.shown().cycles, self.mark_from, sel)
            self.mark_from = None
            self.marks = (*self.marks, rows)[-MAX_MARKS:]
        self._after_move()

    def action_compare(self) -> None:
        """Compare the marked range with as many cycles just before it."""
        if not self.marks:
            self.notify("Mark a range first: v at its first cycle, v at its last.", timeout=3)
            return
        rows = self.marks[-1]
        with self.gapp.session.lock:
            before = previous_range(self.gapp.session.shown().cycles, rows)
        if before is None:
            self.notify("Nothing before this range in its run to compare with.", timeout=3)
            return
        self.marks = (before, rows)
        self._after_move()

    def action_clear_marks(self) -> None:
        self.marks = ()
        self.mark_from = None
        self._after_move()
