"""The pause histogram panel (lower panel ``5``): how long the world stops.

The pause chart shows each cycle's total pause; this shows their
distribution, sweep termination and mark termination apart, on log-scaled
buckets, over the cycles charted (or the marked range). A long tail in one
phase points at its cause: sweep termination waits for every goroutine to
reach a safe point, mark termination finishes the mark.
"""

from __future__ import annotations

import math
from typing import ClassVar

from rich.text import Text

from tui.analysis.pause_hist import PauseHistogram, pause_histogram
from tui.model import Model
from tui.ui import plot
from tui.ui.widgets.rows_panel import RowsPanel

EMPTY = "No cycles to count yet: pauses appear here once gc lines arrive."
NO_PAUSES = "These cycles carry no pause times (gctrace before Go 1.5 prints none)."
LABEL_WIDTH = 16  # "0.002–0.005 ms" and a gap


def fmt_edge(ms: float) -> str:
    """A bucket edge in ms without float noise: 0.005, 0.01, 2, 500."""
    return f"{ms:.3f}".rstrip("0").rstrip(".") if ms < 1 else f"{ms:g}"


def bucket_label(lo: float, hi: float) -> str:
    return f"{fmt_edge(lo)}–{fmt_edge(hi)} ms"


class PauseHistogramPanel(RowsPanel[PauseHistogram]):
    """A line per bucket, two text bars on it: sweep termination, mark termination."""

    PREFIX = "pause-hist"
    TITLE = "STW pauses"
    DEFAULT_CSS = """
    PauseHistogramPanel { height: 1fr; }
    PauseHistogramPanel > .pause-hist--sweep { color: $primary; }
    PauseHistogramPanel > .pause-hist--mark { color: $secondary; }
    PauseHistogramPanel > .pause-hist--label { color: $text-muted; }
    PauseHistogramPanel > .pause-hist--title { text-style: bold; }
    """
    COMPONENT_CLASSES: ClassVar[set[str]] = {"pause-hist--sweep", "pause-hist--mark", "pause-hist--label",
                                             "pause-hist--title"}

    def analyse(self, model: Model, rows: range) -> PauseHistogram:
        return pause_histogram(model.cycles, rows)

    def lines(self, width: int) -> list[Text]:
        """The panel's text: title, legend, then one line per bucket and phase."""
        label = self._style("label")
        hist = self.result
        if hist is None:
            return [Text(EMPTY, style=label)]
        title = self.title(self.TITLE)
        if not hist.edges_ms:
            return [title, Text(NO_PAUSES, style=label)]
        sweep, mark = self._style("sweep"), self._style("mark")
        top = max(max(hist.sweep_term), max(hist.mark_term))
        digits = max(3, len(str(top)))
        bar_w = max(3, (width - LABEL_WIDTH - 2 * (digits + 2)) // 2)
        head = Text("".rjust(LABEL_WIDTH), end="")
        head.append("█", style=sweep)
        head.append(" sweep term.".ljust(digits + 1 + bar_w))
        head.append("█", style=mark)
        head.append(" mark term.")
        maxima = Text("max".rjust(LABEL_WIDTH - 1) + " ", style=label, end="")
        maxima.append(_ms(hist.max_sweep_term_ms).ljust(digits + 2 + bar_w))
        maxima.append(_ms(hist.max_mark_term_ms))
        out = [title, head, maxima]
        for i, (s, m) in enumerate(zip(hist.sweep_term, hist.mark_term)):
            text = bucket_label(hist.edges_ms[i], hist.edges_ms[i + 1])
            line = Text(text.rjust(LABEL_WIDTH - 1) + " ", style=label, end="")
            for n, style in ((s, sweep), (m, mark)):
                line.append(f"{n:>{digits}} ")
                line.append(plot.hbar(n, top, bar_w) + " ", style=style)
            out.append(line)
        return out



def _ms(value: float) -> str:
    return "–" if math.isnan(value) else plot.fmt_stw(value)
