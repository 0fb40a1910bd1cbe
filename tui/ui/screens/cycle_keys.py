"""Keys that move the selected cycle: step, page, ends, follow, worst pause,
zoom, jump (``:50``, ``:2/50``, ``:@2m30s``) and the run picker."""

from __future__ import annotations

from tui.ui.runs import parse_jump, runs_of
from tui.ui.screens.base import GCScreen
from tui.ui.widgets.cycle_table import CycleTable


class CycleKeys(GCScreen):
    """Actions over the cursor; every one redraws at once."""

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
            store = session.shown().cycles
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

    def action_zoom(self) -> None:
        self.cursor.zoomed_out = not self.cursor.zoomed_out
        self._after_move()

    def action_jump(self) -> None:
        from tui.ui.screens.prompt import Prompt

        def done(value: str | None) -> None:
            if not value:
                return
            target = parse_jump(value)
            if target is None:
                self.notify(f"Not a cycle: {value!r}. Try 50, 2/50 (run 2) or @2m30s.", severity="warning",
                            markup=False)
                return
            with self.gapp.session.lock:
                found = self.cursor.jump_to(self.gapp.session.shown().cycles, target, self._count())
            if found is None:
                self.notify(f"There is no {value.strip()} in this log.", severity="warning", markup=False)
            self._after_move()

        self.app.push_screen(Prompt("Jump to cycle: 50, 2/50 (run 2's gc 50) or @2m30s (the cycle at that time)",
                                    "50, 2/50 or @2m30s"), done)

    def action_runs(self) -> None:
        """Pick a run (a stretch between restarts): its span, cycles and why it began."""
        from tui.ui.screens.runs import RunPicker

        with self.gapp.session.lock:
            runs = runs_of(self.gapp.session.shown(), self._count())
        if not runs:
            self.notify("No cycles yet.", timeout=2)
            return
        current = None if self.cursor.selected is None else self.gapp.session.shown().cycles.cols.segment[
            self.cursor.selected]

        def done(index: int | None) -> None:
            if index is None:
                return
            self.cursor.following = False
            self.cursor.select(index, self._count())
            self._after_move()

        self.app.push_screen(RunPicker(runs, current), done)
