"""The selected cycle: every field of its gctrace line, explained, and the line.

Titled ``gc N`` so the user always knows which cycle they are reading. The
raw line is the runtime's own text when gctui kept it (live sources) and a
reconstruction from the parsed numbers otherwise (a file read in bulk),
labelled as such.
"""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.containers import VerticalScroll
from textual.widgets import Static

from tui.explain import DetailRow, cycle_rows, derived_rows, reconstruct_line
from tui.view import View
from tui.widgets.text import safe_text


class CycleDetail(VerticalScroll, can_focus=False):
    """A scrollable panel with the selected cycle's fields."""

    DEFAULT_CSS = """
    CycleDetail { border: round $primary 50%; border-title-color: $text-accent; }
    CycleDetail > Static { width: 1fr; }
    """

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.border_title = "cycle detail"
        self._key: tuple[int, int] | None = None

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
        key = (i, view.count if i >= view.count - 2 else 0)
        if key == self._key:
            return
        self._key = key
        store = view.model.cycles
        cycle = store.cycle(i)
        self.border_title = f"gc {cycle.n}"
        self.border_subtitle = f"line {cycle.meta.line_no}" if cycle.meta.line_no else ""
        raw = view.model.raw_lines.get(i)
        self.query_one("#detail-body", Static).update(
            _body(cycle_rows(cycle), derived_rows(store, i), raw, reconstruct_line(cycle)))


def _table(rows: list[DetailRow]) -> Table:
    table = Table.grid(padding=(0, 1), expand=True)
    table.add_column(style="bold", no_wrap=True)
    table.add_column(justify="right", no_wrap=True)
    table.add_column(style="dim", ratio=1, no_wrap=True, overflow="ellipsis")
    for row in rows:
        table.add_row(row.label, row.value, row.explanation)
    return table


def _body(line: list[DetailRow], derived: list[DetailRow], raw: str | None, rebuilt: str) -> RenderableType:
    if raw is not None:
        parts: list[RenderableType] = [safe_text(raw, "italic")]
    else:
        parts = [Text(rebuilt, style="italic"), Text("(line rebuilt from the parsed numbers)", style="dim")]
    parts += [Text(""), _table(line), Text("derived by gctui", style="bold underline"), _table(derived)]
    return Group(*parts)
