"""``s``: the pods of a multi-pod stream, one line each, to pick one.

``stern api`` or ``kubectl logs -l app=api --prefix -f`` interleave several
processes; gctui keeps a model for each (:mod:`tui.ingest.by_source`). This
overview puts them side by side (cycles, p99 stop-the-world pause, GC CPU,
the live heap's trend, the worst finding) so the pod in trouble stands out;
choosing one shows its model on the main screen, choosing the first line
the whole stream again.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from tui.analysis.sources import SourceRow, overview, render_row
from tui.sanitize import visible
from tui.ui.screens.base import GCScreen

WHOLE = ""  # what the picker returns for the whole stream


class SourcePicker(ModalScreen[str | None]):
    """Returns the chosen source's name, :data:`WHOLE`, or None (closed)."""

    BINDINGS = [Binding("escape,s,q", "cancel", "Close", id="sources.cancel")]
    DEFAULT_CSS = """
    SourcePicker { align: center middle; background: $background 40%; }
    SourcePicker > Vertical { width: auto; max-width: 95%; height: auto; max-height: 80%;
                              border: round $accent; background: $panel; padding: 0 1; }
    SourcePicker Label { color: $text-muted; }
    SourcePicker OptionList { height: auto; max-height: 24; width: auto; }
    SourcePicker OptionList:focus > .option-list--option-highlighted { color: $foreground; background: $accent 40%; }
    """

    def __init__(self, rows: list[SourceRow], chosen: str | None) -> None:
        super().__init__()
        self.rows, self.chosen = rows, chosen

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(f"{len(self.rows)} sources in this stream, each its own process: Enter shows one")
            whole = Option(f"the whole stream ({len(self.rows)} sources interleaved)", id="whole")
            # Pod names come from the log: shown as text, control sequences removed.
            options = [Option(visible(render_row(row))) for row in self.rows]
            yield OptionList(whole, *options, id="sources")

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        names = [row.name for row in self.rows]
        options.highlighted = names.index(self.chosen) + 1 if self.chosen in names else 0
        options.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        i = event.option_index
        self.dismiss(WHOLE if i == 0 else self.rows[i - 1].name)

    def action_cancel(self) -> None:
        self.dismiss(None)


class SourceKeys(GCScreen):
    """The main screen's ``s`` key (mixed into :class:`MainScreen`)."""

    def action_sources(self) -> None:
        """Overview of the pods in a multi-pod stream; pick one to show its model."""
        session = self.gapp.session
        with session.lock:
            rows = overview(dict(session.sources), self.gapp.thresholds)
        if not rows:
            self.gapp.notify("One source: the input's lines name no pods (stern, kubectl --prefix, compose).",
                             timeout=3)
            return

        def done(name: str | None) -> None:
            if name is None:
                return
            session.choose(name or None)
            self.gapp.findings.forget()  # the findings were the model shown before
            self.gapp.scan_findings()
            self.redraw(True)
            self.gapp.notify(f"Showing {visible(name)}." if name else "Showing the whole stream.", timeout=2)

        self.gapp.push_screen(SourcePicker(rows, session.chosen), done)
