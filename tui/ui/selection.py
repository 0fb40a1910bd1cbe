"""Where the user is: the selected cycle, follow mode, and the chart window.

Plain Python so every key's effect is a unit test. Indices are rows of the
cycle store; cycle numbers (gc N) only appear in :meth:`Cursor.jump`.

The chart window holds still while the selection moves inside it and moves
just enough to keep the selection in view, so stepping with ``j``/``k``
reads like moving a cursor over a fixed chart rather than scrolling it.
Windows never mix runs: a chart covers one segment.
"""

from __future__ import annotations

from dataclasses import dataclass

from tui.model.cycles import CycleStore
from tui.ui.runs import JumpTarget


@dataclass
class Cursor:
    """The selection state the keys act on."""

    selected: int | None = None
    following: bool = True
    zoomed_out: bool = False
    _win_start: int = 0

    # -- new data -------------------------------------------------------------------

    def on_data(self, count: int) -> None:
        """Cycles arrived (``count`` committed): follow the newest if asked."""
        if count == 0:
            self.selected = None
            return
        if self.following or self.selected is None:
            self.selected = count - 1
        elif self.selected >= count:  # a shorter model (cannot happen live, but be safe)
            self.selected = count - 1

    # -- moves (each turns following off, except a move onto the newest) -----------

    def move(self, delta: int, count: int) -> None:
        if count == 0:
            return
        current = count - 1 if self.selected is None else self.selected
        self.select(max(0, min(count - 1, current + delta)), count)

    def first(self, count: int) -> None:
        if count:
            self.select(0, count)

    def last(self, count: int) -> None:
        if count:
            self.select(count - 1, count)

    def select(self, index: int, count: int) -> None:
        """Select a row; following stays on only when it is the newest."""
        if count == 0:
            return
        self.selected = max(0, min(count - 1, index))
        self.following = self.selected == count - 1 and self.following

    def toggle_follow(self, count: int) -> bool:
        self.following = not self.following
        if self.following and count:
            self.selected = count - 1
        return self.following

    def jump(self, store: CycleStore, n: int, count: int) -> int | None:
        """Select cycle number ``n``: in the selected cycle's run first, then
        the newest run that has it. Returns the row, or None if absent."""
        if count == 0:
            return None
        segments: list[int] = []
        if self.selected is not None:
            segments.append(store.cols.segment[self.selected])
        last = store.cols.segment[count - 1]
        segments += [s for s in range(last, -1, -1) if s not in segments]
        for seg in segments:
            i = store.index_of(n, seg)
            if i is not None and i < count:
                self.following = False
                self.select(i, count)
                return i
        return None

    def jump_to(self, store: CycleStore, target: JumpTarget, count: int) -> int | None:
        """Select what the jump prompt asked for: a cycle number or the cycle
        nearest a time, in the given run (1-based) or else the selected run
        first, then the newest run that has it. Returns the row, or None."""
        if count == 0:
            return None
        last = store.cols.segment[count - 1]
        if target.run is not None:
            segments = [target.run - 1] if target.run - 1 <= last else []
        else:
            segments = [] if self.selected is None else [store.cols.segment[self.selected]]
            segments += [s for s in range(last, -1, -1) if s not in segments]
        for seg in segments:
            if target.n is not None:
                i = store.index_of(target.n, seg)
            elif target.at_s is not None:
                i = store.nearest(target.at_s, seg)
            else:
                i = None
            if i is not None and i < count:
                self.following = False
                self.select(i, count)
                return i
        return None

    # -- what the charts cover -----------------------------------------------------

    def window(self, store: CycleStore, count: int, width: int) -> range:
        """Rows the charts show: ``width`` cycles around the selection, within
        its run; or the whole run when zoomed out."""
        if count == 0 or self.selected is None:
            return range(0)
        sel = min(self.selected, count - 1)
        lo, hi = store.segment_range(store.cols.segment[sel])
        hi = min(hi, count)
        if self.zoomed_out or hi - lo <= width:
            return range(lo, hi)
        width = max(1, width)
        start = self._win_start
        if self.following:
            start = hi - width
        elif not (start <= sel < start + width):
            # Move the window just enough: the selection at its near edge.
            start = sel - width + 1 if sel >= start + width else sel
        start = max(lo, min(start, hi - width))
        self._win_start = start
        return range(start, start + width)
