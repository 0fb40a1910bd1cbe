"""Drawing bar rows into Rich text: the one loop every bar chart shares.

A bar chart's row is a string of block characters (:func:`tui.ui.plot.bar_rows`)
coloured column by column, with the selected cycle's column on a highlighted
background; the compact charts put their label above the bars, or beside
them when they are one row high.
"""

from __future__ import annotations

from typing import Sequence

from rich.style import Style
from rich.text import Text

from tui.ui import plot


def append_bar_row(out: Text, row: str, styles: Style | Sequence[Style | None], selected: int | None,
                   selected_bg: Style) -> None:
    """Append ``row`` to ``out``: column ``i`` in ``styles[i]`` (or one style
    for all), the ``selected`` column on ``selected_bg``'s background."""
    keys = [(styles if isinstance(styles, Style) else (styles[i] or Style()), i == selected)
            for i in range(len(row))]
    for a, b, (style, is_sel) in plot.runs(keys):
        out.append(row[a:b], style + selected_bg if is_sel else style)


def labelled_bars(rows: list[str], styles: Style | Sequence[Style | None], selected: int | None,
                  selected_bg: Style, label: Text, height: int, bar_width: int) -> Text:
    """Bars with their label above them, or after them on a one-row chart."""
    out = Text(no_wrap=True, overflow="crop", end="")
    if height > 1:
        out.append_text(label)
        out.append("\n")
    for r, row in enumerate(rows):
        append_bar_row(out, row, styles, selected, selected_bg)
        if height == 1:
            out.append(" " * (bar_width - len(row)) + " ")
            out.append_text(label)
        if r < len(rows) - 1:
            out.append("\n")
    return out
