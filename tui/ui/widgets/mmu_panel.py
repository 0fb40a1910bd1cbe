"""The MMU panel (lower panel ``6``): the least CPU the program got.

Minimum mutator utilisation at window w is the smallest share of the CPU
the program's own goroutines had in any stretch of w: a 10 ms MMU of 60 %
means some 10 ms request saw 40 % of its CPU go to the collector. Average
GC CPU hides this; latency budgets feel it. Estimated from gctrace by
:mod:`tui.analysis.mmu`, over the cycles charted (or the marked range).
"""

from __future__ import annotations

import textwrap
from typing import ClassVar

from rich.text import Text

from tui.analysis.mmu import has_phases, mmu
from tui.model import Model
from tui.ui import plot
from tui.ui.widgets.rows_panel import RowsPanel

WINDOWS_MS: tuple[float, ...] = (1, 2, 5, 10, 20, 50, 100, 1000, 10000)
WORST_MS = 10.0
EMPTY = "No cycles yet: the MMU appears here once gc lines arrive."
NO_PHASES = "These cycles carry no timestamps or clock phases (Go 1.5+ gctrace has them): no MMU."
EXPLAIN = "MMU: the least share of the CPU the program got in any window of that length."
LABEL_WIDTH = 8  # "10 s" right-aligned and a gap
VALUE_WIDTH = 8  # " 100.0 %"


def fmt_window(ms: float) -> str:
    return f"{ms / 1000:g} s" if ms >= 1000 else f"{ms:g} ms"


def fmt_mmu(value: float | None) -> str:
    """An MMU as a percentage, or a dash for a window longer than the cycles cover."""
    return "–" if value is None else f"{value * 100:.1f} %"


class MMUPanel(RowsPanel[list[float | None] | None]):
    """One bar per window, 0 to 100 %, with its value."""

    PREFIX = "mmu-panel"
    TITLE = "Minimum mutator utilisation"
    DEFAULT_CSS = """
    MMUPanel { height: 1fr; }
    MMUPanel > .mmu-panel--bar { color: $primary; }
    MMUPanel > .mmu-panel--label { color: $text-muted; }
    MMUPanel > .mmu-panel--title { text-style: bold; }
    """
    COMPONENT_CLASSES: ClassVar[set[str]] = {"mmu-panel--bar", "mmu-panel--label", "mmu-panel--title"}

    def analyse(self, model: Model, rows: range) -> list[float | None] | None:
        """MMU (0..1) per window; None when the rows have no clock phases."""
        if not has_phases(model.cycles, rows):
            return None
        return mmu(model.cycles, rows, WINDOWS_MS)

    def worst(self) -> float | None:
        values = self.result
        return None if values is None else values[WINDOWS_MS.index(WORST_MS)]

    def lines(self, width: int) -> list[Text]:
        label = self._style("label")
        if not len(self.rows):
            return [Text(EMPTY, style=label)]
        title = self.title(self.TITLE)
        values = self.result
        if values is None:
            return [title, Text(NO_PHASES, style=label)]
        worst = self.worst()
        headline = Text(f"worst {WORST_MS:g} ms window: ", end="")
        headline.append("longer than the cycles shown" if worst is None else f"mutator got {worst * 100:.1f} %",
                        style="bold")
        out = [title, headline]
        out += [Text(line, style=label) for line in textwrap.wrap(EXPLAIN, max(20, width))]
        bar_w = max(4, width - LABEL_WIDTH - VALUE_WIDTH - 1)
        for window, value in zip(WINDOWS_MS, values):
            line = Text(fmt_window(window).rjust(LABEL_WIDTH - 1) + " ", style=label, end="")
            line.append(plot.hbar(value or 0.0, 1.0, bar_w), style=self._style("bar"))
            line.append(fmt_mmu(value).rjust(VALUE_WIDTH))
            out.append(line)
        return out

