"""``r``: the runs in the log (one per program start), to pick one.

A log that holds a restart numbers its cycles from 1 again; this list says
which run is which by time span and cycle count, and selecting one selects
its newest cycle.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from tui.ui.runs import RunSummary


class RunPicker(ModalScreen[int | None]):
    """Returns the store row to select (the chosen run's newest cycle), or None."""

    BINDINGS = [Binding("escape,r,q", "cancel", "Close", id="runs.cancel")]
    DEFAULT_CSS = """
    RunPicker { align: center middle; background: $background 40%; }
    RunPicker > Vertical { width: auto; max-width: 95%; height: auto; max-height: 80%;
                           border: round $accent; background: $panel; padding: 0 1; }
    RunPicker Label { color: $text-muted; }
    RunPicker OptionList { height: auto; max-height: 20; width: auto; }
    /* The theme's cursor is light text on bright blue (3.8:1): the table's cursor instead. */
    RunPicker OptionList:focus > .option-list--option-highlighted { color: $foreground; background: $accent 40%; }
    """

    def __init__(self, runs: list[RunSummary], current: int | None) -> None:
        super().__init__()
        self.runs, self.current = runs, current

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(f"{len(self.runs)} run{'s' if len(self.runs) != 1 else ''}: Enter selects a run's "
                        "newest cycle")
            yield OptionList(*(Option(run.describe(), id=str(run.segment)) for run in self.runs), id="runs")

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        segments = [run.segment for run in self.runs]
        options.highlighted = segments.index(self.current) if self.current in segments else len(segments) - 1
        options.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(self.runs[event.option_index].last_index)

    def action_cancel(self) -> None:
        self.dismiss(None)
