"""``s``: the pods of a multi-pod stream, one line each, to pick one.

``stern api`` or ``kubectl logs -l app=api --prefix -f`` interleave several
processes; gctui keeps a model for each (:mod:`tui.ingest.by_source`). This
overview puts them side by side (cycles, p99 stop-the-world pause, GC CPU,
the live heap's trend, the worst finding) so the pod in trouble stands out;
choosing one shows its model on the main screen, choosing the first line
the whole stream again.
"""

from __future__ import annotations

from textual.binding import Binding
from textual.widgets.option_list import Option

from tui.analysis.sources import SourceRow, overview, render_row
from tui.sanitize import visible
from tui.ui.screens.base import GCScreen
from tui.ui.screens.picker import Picker

WHOLE = ""  # what the picker returns for the whole stream


class SourcePicker(Picker[str]):
    """Returns the chosen source's name, :data:`WHOLE`, or None (closed)."""

    BINDINGS = [Binding("escape,s,q", "cancel", "Close", id="sources.cancel")]

    def __init__(self, rows: list[SourceRow], chosen: str | None) -> None:
        names = [row.name for row in rows]
        whole = Option(f"the whole stream ({len(rows)} sources interleaved)", id="whole")
        # Pod names come from the log: shown as text, control sequences removed.
        options = [whole, *(Option(visible(render_row(row))) for row in rows)]
        super().__init__(f"{len(rows)} sources in this stream, each its own process: Enter shows one",
                         options, names.index(chosen) + 1 if chosen in names else 0, "sources")
        self.rows, self.chosen = rows, chosen

    def answer(self, index: int) -> str:
        return WHOLE if index == 0 else self.rows[index - 1].name


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
