"""``s``: the pods of a multi-pod stream, one line each, to pick one.

``stern api`` or ``kubectl logs -l app=api --prefix -f`` interleave several
processes; gctui keeps a model for each (:mod:`tui.ingest.by_source`). This
overview puts them side by side (cycles, p99 stop-the-world pause, GC CPU,
the live heap's trend, the worst finding) so the pod in trouble stands out;
choosing one shows its model on the main screen, choosing the first line
the whole stream again.

The rows are built on the UI thread under the session's lock, so they are
only what the pods' columns give cheaply (:func:`quick_rows`: 3 pods of
77,000 cycles in about 6 ms, where their full reports took 450–580 ms), and
each pod's worst finding is the one the findings panel already shows: the
whole stream's panel names every pod's own, a chosen pod's panel its own;
what was seen of the others is remembered from before.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from textual.binding import Binding
from textual.widgets.option_list import Option

from tui.analysis.sources import SourceRow, quick_rows, render_row, worst_by_source
from tui.sanitize import visible
from tui.ui.screens.base import GCScreen
from tui.ui.screens.picker import Picker
from tui.ui.widgets.findings_panel import FindingsPanel

WHOLE = ""  # what the picker returns for the whole stream
NONE = ("", "")  # a pod's worst finding when it has none


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

    # Each pod's worst finding as last shown, (severity, title): replaced, never mutated.
    pod_worst: Mapping[str, tuple[str, str]] = MappingProxyType({})

    def action_sources(self) -> None:
        """Overview of the pods in a multi-pod stream; pick one to show its model."""
        session = self.gapp.session
        with session.lock:
            pods = dict(session.sources)
            # The list shown is one source's: the chosen one, or a stream's only named one.
            own = session.chosen if session.chosen is not None or len(pods) != 1 else next(iter(pods))
            shown = worst_by_source(self.query_one(FindingsPanel).findings, own)
            if session.chosen is None:  # the whole stream's findings: every pod's, so a pod absent has none
                self.pod_worst = MappingProxyType({name: shown.get(name, NONE) for name in pods})
            else:
                self.pod_worst = MappingProxyType({**self.pod_worst, session.chosen: shown.get(session.chosen, NONE)})
            rows = quick_rows(pods, self.pod_worst)
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
