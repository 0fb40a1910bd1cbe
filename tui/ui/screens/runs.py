"""``r``: the runs in the log (one per program start), to pick one.

A log that holds a restart numbers its cycles from 1 again; this list says
which run is which by time span and cycle count, and selecting one selects
its newest cycle.
"""

from __future__ import annotations

from textual.binding import Binding
from textual.widgets.option_list import Option

from tui.ui.runs import RunSummary
from tui.ui.screens.picker import Picker


class RunPicker(Picker[int]):
    """Returns the store row to select (the chosen run's newest cycle), or None."""

    BINDINGS = [Binding("escape,r,q", "cancel", "Close", id="runs.cancel")]

    def __init__(self, runs: list[RunSummary], current: int | None) -> None:
        segments = [run.segment for run in runs]
        super().__init__(f"{len(runs)} run{'s' if len(runs) != 1 else ''}: Enter selects a run's newest cycle",
                         [Option(run.describe(), id=str(run.segment)) for run in runs],
                         segments.index(current) if current in segments else len(segments) - 1, "runs")
        self.runs, self.current = runs, current

    def answer(self, index: int) -> int:
        return self.runs[index].last_index
