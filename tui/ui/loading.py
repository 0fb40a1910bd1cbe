"""What the header says while a file loads and while its findings are
worked out: a line that says what is being done and moves.

A whole file is parsed range by range (:mod:`tui.ingest.wholefile`), and
the byte count moves once per range: 32 MiB, a second or more on a slow
machine. Between those steps a spinner turns and the seconds count up, so
a load that is working never looks like a load that hung. The line changes
at most every :data:`FRAME_S`. Textual-free, so every line is a unit test.
"""

from __future__ import annotations

from tui.units import format_bytes

SPINNER = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏"
FRAME_S = 0.25  # a new spinner frame four times a second: moving, not busy


def _frame(elapsed_s: float) -> str:
    return SPINNER[int(max(0.0, elapsed_s) / FRAME_S) % len(SPINNER)]


def _seconds(elapsed_s: float) -> str:
    s = int(max(0.0, elapsed_s))
    return f"{s}s" if s < 60 else f"{s // 60}m{s % 60:02d}s"


def reading(done: int, total: int, elapsed_s: float) -> str:
    """``⠹ reading 412.0 MiB of 1.0 GiB · 37% · 4s``."""
    pct = 100 * done / total if total > 0 else 0.0
    return (f"{_frame(elapsed_s)} reading {format_bytes(done)} of {format_bytes(total)} · {pct:.0f}%"
            f" · {_seconds(elapsed_s)}")


def summarising(cycles: int, elapsed_s: float) -> str:
    """``⠹ summarising the findings of 1,152 cycles · 2s``: the file is read,
    the full findings scan runs (the screen's numbers wait for it). No
    ``…``: on a terminal that is the mark of a line cut short."""
    return f"{_frame(elapsed_s)} summarising the findings of {cycles:,} cycles · {_seconds(elapsed_s)}"
