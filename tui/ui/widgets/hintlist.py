"""The list of escape hints: file and function headers, then hints.

Drawn with the Line API (only visible rows are rendered), over the rows
:func:`tui.escapes.grouping.group` builds, so a package with thousands of
verdicts scrolls and filters as quickly as one with ten. The cursor stops
on hint rows only; headers are there to read.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from tui.escapes.analyze import Analysis
from tui.escapes.grouping import Row
from tui.escapes.kinds import HEAP_KINDS, SHORT
from tui.escapes.ranking import Ranking
from tui.sanitize import visible


class HintList(ScrollView, can_focus=True):
    """Grouped hints with a cursor; posts :class:`HintList.Highlighted`."""

    COMPONENT_CLASSES = {"hint-list--file", "hint-list--function", "hint-list--heap", "hint-list--stack",
                         "hint-list--where", "hint-list--share", "hint-list--cursor", "hint-list--empty"}
    DEFAULT_CSS = """
    HintList { background: $surface; }
    HintList > .hint-list--file { color: $primary; text-style: bold; }
    HintList > .hint-list--function { color: $secondary; }
    HintList > .hint-list--heap { color: $warning; }
    HintList:light > .hint-list--heap { color: $foreground; background: $warning 40%; }
    HintList > .hint-list--stack { color: $success; }
    HintList > .hint-list--where { color: $text-muted; }
    HintList > .hint-list--share { color: $text-error; text-style: bold; }
    HintList > .hint-list--cursor { background: $block-cursor-blurred-background; }
    HintList:focus > .hint-list--cursor { background: $block-cursor-background; color: $block-cursor-foreground; }
    HintList > .hint-list--empty { color: $text-muted; text-style: italic; }
    """
    BINDINGS = [
        Binding("down", "move(1)", "Next hint", id="escapes.next", show=False),
        Binding("up", "move(-1)", "Previous hint", id="escapes.previous", show=False),
        Binding("pagedown", "page(1)", "Page down", id="escapes.page_down", show=False),
        Binding("pageup", "page(-1)", "Page up", id="escapes.page_up", show=False),
        Binding("home", "edge(0)", "First hint", id="escapes.first", show=False),
        Binding("end", "edge(1)", "Last hint", id="escapes.last", show=False),
    ]

    cursor: reactive[int | None] = reactive(None, always_update=True)

    class Highlighted(Message):
        """The cursor is on the hint at ``index`` (in the analysis) or on
        nothing; ``by_user`` when a key or click moved it."""

        def __init__(self, index: int | None, by_user: bool) -> None:
            super().__init__()
            self.index = index
            self.by_user = by_user

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.rows: tuple[Row, ...] = ()
        self.analysis: Analysis | None = None
        self.ranking: Ranking | None = None
        self.empty_text = ""

    def set_rows(self, rows: Sequence[Row], analysis: Analysis | None, ranking: Ranking | None,
                 cursor: int | None, empty_text: str = "") -> None:
        """Show new rows with the cursor on row ``cursor`` (moved to the next
        hint row when it is a header)."""
        self.rows = tuple(rows)
        self.analysis, self.ranking = analysis, ranking
        self.empty_text = empty_text
        self.virtual_size = Size(self.size.width, len(self.rows))
        self._set_cursor(self._nearest(cursor or 0), by_user=False)
        self.refresh()

    @property
    def hint_index(self) -> int | None:
        """The analysis index of the hint under the cursor."""
        return self.rows[self.cursor].index if self.cursor is not None else None

    # -- moving ------------------------------------------------------------------------

    def _find(self, row: int, step: int) -> int | None:
        """The first hint row from ``row`` on, going ``step``; None if none."""
        while 0 <= row < len(self.rows):
            if self.rows[row].level == "hint":
                return row
            row += step
        return None

    def _nearest(self, row: int, step: int = 1) -> int | None:
        """The hint row at ``row`` (clamped), else the next one ``step``-wards, else back."""
        row = min(max(row, 0), len(self.rows) - 1)
        found = self._find(row, step)
        return found if found is not None else self._find(row, -step)

    def _set_cursor(self, row: int | None, *, by_user: bool) -> None:
        self.cursor = row
        if row is not None:
            top, height = round(self.scroll_offset.y), max(1, self.size.height)
            if row < top + 1:
                # Keep the function header above the hint in view when there is room.
                self.scroll_to(y=max(0, row - 2), animate=False, immediate=True)
            elif row >= top + height:
                self.scroll_to(y=row - height + 1, animate=False, immediate=True)
        self.post_message(self.Highlighted(self.hint_index, by_user))

    def action_move(self, delta: int) -> None:
        if self.cursor is not None:
            found = self._find(self.cursor + delta, 1 if delta > 0 else -1)
            if found is not None:
                self._set_cursor(found, by_user=True)

    def action_page(self, direction: int) -> None:
        if self.cursor is not None:
            found = self._nearest(self.cursor + direction * max(1, self.size.height - 1), direction)
            if found is not None:
                self._set_cursor(found, by_user=True)

    def action_edge(self, end: int) -> None:
        found = self._find(len(self.rows) - 1, -1) if end else self._find(0, 1)
        if found is not None:
            self._set_cursor(found, by_user=True)

    def select_row(self, row: int, *, by_user: bool = False) -> None:
        """Put the cursor on row ``row``, or the nearest hint below a header."""
        found = self._nearest(row)
        if found is not None:
            self._set_cursor(found, by_user=by_user)

    def on_click(self, event: events.Click) -> None:
        row = round(self.scroll_offset.y) + event.y
        if 0 <= row < len(self.rows):
            self.focus()
            self.select_row(row, by_user=True)

    # -- drawing -----------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        row_no = round(self.scroll_offset.y) + y
        if not self.rows:
            if y == 0 and self.empty_text:
                text = Text(self.empty_text, style=self.get_component_rich_style("hint-list--empty"), end="")
                return Strip(list(text.render(self.app.console))).crop_extend(0, width, self.rich_style)
            return Strip.blank(width, self.rich_style)
        if row_no >= len(self.rows):
            return Strip.blank(width, self.rich_style)
        text = self._row_text(self.rows[row_no], width)
        if row_no == self.cursor:
            text.stylize(self.get_component_rich_style("hint-list--cursor"))
        x = round(self.scroll_offset.x)
        segments = [s for s in text.render(self.app.console) if s.text != "\n"]
        return Strip(segments).crop_extend(x, x + width, self.rich_style)

    def _row_text(self, row: Row, width: int) -> Text:
        style = self.get_component_rich_style
        share = self._share(row)
        if row.level == "file":
            text = Text(visible(row.file), style=style("hint-list--file"), no_wrap=True, end="")
            text.append("  " + _counts(row.counts), style=style("hint-list--where"))
        elif row.level == "function":
            text = Text("  " + visible(row.function), style=style("hint-list--function"), no_wrap=True, end="")
            text.append("  " + _counts(row.counts), style=style("hint-list--where"))
        else:
            assert self.analysis is not None and row.index is not None
            h = self.analysis.hints[row.index].hint
            where = f"{h.line}:{h.column}" if h.column else str(h.line)
            kind_style = style("hint-list--heap" if h.hint in HEAP_KINDS else "hint-list--stack")
            text = Text(f"    {where:<7} ", style=style("hint-list--where"), no_wrap=True, end="")
            text.append(f"{SHORT.get(h.hint, h.hint):<9} ", style=kind_style)
            text.append(visible(h.subject or h.message))
        if share:
            pad = max(1, width - text.cell_len - len(share))
            text.append(" " * pad + share, style=style("hint-list--share"))
        return text

    def _share(self, row: Row) -> str:
        ranking = self.ranking
        if ranking is None or not row.bytes or not ranking.total:
            return ""
        pct = row.bytes * 100 / ranking.total
        return f"{pct:.0f} %" if pct >= 1 else "<1 %"


def _counts(counts: tuple[tuple[str, int], ...]) -> str:
    return " ".join(f"{n} {SHORT.get(kind, kind)}" for kind, n in counts)
