"""What the widgets are asked to draw: the model and the user's place in it.

Kept apart from the app so selection logic is testable without Textual.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Mapping

from tui.model import Model


@dataclass(frozen=True, slots=True)
class View:
    """One frame's question to the widgets.

    ``rows`` are the cycle-store indices the charts cover (one segment, a
    window ending at or around the selection, or the whole segment when
    zoomed out); ``selected`` is the selected cycle's store index (None when
    there are no cycles); ``count`` is how many cycles are committed (read
    no row at or past it: a source thread may be appending).
    """

    model: Model
    rows: range
    selected: int | None
    count: int
    following: bool = True
    # The raw text of a cycle row: kept for live cycles, read back from the
    # file by ingest for a loaded one (the model does no I/O).
    raw_line: Callable[[int], str | None] | None = None
    # The x-axis: equal stretches of time per chart column (the screen's
    # default, ``t`` toggles) or equal numbers of cycles (the widgets' default,
    # which their unit tests rely on).
    by_time: bool = False
    # The heap chart's y-axis starts at 0 rather than fitting the data shown.
    heap_from_zero: bool = False
    # Marked ranges of rows (``v``), oldest first: the charts tint them.
    marks: tuple[range, ...] = ()
    # The row a range being marked starts at (``v`` pressed once).
    mark_from: int | None = None
    # The pods of a multi-pod stream while its whole stream is shown (their
    # rows interleave in ``model``); empty otherwise.
    sources: Mapping[str, Model] = field(default_factory=dict)

    @property
    def committed_rows(self) -> range:
        """``rows`` cut at ``count``: the rows a chart may read (those past it
        may still be being written by the source thread)."""
        stop = min(self.rows.stop, self.count)
        return range(min(self.rows.start, stop), stop)
