"""The what-if panel (lower panel ``7``): this workload under other GC settings.

GOGC trades memory for GC CPU: a higher GOGC lets the heap grow further
between cycles, so fewer cycles run. :mod:`tui.analysis.whatif` replays the
observed cycles (the ones charted, or the marked range) under GOGC 50, 100,
200, 400 and GOGC=off with a memory limit, and this panel lays the
prediction out beside what was observed, with the model's assumptions. When
the cycles cannot support a prediction it says why instead of guessing.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from typing import Callable, ClassVar

from rich.text import Text
from textual.worker import get_current_worker

from tui.analysis.whatif import ASSUMPTIONS, Outcome, Refusal, Setting, calibrate, predict
from tui.analysis.whatif_report import assumptions, sensitivity_settings
from tui.model import Model
from tui.ui.widgets.rows_panel import RowsPanel

EMPTY = "No cycles yet: the what-if appears here once gc lines arrive."
SETTING_WIDTH = 18  # "off, limit 62 MiB"
HEAD = ("cycles/min", "GC CPU", "peak heap")
CELL_WIDTHS = (11, 9, 10)


@dataclass(frozen=True, slots=True)
class WhatIf:
    """The observed outcome and one prediction (or refusal) per setting;
    ``refusal`` when the cycles cannot be calibrated at all."""

    observed: Outcome | None
    rows: tuple[tuple[str, Outcome | str], ...]
    refusal: str | None = None
    assumptions: str = ASSUMPTIONS  # with the non-heap memory used, once calibrated


def what_if(model: Model, rows: range, stop: Callable[[], bool] = lambda: False) -> WhatIf:
    """The sensitivity table over ``rows``, as :mod:`tui.analysis.whatif_report` picks the settings.

    ``stop`` is asked before each prediction: over 200,000 cycles the
    calibration and each prediction take up to a second, and a worker the
    app cancelled (quitting, or newer rows asked for) must not keep the
    process for seconds after the screen closed. A stopped table is cut
    short; nobody reads it."""
    try:
        cal = calibrate(model, rows)
    except Refusal as r:
        return WhatIf(None, (), str(r))
    table: list[tuple[str, Outcome | str]] = []
    for setting in sensitivity_settings(cal, None):
        if stop():
            break
        try:
            table.append((short_label(setting), predict(cal, setting)))
        except Refusal as r:
            table.append((short_label(setting), str(r)))
    return WhatIf(cal.observed, tuple(table), assumptions=assumptions(cal, False))


def short_label(setting: Setting) -> str:
    """A setting in the panel's narrow first column: ``GOGC=200``, ``off, limit 62 MiB``."""
    gogc = "off" if setting.gogc is None else f"GOGC={setting.gogc:g}"
    if setting.memlimit_mb is None:
        return gogc
    return f"{gogc}, limit {setting.memlimit_mb:.0f} MiB"


def cells(o: Outcome) -> tuple[str, str, str]:
    """cycles/min, GC CPU and peak heap as the table prints them."""
    return f"{o.cycles_per_min:.0f}", f"{o.gc_cpu_pct:.1f} %", f"{o.peak_heap_mb:.0f} MB"


class WhatIfPanel(RowsPanel[WhatIf]):
    """The sensitivity table, the observed row first, then the assumptions."""

    PREFIX = "whatif-panel"
    TITLE = "What if: GOGC and GOMEMLIMIT"
    WIDTH = 80
    DEFAULT_CSS = """
    WhatIfPanel { height: 1fr; }
    WhatIfPanel > .whatif-panel--label { color: $text-muted; }
    WhatIfPanel > .whatif-panel--title { text-style: bold; }
    """
    COMPONENT_CLASSES: ClassVar[set[str]] = {"whatif-panel--label", "whatif-panel--title"}

    def analyse(self, model: Model, rows: range) -> WhatIf:
        worker = get_current_worker()
        return what_if(model, rows, stop=lambda: worker.is_cancelled)

    def _row(self, name: str, outcome: Outcome | str) -> Text:
        line = Text(name[:SETTING_WIDTH].ljust(SETTING_WIDTH), end="")
        if isinstance(outcome, str):
            line.append(f"refused: {outcome}", style=self._style("label"))
        else:
            line.append("".join(c.rjust(w) for c, w in zip(cells(outcome), CELL_WIDTHS)))
        return line

    def lines(self, width: int) -> list[Text]:
        label = self._style("label")
        result = self.result
        if result is None:
            return [Text(EMPTY, style=label)]
        title = self.title(self.TITLE)
        out = [title]
        if result.refusal is not None:
            out += [Text(line, style=label) for line in textwrap.wrap(f"No prediction: {result.refusal}.", width)]
            return out
        out.append(Text("setting".ljust(SETTING_WIDTH) + "".join(h.rjust(w) for h, w in zip(HEAD, CELL_WIDTHS)),
                        style=self._style("title")))
        if result.observed is not None:
            out.append(self._row("observed", result.observed))
        out += [self._row(name, outcome) for name, outcome in result.rows]
        out += [Text(line, style=label) for line in textwrap.wrap(result.assumptions, max(20, width))]
        return out

