"""The selected cycle: every field of its gctrace line, explained, and the line.

Titled ``gc N`` so the user always knows which cycle they are reading. The
raw line is the runtime's own text when gctui kept it (live sources) and a
reconstruction from the parsed numbers otherwise (a file read in bulk),
labelled as such.
"""

from __future__ import annotations

import textwrap

from rich.console import Group, RenderableType
from rich.text import Text
from textual.containers import VerticalScroll
from textual.widgets import Static

from tui.ui.explain import DetailRow, cycle_rows, derived_rows, reconstruct_line
from tui.ui.extras_rows import extras_rows
from tui.ui.pod_rows import pod_row
from tui.ui.runs import cycle_label
from tui.ui.view import View
from tui.ui.widgets.text import safe_text


class CycleDetail(VerticalScroll, can_focus=False):
    """A scrollable panel with the selected cycle's fields."""

    ALLOW_MAXIMIZE = True
    DEFAULT_CSS = """
    CycleDetail { border: round $primary 50%; border-title-color: $text-accent; border-subtitle-color: $text-primary; }
    CycleDetail:light { border-title-color: $text-primary; }
    CycleDetail > Static { width: 1fr; }
    """

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.border_title = "cycle detail"
        self._key: tuple[int, ...] | None = None

    def compose(self):  # type: ignore[no-untyped-def]
        yield Static(Text("No cycle yet.", style="dim"), id="detail-body")

    def show(self, view: View) -> None:
        i = view.selected
        if i is None:
            if self._key is not None or self.border_title != "cycle detail":
                self._key = None
                self.border_title = "cycle detail"
                self.query_one("#detail-body", Static).update(Text("No cycle yet.", style="dim"))
            return
        key = (i, view.count if i >= view.count - 2 else 0, self.scrollable_content_region.width,
               self.size.height,  # explanations wrap at the width; a resize redoes them
               len(view.model.extras),  # scan and queue lines come after their gc line
               id(view.model), len(view.sources))  # another pod shown, or the whole stream
        if key == self._key:
            return
        self._key = key
        store = view.model.cycles
        cycle = store.cycle(i)
        self.border_title = cycle_label(view.model, i)
        self.border_subtitle = f"line {cycle.meta.line_no}" if cycle.meta.line_no else ""
        raw = view.raw_line(i) if view.raw_line is not None else view.model.raw_lines.get(i)
        # Of a stream of several pods, what is measured against the previous
        # cycle (interval, rates, a GOMAXPROCS change) is against the pod's own,
        # and its scan and SCHED lines are the pod's.
        hit = pod_row(view.model, view.sources, i) if view.sources else None
        own, j = (view.model, i) if hit is None else (view.sources[hit[0]], hit[2])
        self.query_one("#detail-body", Static).update(
            _body(cycle_rows(cycle), derived_rows(own.cycles, j), raw, reconstruct_line(cycle),
                  self.scrollable_content_region.width, extras_rows(own, j)))


def _rows(rows: list[DetailRow], width: int) -> Text:
    """Label, value, explanation: one line each while the explanation fits,
    else wrapped under its own column, so a sentence is never cut (an
    explanation is the one place a new user learns what a field means).
    Plain ``Text`` lines, not a ``rich.table.Table``: a table measures every
    cell on every frame, which made this panel the slowest thing on screen."""
    label_w = max((len(r.label) for r in rows), default=0)
    value_w = max((len(r.value) for r in rows), default=0)
    indent = label_w + value_w + 2
    room = width - indent
    if room < 24:  # too narrow for a column of prose: the sentence goes under the row
        indent, room = 2, max(8, width - 2)
    out = Text(no_wrap=True, overflow="ellipsis")
    for i, row in enumerate(rows):
        if i:
            out.append("\n")
        out.append(row.label.ljust(label_w), "bold")
        out.append(" " + row.value.rjust(value_w) + " ")
        lines = textwrap.wrap(row.explanation, room) or [""]
        if indent == 2:
            out.append("\n" + " " * indent)
        out.append(lines[0], "dim")
        for line in lines[1:]:
            out.append("\n" + " " * indent)
            out.append(line, "dim")
    return out


def _body(line: list[DetailRow], derived: list[DetailRow], raw: str | None, rebuilt: str,
          width: int, extras: list[DetailRow] | None = None) -> RenderableType:
    if raw is not None:
        parts: list[RenderableType] = [safe_text(raw, "italic")]
    else:
        parts = [Text(rebuilt, style="italic"), Text("(line rebuilt from the parsed numbers)", style="dim")]
    # What gctui derives first: the printed fields are all in the raw line above.
    parts += [Text("derived by gctui", style="bold underline"), _rows(derived, width),
              Text("the line, field by field", style="bold underline"), _rows(line, width)]
    if extras:
        parts += [Text("printed after the line (Go 1.25+)", style="bold underline"), _rows(extras, width)]
    return Group(*parts)
